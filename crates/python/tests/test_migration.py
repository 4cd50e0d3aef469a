"""Moving an app from Flask's own session (or the chunked recipe's) to the extension keeps
its users: the old cookies, made here by real Flask with the same SECRET_KEY, are read,
and the next write replaces them."""

from __future__ import annotations

import json
from http.cookiejar import CookieJar
from typing import Any, Callable

import flask
import pytest
from flask import Flask

from conftest import EVERY_TYPE, LiveServer, deletions, import_test_support_apps, make_app, same, sets

SECRET = "stock secret key"


def stock_app(interface: Any = None) -> Flask:
    """A Flask app as it was before the move: Flask's session, or the recipe's."""
    app = Flask("before")
    app.config.update(TESTING=True, SECRET_KEY=SECRET)
    if interface is not None:
        app.session_interface = interface

    @app.post("/login")
    def login() -> str:
        flask.session.update(EVERY_TYPE)
        flask.session["user"] = "ada"
        return "ok"

    return app


def check_types(app: Flask) -> None:
    @app.get("/types", endpoint="read_types")
    def read_types() -> str:
        return json.dumps({k: same(flask.session.get(k), v) for k, v in EVERY_TYPE.items()})


@pytest.mark.parametrize("fmt", ["signed", "private"])
def test_a_stock_flask_cookie_becomes_a_native_session(fmt: str) -> None:
    before = stock_app().test_client()
    before.post("/login")
    stock_cookie = before.get_cookie("session").value

    app = make_app(CHUNKED_SESSION_FORMAT=fmt, SECRET_KEY=SECRET)
    check_types(app)
    client = app.test_client()
    client.set_cookie("session", stock_cookie)
    rv = client.get("/show")
    assert rv.json["reason"] == "valid" and rv.json["migrated"] == "flask"
    assert "user" in rv.json["keys"]
    # Written in the new format in that same response, over the old cookie.
    assert sets(rv) == ["session"] and deletions(rv) == []
    assert client.get_cookie("session").value != stock_cookie
    assert all(json.loads(client.get("/types").data).values())
    rv = client.get("/show")
    assert rv.json["migrated"] is None and rv.json["reason"] == "valid"


def test_fallback_keys_and_renamed_cookies() -> None:
    before = stock_app().test_client()
    before.post("/login")
    stock_cookie = before.get_cookie("session").value
    app = make_app(
        SECRET_KEY="the new one",
        SECRET_KEY_FALLBACKS=[SECRET],
        SESSION_COOKIE_NAME="__Secure-sid",
        SESSION_COOKIE_SECURE=True,
        CHUNKED_SESSION_MIGRATE_NAME="session",
    )
    client = app.test_client()
    client.set_cookie("session", stock_cookie)
    rv = client.get("/show", "https://localhost/")
    assert rv.json["migrated"] == "flask"
    # The old cookie's name is not the new one's: the write deletes it.
    assert deletions(rv) == ["session"] and sets(rv) == ["__Secure-sid"]


@pytest.mark.parametrize("recipe", ["published", "fixed"])
@pytest.mark.parametrize("fmt", ["signed", "flask"])
def test_the_recipes_cookies_become_the_new_session(recipe: str, fmt: str) -> None:
    apps = import_test_support_apps()
    interface = apps.RecipeInterface() if recipe == "published" else apps.ChunkedSecureCookieSessionInterface()
    before = stock_app(interface).test_client()
    before.post("/login")
    old = {c.key: c.value for c in before._cookies.values()}
    assert "session:0" in old and "session" not in old

    app = make_app(CHUNKED_SESSION_FORMAT=fmt, SECRET_KEY=SECRET)
    check_types(app)
    client = app.test_client()
    for name, value in old.items():
        client.set_cookie(name, value)
    rv = client.get("/show")
    assert rv.json["reason"] == "valid" and rv.json["migrated"] == "flask-chunked"
    assert sorted(deletions(rv)) == sorted(old) and sets(rv) == ["session"]
    assert sorted(c.key for c in client._cookies.values()) == ["session"]
    assert all(json.loads(client.get("/types").data).values())


def test_stock_layout_adopts_the_chunked_one() -> None:
    apps = import_test_support_apps()
    before = stock_app(apps.ChunkedSecureCookieSessionInterface()).test_client()
    before.post("/login")
    app = make_app(CHUNKED_SESSION_FORMAT="flask", SECRET_KEY=SECRET, CHUNKED_SESSION_MAX_SIZE=4000)
    client = app.test_client()
    for c in before._cookies.values():
        client.set_cookie(c.key, c.value)
    rv = client.get("/show")
    assert rv.json["migrated"] == "flask-chunked" and sets(rv) == ["session"]
    # What it wrote is Flask's own cookie again: stock Flask reads it.
    after = stock_app().test_client()
    after.set_cookie("session", client.get_cookie("session").value)

    @after.application.get("/user")
    def user() -> str:
        return str(flask.session.get("user"))

    assert after.get("/user").text == "ada"


def test_what_does_not_verify_is_not_adopted() -> None:
    other = stock_app()
    other.config["SECRET_KEY"] = "someone else's key"
    before = other.test_client()
    before.post("/login")
    app = make_app(SECRET_KEY=SECRET, SESSION_COOKIE_NAME="sid", CHUNKED_SESSION_MIGRATE_NAME="session")
    client = app.test_client()
    client.set_cookie("session", before.get_cookie("session").value)
    rv = client.get("/show")
    # Named for what it looks like: a Flask session under another SECRET_KEY.
    assert rv.json["reason"] == "foreign-key" and rv.json["keys"] == []
    assert deletions(rv) == []  # a cookie refused is left alone until a write
    rv = client.post("/set/user/bob")
    assert deletions(rv) == ["session"] and sets(rv) == ["sid"]

    off = make_app(SECRET_KEY=SECRET, CHUNKED_SESSION_MIGRATE=False)
    client = off.test_client()
    good = stock_app().test_client()
    good.post("/login")
    client.set_cookie("session", good.get_cookie("session").value)
    assert client.get("/show").json["reason"] == "malformed"


def test_live_migration_through_one_cookie_jar(live: Callable[..., LiveServer]) -> None:
    jar = CookieJar()
    before = live(stock_app(), jar)
    status, _, _ = before.request("POST", "/login")
    assert status == 200 and [c.name for c in jar] == ["session"]
    old = next(iter(jar)).value
    app = make_app(SECRET_KEY=SECRET)
    check_types(app)
    after = live(app, jar)
    status, body, _ = after.request("GET", "/show")
    assert json.loads(body)["migrated"] == "flask"
    assert [c.name for c in jar] == ["session"] and next(iter(jar)).value != old
    status, body, _ = after.request("GET", "/types")
    assert all(json.loads(body).values())
