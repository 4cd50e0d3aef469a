"""Django's ``settings`` read into the package's
:class:`~chunked_cookie_session._settings.Settings`, and Django's names for them: the
``SESSION_COOKIE_*`` settings Django's own session middleware honours, and
``CHUNKED_SESSION_*`` for the engine's own. They are read once, and again after any
setting changes through Django's ``setting_changed`` signal (``override_settings`` in
tests sends it)."""

from __future__ import annotations

from typing import Any, Optional

from django.conf import settings as django_settings
from django.core.signals import setting_changed

from .. import _settings, _values
from .._native import Engine
from .._revocation import SETTING_DEFAULTS, SETTING_NAMES, named_store_settings
from .._settings import MAKE_A_KEY, EngineCache, Settings
from .._spelling import Spelling

#: The engine's own settings and their defaults.
DEFAULTS: dict[str, Any] = {
    "CHUNKED_SESSION_KEY": None,
    "CHUNKED_SESSION_OLD_KEYS": (),
    "CHUNKED_SESSION_FORMAT": "signed",
    "CHUNKED_SESSION_MAX_SIZE": None,
    "CHUNKED_SESSION_MAX_CHUNKS": None,
    "CHUNKED_SESSION_IDLE_TIMEOUT": None,
    "CHUNKED_SESSION_COOKIE_PARTITIONED": False,
    "CHUNKED_SESSION_MIGRATE": True,
    "CHUNKED_SESSION_MIGRATE_NAME": None,
    **SETTING_DEFAULTS,
}

#: Django's name for each of the library's settings.
SPELLING = Spelling(
    names={
        "format": "CHUNKED_SESSION_FORMAT",
        "key": "CHUNKED_SESSION_KEY",
        "old_keys": "CHUNKED_SESSION_OLD_KEYS",
        "secret_key": "SECRET_KEY",
        "fallback_secrets": "SECRET_KEY_FALLBACKS",
        "name": "SESSION_COOKIE_NAME",
        "path": "SESSION_COOKIE_PATH",
        "domain": "SESSION_COOKIE_DOMAIN",
        "secure": "SESSION_COOKIE_SECURE",
        "http_only": "SESSION_COOKIE_HTTPONLY",
        "same_site": "SESSION_COOKIE_SAMESITE",
        "partitioned": "CHUNKED_SESSION_COOKIE_PARTITIONED",
        "max_size": "CHUNKED_SESSION_MAX_SIZE",
        "max_chunks": "CHUNKED_SESSION_MAX_CHUNKS",
        "lifetime": "SESSION_COOKIE_AGE",
        "idle_timeout": "CHUNKED_SESSION_IDLE_TIMEOUT",
        "revocation": "CHUNKED_SESSION_REVOCATION",
    },
    advice={"key": f"the session is signed with this key: {MAKE_A_KEY}"},
    extra=SETTING_NAMES,
)

#: One engine per set of settings.
ENGINES = EngineCache(SPELLING)

#: The previous format read while ``CHUNKED_SESSION_MIGRATE`` is on: the cookies of
#: Django's ``signed_cookies`` session backend.
TAKEOVER = ("django",)


def setting(name: str) -> Any:
    """A ``CHUNKED_SESSION_*`` setting, or its default."""
    return getattr(django_settings, name, DEFAULTS[name])


def read() -> Settings:
    """The settings in force. Raises :class:`~chunked_cookie_session.ConfigurationError`
    for a key, a secret or a duration of a type it cannot be; the engine cache names any
    other setting of the wrong type."""
    s = django_settings
    secret = _values.secret("SECRET_KEY", getattr(s, "SECRET_KEY", None) or None)
    same_site = s.SESSION_COOKIE_SAMESITE
    return Settings(
        format=setting("CHUNKED_SESSION_FORMAT"),
        name=s.SESSION_COOKIE_NAME,
        path=s.SESSION_COOKIE_PATH,
        domain=s.SESSION_COOKIE_DOMAIN,
        secure=bool(s.SESSION_COOKIE_SECURE),
        http_only=bool(s.SESSION_COOKIE_HTTPONLY),
        # Django leaves the attribute out for False (or None).
        same_site=same_site or None,
        partitioned=bool(setting("CHUNKED_SESSION_COOKIE_PARTITIONED")),
        key=_values.key("CHUNKED_SESSION_KEY", setting("CHUNKED_SESSION_KEY")),
        old_keys=_values.keys("CHUNKED_SESSION_OLD_KEYS", setting("CHUNKED_SESSION_OLD_KEYS")),
        secret_key=secret,
        fallback_secrets=tuple(
            _values.secret("SECRET_KEY_FALLBACKS", k) or b""
            for k in getattr(s, "SECRET_KEY_FALLBACKS", ()) or ()
        ),
        max_size=setting("CHUNKED_SESSION_MAX_SIZE"),
        max_chunks=setting("CHUNKED_SESSION_MAX_CHUNKS"),
        lifetime=_values.seconds("SESSION_COOKIE_AGE", s.SESSION_COOKIE_AGE),
        idle_timeout=_values.seconds(
            "CHUNKED_SESSION_IDLE_TIMEOUT", setting("CHUNKED_SESSION_IDLE_TIMEOUT")
        ),
        # Django writes Expires beside Max-Age.
        expires_date=True,
        migrate_from=TAKEOVER if setting("CHUNKED_SESSION_MIGRATE") and secret else (),
        migrate_name=setting("CHUNKED_SESSION_MIGRATE_NAME"),
        revocation=named_store_settings(SPELLING, setting),
    )


#: The settings in force and their engine, until a setting changes (or the process is
#: forked: a child builds its own revocation store), and the forks they were read after.
_current: Optional[tuple[Settings, Engine, int]] = None


def current() -> tuple[Settings, Engine]:
    """The settings in force and their engine. Raises
    :class:`~chunked_cookie_session.ConfigurationError` for a setting refused (and reads
    them again next time)."""
    global _current
    found = _current
    if found is None or found[2] != _settings.forks():
        settings = read()
        found = _current = (settings, ENGINES.engine(settings), _settings.forks())
    return found[0], found[1]


def _forget(**_: Any) -> None:
    global _current
    _current = None


setting_changed.connect(_forget, dispatch_uid="chunked_cookie_session.django")
