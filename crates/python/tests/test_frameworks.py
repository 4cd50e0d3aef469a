"""One behaviour suite for Starlette and Django, each in-process (TestClient, Django's test
client) and live on 127.0.0.1 over HTTP/1.1 (uvicorn, gunicorn) with httpx and a cookie
jar: a 15 KB session over several cookies, damaged cookies, overflow, check/renew/purge,
key rotation, migration from the framework's own session cookie, and sessions shared with
the Rust playground."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, Callable, Optional

import pytest

from chunked_cookie_session import keygen

from conftest import noise, playground
from frameworks import (
    BUDGET,
    DjangoClient,
    Driver,
    Gunicorn,
    HttpDriver,
    StarletteClient,
    Uvicorn,
    starlette_app,
)

#: gunicorn's default limit per header field (8190) is below a 15 KB session's Cookie
#: line: docs/PYTHON.md says to raise it, and so do these servers.
GUNICORN_LIMITS = ("--limit-request-field_size", "65536")


class Stack:
    """A framework and a way to drive it: makes the app on chunked sessions, and the app
    on the framework's own sessions sharing a client's jar."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.framework = name.split("-")[0]
        self.live = name.endswith(("uvicorn", "gunicorn"))
        self._closers: list[Callable[[], Any]] = []

    def app(self, key: Optional[str] = None, old_keys: tuple[str, ...] = (),
            cookie: Optional[str] = None, share: Optional[Driver] = None) -> Driver:
        """The app on chunked sessions; with `share`, through that driver's cookies."""
        key = key or keygen()
        jar = share.jar() if share is not None else None
        if self.framework == "starlette":
            options: dict[str, Any] = {"key": key, "old_keys": old_keys}
            if cookie:
                options["session_cookie"] = cookie
            app = starlette_app(**options)
            if not self.live:
                return StarletteClient(app, jar)
            return self._http(Uvicorn(app), jar)
        settings: dict[str, Any] = {"CHUNKED_SESSION_KEY": key, "CHUNKED_SESSION_OLD_KEYS": old_keys}
        if cookie:
            settings["SESSION_COOKIE_NAME"] = cookie
        if not self.live:
            return DjangoClient(settings, client=share.client if isinstance(share, DjangoClient) else None)
        env = {"CHUNKED_SESSION_KEY": key, "CHUNKED_SESSION_MAX_SIZE": str(BUDGET)}
        if old_keys:
            env["CHUNKED_SESSION_OLD_KEYS"] = ",".join(old_keys)
        if cookie:
            env["SESSION_COOKIE_NAME"] = cookie
        return self._http(Gunicorn(env, GUNICORN_LIMITS), jar)

    def legacy(self, driver: Driver) -> Driver:
        """The same app on the framework's own session (Starlette's SessionMiddleware,
        Django's signed_cookies backend), with `driver`'s cookies."""
        if self.framework == "starlette":
            app = starlette_app(legacy=True)
            if isinstance(driver, StarletteClient):
                return driver.with_app(app)
            return self._http(Uvicorn(app), driver.jar())
        if isinstance(driver, DjangoClient):
            return driver.with_legacy()
        return self._http(Gunicorn({"DJANGO_SESSIONS": "django"}, GUNICORN_LIMITS), driver.jar())

    def _http(self, server: Any, jar: Any) -> HttpDriver:
        driver = HttpDriver(self.name, server.url, jar)
        self._closers += [server.close, driver.close]
        return driver

    def close(self) -> None:
        for close in reversed(self._closers):
            close()


STACKS = ["starlette-testclient", "starlette-uvicorn", "django-testclient", "django-gunicorn"]
LIVE = [s for s in STACKS if s.endswith(("uvicorn", "gunicorn"))]


@pytest.fixture(params=STACKS)
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    made = Stack(request.param)
    yield made
    made.close()


@pytest.fixture(params=LIVE)
def live_stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    made = Stack(request.param)
    yield made
    made.close()


