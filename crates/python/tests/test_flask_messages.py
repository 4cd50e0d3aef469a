"""What a Flask developer reads when a session does not fit or a setting is refused: the
Flask settings to change, each failure logged once."""

from __future__ import annotations

import logging
import re
from typing import Any

import flask
import pytest
from flask import Flask

from chunked_cookie_session import keygen
from chunked_cookie_session.flask import ChunkedSession, ConfigurationError, SessionSize, SessionTooLarge

from conftest import ROOT, make_app, noise

DOCS = (ROOT / "docs" / "PYTHON.md").read_text()


def overflow_messages(app: Flask, caplog: pytest.LogCaptureFixture, n: int) -> tuple[SessionTooLarge, SessionSize, list[logging.LogRecord]]:
    """The overflow of an `n`-character session, as the exception, `session.check()`
    and the log say it."""
    caught: list[SessionTooLarge] = []
    checked: list[SessionSize] = []

    @app.errorhandler(SessionTooLarge)
    def too_large(err: SessionTooLarge) -> Any:
        caught.append(err)
        return "too large", 413

    @app.post("/check/<int:n>")
    def check(n: int) -> str:
        flask.session["blob"] = noise(n)
        checked.append(flask.session.check())  # type: ignore[attr-defined]
        flask.session.clear()
        return "checked"

    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        assert client.post(f"/blob/{n}").status_code == 413
    records = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert client.post(f"/check/{n}").status_code == 200
    [err] = caught
    [size] = checked
    assert not size.fits and size.message is not None
    return err, size, records


def test_the_stock_layout_overflowing_names_the_layout_setting(caplog: pytest.LogCaptureFixture) -> None:
    # Flask's stock layout holds one cookie: what helps is the chunked layout (or storing
    # less), which the message says in Flask's words; CHUNKED_SESSION_MAX_CHUNKS would not.
    app = make_app(CHUNKED_SESSION_FORMAT="flask", CHUNKED_SESSION_MAX_SIZE=None)
    err, size, [record] = overflow_messages(app, caplog, 6000)
    assert err.kind == "overflow" and err.cookies == 2 and err.max_cookies == 1
    for message in (err.message, size.message, record.getMessage()):
        assert message is not None
        assert 'CHUNKED_SESSION_FLASK_LAYOUT = "chunked"' in message, message
        assert "CHUNKED_SESSION_MAX_CHUNKS" not in message, message
        assert "SessionConfigBuilder" not in message and "max_size" not in message
    assert err.settings == ("CHUNKED_SESSION_FLASK_LAYOUT",)


@pytest.mark.parametrize("fmt", ["signed", "private", "flask"])
def test_a_budget_overflow_names_the_size_setting(fmt: str, caplog: pytest.LogCaptureFixture) -> None:
    app = make_app(CHUNKED_SESSION_FORMAT=fmt, CHUNKED_SESSION_FLASK_LAYOUT="chunked", CHUNKED_SESSION_MAX_SIZE=8 * 1024)
    err, size, [record] = overflow_messages(app, caplog, 30000)
    for message in (err.message, size.message, record.getMessage()):
        assert message is not None
        assert "over the budget of 8192 bytes" in message, message
        assert "raise CHUNKED_SESSION_MAX_SIZE" in message, message
        assert "max_size" not in message and "SessionConfigBuilder" not in message
    assert err.kind == "overflow" and err.limit == 8192 and err.needed is not None and err.needed > 8192
    assert err.settings == ("CHUNKED_SESSION_MAX_SIZE",)


def refused(**config: Any) -> ConfigurationError:
    app = Flask("bounds")
    app.config.update(CHUNKED_SESSION_KEY=keygen(), SECRET_KEY="s", **config)
    with pytest.raises(ConfigurationError) as err:
        ChunkedSession(app)
    return err.value


