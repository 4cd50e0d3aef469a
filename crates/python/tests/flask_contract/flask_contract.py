"""pytest plugin: run Flask's own session tests, unchanged, with the extension installed on
their ``app`` fixture.

    FLASK_CONTRACT_FORMAT=flask|signed|private python -m pytest -p flask_contract @session_tests.txt

The ``app`` fixture lives in Flask's tests/conftest.py, and a conftest fixture outranks a
plugin's fixture of the same name, so this plugin wraps its setup instead
(``pytest_fixture_setup``) and installs the extension on the app the fixture returned.
``flask``: Flask's format and stock layout, where every test must pass. ``signed`` and
``private``: the native formats, where the tests about ``SECRET_KEY`` itself are skipped.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
from flask import Flask

from chunked_cookie_session import keygen
from chunked_cookie_session.flask import ChunkedSession, ChunkedSessionInterface

FORMAT = os.environ.get("FLASK_CONTRACT_FORMAT", "flask")
CALLS: Counter[str] = Counter()

#: Tests about SECRET_KEY itself, which the native formats do not use.
SECRET_KEY_TESTS = {
    "test_missing_session",
    "test_session_secret_key_fallbacks",
    "test_session_transactions_no_null_sessions",
}


class CountingInterface(ChunkedSessionInterface):
    """The extension's interface, counting its calls (to show the tests went through it)."""

    def open_session(self, app: Any, request: Any) -> Any:
        CALLS["open_session"] += 1
        return super().open_session(app, request)

    def save_session(self, app: Any, session: Any, response: Any) -> None:
        CALLS["save_session"] += 1
        super().save_session(app, session, response)


def install(app: Flask) -> None:
    CALLS["apps"] += 1
    app.config["CHUNKED_SESSION_FORMAT"] = FORMAT
    if FORMAT != "flask":
        app.config["CHUNKED_SESSION_KEY"] = keygen()
    extension = ChunkedSession()
    extension.interface = CountingInterface()
    extension.init_app(app)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: Any) -> Any:
    value = yield
    if fixturedef.argname == "app" and isinstance(value, Flask):
        install(value)
    return value


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if FORMAT == "flask":
        return
    skip = pytest.mark.skip(reason="about SECRET_KEY itself, which the native formats do not use")
    for item in items:
        if item.name in SECRET_KEY_TESTS:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(
        f"flask_contract[{FORMAT}]: the extension was installed on {CALLS['apps']} app "
        f"fixtures; {CALLS['open_session']} open_session and {CALLS['save_session']} "
        "save_session calls went through it"
    )
