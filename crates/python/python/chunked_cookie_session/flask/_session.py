"""The session object views see as ``flask.session``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from flask.sessions import SecureCookieSession

if TYPE_CHECKING:
    from .._native import Handle, Outcome


@dataclass(frozen=True)
class SessionSize:
    """What :meth:`ChunkedCookieSession.check` reports."""

    #: Whether the session, as it stands, can be written.
    fits: bool
    #: Bytes its cookies take in the client's ``Cookie`` header (what it would need, when
    #: it does not fit).
    size: int
    #: How many cookies carry it.
    cookies: int
    #: The budget, ``CHUNKED_SESSION_MAX_SIZE``.
    max_size: int
    #: The most cookies it may take.
    max_cookies: int
    #: Why it cannot be written, when it cannot.
    message: Optional[str] = None


class ChunkedCookieSession(SecureCookieSession):
    """Flask's usual session (a dict that tracks ``modified`` and ``accessed``, with
    ``permanent``), kept by the Rust engine, with what that engine knows besides."""

    #: Why the incoming session was accepted or refused, by the engine's names:
    #: ``no-session``, ``valid``, ``missing-chunk``, ``stale-chunk``, ``too-many-chunks``,
    #: ``bad-signature``, ``unknown-key``, ``expired``, ``idle-expired``, ``malformed``,
    #: ``too-large``, ``revoked``, ``revocation-unavailable``.
    load_reason: str = "no-session"
    #: ``"flask"`` or ``"flask-chunked"`` when the session was read from a cookie of the
    #: previous format (it is written in the configured one by this response).
    migrated_from: Optional[str] = None

    _handle: Optional[Handle] = None
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
            handle.replace(self, bool(self.permanent))
        sizes = handle.check()
        failure = sizes.failure
        return SessionSize(
            fits=failure is None,
            size=sizes.cookie_line,
            cookies=sizes.chunks,
            max_size=sizes.max_size,
            max_cookies=sizes.max_chunks,
            message=None if failure is None else failure.message,
        )

    def purge(self) -> None:
        """Ends the session: empties it, and the response deletes every session cookie
        the request carried. What the view stores afterwards is a fresh session, which
        inherits nothing from the old one."""
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
