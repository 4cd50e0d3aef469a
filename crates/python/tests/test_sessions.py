"""Sessions through Flask's test client and a live server: growing and shrinking across
cookies, every Python type, Vary, untouched requests, damaged cookies and key rotation."""

from __future__ import annotations

import json
from typing import Any, Callable

import flask
import pytest
from flask import Flask

from chunked_cookie_session import keygen

from conftest import EVERY_TYPE, LiveServer, deletions, make_app, same, set_cookies, sets

FORMATS: list[dict[str, Any]] = [
    {"CHUNKED_SESSION_FORMAT": "signed"},
    {"CHUNKED_SESSION_FORMAT": "private"},
    {"CHUNKED_SESSION_FORMAT": "flask", "CHUNKED_SESSION_FLASK_LAYOUT": "chunked"},
]
IDS = ["signed", "private", "flask-chunked"]


def chunk_names(config: dict[str, Any], count: int) -> list[str]:
    if count == 0:
        return []
    if config.get("CHUNKED_SESSION_FLASK_LAYOUT") == "chunked":
        return [f"session:{i}" for i in range(count)]
    return ["session"] + [f"session_{i}" for i in range(1, count)]


@pytest.mark.parametrize("config", FORMATS, ids=IDS)
def test_grow_and_shrink_with_the_test_client(config: dict[str, Any]) -> None:
    app = make_app(**config)
    client = app.test_client()
    held: list[str] = []
    for size, want in [(0, 0), (1000, 1), (30000, None), (1000, 1), (0, 0)]:
        if size:
            rv = client.post(f"/blob/{size}")
        else:
            rv = client.post("/clear")
        written = sets(rv)
        removed = deletions(rv)
        count = want if want is not None else len(written)
        if size == 30000:
            assert count >= 8, written
        assert written == chunk_names(config, count)
        # Deletions first, one line per name, exactly the chunks no longer used.
        assert removed == [n for n in held if n not in written]
        assert [n for n, _, _ in set_cookies(rv)] == removed + written
        held = written if size else []
        jar = sorted(c.key for c in client._cookies.values())
        assert jar == sorted(held)
        rv = client.get("/show")
        assert rv.json["reason"] == ("valid" if held else "no-session")
        assert rv.json["blob"] == size
        assert rv.headers["Vary"] == "Cookie"


@pytest.mark.parametrize("config", FORMATS, ids=IDS)
def test_grow_and_shrink_on_a_live_server(config: dict[str, Any], live: Callable[..., LiveServer]) -> None:
    server = live(make_app(**config))
    for size in [1000, 30000, 1000]:
        status, _, headers = server.request("POST", f"/blob/{size}")
        assert status == 200
        assert headers["Vary"] == "Cookie"
        names = sorted(c.name for c in server.jar)
        status, body, _ = server.request("GET", "/show")
        shown = json.loads(body)
        assert (shown["reason"], shown["blob"]) == ("valid", size), names
        assert len(names) == len(chunk_names(config, len(names)))
    status, _, _ = server.request("POST", "/clear")
    assert list(server.jar) == []


@pytest.mark.parametrize("config", FORMATS, ids=IDS)
def test_every_python_type_round_trips(config: dict[str, Any], live: Callable[..., LiveServer]) -> None:
    app = make_app(**config)

    @app.get("/types", endpoint="read_types")
    def read_types() -> str:
        ok = {k: same(flask.session.get(k), v) for k, v in EVERY_TYPE.items()}
        return json.dumps(ok)

    client = app.test_client()
    client.post("/types")
    assert all(json.loads(client.get("/types").data).values())
    server = live(app)
    server.request("POST", "/types")
    _, body, _ = server.request("GET", "/types")
    assert all(json.loads(body).values()), body


def test_a_response_keeps_its_own_cache_control() -> None:
    app = make_app()

    @app.post("/cached")
    def cached() -> Any:
        flask.session["user"] = "ada"
        return "ok", 200, {"Cache-Control": "no-cache"}

    rv = app.test_client().post("/cached")
    assert sets(rv) and rv.headers.getlist("Cache-Control") == ["no-cache"]


def test_naive_datetimes_come_back_in_utc_as_in_flask() -> None:
    from datetime import datetime, timezone

    app = make_app()

    @app.post("/naive")
    def naive() -> str:
        flask.session["at"] = datetime(2024, 1, 2, 3, 4, 5, 999)
        return ""

    @app.get("/naive")
    def back() -> str:
        return flask.session["at"].isoformat()

    client = app.test_client()
    client.post("/naive")
    assert client.get("/naive").text == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc).isoformat()


@pytest.mark.parametrize("config", FORMATS, ids=IDS)
def test_vary_and_untouched_requests(config: dict[str, Any]) -> None:
    app = make_app(**config)
    client = app.test_client()
    client.post("/set/user/ada")
    rv = client.get("/untouched")
    assert set_cookies(rv) == [] and "Vary" not in rv.headers
    rv = client.get("/show")
    assert set_cookies(rv) == [] and rv.headers["Vary"] == "Cookie"
    # Storing the same value again is a change for Flask: it is written, and a response
    # that sets session cookies is kept out of shared caches.
    rv = client.post("/set/user/ada")
    assert sets(rv)
    assert rv.headers["Cache-Control"] == "private, no-store"
    assert "Cache-Control" not in client.get("/show").headers


