"""Revocation in the Flask extension with the memory store, through Flask's test client:
each scope (this session, a subject, everyone before a time), the reason ``revoked`` and
the refused cookies deleted; the device registry; Flask-Login's login and logout with no
application code; the errors and the settings. (Redis shared by live processes is in
test_revocation_redis.py; Starlette and Django in test_revocation_frameworks.py.)"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask
import pytest
from flask.testing import FlaskClient

from chunked_cookie_session import (
    ConfigurationError,
    Device,
    InvalidRevocation,
    RevocationError,
    RevocationStore,
    RevocationUnconfirmed,
    _revocation,
    keygen,
)
from chunked_cookie_session.flask import ChunkedSession, current_session

from conftest import deletions, make_app, sets
from revocation_app import revocation_app

import flask_login

FORMATS = ["signed", "private", "flask"]


def app_for(fmt: str = "signed", **config: Any) -> flask.Flask:
    settings: dict[str, Any] = {"CHUNKED_SESSION_FORMAT": fmt, "CHUNKED_SESSION_REVOCATION": "memory"}
    if fmt != "flask":
        settings["CHUNKED_SESSION_KEY"] = keygen()
    settings.update(config)
    app = revocation_app(**settings)
    app.config["TESTING"] = True
    return app


def signed_in(app: flask.Flask, user: str, agent: str = "test") -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    assert client.post(f"/login/{user}").status_code == 200
    return client


def copy(client: FlaskClient, app: flask.Flask) -> FlaskClient:
    """Another client holding the same cookies: a copy taken off the first."""
    other = app.test_client()
    for cookie in client._cookies.values():
        other.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return other


def me(client: FlaskClient) -> dict[str, Any]:
    rv = client.get("/me")
    assert rv.status_code == 200
    data: dict[str, Any] = rv.json  # type: ignore[assignment]
    return data


@pytest.mark.parametrize("fmt", FORMATS)
def test_logout_revokes_every_copy_and_deletes_the_cookies(fmt: str) -> None:
    app = app_for(fmt)
    client = signed_in(app, "ada")
    assert me(client)["reason"] == "valid" and me(client)["subject"] == "ada"
    stolen = copy(client, app)
    cookie = app.config["SESSION_COOKIE_NAME"]

    rv = client.post("/logout")
    assert rv.json == {"revoked": True}
    assert deletions(rv) == [cookie] and not sets(rv)

    # The copy taken before the logout: refused as revoked, its cookies deleted.
    rv = stolen.get("/me")
    assert rv.json["reason"] == "revoked" and rv.json["user"] is None
    assert deletions(rv) == [cookie]
    assert stolen.get_cookie(cookie) is None
    # Every other session lives on, the same user's included.
    other = signed_in(app, "ada")
    assert me(other)["reason"] == "valid"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_later_write_of_a_revoked_session_is_refused_too(fmt: str) -> None:
    app = app_for(fmt)
    client = signed_in(app, "ada")
    early = copy(client, app)
    # The session is written again (a new generation, the same id) before the logout.
    assert client.post("/login/ada").status_code == 200
    client.post("/admin/cookie-name/session")  # a no-op setting change: same store
    late = copy(client, app)
    assert me(early)["reason"] == "valid"  # a renewal at login: the early copy is another id
    early.post("/logout")
    assert me(early)["reason"] == "no-session"
    assert me(late)["reason"] == "valid"
    late_copy = copy(late, app)
    late.post("/logout")
    assert me(late_copy)["reason"] == "revoked"


def test_sign_out_everywhere_else_keeps_this_session() -> None:
    app = app_for()
    phone = signed_in(app, "ada", "phone")
    tablet = signed_in(app, "ada", "tablet")
    bob = signed_in(app, "bob")
    laptop = signed_in(app, "ada", "laptop")
    before = laptop.get("/me").json["session_id"]

    rv = laptop.post("/everywhere")
    assert rv.status_code == 200
    assert rv.json["session_id"] != before  # renewed: a new id created after the epoch
    assert me(laptop)["reason"] == "valid" and me(laptop)["subject"] == "ada"
    for device in (phone, tablet):
        rv = device.get("/me")
        assert rv.json["reason"] == "revoked"
        assert deletions(rv) == ["session"]
    assert me(bob)["reason"] == "valid"
    # A login right after the password change stays in.
    assert me(signed_in(app, "ada"))["reason"] == "valid"


def test_an_admin_signs_a_user_out_everywhere() -> None:
    app = app_for()
    ada = [signed_in(app, "ada") for _ in range(3)]
    bob = signed_in(app, "bob")
    sessions = app.extensions["chunked_session"]
    with app.app_context():
        epoch = sessions.revoke_subject("ada")
    assert isinstance(epoch, datetime) and epoch.tzinfo is not None
    assert all(me(client)["reason"] == "revoked" for client in ada)
    assert me(bob)["reason"] == "valid"
    # Through the view, the same.
    bob.post("/admin/sign-out/bob")
    assert me(bob)["reason"] == "revoked"


def test_break_glass_ends_every_session_created_before() -> None:
    app = app_for()
    clients = [signed_in(app, user) for user in ("ada", "bob", "cy")]
    assert clients[0].post("/admin/break-glass").status_code == 200
    assert [me(client)["reason"] for client in clients] == ["revoked"] * 3
    assert me(signed_in(app, "ada"))["reason"] == "valid"
    store = app.extensions["chunked_session"].store(app)
    with pytest.raises(InvalidRevocation) as err:
        store.revoke_everyone_before(datetime.now(timezone.utc) + timedelta(hours=1))
    assert err.value.code == "future-epoch" and isinstance(err.value, ValueError)


def test_the_device_list_and_signing_out_one_device() -> None:
    # The memory store is the process's, shared by every app with these settings: users of
    # this test's own.
    ada, bob_name = f"ada-{keygen()[:8]}", f"bob-{keygen()[:8]}"
    app = app_for()
    phone = signed_in(app, ada, "Phone/1.0")
    laptop = signed_in(app, ada, "Laptop/2.0")
    signed_in(app, bob_name, "Bob's")
    listed = laptop.get("/devices").json["devices"]
    assert [d["user_agent"] for d in listed] == ["Laptop/2.0", "Phone/1.0"]
    phone_id = me(phone)["session_id"]
    assert listed[1]["id"] == phone_id

    # Bob cannot sign out Ada's phone; Ada can.
    bob = signed_in(app, bob_name)
    assert bob.delete(f"/devices/{phone_id}").json == {"revoked": False}
    assert me(phone)["reason"] == "valid"
    assert laptop.delete(f"/devices/{phone_id}").json == {"revoked": True}
    assert me(phone)["reason"] == "revoked"
    assert [d["user_agent"] for d in laptop.get("/devices").json["devices"]] == ["Laptop/2.0"]

    store = app.extensions["chunked_session"].store(app)
    assert isinstance(store, RevocationStore) and store.kind == "memory" and store.registry
    devices = store.devices(ada)
    assert [type(d) for d in devices] == [Device]
    device = devices[0]
    assert device.user_agent == "Laptop/2.0" and device.session_id == me(laptop)["session_id"]
    assert device.created <= device.last_seen + timedelta(seconds=1) < device.expires_at
    assert store.freshness() == ("local", None)
    assert store.stats()["revoked_sessions"] >= 1


def test_purge_then_revoke_in_one_request_still_revokes_the_session() -> None:
    app = app_for()

    @app.post("/purge-then-revoke")
    def purge_then_revoke() -> str:
        session = current_session()
        session.purge()
        session["flash"] = "bye"
        session.revoke()
        return "ok"

    client = signed_in(app, "ada")
    stolen = copy(client, app)
    rv = client.post("/purge-then-revoke")
    assert rv.status_code == 200 and deletions(rv) == ["session"]
    assert me(stolen)["reason"] == "revoked"


# Flask-Login: no application code for revocation. Its login_user() renews the session and
# binds it to the user; logout_user() revokes it, and its remember-me cookie is deleted.


class User(flask_login.UserMixin):  # type: ignore[misc]
    def __init__(self, user_id: str) -> None:
        self.id = user_id


def flask_login_app(**config: Any) -> flask.Flask:
    app = make_app(**config)
    manager = flask_login.LoginManager(app)

    @manager.user_loader
    def load(user_id: str) -> User:
        return User(user_id)

    @app.post("/sign-in/<user>")
    def sign_in(user: str) -> str:
        flask_login.login_user(User(user), remember=True)
        return "in"

    @app.post("/sign-out/<order>")
    def sign_out(order: str) -> str:
        if order == "purge-first":
            current_session().purge()
        flask_login.logout_user()
        if order == "purge-after":
            current_session().purge()
        return "out"

    @app.get("/who")
    def who() -> dict[str, Any]:
        user = flask_login.current_user
        session = current_session()
        return {
            "user": user.id if user.is_authenticated else None,
            "reason": session.load_reason,
            "subject": session.subject,
        }

    return app


@pytest.mark.parametrize("order", ["logout-only", "purge-first", "purge-after"])
def test_flask_login_revokes_at_logout_with_no_app_code(order: str) -> None:
    app = flask_login_app(CHUNKED_SESSION_REVOCATION="memory")
    anonymous = app.test_client()
    anonymous.get("/who")
    client = app.test_client()
    client.post("/set/cart/3")
    before = client.get_cookie("session")
    assert before is not None
    client.post("/sign-in/ada")
    who = client.get("/who").json
    assert who == {"user": "ada", "reason": "valid", "subject": "ada"}
    # login_user() renewed the session: a copy from before the login is not it.
    early = app.test_client()
    early.set_cookie("session", before.value)
    assert early.get("/who").json["user"] is None

    # A copy of the session's cookies (the remember-me cookie is Flask-Login's own: see
    # the next test).
    stolen = copy(client, app)
    stolen.delete_cookie("remember_token")
    rv = client.post(f"/sign-out/{order}")
    assert rv.status_code == 200
    assert "session" in deletions(rv)
    # The session cookies copied before the logout are refused, whatever the order.
    rv = stolen.get("/who")
    assert rv.json == {"user": None, "reason": "revoked", "subject": None}
    if order == "purge-after":
        # The documented pitfall holds with revocation too: purge() after logout_user()
        # drops Flask-Login's mark, the remember-me cookie stays and signs the user in
        # again (in a new session, bound to the user).
        assert client.get_cookie("remember_token") is not None
        assert client.get("/who").json == {"user": "ada", "reason": "no-session", "subject": "ada"}
        return
    assert client.get_cookie("remember_token") is None  # the remember-me cookie is gone
    assert client.get("/who").json["user"] is None


def test_flask_login_without_revocation_is_left_alone() -> None:
    app = flask_login_app()
    client = app.test_client()
    client.post("/sign-in/ada")
    stolen = copy(client, app)
    stolen.delete_cookie("remember_token")
    assert client.get("/who").json["subject"] is None  # login_user() bound nothing
    client.post("/sign-out/purge-first")
    assert stolen.get("/who").json["user"] == "ada"  # no store: a copy still works


def test_a_logout_the_store_cannot_confirm_still_ends_the_session(
    caplog: pytest.LogCaptureFixture, closed_port: int
) -> None:
    """logout_user() never fails for the revocation: Redis out of reach is a warning."""
    app = flask_login_app(
        CHUNKED_SESSION_REVOCATION=f"redis://127.0.0.1:{closed_port}/0",
        # The store keeps trying that port until the tests end: should a Redis ever listen
        # there, what it writes stays under a name of its own.
        CHUNKED_SESSION_REVOCATION_NAMESPACE=f"unreachable-{keygen()[:12]}",
        CHUNKED_SESSION_REVOCATION_STARTUP_WAIT=0,
        CHUNKED_SESSION_REVOCATION_TIMEOUT=0.05,
        CHUNKED_SESSION_REVOCATION_POLICY="fail-open",
    )
    client = app.test_client()
    client.post("/sign-in/ada")
    assert client.get("/who").json["user"] == "ada"  # fail-open: accepted, never synced
    with caplog.at_level(logging.WARNING, "chunked_cookie_session"):
        rv = client.post("/sign-out/logout-only")
    assert rv.status_code == 200 and "session" in deletions(rv)
    assert any("Redis did not confirm" in r.getMessage() for r in caplog.records), caplog.text


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port where nothing listens, and nothing can start listening during the
    test (another test run's redis-server included): bound, never listened on."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


# Errors, each the package's, saying what to do.


def test_errors_say_what_to_do() -> None:
    plain = make_app()

    @plain.post("/revoke")
    def revoke() -> str:
        current_session().revoke()
        return "never"

    plain.config["PROPAGATE_EXCEPTIONS"] = True
    client = plain.test_client()
    with pytest.raises(RevocationError) as err:
        client.post("/revoke")
    assert err.value.code == "not-configured"
    assert "CHUNKED_SESSION_REVOCATION" in str(err.value)
    with plain.app_context(), pytest.raises(RevocationError, match="CHUNKED_SESSION_REVOCATION"):
        plain.extensions["chunked_session"].revoke_subject("ada")
    assert plain.extensions["chunked_session"].store(plain) is None

    app = app_for(CHUNKED_SESSION_REGISTRY=False)

    @app.post("/try/<what>")
    def attempt(what: str) -> dict[str, Any]:
        session = current_session()
        try:
            if what == "others":
                session.revoke_others()
            elif what == "devices":
                session.subject = "ada"
                session.devices()
            elif what == "subject":
                session.subject = "a\nb"
            elif what == "long":
                session.subject = "x" * 257
            elif what == "empty":
                session.set_subject("")
            elif what == "id":
                session.revoke_device("not an id")
        except RevocationError as caught:
            return {
                "code": caught.code,
                "message": str(caught),
                "value_error": isinstance(caught, ValueError),
                "unconfirmed": isinstance(caught, RevocationUnconfirmed),
            }
        return {"code": None}

    client = app.test_client()
    no_subject = client.post("/try/others").json
    assert no_subject["code"] == "no-subject" and "session.subject" in no_subject["message"]
    registry = client.post("/try/devices").json
    assert registry["code"] == "registry-disabled"
    assert "CHUNKED_SESSION_REGISTRY" in registry["message"]
    for what, code in [
        ("subject", "subject-control"),
        ("long", "subject-too-long"),
        ("empty", "empty-subject"),
    ]:
        got = client.post(f"/try/{what}").json
        assert (got["code"], got["value_error"], got["unconfirmed"]) == (code, True, False), got
    app.config["CHUNKED_SESSION_REGISTRY"] = True
    got = client.post("/try/id").json
    assert got["code"] == "bad-session-id" and "22 characters" in got["message"]


@pytest.mark.parametrize(
    ("setting", "value", "code", "words"),
    [
        ("CHUNKED_SESSION_REVOCATION", "memroy", "unknown-value", '"memory" or a Redis URL'),
        ("CHUNKED_SESSION_REVOCATION", "rediss://:hunter2@host:6379", "invalid-url", "only redis://"),
        ("CHUNKED_SESSION_REVOCATION", 6379, "invalid-type", "must be a str"),
        ("CHUNKED_SESSION_REVOCATION_POLICY", "fail-safe", "unknown-value", '"fail-closed" or "fail-open"'),
        ("CHUNKED_SESSION_REVOCATION_NAMESPACE", "my app", "invalid-namespace", "letters, digits"),
        ("CHUNKED_SESSION_REVOCATION_STALENESS_BOUND", 0.01, "out-of-range", "between 100ms and 3600s"),
        ("CHUNKED_SESSION_REVOCATION_TIMEOUT", 120, "out-of-range", "between 10ms and 60s"),
        ("CHUNKED_SESSION_REVOCATION_STARTUP_WAIT", "5", "invalid-type", "a timedelta or a number"),
        ("CHUNKED_SESSION_REGISTRY", 5000, "out-of-range", "between 1 and 1000"),
        ("CHUNKED_SESSION_REGISTRY", "yes", "invalid-type", "a bool, or an int"),
    ],
)
def test_store_settings_refused_name_the_setting(setting: str, value: object, code: str, words: str) -> None:
    config: dict[str, Any] = {"CHUNKED_SESSION_REVOCATION": "redis://:hunter2@127.0.0.1:1/0", setting: value}
    # The Redis ones are checked before a connection is tried.
    with pytest.raises(ConfigurationError) as err:
        make_app(**config)
    assert err.value.code == code, err.value
    assert err.value.setting == setting
    assert words in str(err.value), err.value
    assert "hunter2" not in str(err.value)


def test_the_registry_needs_a_store() -> None:
    with pytest.raises(ConfigurationError) as err:
        make_app(CHUNKED_SESSION_REGISTRY=True)
    assert err.value.code == "missing"
    assert err.value.settings == ("CHUNKED_SESSION_REVOCATION", "CHUNKED_SESSION_REGISTRY")


def test_the_redis_password_is_never_shown() -> None:
    settings = _revocation.StoreSettings(store="redis://:hunter2@10.0.0.5:6380/2", registry=True)
    assert repr(settings) == "StoreSettings('redis://(hidden)@10.0.0.5:6380/2', registry=True)"
    assert "hunter2" not in str(settings)
    assert repr(_revocation.StoreSettings(store="memory")) == "StoreSettings('memory')"


def test_one_store_per_process_for_every_engine_and_app() -> None:
    first = app_for()
    # Another app with the same store settings, under another key and cookie name.
    second = app_for(SESSION_COOKIE_NAME="other")
    ada = signed_in(first, "ada")
    with second.app_context():
        second.extensions["chunked_session"].revoke_subject("ada")
    assert me(ada)["reason"] == "revoked"
    # A setting changed at run time builds another engine with the same store.
    client = signed_in(first, "bob")
    stolen = copy(client, first)
    client.post("/logout")
    first.config["SESSION_COOKIE_SECURE"] = False
    first.config["CHUNKED_SESSION_MAX_SIZE"] = 8000
    assert me(stolen)["reason"] == "revoked"


def test_session_identity_as_python_sees_it() -> None:
    app = app_for()

    @app.get("/identity")
    def identity() -> dict[str, Any]:
        session = current_session()
        created = session.created
        assert created.tzinfo is timezone.utc or created.utcoffset() == timedelta(0)
        return {"id": session.session_id, "created": created.isoformat(), "subject": session.subject}

    client = app.test_client()
    first = client.get("/identity").json
    assert first["subject"] is None and len(first["id"]) == 22
    client.post("/login/ada")
    after = client.get("/identity").json
    assert after["subject"] == "ada" and after["id"] != first["id"]  # renewed at login
    assert client.get("/identity").json == after  # the same across requests


EXIT_SCRIPT = """
import sys
from conftest import make_app
from chunked_cookie_session.flask import RevocationUnconfirmed, current_session

app = make_app(
    CHUNKED_SESSION_REVOCATION=sys.argv[1],
    CHUNKED_SESSION_REVOCATION_STARTUP_WAIT=0,
    CHUNKED_SESSION_REVOCATION_TIMEOUT=0.05,
)

@app.post("/in")
def sign_in():
    current_session().subject = "ada"
    return "in"

@app.post("/out")
def sign_out():
    try:
        current_session().revoke()
    except RevocationUnconfirmed:
        return "queued"
    return "revoked"

client = app.test_client()
client.post("/in")
print(client.post("/out").text, flush=True)
"""


def test_revocations_queued_at_exit_are_reported(closed_port: int) -> None:
    """At exit the package waits (boundedly) for queued revocations and says how many
    never reached Redis."""
    here = Path(__file__).parent
    done = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, f"redis://127.0.0.1:{closed_port}/0"],
        capture_output=True,
        text=True,
        cwd=here,
        env={**os.environ, "PYTHONPATH": str(here)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "queued"
    assert "1 revocations were still waiting for Redis at exit" in done.stderr
