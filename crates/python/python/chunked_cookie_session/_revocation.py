"""Revocation, whatever the framework: the store settings a framework reads, the store as
Python calls it (:class:`RevocationStore`), the device list, and the session methods every
framework's session shares (:class:`RevocableSession`).

The store itself is the Rust library's (``MemoryRevocation`` or ``RedisRevocation``),
built by the native module once per set of store settings in a process and shared by every
engine that names them: this module only translates values, times and calls. At exit the
package gives the revocations still queued for Redis a bounded chance to reach it; a child
of ``fork`` (gunicorn's workers under ``--preload``) builds stores of its own, since a
fork copies no thread.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable, Optional
from urllib.parse import urlsplit

from ._errors import ConfigurationError, RevocationError, RevocationUnconfirmed
from ._native import Store, close_stores
from ._values import millis

if TYPE_CHECKING:
    from ._native import Handle
    from ._spelling import Spelling

log = logging.getLogger("chunked_cookie_session")

#: The codes of the store's settings that the library's ``Setting`` does not name (it
#: names ``revocation``): the keys of a :class:`~chunked_cookie_session._settings.Spelling`'s
#: ``extra`` names.
STORE_SETTINGS = ("registry", "namespace", "staleness_bound", "startup_wait", "timeout", "policy")

#: The store's settings as Flask and Django name them, by code (a ``Spelling``'s ``extra``),
#: and with their defaults (``None``: the library's).
SETTING_NAMES: dict[str, str] = {
    "registry": "CHUNKED_SESSION_REGISTRY",
    "namespace": "CHUNKED_SESSION_REVOCATION_NAMESPACE",
    "policy": "CHUNKED_SESSION_REVOCATION_POLICY",
    "staleness_bound": "CHUNKED_SESSION_REVOCATION_STALENESS_BOUND",
    "startup_wait": "CHUNKED_SESSION_REVOCATION_STARTUP_WAIT",
    "timeout": "CHUNKED_SESSION_REVOCATION_TIMEOUT",
}
SETTING_DEFAULTS: dict[str, Any] = {
    "CHUNKED_SESSION_REVOCATION": None,
    **{name: False if code == "registry" else None for code, name in SETTING_NAMES.items()},
}

#: How long, at most, the process waits at exit for queued revocations to reach Redis.
EXIT_WAIT = 2.0

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class StoreSettings:
    """The revocation store's settings, by the library's names (the native module reads
    them by attribute name). ``None`` leaves the library's default. Hashable: the store is
    kept per value. The URL's password is never shown."""

    #: ``"memory"``, or a Redis URL (``redis://[:PASSWORD@]HOST:PORT[/DB]``).
    store: str
    #: The device registry is on, keeping ``registry_cap`` sessions per subject (``None``:
    #: the library's default, 20).
    registry: bool = False
    registry_cap: Optional[int] = None
    #: Redis only: the prefix of the store's keys and channel.
    namespace: Optional[str] = None
    #: Redis only, in milliseconds: how long the mirror may go without hearing from Redis
    #: before the policy answers, how long start-up waits for the first sync, how long an
    #: admin call waits for Redis to confirm.
    staleness_bound_ms: Optional[int] = None
    startup_wait_ms: Optional[int] = None
    timeout_ms: Optional[int] = None
    #: Redis only: ``fail-closed`` or ``fail-open``.
    policy: Optional[str] = None

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={value!r}"
            for name, value in (
                ("registry", self.registry),
                ("registry_cap", self.registry_cap),
                ("namespace", self.namespace),
                ("staleness_bound_ms", self.staleness_bound_ms),
                ("startup_wait_ms", self.startup_wait_ms),
                ("timeout_ms", self.timeout_ms),
                ("policy", self.policy),
            )
            if value not in (None, False)
        )
        return f"StoreSettings({_shown_url(self.store)!r}{', ' if shown else ''}{shown})"

    __str__ = __repr__


def _shown_url(url: str) -> str:
    """The URL without its password (or user)."""
    if url == "memory":
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        return "(a URL that does not parse)"
    hidden = "(hidden)@" if "@" in parts.netloc else ""
    return f"{parts.scheme}://{hidden}{host}{port}{parts.path}"


