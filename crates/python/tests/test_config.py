"""Setting the extension up, and every setting honoured: the extension's own and Flask's."""

from __future__ import annotations

import base64
import os
import re
from datetime import datetime, timedelta, timezone

import flask
import pytest
from flask import Flask
from werkzeug.http import parse_date

from chunked_cookie_session import _native, keygen
from chunked_cookie_session._settings import Settings
from chunked_cookie_session._spelling import Spelling
from chunked_cookie_session.flask import (
    EXTENSION_KEY,
    ChunkedCookieSession,
    ChunkedSession,
    ChunkedSessionInterface,
    ConfigurationError,
)
from chunked_cookie_session.flask._settings import SPELLING

from typing import Callable

from conftest import LiveServer, make_app, set_cookies

NATIVE = ["signed", "private"]
ALL = ["signed", "private", "flask"]


def test_both_setup_patterns(key: str) -> None:
    app = Flask(__name__)
    app.config["CHUNKED_SESSION_KEY"] = key
    ext = ChunkedSession(app)
    assert app.extensions[EXTENSION_KEY] is ext
    assert isinstance(app.session_interface, ChunkedSessionInterface)

    sessions = ChunkedSession()
    other = Flask("other")
    other.config["CHUNKED_SESSION_KEY"] = key
    sessions.init_app(other)
    assert other.extensions[EXTENSION_KEY] is sessions
    assert other.config["CHUNKED_SESSION_FORMAT"] == "signed"
    assert other.config["CHUNKED_SESSION_MIGRATE"] is True
    with other.test_request_context():
        assert isinstance(flask.session, ChunkedCookieSession)


@pytest.mark.parametrize(
    ("config", "setting", "hint"),
    [
        ({}, "CHUNKED_SESSION_KEY is not set", "keygen"),
        ({"CHUNKED_SESSION_KEY": ""}, "CHUNKED_SESSION_KEY is not set", "keygen"),
        (
            {"CHUNKED_SESSION_KEY": base64.b64encode(b"short").decode()},
            "CHUNKED_SESSION_KEY: a key must hold at least 32",
            "keygen",
        ),
        ({"CHUNKED_SESSION_KEY": "not base64!"}, "CHUNKED_SESSION_KEY: the key is not base64", "keygen"),
        ({"CHUNKED_SESSION_KEY": b"k" * 31}, "CHUNKED_SESSION_KEY: a key must hold at least 32", "holds 31"),
        ({"CHUNKED_SESSION_KEY": 32}, "CHUNKED_SESSION_KEY is a int", "str (base64) or bytes"),
        (
            {"CHUNKED_SESSION_KEY": "K", "CHUNKED_SESSION_OLD_KEYS": ["x"]},
            "CHUNKED_SESSION_OLD_KEYS[0]",
            "keygen",
        ),
        ({"CHUNKED_SESSION_KEY": "K", "CHUNKED_SESSION_OLD_KEYS": "K"}, "CHUNKED_SESSION_OLD_KEYS is a list", ""),
        ({"CHUNKED_SESSION_FORMAT": "json"}, 'CHUNKED_SESSION_FORMAT is "json"', '"signed", "private", "flask"'),
        ({"CHUNKED_SESSION_FLASK_LAYOUT": "ten"}, 'CHUNKED_SESSION_FLASK_LAYOUT is "ten"', '"stock", "chunked"'),
        ({"CHUNKED_SESSION_FORMAT": "flask"}, "SECRET_KEY is not set", "secrets.token_hex"),
        (
            {"CHUNKED_SESSION_KEY": "K", "SESSION_COOKIE_SAMESITE": "invalid"},
            'SESSION_COOKIE_SAMESITE is "invalid"',
            '"Strict", "Lax", "None"',
        ),
        (
            {"CHUNKED_SESSION_KEY": "K", "SESSION_COOKIE_NAME": "__Host-s"},
            "a `__Host-` cookie (SESSION_COOKIE_NAME) needs SESSION_COOKIE_SECURE",
            "no SESSION_COOKIE_DOMAIN",
        ),
        (
            {"CHUNKED_SESSION_KEY": "K", "CHUNKED_SESSION_MAX_SIZE": 10},
            "CHUNKED_SESSION_MAX_SIZE is 10 bytes",
            "between 512 and 65568 bytes with CHUNKED_SESSION_MAX_CHUNKS at 16",
        ),
        (
            {"CHUNKED_SESSION_KEY": "K", "CHUNKED_SESSION_MAX_SIZE": "8192"},
            "CHUNKED_SESSION_MAX_SIZE is a str",
            "an int",
        ),
    ],
)
def test_startup_errors_name_the_setting(config: dict, setting: str, hint: str, key: str) -> None:
    app = Flask(__name__)
    for name, value in config.items():
        app.config[name] = key if value == "K" else value
    with pytest.raises(ConfigurationError) as err:
        ChunkedSession(app)
    assert setting in str(err.value)
    assert hint in str(err.value)
    # Flask's names only: never the library's own spelling of a setting.
    assert "max_size" not in str(err.value) and "SessionConfigBuilder" not in str(err.value)
    assert isinstance(err.value, ValueError)
    assert EXTENSION_KEY not in app.extensions


