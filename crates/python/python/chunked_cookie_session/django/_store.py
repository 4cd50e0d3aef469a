"""``SessionStore``: Django's ``SessionBase`` kept by the Rust engine."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Optional

from django.conf import settings as django_settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string

from .._failures import not_saved
from .._reasons import LoadReason
from .._request import SessionSize, finish, measure, open_session
from .._revocation import RevocableSession, revoke_quietly
from . import _settings

if TYPE_CHECKING:
    from .._native import Handle, Outcome, Store


class SessionStore(RevocableSession, SessionBase):
    """``request.session``: a real ``SessionBase``, so everything written for Django's
    sessions (``django.contrib.auth``'s ``login()`` and ``logout()``, the ``messages``
    framework's session storage, ``set_expiry``, the test client) works unchanged. The
    session lives in the request's cookies: ``session_key`` is the value of its first
    cookie, as with Django's ``signed_cookies`` backend.

    Besides Django's API: ``load_reason``, ``migrated_from``, :meth:`check`,
    :meth:`renew` and :meth:`purge`. ``cycle_key()`` is :meth:`renew`; ``flush()`` ends
    the session and deletes every cookie it had.

    With revocation on (``CHUNKED_SESSION_REVOCATION``): ``session_id``, ``created``,
    ``subject`` (``login()`` binds it to the user's primary key), :meth:`revoke`,
    :meth:`revoke_others`, :meth:`devices`, :meth:`revoke_device`; and ``flush()``
    (``logout()`` calls it) revokes the session it ends."""

    #: The entries once loaded (Django's attribute: absent until then).
    _session_cache: dict[str, Any]

    def __init__(
        self,
        session_key: Optional[str] = None,
        *,
        cookie_header: Optional[str] = None,
        user_agent: Optional[str] = None,
    ):
        # SessionBase.__init__, but for its serializer, which only encode() and decode()
        # use: looked up when they do (see below), not at every request.
        self._session_key = session_key
        self.accessed = False
        self.modified = False
        if cookie_header is None and self.session_key:
            # Made from a cookie value alone (the test client, a script): that cookie is
            # the session's first. (Django's rule for a key holds: one of fewer than 8
            # characters, such as the "None" the test client's `session` sets when there
            # was nothing to write, is no key.)
            cookie_header = f"{django_settings.SESSION_COOKIE_NAME}={self.session_key}"
        settings, engine = _settings.current()
        opened = open_session(engine, cookie_header)
        # The settings the session was opened with: its cookies' attributes.
        self._cookie_settings = settings
        self._handle: Handle = opened.handle
        self._revocation: Optional[Store] = engine.store
        if self._revocation is not None and self._revocation.registry and user_agent:
            self._handle.set_user_agent(user_agent)
        self._entries: Optional[dict[str, Any]] = opened.entries
        #: Why the incoming session was accepted or refused, by the engine's names:
        #: ``no-session``, ``valid``, ``missing-chunk``, ``stale-chunk``,
        #: ``too-many-chunks``, ``bad-signature``, ``unknown-key``, ``expired``,
        #: ``idle-expired``, ``malformed``, ``too-large``, ``ambiguous``, ``foreign-key``,
        #: ``revoked``, ``revocation-unavailable``.
        self.load_reason: LoadReason = opened.reason
        #: ``"django"`` when the session was read from a cookie of Django's
        #: ``signed_cookies`` backend (this response writes it in the configured format).
        self.migrated_from: Optional[str] = opened.migrated_from
        if self.migrated_from is not None:
            self.modified = True

    @property
    def serializer(self) -> Any:
        """``SESSION_SERIALIZER``, as SessionBase has it (for ``encode``/``decode``)."""
        return import_string(django_settings.SESSION_SERIALIZER)

    # Loading: the engine has read the cookies already; the entries become the session on
    # first use, whatever `session_key` is (a session taken over from a cookie of another
    # name has none).

    def load(self) -> dict[str, Any]:
        entries, self._entries = self._entries, None
        return entries if entries is not None else {}

    async def aload(self) -> dict[str, Any]:
        return self.load()

    def _get_session(self, no_load: bool = False) -> dict[str, Any]:
        self.accessed = True
        try:
            return self._session_cache
        except AttributeError:
            self._session_cache = {} if no_load else self.load()
        return self._session_cache

    async def _aget_session(self, no_load: bool = False) -> dict[str, Any]:
        return self._get_session(no_load)

    _session = property(_get_session)

    # What Django's other backends keep on a server, the cookies keep themselves.

    def exists(self, session_key: Optional[str]) -> bool:
        return False

    async def aexists(self, session_key: Optional[str]) -> bool:
        return False

    def create(self) -> None:
        """A new session: the response writes it under a new generation id, with a new
        lifetime."""
        self._handle.renew()
        self.modified = True

    async def acreate(self) -> None:
        self.create()

    def cycle_key(self) -> None:
        """Keeps the data and writes it anew (at login: see :meth:`renew`); as with
        Django's signed_cookies backend, ``session_key`` is the new one at once."""
        self._get_session()
        self.renew()
        self.save()

    async def acycle_key(self) -> None:
        self.cycle_key()

    def delete(self, session_key: Optional[str] = None) -> None:
        """Ends this session (another's key names nothing here): see :meth:`purge`."""
        if session_key is not None and session_key != self.session_key:
            return
        if self.load_reason != "no-session":
            # The cookies the request carried go; with none, there is nothing to delete
            # (and, as with Django's backends, no cookie is set).
            self._handle.purge()
        self._session_cache = {}
        self._entries = None
        self.modified = True

    async def adelete(self, session_key: Optional[str] = None) -> None:
        self.delete(session_key)

    def flush(self) -> None:
        """Ends the session (``logout()`` calls it), deleting every cookie it had; with
        revocation on, revokes it first, so a copy of its cookies is refused too. Should
        Redis not confirm in time, the revocation holds in this process and stays queued
        (a warning is logged); the session ends all the same."""
        if self._revocation is None or self.load_reason == "no-session":
            super().flush()
            return
        revoke_quietly(self, "session flushed")
        self._session_key = None

    async def aflush(self) -> None:
        if self._revocation is None:
            await super().aflush()
        else:
            await asyncio.to_thread(self.flush)

    def save(self, must_create: bool = False) -> None:
        """Decides the session's cookies now, as a successful response would write them,
        and makes ``session_key`` the first one's value (what the test client's
        ``login()`` sets as the cookie). The middleware decides again for the response it
        answers. Raises :class:`~chunked_cookie_session.django.SessionTooLarge` (or
        another ``SessionNotSaved``) when the session cannot be written."""
        outcome = self._decide(200, accessed=True, cache_control=False, vary=(), write=True)
        if outcome.failure is not None:
            raise not_saved(outcome.failure)
        for cookie in outcome.cookies:
            if cookie.index == 0 and not cookie.removal:
                self._session_key = cookie.value

    async def asave(self, must_create: bool = False) -> None:
        self.save(must_create)

    @classmethod
    def clear_expired(cls) -> None:
        """Nothing to clear: an expired session is refused by its own signed deadline."""

    @classmethod
    async def aclear_expired(cls) -> None:
        """Nothing to clear."""

    # The engine's additions to Django's API.

    def check(self) -> SessionSize:
        """Whether the session as it stands fits its budget, and how big it is: a view can
        ask before it answers. Nothing is written."""
        if self.modified:
            self._replace()
        return measure(self._handle)

    def purge(self) -> None:
        """Ends the session: empties it, and the response deletes every session cookie
        the request carried. What the view stores afterwards is a fresh session, which
        inherits nothing from the old one. (``flush()`` does this too.)"""
        self.delete()

    def renew(self) -> None:
        """Call at login, or whenever privileges change (``login()`` does, through
        ``cycle_key()``): the response writes the session anew, with a new lifetime and a
        new generation id, replacing every cookie of the old one."""
        self._handle.renew()
        self.modified = True

    # What RevocableSession needs.

    def _revocable(self) -> Handle:
        return self._handle

    def _revocation_store(self) -> Optional[Store]:
        return self._revocation

    def _ended(self) -> None:
        self._session_cache = {}
        self._entries = None
        self.accessed = True
        self.modified = True

    def _changed(self) -> None:
        self.modified = True

    # What the response carries.

    def _replace(self) -> None:
        accessed = self.accessed
        data = self._get_session()
        self._handle.replace(data, not self.get_expire_at_browser_close())
        self.accessed = accessed

    def _decide(
        self, status: int, *, accessed: bool, cache_control: bool, vary: Any, write: bool
    ) -> Outcome:
        handle = self._handle
        if write or self.modified or handle.rewrite_due():
            self._replace()
        return finish(handle, status, accessed=accessed, cache_control=cache_control, vary=vary)


def _bind_subject(sender: Any, request: Any = None, user: Any = None, **_: Any) -> None:
    """``django.contrib.auth``'s ``login()``: with revocation on, the session (renewed by
    ``login()`` already) is bound to the user's primary key."""
    session = getattr(request, "session", None)
    if isinstance(session, SessionStore) and session._revocation is not None and user is not None:
        session.subject = str(user.pk)


def _follow_auth() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_bind_subject, dispatch_uid="chunked_cookie_session.django.subject")


_follow_auth()
