"""What the typed accessor is for: `flask.session` is typed as Flask's `SessionMixin`, so
mypy --strict refuses the extension's methods on it (tests/test_typing.py checks that it
does, so the check of app.py is known to bite)."""

from __future__ import annotations

import flask


def view() -> str:
    flask.session.renew()
    return flask.session.load_reason