def test_a_size_out_of_range_names_the_setting_and_the_documented_bounds() -> None:
    # docs/PYTHON.md quotes the error for a budget too small, and gives the range of the
    # most cookies in the settings table: the errors say the same.
    quoted = re.search(r"`(CHUNKED_SESSION_MAX_SIZE is 100 bytes: it must be between [^`]+)`", DOCS.replace("\n", " "))
    assert quoted is not None, "docs/PYTHON.md quotes the error for CHUNKED_SESSION_MAX_SIZE = 100"
    assert str(refused(CHUNKED_SESSION_MAX_SIZE=100)) == quoted.group(1)
    row = re.search(r"\| `CHUNKED_SESSION_MAX_CHUNKS` \|[^\n]*\((\d+) to (\d+)\)", DOCS)
    assert row is not None, "docs/PYTHON.md gives the range of CHUNKED_SESSION_MAX_CHUNKS"
    low, high = int(row.group(1)), int(row.group(2))
    for value in (low - 1, high + 1):
        err = refused(CHUNKED_SESSION_MAX_CHUNKS=value)
        assert str(err) == (
            f"CHUNKED_SESSION_MAX_CHUNKS is {value} cookies: it must be between {low} and {high} cookies"
        )
        assert err.setting == "CHUNKED_SESSION_MAX_CHUNKS" and err.code == "out-of-range"
    # The largest budget the most cookies hold, named with both settings.
    err = refused(CHUNKED_SESSION_MAX_SIZE=10**6)
    assert re.fullmatch(
        r"CHUNKED_SESSION_MAX_SIZE is 1000000 bytes: it must be between 512 and \d+ bytes "
        rf"with CHUNKED_SESSION_MAX_CHUNKS at {high}",
        str(err),
    ), str(err)
    assert err.settings == ("CHUNKED_SESSION_MAX_SIZE", "CHUNKED_SESSION_MAX_CHUNKS")


@pytest.mark.parametrize(("setting", "unit"), [("CHUNKED_SESSION_MAX_SIZE", "bytes"), ("CHUNKED_SESSION_MAX_CHUNKS", "cookies")])
def test_a_negative_size_is_out_of_range_too(setting: str, unit: str) -> None:
    err = refused(**{setting: -1})
    assert err.setting == setting and err.code == "out-of-range"
    assert str(err).startswith(f"{setting} is -1 {unit}: it must be between "), str(err)



KEY_ERRORS: list[dict[str, Any]] = [
    {},
    {"CHUNKED_SESSION_KEY": ""},
    {"CHUNKED_SESSION_KEY": "not base64!"},
    {"CHUNKED_SESSION_KEY": "c2hvcnQ="},
    {"CHUNKED_SESSION_KEY": b"k" * 31},
    {"CHUNKED_SESSION_KEY": "A" * 1400},
    {"CHUNKED_SESSION_OLD_KEYS": ["c2hvcnQ="]},
]


@pytest.mark.parametrize("config", KEY_ERRORS)
def test_key_errors_say_how_to_make_one_once(config: dict[str, Any]) -> None:
    app = Flask("keys")
    app.config["CHUNKED_SESSION_KEY"] = keygen()
    app.config.update(config)
    if not config:
        del app.config["CHUNKED_SESSION_KEY"]
    with pytest.raises(ConfigurationError) as err:
        ChunkedSession(app)
    message = str(err.value)
    assert err.value.code in ("missing", "invalid-key"), message
    assert err.value.setting in ("CHUNKED_SESSION_KEY", "CHUNKED_SESSION_OLD_KEYS[0]", "CHUNKED_SESSION_OLD_KEYS")
    # Once, with the command pip installs; never the workspace's `cookie-session` binary.
    assert message.count("python -m chunked_cookie_session keygen") == 1, message
    assert message.count("keygen") == 1 and message.count("openssl") == 1, message
    assert "cookie-session keygen" not in message, message


def test_check_key_says_how_to_make_one_once() -> None:
    from chunked_cookie_session import _native

    with pytest.raises(ValueError) as err:
        _native.check_key("c2hvcnQ=")
    assert str(err.value).count("keygen") == 1 and "python -m chunked_cookie_session keygen" in str(err.value)
