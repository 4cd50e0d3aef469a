"""A deploy with the wrong key logs nobody out for good (issue 19): the extension in a
native format, taking sessions over from stock Flask, meets a Flask cookie that another
``SECRET_KEY`` signed, or its own cookie sealed by another ``CHUNKED_SESSION_KEY``. The
session is empty, the reason and the log say why, the response deletes nothing, and the
app rolled back to the right key reads the session again."""

from __future__ import annotations

import logging

import flask
import pytest
from flask import Flask

from chunked_cookie_session import keygen
from conftest import deletions, make_app, sets

RIGHT = "the SECRET_KEY that signed it"
WRONG = "a SECRET_KEY deployed by mistake"


def stock_cookie() -> str:
    """A session cookie made by stock Flask (its own session interface) under ``RIGHT``."""
    app = Flask("before")
    app.config.update(TESTING=True, SECRET_KEY=RIGHT)

    @app.post("/login")
    def login() -> str:
        flask.session["user"] = "ada"
        return "ok"

    client = app.test_client()
    client.post("/login")
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


@pytest.mark.parametrize("fmt", ["signed", "private"])
def test_a_flask_cookie_under_another_secret_key_is_named_and_kept(
    fmt: str, caplog: pytest.LogCaptureFixture
) -> None:
    cookie = stock_cookie()
    caplog.set_level(logging.INFO, logger="chunked_cookie_session")
    misconfigured = make_app(CHUNKED_SESSION_FORMAT=fmt, SECRET_KEY=WRONG)
    client = misconfigured.test_client()
    client.set_cookie("session", cookie)
    rv = client.get("/show")
    assert rv.status_code == 200
    assert rv.json["reason"] == "foreign-key"
    assert rv.json["keys"] == [] and rv.json["migrated"] is None
    # A read-only response deletes nothing, and the browser keeps the cookie as it was.
    assert deletions(rv) == [] and sets(rv) == []
    kept = client.get_cookie("session")
    assert kept is not None and kept.value == cookie
    # The log says what it looks like, at WARNING, and shows nothing of the cookie.
    lines = [r for r in caplog.records if "foreign-key" in r.getMessage()]
    assert lines and all(r.levelno == logging.WARNING for r in lines)
    assert "looks like a Flask session signed with another secret key" in lines[0].getMessage()
    assert cookie[:20] not in caplog.text

    # Rolled back to the right SECRET_KEY: the same cookie is read and taken over.
    rolled_back = make_app(CHUNKED_SESSION_FORMAT=fmt, SECRET_KEY=RIGHT)
    client = rolled_back.test_client()
    client.set_cookie("session", cookie)
    rv = client.get("/show")
    assert rv.json["reason"] == "valid" and rv.json["migrated"] == "flask"
    assert rv.json["keys"] == ["user"]


@pytest.mark.parametrize("fmt", ["signed", "private"])
def test_a_native_cookie_under_another_session_key_is_kept(fmt: str) -> None:
    right_key = keygen()
    app = make_app(CHUNKED_SESSION_FORMAT=fmt, CHUNKED_SESSION_KEY=right_key)
    client = app.test_client()
    client.post("/set/user/ada")
    written = client.get_cookie("session")
    assert written is not None

    misconfigured = make_app(CHUNKED_SESSION_FORMAT=fmt, CHUNKED_SESSION_KEY=keygen())
    other = misconfigured.test_client()
    other.set_cookie("session", written.value)
    rv = other.get("/show")
    assert rv.json["reason"] == "unknown-key" and rv.json["keys"] == []
    assert deletions(rv) == [] and sets(rv) == []

    rolled_back = make_app(CHUNKED_SESSION_FORMAT=fmt, CHUNKED_SESSION_KEY=right_key)
    again = rolled_back.test_client()
    again.set_cookie("session", written.value)
    rv = again.get("/show")
    assert rv.json["reason"] == "valid" and rv.json["keys"] == ["user"]