def test_a_refused_size_names_the_flask_settings_and_their_bounds(key: str) -> None:
    app = Flask(__name__)
    app.config.update(CHUNKED_SESSION_KEY=key, CHUNKED_SESSION_MAX_SIZE=8 * 1024, CHUNKED_SESSION_MAX_CHUNKS=1)
    with pytest.raises(ConfigurationError) as err:
        ChunkedSession(app)
    assert str(err.value) == (
        "CHUNKED_SESSION_MAX_SIZE is 8192 bytes: it must be between 512 and 4098 bytes "
        "with CHUNKED_SESSION_MAX_CHUNKS at 1"
    )
    assert err.value.code == "out-of-range"
    assert err.value.setting == "CHUNKED_SESSION_MAX_SIZE"
    assert err.value.settings == ("CHUNKED_SESSION_MAX_SIZE", "CHUNKED_SESSION_MAX_CHUNKS")
    assert err.value.setting_codes == ("max_size", "max_chunks")

    app.config["CHUNKED_SESSION_MAX_CHUNKS"] = 0
    with pytest.raises(ConfigurationError) as err:
        ChunkedSession(app)
    assert str(err.value) == "CHUNKED_SESSION_MAX_CHUNKS is 0 cookies: it must be between 1 and 64 cookies"
    assert err.value.setting == "CHUNKED_SESSION_MAX_CHUNKS"


def test_max_chunks_setting() -> None:
    app = make_app(CHUNKED_SESSION_MAX_SIZE=8 * 1024, CHUNKED_SESSION_MAX_CHUNKS=2)

    @app.get("/size")
    def size() -> dict[str, int]:
        checked = flask.session.check()
        return {"cookies": checked.cookies, "max_cookies": checked.max_cookies}

    client = app.test_client()
    assert client.get("/size").json["max_cookies"] == 2
    client.post("/blob/6000")
    assert client.get("/size").json == {"cookies": 2, "max_cookies": 2}
    assert client.get("/show").json["blob"] == 6000


def test_a_setting_refused_at_run_time_names_it() -> None:
    app = make_app()
    client = app.test_client()
    client.post("/set/user/ada")
    app.config.update(SESSION_COOKIE_SAMESITE="None", SESSION_COOKIE_SECURE=False)
    with pytest.raises(ConfigurationError) as err:
        client.get("/show")
    assert err.value.code == "same-site-none-without-secure"
    assert err.value.settings == ("SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_SECURE")
    assert "SESSION_COOKIE_SAMESITE None needs SESSION_COOKIE_SECURE" in str(err.value)
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/show", "https://localhost/").json["keys"] == ["user"]


