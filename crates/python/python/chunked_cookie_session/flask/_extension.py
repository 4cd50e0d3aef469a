"""``ChunkedSession``: the extension object, Flask-Session's and Flask-Login's way."""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional

from flask import current_app, has_request_context
from flask.globals import request_ctx

from .._errors import RevocationError
from .._revocation import Device, RevocationStore, revoke_quietly
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

    With revocation on (``CHUNKED_SESSION_REVOCATION``), the methods below reach the app's
    revocation store (the current app's, or ``app``'s); a session's own methods
    (``revoke()``, ``revoke_others()``, ``devices()``) cover the signed-in user. With
    Flask-Login installed, ``login_user()`` renews the session and binds it to the user's
    ``get_id()``, and ``logout_user()`` revokes it: no code needed.
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
        _follow_flask_login(app)

    def store(self, app: Optional[Flask] = None) -> Optional[RevocationStore]:
        """The revocation store of ``app`` (default: the current app), or ``None`` when
        revocation is off."""
        engine = self.interface.engine(_app(app))
        store = None if engine is None else engine.store
        return None if store is None else RevocationStore(store)

    def _required_store(self, app: Optional[Flask]) -> RevocationStore:
        engine = self.interface.engine(_app(app))
        if engine is None:  # Flask's format without a SECRET_KEY: no session at all
            raise RevocationError(
                "the app has no session: Flask's format needs a SECRET_KEY", code="not-configured"
            )
        return RevocationStore(engine.required_store())

    def revoke_subject(self, subject: str, app: Optional[Flask] = None) -> datetime:
        """Signs ``subject`` out everywhere (an admin's action, a password reset by
        e-mail): every session bound to it and created before now is refused, on every
        server sharing the store. Returns the instant used. Raises
        :class:`~chunked_cookie_session.RevocationError` (``not-configured`` without a
        store) and :class:`~chunked_cookie_session.RevocationUnconfirmed` when Redis does
        not confirm in time (the revocation holds here and stays queued)."""
        return self._required_store(app).revoke_subject(subject)

    def revoke_everyone_before(self, when: datetime, app: Optional[Flask] = None) -> None:
        """Break glass: every session created before ``when`` is refused."""
        self._required_store(app).revoke_everyone_before(when)

    def devices(self, subject: str, app: Optional[Flask] = None) -> list[Device]:
        """``subject``'s sessions the device registry knows (``CHUNKED_SESSION_REGISTRY``),
        most recently seen first."""
        return self._required_store(app).devices(subject)

    def revoke_device(self, subject: str, session_id: str, app: Optional[Flask] = None) -> bool:
        """Signs out one of ``subject``'s sessions by its id: ``False`` when the registry
        does not list it for that subject."""
        return self._required_store(app).revoke_device(subject, session_id)


def _app(app: Optional[Flask]) -> Flask:
    if app is not None:
        return app
    found: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return found


# Flask-Login: login_user() (and a sign-in from the remember-me cookie) renews the session
# and binds it to the user; logout_user() revokes it. Its signals carry the app as their sender; the receivers act only when the
# app's session is this extension's with a revocation store.


def _follow_flask_login(app: Flask) -> None:
    try:
        from flask_login import user_loaded_from_cookie, user_logged_in, user_logged_out
    except ImportError:  # Flask-Login is not installed: nothing to follow
        return
    user_logged_in.connect(_logged_in, app, weak=False)
    # A user signed in again from the remember-me cookie starts a session bound to them.
    user_loaded_from_cookie.connect(_logged_in, app, weak=False)
    user_logged_out.connect(_logged_out, app, weak=False)


def _revocable_session() -> Optional[ChunkedCookieSession]:
    """The request's session when it is the extension's and revocation is on."""
    if not has_request_context():
        return None
    session = request_ctx.session
    if isinstance(session, ChunkedCookieSession) and session._revocation is not None:
        return session
    return None


def _logged_in(sender: Flask, user: Any = None, **_: Any) -> None:
    session = _revocable_session()
    if session is None:
        return
    session.renew()
    user_id = None if user is None else user.get_id()
    if user_id is not None:
        session.subject = str(user_id)


def _logged_out(sender: Flask, user: Any = None, **_: Any) -> None:
    session = _revocable_session()
    if session is None:
        return
    # logout_user() left its mark for the remember-me cookie's deletion (which its
    # after_request hook acts on): the revocation ends the session, not the mark.
    remember = session.get("_remember")
    revoke_quietly(session, "logout")
    if remember is not None:
        session["_remember"] = remember


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
