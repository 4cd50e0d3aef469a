"""Errors a Flask developer can handle: why a session was refused, in
`session.load_reason` and the logs; a session over budget; hostile cookies."""

from __future__ import annotations

import logging
from typing import Any, Callable

import flask
import pytest

from chunked_cookie_session.flask import SessionNotSaved, SessionSize, SessionTooLarge

from conftest import LiveServer, make_app, noise, set_cookies


@pytest.mark.parametrize("fmt", ["signed", "flask"])
def test_overflow_writes_nothing_and_answers_500(fmt: str, caplog: pytest.LogCaptureFixture) -> None:
    app = make_app(CHUNKED_SESSION_FORMAT=fmt, CHUNKED_SESSION_MAX_SIZE=8 * 1024,
                   CHUNKED_SESSION_FLASK_LAYOUT="chunked")
    client = app.test_client()
    client.post("/blob/1000")
    before = {c.key: c.value for c in client._cookies.values()}
    with caplog.at_level(logging.ERROR, logger="chunked_cookie_session"):
        rv = client.post("/blob/30000")
    assert rv.status_code == 500
    assert b"could not be saved" in rv.data or b"too large" in rv.data
    assert set_cookies(rv) == []
    assert {c.key: c.value for c in client._cookies.values()} == before
    assert client.get("/show").json["blob"] == 1000  # the previous session still reads
    [record] = [r for r in caplog.records if r.name == "chunked_cookie_session"]
    assert record.levelno == logging.ERROR and "8192" in record.getMessage()
    assert "raise CHUNKED_SESSION_MAX_SIZE" in record.getMessage()
    assert "max_size" not in record.getMessage()


def test_the_apps_handler_answers_instead() -> None:
    app = make_app(CHUNKED_SESSION_MAX_SIZE=8 * 1024)

    @app.errorhandler(SessionTooLarge)
    def too_large(err: SessionTooLarge) -> Any:
        return {"error": "too large", "needed": err.needed, "limit": err.limit}, 413

    client = app.test_client()
    rv = client.post("/blob/30000")
    assert rv.status_code == 413 and rv.json["limit"] == 8192 and rv.json["needed"] > 8192
    assert set_cookies(rv) == []

    plain = make_app(CHUNKED_SESSION_MAX_SIZE=8 * 1024)

    @plain.errorhandler(500)
    def server_error(err: Any) -> Any:
        return f"sorry: {type(err).__name__}", 500

    rv = plain.test_client().post("/blob/30000")
    assert rv.status_code == 500 and rv.text == "sorry: SessionTooLarge"
    assert isinstance(SessionTooLarge.__mro__[1], type) and issubclass(SessionTooLarge, SessionNotSaved)


def test_errors_the_view_makes_itself_keep_their_status() -> None:
    app = make_app(CHUNKED_SESSION_MAX_SIZE=8 * 1024)

    @app.post("/fail/<int:code>")
    def fail(code: int) -> Any:
        flask.session["blob"] = noise(30000)
        return "failed", code

    @app.post("/crash")
    def crash() -> Any:
        flask.session["user"] = "eve"
        return "crashed", 503

    client = app.test_client()
    rv = client.post("/fail/404")
    assert rv.status_code == 404 and set_cookies(rv) == []
    # A 5xx writes nothing, even a session that fits.
    client.post("/set/user/ada")
    rv = client.post("/set/user/bob")
    assert set_cookies(rv)
    rv = client.post("/crash")
    assert rv.status_code == 503 and set_cookies(rv) == []


def test_check_tells_the_view_beforehand() -> None:
    app = make_app(CHUNKED_SESSION_MAX_SIZE=8 * 1024)
    seen: list[SessionSize] = []

    @app.post("/try/<int:n>")
    def try_store(n: int) -> Any:
        previous = flask.session.get("draft")
        flask.session["draft"] = noise(n)
        size = flask.session.check()
        seen.append(size)
        if not size.fits:
            flask.session["draft"] = previous
            return {"stored": False, "message": size.message}, 422
        return {"stored": True}

    client = app.test_client()
    assert client.post("/try/1000").json == {"stored": True}
    assert seen[-1].fits and seen[-1].cookies == 1 and 0 < seen[-1].size < 8192
    assert seen[-1].max_size == 8192 and seen[-1].max_cookies == 16
    rv = client.post("/try/30000")
    assert rv.status_code == 422 and "8192" in rv.json["message"]
    assert not seen[-1].fits and seen[-1].size > 8192
    assert client.get("/show").json["keys"] == ["draft"]
    assert client.post("/try/1000").json == {"stored": True}


