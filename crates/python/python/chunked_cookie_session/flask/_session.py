"""The session object views see as ``flask.session``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

from flask import current_app
from flask.globals import request_ctx
from flask.sessions import SecureCookieSession

from .._reasons import LoadReason
from .._request import SessionSize, measure
from .._revocation import RevocableSession

if TYPE_CHECKING:
    from flask import Flask

    from .._native import Handle, Outcome, Store


def json_default(app: Flask) -> Callable[[Any], Any]:
    """What the app's JSON provider makes of a value JSON has no type for, as Flask's
    session serializer gets it (through ``app.json.dumps``): the provider's ``default``
    (Flask's ``DefaultJSONProvider``: a ``date`` as an HTTP date, a ``Decimal`` or a
    ``UUID`` as text, a dataclass as a dict), a custom provider's own included; a provider
    without one is asked to write the value and read it back."""
    provider = app.json
    default = getattr(provider, "default", None)
    if callable(default):
        return default  # type: ignore[no-any-return]
    return lambda value: provider.loads(provider.dumps(value))


class ChunkedCookieSession(RevocableSession, SecureCookieSession):
    """Flask's usual session (a dict that tracks ``modified`` and ``accessed``, with
    ``permanent``), kept by the Rust engine, with what that engine knows besides: why it
    was accepted or refused, its size, renewal and purging, and, with revocation on
    (``CHUNKED_SESSION_REVOCATION``), its identity (``session_id``, ``created``,
    ``subject``), logout that holds (:meth:`revoke`), sign-out-everywhere
    (:meth:`revoke_others`) and the user's devices."""

    #: Why the incoming session was accepted or refused, by the engine's names:
    #: ``no-session``, ``valid``, ``missing-chunk``, ``stale-chunk``, ``too-many-chunks``,
    #: ``bad-signature``, ``unknown-key``, ``expired``, ``idle-expired``, ``malformed``,
    #: ``too-large``, ``ambiguous``, ``foreign-key``, ``revoked``,
    #: ``revocation-unavailable`` (the type :data:`~chunked_cookie_session.flask.LoadReason`).
    load_reason: LoadReason = "no-session"
    #: ``"flask"`` or ``"flask-chunked"`` when the session was read from a cookie of the
    #: previous format (it is written in the configured one by this response).
    migrated_from: Optional[str] = None

    _handle: Optional[Handle] = None
    #: The engine's revocation store, if any.
    _revocation: Optional[Store] = None
    #: The response an outcome was decided for, and that outcome.
    _finished: Optional[tuple[Any, Outcome]] = None

    # A change after the outcome was decided (an after_request hook that runs later)
    # forgets that outcome, so save_session decides again.
    @property
    def modified(self) -> bool:
        return bool(self.__dict__.get("_modified", False))

    @modified.setter
    def modified(self, value: bool) -> None:
        self.__dict__["_modified"] = value
        self.__dict__["_finished"] = None

    def check(self) -> SessionSize:
        """Whether the session as it stands fits its budget, and how big it is: a view can
        ask before it answers. Nothing is written."""
        handle = self._handle
        if handle is None:
            raise RuntimeError("this session is not kept by ChunkedSession")
        if self.modified:
            handle.replace(self, bool(self.permanent), json_default(current_app))
        return measure(handle)

    def purge(self) -> None:
        """Ends the session: empties it, and the response deletes every session cookie
        the request carried. What the view stores afterwards is a fresh session, which
        inherits nothing from the old one. It revokes nothing (:meth:`revoke` does); a
        :meth:`revoke` later in the request still revokes the session the request
        carried."""
        if self._handle is not None:
            self._handle.purge()
        self.clear()
        self.modified = True

    def renew(self) -> None:
        """Call at login, or whenever privileges change: the response writes the session
        anew, with a new lifetime (native formats) and a new generation id, replacing every
        cookie of the old one."""
        if self._handle is not None:
            self._handle.renew()
        self.modified = True


    # What RevocableSession needs.

    def _revocable(self) -> Handle:
        handle = self._handle
        if handle is None:
            raise RuntimeError("this session is not kept by ChunkedSession")
        return handle

    def _revocation_store(self) -> Optional[Store]:
        return self._revocation

    def _ended(self) -> None:
        self.clear()
        self.modified = True

    def _changed(self) -> None:
        self.modified = True


def current_session() -> ChunkedCookieSession:
    """``flask.session``, typed as what it is under :class:`ChunkedSession`: Flask types
    ``flask.session`` as its ``SessionMixin``, on which ``check()``, ``renew()``,
    ``purge()`` and ``load_reason`` do not type-check. Like ``flask.session``, it marks
    the session accessed. ::

        from chunked_cookie_session.flask import current_session

        @app.post("/login")
        def login() -> str:
            session = current_session()
            session.renew()
            session["user"] = "ada"
            return session.load_reason

    Raises ``RuntimeError`` outside a request, and when the app's session is not the
    extension's (``init_app`` did not run, or Flask's format has no ``SECRET_KEY``: Flask's
    null session)."""
    session = request_ctx.session
    if not isinstance(session, ChunkedCookieSession):
        raise RuntimeError(
            f"the session is a {type(session).__name__}, not ChunkedSession's: "
            "ChunkedSession(app) (or init_app) must run first, and Flask's format needs a "
            "SECRET_KEY"
        )
    return session