def first(stack: Stack) -> str:
    return "session" if stack.framework == "starlette" else "sessionid"


def test_a_15_kb_session_round_trips_over_several_cookies(stack: Stack) -> None:
    client = stack.app()
    name = first(stack)
    rv = client.post("/blob/15000")
    assert rv.status == 200, rv.body
    lines = rv.set_cookies()
    # One Set-Cookie field per cookie, each within what a browser keeps.
    assert len(lines) >= 4 and rv.sets() == [name] + [f"{name}_{i}" for i in range(1, len(lines))]
    for line in lines:
        assert len(line.split(";")[0]) <= 4096 and len(line) <= 4093, len(line)
    assert rv.header("vary") == "Cookie" and rv.header("cache-control") == "private, no-store"
    assert sorted(client.cookies()) == sorted(rv.sets())
    shown = client.get("/show").json()
    assert (shown["reason"], shown["blob"], shown["keys"]) == ("valid", 15000, ["blob"])

    # Shrinking deletes the cookies no longer used, in the same response.
    rv = client.post("/blob/100")
    assert rv.sets() == [name] and sorted(rv.deletions()) == sorted(set(lines_names(lines)) - {name})
    assert list(client.cookies()) == [name]
    assert client.get("/show").json()["blob"] == 100
    rv = client.post("/clear")
    assert rv.deletions() == [name] and rv.sets() == []
    assert client.cookies() == {}
    assert client.get("/show").json()["reason"] == "no-session"


def lines_names(lines: list[str]) -> list[str]:
    return [line.partition("=")[0] for line in lines]


def test_untouched_requests_write_nothing(stack: Stack) -> None:
    client = stack.app()
    client.post("/set/user", b'"ada"')
    rv = client.get("/untouched")
    assert rv.set_cookies() == [] and "Cookie" not in (rv.header("vary") or "")
    rv = client.get("/show")
    assert rv.set_cookies() == [] and rv.header("vary") == "Cookie"


def test_damaged_cookies_give_an_empty_session_with_a_reason(stack: Stack) -> None:
    client = stack.app()
    name = first(stack)
    client.post("/blob/15000")
    good = client.cookies()

    # Tampering with one chunk: refused as a whole, never a 500.
    value = good[f"{name}_2"]
    client.set_cookie(f"{name}_2", value[:100] + ("A" if value[100] != "A" else "B") + value[101:])
    rv = client.get("/show")
    assert rv.status == 200 and rv.json()["reason"] == "bad-signature" and rv.json()["keys"] == []

    # ... and a response that only reads it leaves it in place: a cookie this server cannot
    # verify may be a live session under another key (a deploy with the wrong one).
    assert rv.deletions() == [] and sorted(client.cookies()) == sorted(good)
    for cookie in list(client.cookies()):
        client.delete_cookie(cookie)

    # A missing chunk.
    client.post("/blob/15000")
    client.delete_cookie(f"{name}_1")
    rv = client.get("/show")
    assert rv.status == 200 and rv.json()["reason"] == "missing-chunk" and rv.json()["blob"] == 0

    # Garbage where the first chunk goes: refused, and left alone by a read.
    for cookie in list(client.cookies()):
        client.delete_cookie(cookie)
    client.post("/set/user", b'"ada"')
    client.set_cookie(name, "not-a-session")
    rv = client.get("/show")
    assert rv.status == 200 and rv.json()["reason"] == "malformed"
    assert rv.deletions() == []