HOSTILE = [
    "garbage",
    "a" * 5000,
    "\x00\x01",
    "v1." * 200,
    "%%%;;",
    "eyJ1c2VyIjoiYWxpY2UifQ.ZVPxAA.64FjGVGKqiQC_LBQ0Ln1-5m8au0",
    ".eJwrSS0uUSjJLMnPAwAaMQSv.ZVPxAA.xx",
    "A" * 43 + "." + "B" * 4000,
    "🍪",
]


@pytest.mark.parametrize("fmt", ["signed", "private", "flask"])
def test_hostile_cookies_never_raise(fmt: str, caplog: pytest.LogCaptureFixture) -> None:
    app = make_app(CHUNKED_SESSION_FORMAT=fmt)
    client = app.test_client(use_cookies=False)
    caplog.set_level(logging.INFO, logger="chunked_cookie_session")
    for value in HOSTILE:
        for name in ("session", "session_1", "session:0", "session_99"):
            rv = client.get("/show", headers={"Cookie": f"{name}={value}"})
            assert rv.status_code == 200, (name, value)
            assert rv.json["keys"] == []
            assert rv.json["reason"] in (
                "no-session", "malformed", "bad-signature", "too-large", "missing-chunk",
                "unknown-key", "expired", "too-many-chunks", "stale-chunk", "foreign-key",
            )
    levels = {r.levelno for r in caplog.records}
    assert levels <= {logging.INFO, logging.WARNING}


def test_reasons_are_logged_at_the_crates_levels(caplog: pytest.LogCaptureFixture) -> None:
    app = make_app()
    client = app.test_client()
    caplog.set_level(logging.DEBUG, logger="chunked_cookie_session")
    client.set_cookie("session", "garbage")
    assert client.get("/show").json["reason"] == "malformed"
    client.post("/blob/12000")
    client.delete_cookie("session_1")
    assert client.get("/show").json["reason"] == "missing-chunk"
    records = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "chunked_cookie_session"]
    assert records[0][0] == logging.WARNING and "malformed" in records[0][1]
    assert records[-1][0] == logging.INFO and "missing-chunk" in records[-1][1]
    assert "dropped a cookie" in records[-1][1]


def test_a_value_json_cannot_write_is_flasks_error() -> None:
    app = make_app()

    @app.post("/object")
    def store_object() -> str:
        flask.session["x"] = object()
        return ""

    @app.post("/keys")
    def tuple_keys() -> str:
        flask.session["x"] = {(1, 2): "one"}
        return ""

    @app.post("/cycle")
    def cycle() -> str:
        loop: list[Any] = []
        loop.append(loop)
        flask.session["x"] = loop
        return ""

    client = app.test_client()
    with pytest.raises(TypeError, match="not JSON serializable"):
        client.post("/object")
    with pytest.raises(TypeError, match="keys must be str, int, float, bool or None, not tuple"):
        client.post("/keys")
    with pytest.raises(ValueError, match="nested deeper"):
        client.post("/cycle")


def test_live_overflow_keeps_the_previous_session(live: Callable[..., LiveServer]) -> None:
    app = make_app(CHUNKED_SESSION_MAX_SIZE=8 * 1024, TESTING=False)
    server = live(app)
    server.request("POST", "/blob/1000")
    status, _, headers = server.request("POST", "/blob/30000")
    assert status == 500 and headers.get_all("Set-Cookie") is None
    status, body, _ = server.request("GET", "/show")
    assert b'"blob":1000' in body.replace(b" ", b"")


@pytest.mark.parametrize("fmt", ["signed", "flask"])
def test_hostile_cookies_over_a_live_server(fmt: str, live: Callable[..., LiveServer]) -> None:
    server = live(make_app(CHUNKED_SESSION_FORMAT=fmt, TESTING=False))
    for value in [v for v in HOSTILE if v.isascii() and v.isprintable()] + ["x" * 9000]:
        for name in ("session", "session_1", "session:0"):
            header = {"Cookie": f"{name}={value}; {name}={value[::-1]}"}
            status, body, _ = server.request("GET", "/show", headers=header)
            assert status == 200, (name, value, body)
            assert b'"keys":[]' in body.replace(b" ", b"")