def show(app: Flask, cookies: dict[str, str]) -> Any:
    """GET /show with exactly these cookies (sent as a raw header: the test client would
    add its own attributes to large values and warn)."""
    header = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return app.test_client(use_cookies=False).get("/show", headers={"Cookie": header})


@pytest.mark.parametrize("config", FORMATS[:2], ids=IDS[:2])
def test_tampered_missing_and_stale_chunks(config: dict[str, Any]) -> None:
    app = make_app(**config)
    client = app.test_client()
    client.post("/blob/12000")
    cookies = {c.key: c.value for c in client._cookies.values()}
    assert len(cookies) >= 3
    assert show(app, cookies).json["reason"] == "valid"

    # Missing: a chunk the browser dropped. The session is empty, and that response
    # deletes the chunks left over.
    dropped = {k: v for k, v in cookies.items() if k != "session_1"}
    rv = show(app, dropped)
    assert rv.json["reason"] == "missing-chunk" and rv.json["keys"] == []
    assert sorted(deletions(rv)) == sorted(dropped)

    # Stale: a chunk from another write.
    client.post("/blob/12001")
    newer = {c.key: c.value for c in client._cookies.values()}
    assert show(app, dict(newer, session_2=cookies["session_2"])).json["reason"] == "stale-chunk"

    # Tampered: one character changed.
    value = cookies["session_1"]
    flipped = value[:40] + ("A" if value[40] != "A" else "B") + value[41:]
    assert show(app, dict(cookies, session_1=flipped)).json["reason"] in ("bad-signature", "malformed")

    # Extra: a chunk past the count is debris, deleted while the session stays valid.
    rv = show(app, dict(newer, session_9=newer["session_1"]))
    assert rv.json["reason"] == "valid" and deletions(rv) == ["session_9"]


def test_flask_format_chunks_damaged() -> None:
    app = make_app(CHUNKED_SESSION_FORMAT="flask", CHUNKED_SESSION_FLASK_LAYOUT="chunked")
    client = app.test_client()
    client.post("/blob/12000")
    cookies = {c.key: c.value for c in client._cookies.values()}
    rv = show(app, {k: v for k, v in cookies.items() if k != "session:1"})
    # Flask's format has no manifest: a lost piece is a signature that does not verify,
    # and Flask's rule leaves refused cookies alone.
    assert rv.json["reason"] == "bad-signature" and deletions(rv) == []


def test_key_rotation() -> None:
    old, new = keygen(), keygen()
    app = make_app(CHUNKED_SESSION_KEY=old)
    client = app.test_client()
    client.post("/set/user/ada")
    before = client.get_cookie("session").value

    app.config.update(CHUNKED_SESSION_KEY=new, CHUNKED_SESSION_OLD_KEYS=[old])
    rv = client.get("/show")
    assert rv.json["reason"] == "valid" and rv.json["keys"] == ["user"]
    # Read under an old key: sealed again with the current one by that same response.
    assert sets(rv) == ["session"]
    after = client.get_cookie("session").value
    assert after != before
    assert set_cookies(client.get("/show")) == []

    app.config["CHUNKED_SESSION_OLD_KEYS"] = []
    client.set_cookie("session", before)
    rv = client.get("/show")
    assert rv.json["reason"] == "unknown-key" and rv.json["keys"] == []
    # Left for a server that holds the key (tests/test_wrong_secret.py).
    assert deletions(rv) == []
    client.set_cookie("session", after)
    assert client.get("/show").json["reason"] == "valid"


def test_sessions_of_two_apps_stay_apart() -> None:
    a, b = make_app(), make_app()
    client = a.test_client()
    client.post("/set/user/ada")
    cookie = client.get_cookie("session").value
    other = b.test_client()
    other.set_cookie("session", cookie)
    assert other.get("/show").json["reason"] == "unknown-key"


def test_purge_and_renew(live: Callable[..., LiveServer]) -> None:
    app: Flask = make_app()

    @app.post("/purge")
    def purge() -> str:
        flask.session.purge()
        return ""

    @app.post("/purge-and-login")
    def purge_and_login() -> str:
        flask.session.purge()
        flask.session["user"] = "grace"
        return ""

    @app.post("/login")
    def login() -> str:
        flask.session.renew()
        flask.session["user"] = "ada"
        return ""

    client = app.test_client()
    client.post("/blob/9000")
    before = {c.key: c.value for c in client._cookies.values()}
    rv = client.post("/login")
    assert sorted(sets(rv)) == sorted(before)  # every cookie of the old write replaced
    assert all(client.get_cookie(n).value != v for n, v in before.items())
    rv = client.post("/purge")
    assert sorted(deletions(rv)) == sorted(before) and sets(rv) == []
    assert list(client._cookies) == []

    # Purged, then written to: a fresh session replaces every old cookie at once.
    client.post("/blob/9000")
    before = {c.key: c.value for c in client._cookies.values()}
    rv = client.post("/purge-and-login")
    assert sets(rv) == ["session"]
    assert sorted(deletions(rv)) == sorted(n for n in before if n != "session")
    assert client.get("/show").json["keys"] == ["user"]
