"""``ChunkedSession``: the extension object, Flask-Session's and Flask-Login's way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from flask import current_app
from flask.globals import request_ctx

from . import _settings
from ._errors import not_saved
from ._interface import ChunkedSessionInterface
from ._session import ChunkedCookieSession

if TYPE_CHECKING:
    from flask import Flask, Response

#: Where ``init_app`` registers the extension: ``app.extensions["chunked_session"]``.
EXTENSION_KEY = "chunked_session"


class ChunkedSession:
    """Keeps the app's sessions in chunked, signed (or encrypted) cookies::

        app.config["CHUNKED_SESSION_KEY"] = os.environ["SESSION_KEY"]
        ChunkedSession(app)          # or: sessions = ChunkedSession(); sessions.init_app(app)

    ``flask.session`` stays Flask's session object, with more (see
    :class:`ChunkedCookieSession`). The settings, their defaults and what they do:
    ``help(chunked_cookie_session.flask)``.
    """

    def __init__(self, app: Optional[Flask] = None) -> None:
        self.interface = ChunkedSessionInterface()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Installs the session interface on ``app``. Raises
        :class:`~chunked_cookie_session.flask.ConfigurationError` for a missing or invalid
        setting, naming it."""
        for key, value in _settings.DEFAULTS.items():
            app.config.setdefault(key, value)
        self.interface.validate(app)
        app.session_interface = self.interface
        app.extensions[EXTENSION_KEY] = self
        # After the view and the hooks registered after this one, decide the response's
        # cookies; an overflow then becomes the app's own error response, which
        # save_session (called last, its return value ignored) could not do.
        app.after_request(_finish_session)


def _finish_session(response: Response) -> Response:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    interface = app.session_interface
    session = request_ctx._session  # not `ctx.session`, which would mark it accessed
    if not isinstance(interface, ChunkedSessionInterface) or not isinstance(
        session, ChunkedCookieSession
    ):
        return response
    if session._handle is None:
        return response
    # Decided already when init_app ran twice on this app.
    decided = session._finished is not None and session._finished[0] is response
    if decided:
        return response
    outcome = interface.finish(app, session, response)
    if outcome.replace_response and outcome.failure is not None:
        # The app's handler for the exception (or for 500), else werkzeug's 500 page.
        replaced: Response = app.make_response(app.handle_user_exception(not_saved(outcome.failure)))
        # The failure is decided (and logged) for the response that replaces the
        # handler's too: save_session applies it (no cookie) instead of trying the write
        # again, unless the error handler changed the session.
        if session._finished is not None:
            session._finished = (replaced, outcome)
        return replaced
    return response