def test_overflow_is_an_error_and_the_client_keeps_its_cookies(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    client = stack.app()
    client.post("/blob/10000")
    before = client.cookies()
    with caplog.at_level(logging.ERROR, logger="chunked_cookie_session"):
        rv = client.post("/blob/60000")
    assert rv.status == 500 and rv.set_cookies() == []
    assert client.cookies() == before
    assert client.get("/show").json()["blob"] == 10000  # the previous session still reads
    if not stack.live:
        [record] = [r for r in caplog.records if r.name == "chunked_cookie_session"]
        setting = "max_size" if stack.framework == "starlette" else "CHUNKED_SESSION_MAX_SIZE"
        assert f"raise {setting}" in record.getMessage() and str(BUDGET) in record.getMessage()

    # A handler can ask first.
    asked = client.post("/check/60000").json()
    assert not asked["fits"] and asked["size"] > BUDGET == asked["max_size"]
    assert asked["message"] and str(BUDGET) in asked["message"]
    asked = client.post("/check/20000").json()
    assert asked["fits"] and asked["cookies"] >= 5 and asked["message"] is None


def test_renew_and_purge(stack: Stack) -> None:
    client = stack.app()
    name = first(stack)
    client.post("/blob/9000")
    before = client.cookies()
    rv = client.post("/renew")
    assert sorted(rv.sets()) == sorted(before) and client.cookies()[name] != before[name]
    assert client.get("/show").json()["blob"] == 9000
    rv = client.post("/purge")
    assert sorted(rv.deletions()) == sorted(before) and rv.sets() == []
    assert client.cookies() == {}
    assert client.get("/show").json()["reason"] == "no-session"


def test_key_rotation(stack: Stack) -> None:
    old_key = keygen()
    client = stack.app(old_key)
    client.post("/set/user", b'"ada"')
    name = first(stack)
    sealed_by_old = client.cookies()[name]
    rotated = stack.app(keygen(), old_keys=(old_key,), share=client)
    rv = rotated.get("/show")
    # Read with the old key, sealed again with the new one by the same response.
    assert rv.json()["reason"] == "valid" and rv.json()["keys"] == ["user"]
    assert rv.sets() == [name] and rotated.cookies()[name] != sealed_by_old
    # The old key alone no longer reads it.
    assert stack.app(old_key, share=rotated).get("/show").json()["reason"] == "unknown-key"


def test_migration_from_the_frameworks_own_cookie_keeps_the_user(stack: Stack) -> None:
    client = stack.app()
    before = stack.legacy(client)
    rv = before.post("/login")
    assert rv.status == 200 and first(stack) in before.cookies()
    old = before.cookies()[first(stack)]

    rv = client.get("/show")
    shown = rv.json()
    assert shown["user"] == "ada" and shown["reason"] == "valid"
    assert shown["migrated"] == stack.framework
    # Written in the new format by that same response, over the old cookie.
    assert rv.sets() == [first(stack)] and client.cookies()[first(stack)] != old
    assert client.get("/value/cart").json()["value"] == [1, 2, 3]
    shown = client.get("/show").json()
    assert shown["user"] == "ada" and shown["migrated"] is None


def test_a_playground_session_is_read_and_written_back(live_stack: Stack) -> None:
    key = keygen()
    with playground(key, BUDGET) as rust:
        client = live_stack.app(key, cookie="session")
        jar = client.jar()
        rust_side = HttpDriver("playground", rust, jar)
        try:
            # The playground writes a session over several cookies; the Python app reads it.
            notes = json.dumps(noise(12000, seed=7)).encode()
            assert rust_side.request("PUT", "/api/session/notes", notes).status == 200
            assert "session_1" in client.cookies()
            rv = client.get("/value/notes")
            assert rv.json()["value"] == json.loads(notes)
            assert client.get("/show").json()["reason"] == "valid"

            # The Python app writes; the playground reads every entry.
            client.post("/blob/12000")
            client.post("/set/pair", b'{"a": [1, 2.5, null, true]}')
            shown = json.loads(rust_side.get("/api/session").body)
            assert shown["load"] == "valid"
            assert shown["entries"]["pair"] == {"a": [1, 2.5, None, True]}
            assert len(shown["entries"]["blob"]) == 12000
        finally:
            rust_side.close()
