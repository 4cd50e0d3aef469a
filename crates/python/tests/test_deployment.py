"""Deploying: a budget past a common server's header limit warns at start-up, werkzeug's
development server refuses the header line the warning says it does, and Flask-Login's
remember-me cookie is cleared at logout only in the documented order."""

from __future__ import annotations

import http.client
import re
import warnings
from typing import Any, Callable

import flask
import pytest
from flask import Flask

from chunked_cookie_session import keygen
from chunked_cookie_session.flask import ChunkedSession, SessionBudgetWarning
from chunked_cookie_session.flask._extension import COOKIE_LINE, SERVER_LIMITS

from conftest import ROOT, LiveServer, make_app

GUNICORN = 8190
WERKZEUG = 65536


def start(**config: Any) -> list[warnings.WarningMessage]:
    app = Flask("budget")
    app.config.update(CHUNKED_SESSION_KEY=keygen(), SECRET_KEY="s", **config)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ChunkedSession(app)
    return [w for w in caught if issubclass(w.category, SessionBudgetWarning)]


def test_the_limits_are_the_servers() -> None:
    assert dict((server.split()[0], limit) for server, limit, _ in SERVER_LIMITS) == {
        "gunicorn": GUNICORN,
        "werkzeug's": WERKZEUG,
    }
    assert COOKIE_LINE == len(b"Cookie: \r\n")


def test_a_budget_past_gunicorns_limit_warns_at_startup() -> None:
    assert start() == []  # the default budget, 7 KiB, passes every common server
    assert start(CHUNKED_SESSION_MAX_SIZE=GUNICORN - COOKIE_LINE) == []
    [warning] = start(CHUNKED_SESSION_MAX_SIZE=GUNICORN - COOKIE_LINE + 1)
    message = str(warning.message)
    assert "CHUNKED_SESSION_MAX_SIZE of 8181 bytes" in message and "reach 8191 bytes" in message
    assert "gunicorn: 8190 bytes (raise it with --limit-request-field_size)" in message
    assert "werkzeug" not in message and "locked out" in message and "logout" in message
    assert warning.filename == __file__  # the line that called ChunkedSession(app)
    # Flask's format too.
    [warning] = start(CHUNKED_SESSION_FORMAT="flask", CHUNKED_SESSION_FLASK_LAYOUT="chunked", CHUNKED_SESSION_MAX_SIZE=16 * 1024)
    assert "gunicorn" in str(warning.message)


def test_a_budget_past_werkzeugs_limit_names_it_too() -> None:
    assert "werkzeug" not in str(start(CHUNKED_SESSION_MAX_SIZE=WERKZEUG - COOKIE_LINE)[0].message)
    [warning] = start(CHUNKED_SESSION_MAX_SIZE=WERKZEUG - COOKIE_LINE + 1)
    message = str(warning.message)
    assert "gunicorn: 8190 bytes" in message
    assert "werkzeug's development server (flask run): 65536 bytes (it has no setting)" in message


def test_init_app_warns_from_the_callers_line() -> None:
    app = Flask("budget")
    app.config.update(CHUNKED_SESSION_KEY=keygen(), CHUNKED_SESSION_MAX_SIZE=9000)
    with pytest.warns(SessionBudgetWarning) as caught:
        ChunkedSession().init_app(app)
    assert caught[0].filename == __file__


def cookie_line_status(server: LiveServer, value_length: int) -> int:
    """The status werkzeug's server answers a request whose Cookie line holds a value of
    `value_length` bytes."""
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.putrequest("GET", "/untouched")
        conn.putheader("Cookie", "x=" + "a" * (value_length - 2))
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


def test_werkzeugs_development_server_refuses_a_longer_cookie_line(live: Callable[..., LiveServer]) -> None:
    # What docs/PYTHON.md and the warning say of werkzeug's server: a header line of more
    # than 65536 bytes (name, value and CRLF) is answered 431.
    server = live(make_app(TESTING=False))
    longest = WERKZEUG - COOKIE_LINE
    assert cookie_line_status(server, longest) == 200
    assert cookie_line_status(server, longest + 1) == 431


def test_the_docs_give_werkzeugs_limit() -> None:
    docs = (ROOT / "docs" / "PYTHON.md").read_text()
    row = re.search(r"^\| werkzeug's development server[^\n]*$", docs, re.M)
    assert row is not None and "65536 bytes" in row.group(0), row


# Flask-Login: logout_user() marks the remember-me cookie for deletion in the session
# ("_remember" = "clear"), and its after_request hook deletes the cookie when it finds the
# mark. session.purge() empties the session: after logout_user() it drops the mark, and
# the remember-me cookie stays (the next request logs the user back in from it).

try:
    import flask_login
except ImportError as missing:  # a test requirement, never skipped
    raise ImportError(
        "Flask-Login is a test requirement: .venv/bin/pip install 'flask-login>=0.6.3,<0.7' "
        "(scripts/test-all.sh installs it)"
    ) from missing


class User(flask_login.UserMixin):  # type: ignore[misc]
    def __init__(self, user_id: str) -> None:
        self.id = user_id


def login_app() -> Flask:
    app = make_app()
    manager = flask_login.LoginManager(app)

    @manager.user_loader
    def load(user_id: str) -> User:
        return User(user_id)

    @app.post("/login")
    def login() -> str:
        flask_login.login_user(User("ada"), remember=True)
        return "in"

    @app.post("/logout/<order>")
    def logout(order: str) -> str:
        session = flask.session
        if order == "purge-first":
            session.purge()  # type: ignore[attr-defined]
            flask_login.logout_user()
        else:
            flask_login.logout_user()
            session.purge()  # type: ignore[attr-defined]
        return "out"

    @app.get("/who")
    def who() -> str:
        user = flask_login.current_user
        return str(user.id) if user.is_authenticated else "anonymous"

    return app


@pytest.mark.parametrize(("order", "after"), [("purge-first", "anonymous"), ("logout-first", "ada")])
def test_purge_before_logout_user_clears_the_remember_me_cookie(order: str, after: str) -> None:
    client = login_app().test_client()
    client.post("/login")
    assert client.get_cookie("remember_token") is not None
    assert client.get("/who").text == "ada"
    client.post(f"/logout/{order}")
    # The documented order deletes the remember-me cookie; the other keeps it, and the
    # next request is signed in again from it.
    assert (client.get_cookie("remember_token") is None) == (after == "anonymous")
    assert client.get("/who").text == after