def store_settings(
    spelling: Spelling,
    *,
    revocation: object,
    registry: object,
    namespace: object,
    staleness_bound: object,
    startup_wait: object,
    timeout: object,
    policy: object,
) -> Optional[StoreSettings]:
    """The store settings a framework's values describe (``None``: no revocation). Raises
    :class:`~chunked_cookie_session.ConfigurationError`, naming the setting the framework's
    way, for a value of a type it cannot be; the values themselves are the library's to
    judge, when the engine is built."""
    names: Mapping[str, str] = spelling.extra
    revocation_name = spelling.names.get("revocation", "revocation")
    on, cap = _registry(names.get("registry", "registry"), registry)
    if revocation is None or revocation is False or revocation == "":
        if on:
            raise ConfigurationError(
                f"{names.get('registry', 'registry')} needs a revocation store: set "
                f'{revocation_name} to "memory" or a Redis URL',
                code="missing",
                settings=(revocation_name, names.get("registry", "registry")),
                setting_codes=("revocation", "registry"),
            )
        return None
    if not isinstance(revocation, str):
        raise _wrong(revocation_name, "revocation", revocation, 'a str ("memory" or a Redis URL)')
    for code, value in (("namespace", namespace), ("policy", policy)):
        if value is not None and not isinstance(value, str):
            raise _wrong(names.get(code, code), code, value, "a str")
    return StoreSettings(
        store=revocation,
        registry=on,
        registry_cap=cap,
        namespace=namespace,  # type: ignore[arg-type]  # checked above
        staleness_bound_ms=millis(names.get("staleness_bound", "staleness_bound"), staleness_bound),
        startup_wait_ms=millis(names.get("startup_wait", "startup_wait"), startup_wait),
        timeout_ms=millis(names.get("timeout", "timeout"), timeout),
        policy=policy,  # type: ignore[arg-type]  # checked above
    )


def named_store_settings(spelling: Spelling, setting: Callable[[str], object]) -> Optional[StoreSettings]:
    """:func:`store_settings` from settings read by their Flask and Django names."""
    return store_settings(
        spelling,
        revocation=setting("CHUNKED_SESSION_REVOCATION"),
        **{code: setting(name) for code, name in SETTING_NAMES.items()},
    )


def _registry(name: str, value: object) -> tuple[bool, Optional[int]]:
    """The registry setting: off (``False``, ``None``, ``0``), on with the default cap
    (``True``), or on with a cap (an int)."""
    if value is None or value is False:
        return False, None
    if value is True:
        return True, None
    if isinstance(value, int):
        return (True, value) if value else (False, None)
    raise _wrong(name, "registry", value, "a bool, or an int (the sessions kept per subject)")


def _wrong(name: str, code: str, value: object, expected: str) -> ConfigurationError:
    return ConfigurationError(
        f"{name} is a {type(value).__name__}: it must be {expected}",
        code="invalid-type",
        settings=(name,),
        setting_codes=(code,),
    )


# Times: the library counts in microseconds (creation times, epochs) and Unix seconds
# (deadlines, last seen); Python sees aware datetimes in UTC.


def from_micros(micros: int) -> datetime:
    """An instant in microseconds since the Unix epoch, as an aware datetime (exact)."""
    return _EPOCH + timedelta(microseconds=micros)


def from_seconds(seconds: int) -> datetime:
    """An instant in Unix seconds, as an aware datetime."""
    return _EPOCH + timedelta(seconds=seconds)


