"""Each failure logged once, on Python's `logging`."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from chunked_cookie_session.flask import SessionTooLarge

from conftest import make_app


@pytest.mark.parametrize("fmt", ["signed", "flask"])
def test_an_overflow_the_app_handles_is_logged_once(
    fmt: str, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    # The library's engine reports the failure as a `tracing` event too; the native module
    # installs no subscriber, so Python sees only the extension's `logging` record: one.
    app = make_app(CHUNKED_SESSION_FORMAT=fmt, CHUNKED_SESSION_FLASK_LAYOUT="chunked", CHUNKED_SESSION_MAX_SIZE=8 * 1024)

    @app.errorhandler(SessionTooLarge)
    def too_large(err: SessionTooLarge) -> Any:
        return {"limit": err.limit}, 413

    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        rv = client.post("/blob/30000")
    assert rv.status_code == 413 and rv.json == {"limit": 8192}
    assert "Set-Cookie" not in rv.headers
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.ERROR and record.name == "chunked_cookie_session"
    assert "8192" in record.getMessage()
    out, err = capfd.readouterr()
    assert "session" not in out + err  # nothing from `tracing` on the console either