def test_raw_random_bytes_are_keys() -> None:
    first = os.urandom(32)
    app = make_app(CHUNKED_SESSION_KEY=first)
    client = app.test_client()
    client.post("/set/user/ada")
    assert client.get("/show").json["reason"] == "valid"
    # Rotated: the raw key is an old one now, beside a text key.
    app.config.update(CHUNKED_SESSION_KEY=keygen(), CHUNKED_SESSION_OLD_KEYS=[os.urandom(48), first])
    rv = client.get("/show")
    assert rv.json["reason"] == "valid" and rv.json["keys"] == ["user"]


def test_flasks_spelling_covers_the_settings_flask_has() -> None:
    codes = set(_native.setting_codes())
    assert set(SPELLING.names) <= codes and set(SPELLING.advice) <= codes
    # What Flask has no setting for is said by the library's code.
    assert codes - set(SPELLING.names) == {"max_decoded_size", "refresh_after", "clock_skew"}
    plain = Settings("signed", "session", "/", None, True, True, "Lax", False, key=keygen())
    with pytest.raises(ValueError, match="colour"):
        _native.Engine(plain, Spelling({"colour": "COLOUR"}, {}))
    with pytest.raises(ValueError, match="flask-chunked"):
        _native.Engine(plain._replace(migrate_from=("rails",)), SPELLING)
    assert _native.Engine(plain, Spelling({}, {})).open(None).load_reason == "no-session"


@pytest.mark.parametrize("fmt", ALL)
def test_flask_cookie_settings_are_honoured(fmt: str) -> None:
    app = make_app(
        CHUNKED_SESSION_FORMAT=fmt,
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/app",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PARTITIONED=True,
        CHUNKED_SESSION_MAX_SIZE=8 * 1024,
    )
    client = app.test_client()
    rv = client.post("/set/user/ada", "https://www.example.com/app/")
    [(name, value, attrs)] = set_cookies(rv)
    assert name == "sid"
    for attr in ("domain=example.com", "path=/app", "secure", "samesite=strict", "partitioned"):
        assert attr in attrs, attrs
    assert "httponly" not in attrs
    assert "expires" not in attrs and "max-age" not in attrs  # not permanent
    rv = client.get("/show", "https://www.example.com/app/")
    assert rv.json["reason"] == "valid" and rv.json["keys"] == ["user"]
    # Settings changed after the app started are read at the next request, as Flask does.
    app.config.update(SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_NAME="sid2")
    rv = client.post("/set/user/bob", "https://www.example.com/app/")
    assert [n for n, _, a in set_cookies(rv) if "samesite=lax" in a] == ["sid2"]


@pytest.mark.parametrize("fmt", ALL)
def test_application_root_is_the_default_path(fmt: str) -> None:
    app = make_app(CHUNKED_SESSION_FORMAT=fmt, APPLICATION_ROOT="/root")
    rv = app.test_client().post("/set/a/b", "http://localhost/root/")
    assert "path=/root" in set_cookies(rv)[0][2]


@pytest.mark.parametrize("fmt", ALL)
def test_permanent_session_lifetime(fmt: str) -> None:
    app = make_app(CHUNKED_SESSION_FORMAT=fmt, PERMANENT_SESSION_LIFETIME=timedelta(days=3))
    client = app.test_client()
    rv = client.post("/permanent/1")
    [(_, _, attrs)] = set_cookies(rv)
    expires = parse_date(re.search(r"expires=([^;]+)", attrs).group(1))
    want = datetime.now(timezone.utc) + timedelta(days=3)
    assert abs((expires - want).total_seconds()) < 60
    if fmt != "flask":
        assert "max-age=259200" in attrs or "max-age=25919" in attrs
    assert client.get("/show").json["reason"] == "valid"
    rv = client.post("/permanent/0")
    assert "expires" not in set_cookies(rv)[0][2]


