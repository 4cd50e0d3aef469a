"""``ChunkedSession``: the extension object, Flask-Session's and Flask-Login's way."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Optional

from flask import current_app
from flask.globals import request_ctx

from . import _settings
from ._errors import SessionBudgetWarning, not_saved
from ._interface import ChunkedSessionInterface
from ._session import ChunkedCookieSession

if TYPE_CHECKING:
    from flask import Flask, Response

#: Where ``init_app`` registers the extension: ``app.extensions["chunked_session"]``.
EXTENSION_KEY = "chunked_session"

#: The default limit on one request header line of the common WSGI servers, in bytes of
#: ``Name: value`` and its CRLF, and how to raise it. gunicorn: ``limit_request_field_size``
#: (a longer line is answered 431, 400 in older versions). werkzeug's development server
#: (``flask run``): Python's ``http.server``, whose ``http.client`` reads a header line of
#: at most 65536 bytes (``_MAXLINE``) and answers 431 past it, with no setting.
SERVER_LIMITS: tuple[tuple[str, int, str], ...] = (
    ("gunicorn", 8190, "raise it with --limit-request-field_size"),
    ("werkzeug's development server (flask run)", 65536, "it has no setting"),
)

#: What a ``Cookie`` line holds besides the cookies: ``Cookie: `` and the CRLF.
COOKIE_LINE = len("Cookie: \r\n")


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
            self._install(app)

    def init_app(self, app: Flask) -> None:
        """Installs the session interface on ``app``. Raises
        :class:`~chunked_cookie_session.flask.ConfigurationError` for a missing or invalid
        setting, naming it; warns (:class:`SessionBudgetWarning`) when the budget passes a
        common server's default header limit."""
        self._install(app)

    def _install(self, app: Flask) -> None:
        for key, value in _settings.DEFAULTS.items():
            app.config.setdefault(key, value)
        self.interface.validate(app)
        # The warning names the line that called ChunkedSession(app) or init_app(app).
        _warn_past_server_limits(self.interface, app, stacklevel=4)
        app.session_interface = self.interface
        app.extensions[EXTENSION_KEY] = self
        # After the view and the hooks registered after this one, decide the response's
        # cookies; an overflow then becomes the app's own error response, which
        # save_session (called last, its return value ignored) could not do.
        app.after_request(_finish_session)


def _warn_past_server_limits(interface: ChunkedSessionInterface, app: Flask, stacklevel: int) -> None:
    """A :class:`SessionBudgetWarning` when the budget lets the ``Cookie`` line pass a
    common server's default limit."""
    engine = interface.engine(app)
    if engine is None:
        return
    line = engine.max_size + COOKIE_LINE
    passed = [(server, limit, how) for server, limit, how in SERVER_LIMITS if line > limit]
    if not passed:
        return
    servers = "; ".join(f"{server}: {limit} bytes ({how})" for server, limit, how in passed)
    warnings.warn(
        f"CHUNKED_SESSION_MAX_SIZE of {engine.max_size} bytes lets a session's Cookie header "
        f"line reach {line} bytes, past the default limit of one header line of {servers}. "
        "Such a server refuses every request of a browser holding a session that large "
        "(431), logout included, before the app sees it: the user is locked out until the "
        "cookies expire. Raise the servers' (and proxies') limits, or lower "
        "CHUNKED_SESSION_MAX_SIZE.",
        SessionBudgetWarning,
        stacklevel=stacklevel,
    )


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