def to_micros(when: datetime) -> int:
    """A datetime (a naive one taken as UTC) in microseconds since the Unix epoch."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return (when - _EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True)
class Device:
    """One session of a subject, as the device registry last saw it."""

    #: The session's id (22 characters of base64url): what :meth:`revoke_device` takes.
    session_id: str
    #: When the session (its id) was created.
    created: datetime
    #: When the session was last written.
    last_seen: datetime
    #: The ``User-Agent`` of that write (at most 512 bytes).
    user_agent: str
    #: The session's absolute deadline: the record goes then.
    expires_at: datetime


def devices_from_rows(rows: list[tuple[str, int, int, str, int]]) -> list[Device]:
    return [
        Device(
            session_id=session_id,
            created=from_micros(created),
            last_seen=from_seconds(last_seen),
            user_agent=user_agent,
            expires_at=from_seconds(expires_at),
        )
        for session_id, created, last_seen, user_agent, expires_at in rows
    ]


class RevocationStore:
    """The revocation store of an app (``"memory"`` or Redis), for what a session's own
    methods do not cover: signing out a user from an admin page, break glass, another
    user's device list, a readiness probe. Every call that revokes applies in this process
    before it returns, and waits for Redis to confirm, at most the store's bound (2 s by
    default), without holding the GIL; past it, :class:`RevocationUnconfirmed`."""

    __slots__ = ("_store",)

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def kind(self) -> str:
        """``"memory"`` or ``"redis"``."""
        return self._store.kind

    @property
    def registry(self) -> bool:
        """Whether the device registry is on."""
        return self._store.registry

    def revoke_session(self, session_id: str, expires_at: Optional[datetime] = None) -> None:
        """Revokes one session by its id (``session.session_id``, or a :class:`Device`'s),
        until ``expires_at`` (default: as long as a session can live)."""
        deadline = None if expires_at is None else to_micros(expires_at) // 1_000_000
        self._store.revoke_session(session_id, deadline)

    def revoke_subject(self, subject: str) -> datetime:
        """Signs ``subject`` out everywhere: every session bound to it and created before
        now is refused from now on (a password change, an account closed). Returns the
        instant used: sessions created after it (a login right after) are spared."""
        return from_micros(self._store.revoke_subject(subject))

    def revoke_everyone_before(self, when: datetime) -> None:
        """Break glass: every session created before ``when`` (not in the future; a naive
        datetime is UTC) is refused from now on."""
        self._store.revoke_everyone_before(to_micros(when))

    def devices(self, subject: str) -> list[Device]:
        """The subject's sessions the device registry knows, most recently seen first,
        without the revoked and expired ones."""
        return devices_from_rows(self._store.devices(subject))

    def revoke_device(self, subject: str, session_id: str) -> bool:
        """Signs out one of ``subject``'s sessions: ``False`` (and nothing revoked) when the
        registry does not list that id for that subject."""
        return self._store.revoke_device(subject, session_id)

    def freshness(self) -> tuple[str, Optional[float]]:
        """How current the store is, for a readiness probe: ``("local", None)`` for the
        memory store; for Redis ``("fresh", age)``, ``("stale", age)`` (past the staleness
        bound: the policy answers for sessions it does not know as revoked) or
        ``("never-synced", None)``, ``age`` being the seconds since it last heard from
        Redis."""
        return self._store.freshness()

    def stats(self) -> dict[str, int]:
        """The store's counters since it started (``applied``, ``resyncs``,
        ``reconnects``, ``stale_accepts``, ``stale_refusals``, ``registry_records``,
        ``registry_drops``, ``unconfirmed``, ``bad_messages``) and its sizes now
        (``pending_writes``, ``revoked_sessions``, ``revoked_subjects``)."""
        return dict(self._store.stats())

    def __repr__(self) -> str:
        state, _ = self._store.freshness()
        return f"<RevocationStore {self.kind} ({state})>"


class RevocableSession:
    """The revocation methods every framework's session has: its identity, the subject it
    is bound to, logout that holds, sign-out-everywhere and the device list. A framework's
    session class provides :meth:`_revocable` (its handle), :meth:`_ended` (it was purged)
    and :meth:`_changed` (it must be written)."""

    __slots__ = ()

    def _revocable(self) -> Handle:
        raise NotImplementedError

    def _revocation_store(self) -> Optional[Store]:
        raise NotImplementedError

    def _ended(self) -> None:
        raise NotImplementedError

    def _changed(self) -> None:
        raise NotImplementedError

    @property
    def session_id(self) -> str:
        """The session's id: 22 characters of base64url, the same in every write of the
        session, replaced by ``renew()`` (so at every login). A session that has none yet
        gets one now, which its next write carries. Flask's format keeps it only with a
        revocation store."""
        return self._revocable().session_id

    @property
    def created(self) -> datetime:
        """When the session's id was created (UTC, to the microsecond): revocation orders
        sessions by it."""
        return from_micros(self._revocable().created)

    @property
    def subject(self) -> Optional[str]:
        """The subject (the user) the session is bound to, or ``None``. Assign the user's id
        at login (Flask-Login and Django's ``login()`` do it when revocation is on): it is
        what :meth:`revoke_others` and sign-out-everywhere end, and what the device registry
        lists by. ``renew()`` keeps it; ``clear()``, ``purge()`` and :meth:`revoke` drop it.
        Raises :class:`InvalidRevocation` (a ``ValueError``) for an empty subject, one over
        256 bytes or one holding a control character."""
        return self._revocable().subject

    @subject.setter
    def subject(self, subject: Optional[str]) -> None:
        self.set_subject(subject)

    def set_subject(self, subject: Optional[str]) -> None:
        """Binds the session to ``subject`` (``None`` unbinds it); see :attr:`subject`."""
        self._revocable().set_subject(subject)
        self._changed()

    @property
    def store(self) -> Optional[RevocationStore]:
        """The app's revocation store, or ``None`` when revocation is off."""
        store = self._revocation_store()
        return None if store is None else RevocationStore(store)

    def revoke(self) -> None:
        """Logout that holds: revokes this session (every copy of its cookies, every earlier
        and later write of it, on every server sharing the store) and ends it, as
        ``purge()`` does (the response deletes its cookies). It applies in this process
        before the call returns; with Redis, the call waits for Redis to confirm, at most
        the store's bound, and raises :class:`RevocationUnconfirmed` past it (the
        revocation holds here and stays queued). A session that had nothing to revoke (no
        cookie, a refused one) is only ended. Raises :class:`RevocationError`
        (``not-configured``) without a store, the session ended all the same."""
        handle = self._revocable()
        try:
            handle.revoke()
        finally:
            self._ended()

    def revoke_others(self) -> datetime:
        """Sign out everywhere else (a password change): revokes every session of this
        session's subject created before now, on every device, and renews this one (a new
        id, a new lifetime) so it stays signed in. Returns the instant used. Raises
        :class:`RevocationError` (``no-subject``) for a session bound to no subject (nothing
        is changed then), and as :meth:`revoke` does."""
        handle = self._revocable()
        try:
            epoch = handle.revoke_others()
        except RevocationUnconfirmed:
            self._changed()
            raise
        self._changed()
        return from_micros(epoch)

    def devices(self) -> list[Device]:
        """This session's subject's sessions that the device registry knows, most recently
        seen first (this one included, once written). Raises :class:`RevocationError`:
        ``registry-disabled`` when the registry is off, ``no-subject``, ``not-configured``,
        ``timed-out``."""
        return devices_from_rows(self._revocable().devices())

    def revoke_device(self, session_id: str) -> bool:
        """Signs out one of this session's subject's sessions by its id (from
        :meth:`devices`): ``False`` when the registry does not list it for this subject (a
        user can only sign out their own devices). Raises as :meth:`devices` does."""
        return self._revocable().revoke_device(session_id)


    # For async handlers: the same calls, waiting for Redis on a worker thread rather than
    # on the event loop.

    async def arevoke(self) -> None:
        """:meth:`revoke`, awaited: the wait for Redis runs on a worker thread."""
        await asyncio.to_thread(self.revoke)

    async def arevoke_others(self) -> datetime:
        """:meth:`revoke_others`, awaited."""
        return await asyncio.to_thread(self.revoke_others)

    async def adevices(self) -> list[Device]:
        """:meth:`devices`, awaited."""
        return await asyncio.to_thread(self.devices)

    async def arevoke_device(self, session_id: str) -> bool:
        """:meth:`revoke_device`, awaited."""
        return await asyncio.to_thread(self.revoke_device, session_id)


def revoke_quietly(session: RevocableSession, what: str) -> None:
    """Revokes a session for a framework's logout, which must not fail for it: Redis out of
    reach is a warning (the revocation holds here and stays queued), any other failure an
    error; the session is ended either way."""
    try:
        session.revoke()
    except RevocationUnconfirmed as err:
        log.warning("%s: %s", what, err)
    except RevocationError as err:
        log.error("%s: the session was ended but not revoked: %s", what, err)


def _close_at_exit() -> None:
    unwritten = close_stores(EXIT_WAIT)
    if unwritten:
        log.warning(
            "%d revocations were still waiting for Redis at exit: they applied in this process "
            "only; repeat them",
            unwritten,
        )


atexit.register(_close_at_exit)