@pytest.mark.parametrize("fmt", ALL)
@pytest.mark.parametrize("refresh", [True, False])
def test_refresh_each_request(fmt: str, refresh: bool) -> None:
    app = make_app(CHUNKED_SESSION_FORMAT=fmt, SESSION_REFRESH_EACH_REQUEST=refresh)
    client = app.test_client()
    client.post("/permanent/1")
    rv = client.get("/untouched")
    assert bool(set_cookies(rv)) is refresh
    assert (rv.headers.get("Vary") == "Cookie") is refresh
    # A session that is not permanent is never refreshed.
    client.post("/permanent/0")
    rv = client.get("/untouched")
    assert set_cookies(rv) == [] and "Vary" not in rv.headers


def test_secret_key_fallbacks_in_flask_format() -> None:
    app = make_app(CHUNKED_SESSION_FORMAT="flask", SECRET_KEY="old")
    client = app.test_client()
    client.post("/set/user/ada")
    app.config.update(SECRET_KEY="new", SECRET_KEY_FALLBACKS=["old"])
    rv = client.get("/show")
    assert rv.json["reason"] == "valid" and rv.json["keys"] == ["user"]
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/show").json["reason"] == "bad-signature"


def test_flask_format_without_secret_key_is_flasks_null_session() -> None:
    app = make_app(CHUNKED_SESSION_FORMAT="flask")
    app.secret_key = None
    with app.test_request_context():
        assert flask.session.get("x") is None
        with pytest.raises(RuntimeError, match="session is unavailable"):
            flask.session["x"] = 1


def test_idle_timeout_setting() -> None:
    app = make_app(CHUNKED_SESSION_IDLE_TIMEOUT=timedelta(minutes=30))
    client = app.test_client()
    client.post("/set/user/ada")
    assert client.get("/show").json["reason"] == "valid"


def test_max_size_setting() -> None:
    app = make_app(CHUNKED_SESSION_MAX_SIZE=8 * 1024)
    client = app.test_client()
    assert client.post("/blob/6000").status_code == 200
    assert client.post("/blob/12000").status_code == 500
    app.config["CHUNKED_SESSION_MAX_SIZE"] = 20 * 1024
    assert client.post("/blob/12000").status_code == 200


def test_environment_key_and_private_format_hide_content() -> None:
    os.environ["CHUNKED_TEST_KEY"] = base64.b64encode(os.urandom(32)).decode()
    try:
        app = make_app(CHUNKED_SESSION_FORMAT="private", CHUNKED_SESSION_KEY=os.environ["CHUNKED_TEST_KEY"])
    finally:
        del os.environ["CHUNKED_TEST_KEY"]
    client = app.test_client()
    rv = client.post("/set/secret/do-not-show")
    [(_, value, _)] = set_cookies(rv)
    assert "do-not-show" not in value and "ZG8tbm90" not in value
    assert client.get("/show").json["keys"] == ["secret"]


@pytest.mark.parametrize("fmt", ALL)
def test_settings_over_a_live_server(fmt: str, live: Callable[..., LiveServer]) -> None:
    app = make_app(
        CHUNKED_SESSION_FORMAT=fmt,
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=1),
    )
    server = live(app)
    status, _, headers = server.request("POST", "/permanent/1")
    [line] = headers.get_all("Set-Cookie")
    assert status == 200 and line.startswith("sid=")
    for attr in ("HttpOnly", "SameSite=Strict", "Path=/", "Expires="):
        assert attr in line, line
    if fmt != "flask":
        assert re.search(r"Max-Age=(3600|3599)\b", line), line
    assert headers["Vary"] == "Cookie" and headers["Cache-Control"] == "private, no-store"
    [cookie] = list(server.jar)
    assert cookie.name == "sid" and cookie.expires is not None
    _, body, headers = server.request("GET", "/show")
    assert b'"reason":"valid"' in body.replace(b" ", b"")
    assert headers["Vary"] == "Cookie"
    # Permanent, and SESSION_REFRESH_EACH_REQUEST: written again even untouched.
    _, _, headers = server.request("GET", "/untouched")
    assert headers.get_all("Set-Cookie") and headers["Vary"] == "Cookie"
    server.request("POST", "/permanent/0")
    _, _, headers = server.request("GET", "/untouched")
    assert headers.get_all("Set-Cookie") is None and headers.get("Vary") is None
