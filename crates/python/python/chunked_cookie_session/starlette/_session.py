"""The session handlers see as ``request.session`` and ``scope["session"]``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .._reasons import LoadReason
from .._request import SessionSize, measure
from .._revocation import RevocableSession

if TYPE_CHECKING:
    from .._native import Handle, Store


class ChunkedCookieSession(RevocableSession, dict[str, Any]):
    """A dict, as Starlette's session is, that tracks what Starlette's does: ``accessed``
    (``request.session`` was read; the response then varies on ``Cookie``) and
    ``modified`` (an entry was set, removed or the session cleared; the response then
    writes it). As with Starlette's, a change inside a stored value (appending to a list
    kept in the session) is not seen: store the value again. Besides: ``load_reason``,
    ``migrated_from``, :meth:`check`, :meth:`renew` and :meth:`purge`; with revocation on
    (the middleware's ``revocation`` argument), ``session_id``, ``created``, ``subject``,
    :meth:`revoke`, :meth:`revoke_others`, :meth:`devices` and :meth:`revoke_device`."""

    __slots__ = (
        "_handle",
        "_permanent",
        "_revocation",
        "accessed",
        "load_reason",
        "migrated_from",
        "modified",
    )

    def __init__(
        self,
        entries: dict[str, Any],
        handle: Optional[Handle] = None,
        *,
        permanent: bool = True,
        load_reason: LoadReason = "no-session",
        migrated_from: Optional[str] = None,
        store: Optional[Store] = None,
    ) -> None:
        super().__init__(entries)
        self._handle = handle
        self._permanent = permanent
        self._revocation = store
        #: The handler read ``request.session``.
        self.accessed = False
        #: An entry was set or removed: the response writes the session.
        self.modified = migrated_from is not None
        #: Why the incoming session was accepted or refused, by the engine's names:
        #: ``no-session``, ``valid``, ``missing-chunk``, ``stale-chunk``,
        #: ``too-many-chunks``, ``bad-signature``, ``unknown-key``, ``expired``,
        #: ``idle-expired``, ``malformed``, ``too-large``, ``ambiguous``, ``foreign-key``,
        #: ``revoked``, ``revocation-unavailable``.
        self.load_reason: LoadReason = load_reason
        #: ``"starlette"`` when the session was read from a cookie of Starlette's
        #: ``SessionMiddleware`` (this response writes it in the configured format).
        self.migrated_from = migrated_from

    # Starlette's `Request.session` calls `mark_accessed`, as for its own session.
    def mark_accessed(self) -> None:
        self.accessed = True

    def mark_modified(self) -> None:
        self.accessed = True
        self.modified = True

    def __setitem__(self, key: str, value: Any) -> None:
        self.mark_modified()
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.mark_modified()
        super().__delitem__(key)

    def clear(self) -> None:
        self.mark_modified()
        super().clear()

    def pop(self, key: str, *default: Any) -> Any:
        if key in self:
            self.mark_modified()
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Any]:
        item = super().popitem()
        self.mark_modified()
        return item

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self.mark_modified()
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.mark_modified()
        super().update(*args, **kwargs)

    def __ior__(self, other: Any) -> ChunkedCookieSession:  # type: ignore[override,misc]
        self.mark_modified()
        super().update(other)
        return self

    def _kept(self) -> Handle:
        handle = self._handle
        if handle is None:
            raise RuntimeError("this session is not kept by ChunkedSessionMiddleware")
        return handle

    def check(self) -> SessionSize:
        """Whether the session as it stands fits its budget, and how big it is: a handler
        can ask before it answers. Nothing is written."""
        handle = self._kept()
        if self.modified:
            handle.replace(self, self._permanent)
        return measure(handle)

    def purge(self) -> None:
        """Ends the session: empties it, and the response deletes every session cookie
        the request carried. What the handler stores afterwards is a fresh session, which
        inherits nothing from the old one."""
        self._kept().purge()
        self.clear()

    def renew(self) -> None:
        """Call at login, or whenever privileges change: the response writes the session
        anew, with a new lifetime and a new generation id, replacing every cookie of the
        old one."""
        self._kept().renew()
        self.mark_modified()

    # What RevocableSession needs.

    def _revocable(self) -> Handle:
        return self._kept()

    def _revocation_store(self) -> Optional[Store]:
        return self._revocation

    def _ended(self) -> None:
        self.clear()

    def _changed(self) -> None:
        self.mark_modified()
