"""The settings every framework's session support builds its engine from.

A framework's module reads its own configuration (Flask's ``app.config``, a middleware's
keyword arguments, Django's ``settings``) into one :class:`Settings` value, and names its
settings in a :class:`Spelling`; an :class:`EngineCache` keeps one engine per value. Every
rule (a format's defaults, the ranges, what a key must hold, which cookies a take-over
reads and up to what size) is the Rust library's: this module only carries values across,
and a refused value comes back as :class:`ConfigurationError` in the framework's words.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Optional

from ._errors import ConfigurationError
from ._native import Engine
from ._spelling import Spelling
from ._values import Key, type_error

if TYPE_CHECKING:
    from ._revocation import StoreSettings


#: How to make a key: every framework's advice when the key is missing or cannot be used
#: (the library's messages say what a key must be, not how to make one).
MAKE_A_KEY = (
    "make one with `python -m chunked_cookie_session keygen` (or `openssl rand -base64 32`) "
    "and keep it out of the code, in an environment variable"
)


#: The fields of :class:`Settings` that hold keys and secrets: never shown.
_HIDDEN = frozenset({"key", "old_keys", "secret_key", "fallback_secrets"})


@dataclass(frozen=True)
class Settings:
    """Everything an engine depends on, by the library's names (``EngineOptions``):
    hashable, so engines are kept per value. ``None`` leaves the library's default for the
    format. The native module reads it by attribute name.

    Not a tuple: error reporters (Werkzeug's debugger, Sentry) show a tuple item by item,
    and a local holding the settings would show the keys; the repr hides them."""

    #: ``signed``, ``private`` or ``flask``.
    format: str
    #: The cookie: its name and attributes, as the framework sets them.
    name: str
    path: str
    domain: Optional[str]
    secure: bool
    http_only: bool
    #: ``Strict``, ``Lax`` or ``None`` (in any case); ``None`` leaves the attribute out.
    same_site: Optional[str]
    partitioned: bool
    #: The native formats: the key that seals, and older ones still read.
    key: Optional[Key] = None
    old_keys: tuple[Key, ...] = ()
    #: Flask's format (and the take-over of Flask's cookies): the application's secret,
    #: its fallbacks, the signing salt, and the layout (``stock`` or ``chunked``).
    secret_key: Optional[bytes] = None
    fallback_secrets: tuple[bytes, ...] = ()
    salt: Optional[bytes] = None
    layout: Optional[str] = None
    #: The budget, in bytes of the request's ``Cookie`` header, and the most cookies.
    max_size: Optional[int] = None
    max_chunks: Optional[int] = None
    #: In seconds: the session's lifetime (Flask's ``PERMANENT_SESSION_LIFETIME``) and
    #: the idle timeout.
    lifetime: Optional[int] = None
    idle_timeout: Optional[int] = None
    refresh_each_request: Optional[bool] = None
    #: Persistent native cookies carry ``Expires`` beside ``Max-Age``.
    expires_date: bool = False
    #: The previous formats whose sessions are taken over when a request has none of this
    #: engine's (``flask``, ``flask-chunked``, ``starlette``, ``django``), most likely
    #: first; what ``Handle.migrated_from`` reports. They are verified with ``secret_key``
    #: (and ``fallback_secrets``).
    migrate_from: tuple[str, ...] = ()
    #: The cookie name those sessions used, when it is not ``name``.
    migrate_name: Optional[str] = None
    #: The revocation store sessions are checked against (``None``: no revocation). The
    #: store is built once per value in a process and shared by every engine naming it.
    revocation: Optional[StoreSettings] = None

    def __repr__(self) -> str:
        # Keys and secrets are never shown, in logs or tracebacks: only whether they are set.
        shown = (
            f"{f.name}={_hidden(getattr(self, f.name)) if f.name in _HIDDEN else repr(getattr(self, f.name))}"
            for f in fields(self)
        )
        return f"Settings({', '.join(shown)})"

    __str__ = __repr__

    def _replace(self, **changes: object) -> Settings:
        """A copy with `changes`, as a NamedTuple's ``_replace`` (what it was)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _hidden(value: object) -> str:
    if isinstance(value, tuple):
        return f"({len(value)} hidden)"
    return "None" if value is None else "(hidden)"


class EngineCache:
    """One engine per set of settings, built with a framework's spelling. Settings rarely
    change, but tests change them often: past ``size`` values, the cache starts afresh.
    (The revocation stores are kept apart, per store settings: a new engine shares the
    process's store.) A child of ``fork`` starts afresh, with stores of its own."""

    def __init__(self, spelling: Spelling, size: int = 64) -> None:
        self.spelling = spelling
        self._size = size
        self._engines: dict[Settings, Engine] = {}
        _CACHES.add(self)

    def clear(self) -> None:
        """Forgets every engine."""
        self._engines.clear()

    def engine(self, settings: Settings) -> Engine:
        """The engine for ``settings``. Raises :class:`ConfigurationError` naming the
        setting a value is refused for (or is of a type it cannot take)."""
        try:
            found = self._engines.get(settings)
            if found is None:
                found = Engine(settings, self.spelling)
                if len(self._engines) >= self._size:
                    self._engines.clear()
                self._engines[settings] = found
        except TypeError:
            wrong = _wrong_type(settings, self.spelling)
            if wrong is None:
                raise
            raise wrong from None
        return found


#: Every engine cache, to empty in a child of ``fork``: its engines hold their parent's
#: revocation stores, whose threads a fork does not copy.
_CACHES: weakref.WeakSet[EngineCache] = weakref.WeakSet()

#: How many forks this process descends from since the package was imported: an engine
#: kept outside a cache (the Starlette middleware's) is built again when it changes.
_forks = 0


def forks() -> int:
    """How many times this process was forked from the one that imported the package."""
    return _forks


def _after_fork() -> None:
    global _forks
    _forks += 1
    for cache in list(_CACHES):
        cache.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


#: The settings a framework hands over as it reads them, and the type each takes: checked
#: only when an engine cannot be built, to name the one of another type.
_PLAIN_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "format": ((str,), "a str"),
    "name": ((str,), "a str"),
    "path": ((str,), "a str"),
    "domain": ((str, type(None)), "a str or None"),
    "same_site": ((str, type(None)), "a str or None"),
    "layout": ((str, type(None)), "a str"),
    "max_size": ((int, type(None)), "an int"),
    "max_chunks": ((int, type(None)), "an int"),
    "migrate_name": ((str, type(None)), "a str or None"),
}


def _wrong_type(settings: Settings, spelling: Spelling) -> Optional[ConfigurationError]:
    for field, (expected, words) in _PLAIN_TYPES.items():
        value = getattr(settings, field)
        if not isinstance(value, expected):
            return type_error(spelling.names.get(field, field), value, words)
        if isinstance(value, int) and value < 0:
            return _negative(settings, spelling, field, value)
    return None


def _negative(settings: Settings, spelling: Spelling, field: str, value: int) -> ConfigurationError:
    """A size or count below 0, which the engine cannot even take: the library's range
    error for 0, said of the value given."""
    try:
        Engine(settings._replace(**{field: 0}), spelling)
    except ConfigurationError as zero:
        name = spelling.names.get(field, field)
        return ConfigurationError(
            zero.message.replace(f"{name} is 0 ", f"{name} is {value} ", 1),
            code=zero.code,
            settings=zero.settings,
            setting_codes=zero.setting_codes,
        )
    name = spelling.names.get(field, field)
    return ConfigurationError(
        f"{name} is {value}: it must be 0 or more", code="out-of-range", settings=(name,)
    )


# Readers of the values that are not handed over as they are: a value of another type is a
# ConfigurationError naming the framework's setting; the values themselves are the
# library's to judge.
