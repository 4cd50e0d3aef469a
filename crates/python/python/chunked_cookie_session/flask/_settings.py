"""The extension's settings: read from ``app.config`` at every request (Flask's own are
read that way too, and may change after the app starts), and one engine per set of values.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, Optional, Union

from .._native import Engine, check_key
from ._errors import ConfigurationError

if TYPE_CHECKING:
    from flask import Flask
    from flask.sessions import SessionInterface

#: The extension's own settings and their defaults.
DEFAULTS: dict[str, Any] = {
    "CHUNKED_SESSION_KEY": None,
    "CHUNKED_SESSION_OLD_KEYS": (),
    "CHUNKED_SESSION_FORMAT": "signed",
    "CHUNKED_SESSION_FLASK_LAYOUT": "stock",
    "CHUNKED_SESSION_MAX_SIZE": None,
    "CHUNKED_SESSION_IDLE_TIMEOUT": None,
    "CHUNKED_SESSION_MIGRATE": True,
    "CHUNKED_SESSION_MIGRATE_NAME": None,
    "CHUNKED_SESSION_FLASK_SALT": "cookie-session",
}

FORMATS = ("signed", "private", "flask")
LAYOUTS = ("stock", "chunked")
#: The names `Handle.migrated_from` indexes, in the order the engines are given.
MIGRATIONS = ("flask", "flask-chunked")
#: What the recipe's ten cookies can hold: previous sessions are read up to it.
RECIPE_BUDGET = 40 * 1024

MAKE_A_KEY = (
    "make one with `python -m chunked_cookie_session keygen` (or `cookie-session keygen`, "
    "or `openssl rand -base64 32`) and keep it out of the code, in an environment variable"
)


class Settings(NamedTuple):
    """Every value an engine depends on: hashable, so engines are kept per value."""

    format: str
    layout: str
    key: Optional[str]
    old_keys: tuple[str, ...]
    secret: Optional[bytes]
    fallbacks: tuple[bytes, ...]
    salt: bytes
    name: str
    path: str
    domain: Optional[str]
    secure: bool
    httponly: bool
    samesite: Optional[str]
    partitioned: bool
    max_size: Optional[int]
    lifetime: int
    idle_timeout: Optional[int]
    refresh: bool
    migrate: bool
    migrate_name: Optional[str]

    @property
    def old_name(self) -> str:
        """The cookie name the sessions of a migration used."""
        return self.migrate_name or self.name

    def previous_layouts(self) -> list[str]:
        """The Flask layouts read in a migration, in order."""
        if not self.migrate or self.secret is None:
            return []
        same = self.format == "flask" and self.old_name == self.name
        return [old for old in LAYOUTS if not (same and old == self.layout)]


def _bytes(secret: Union[str, bytes]) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


def _seconds(value: Union[None, int, float, timedelta]) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    return int(value)


def read(interface: SessionInterface, app: Flask) -> Settings:
    """The settings in force for this request."""
    config = app.config
    fmt = config["CHUNKED_SESSION_FORMAT"]
    native = fmt != "flask"
    secret = app.secret_key
    return Settings(
        format=fmt,
        layout=config["CHUNKED_SESSION_FLASK_LAYOUT"],
        key=config["CHUNKED_SESSION_KEY"] if native else None,
        old_keys=tuple(config["CHUNKED_SESSION_OLD_KEYS"] or ()) if native else (),
        secret=_bytes(secret) if secret else None,
        fallbacks=tuple(_bytes(k) for k in config["SECRET_KEY_FALLBACKS"] or ()),
        salt=_bytes(config["CHUNKED_SESSION_FLASK_SALT"]),
        name=interface.get_cookie_name(app),
        path=interface.get_cookie_path(app),
        domain=interface.get_cookie_domain(app),
        secure=bool(interface.get_cookie_secure(app)),
        httponly=bool(interface.get_cookie_httponly(app)),
        samesite=interface.get_cookie_samesite(app),
        partitioned=bool(interface.get_cookie_partitioned(app)),
        max_size=config["CHUNKED_SESSION_MAX_SIZE"],
        lifetime=int(app.permanent_session_lifetime.total_seconds()),
        idle_timeout=_seconds(config["CHUNKED_SESSION_IDLE_TIMEOUT"]),
        refresh=bool(config["SESSION_REFRESH_EACH_REQUEST"]),
        migrate=bool(config["CHUNKED_SESSION_MIGRATE"]),
        migrate_name=config["CHUNKED_SESSION_MIGRATE_NAME"],
    )


def build(s: Settings) -> Optional[Engine]:
    """The engine for a set of settings; ``None`` for Flask's format without a
    ``SECRET_KEY`` (Flask's null session then, as Flask does)."""
    cookie: dict[str, Any] = dict(
        name=s.name, path=s.path, domain=s.domain, secure=s.secure, httponly=s.httponly,
        samesite=s.samesite, partitioned=s.partitioned,
    )
    flask: dict[str, Any] = dict(
        secret_key=s.secret, fallbacks=list(s.fallbacks), salt=s.salt, lifetime=s.lifetime,
        refresh_each_request=s.refresh,
    )
    # Previous sessions are read up to what the recipe's ten cookies hold, whatever the
    # budget for writing (a partitioned cookie cannot hold more than its own budget).
    budget = s.max_size if s.partitioned else max(s.max_size or 0, RECIPE_BUDGET)
    previous = [
        Engine("flask", layout=old, max_size=budget, **flask, **dict(cookie, name=s.old_name))
        for old in s.previous_layouts()
    ]
    if s.format == "flask":
        if s.secret is None:
            return None
        return Engine("flask", layout=s.layout, max_size=s.max_size, previous=previous, **flask, **cookie)
    return Engine(
        s.format, key=s.key, old_keys=list(s.old_keys), max_size=s.max_size,
        lifetime=s.lifetime, idle_timeout=s.idle_timeout, refresh_each_request=s.refresh,
        expires_date=True, previous=previous, **cookie,
    )


def migrated_name(settings: Settings, index: Optional[int]) -> Optional[str]:
    """The name of the previous format a session was read from."""
    if index is None:
        return None
    layout = settings.previous_layouts()[index]
    return MIGRATIONS[LAYOUTS.index(layout)]


def validate(interface: SessionInterface, app: Flask) -> None:
    """Raises :class:`ConfigurationError` for a setting the app cannot start with."""
    config = app.config
    fmt = config["CHUNKED_SESSION_FORMAT"]
    if fmt not in FORMATS:
        raise ConfigurationError(
            f"CHUNKED_SESSION_FORMAT is {fmt!r}: use 'signed' (the default), 'private' "
            "(encrypted) or 'flask' (Flask's own cookie)."
        )
    layout = config["CHUNKED_SESSION_FLASK_LAYOUT"]
    if layout not in LAYOUTS:
        raise ConfigurationError(
            f"CHUNKED_SESSION_FLASK_LAYOUT is {layout!r}: use 'stock' (one `session` "
            "cookie, as Flask writes) or 'chunked' (the recipe's `session:0`, `session:1`, ...)."
        )
    if fmt == "flask":
        if not app.secret_key:
            raise ConfigurationError(
                "SECRET_KEY is not set, and CHUNKED_SESSION_FORMAT 'flask' signs with it: set "
                "app.secret_key (the Flask app's own key), e.g. from "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`."
            )
    else:
        _check_key("CHUNKED_SESSION_KEY", config["CHUNKED_SESSION_KEY"])
        old_keys = config["CHUNKED_SESSION_OLD_KEYS"] or ()
        if isinstance(old_keys, str):
            raise ConfigurationError("CHUNKED_SESSION_OLD_KEYS is a list of keys, not one key.")
        for i, old in enumerate(old_keys):
            _check_key(f"CHUNKED_SESSION_OLD_KEYS[{i}]", old)
    try:
        build(read(interface, app))
    except ValueError as err:
        raise ConfigurationError(f"the session cookie settings are refused: {err}") from None


def _check_key(setting: str, key: Any) -> None:
    if not key:
        raise ConfigurationError(
            f"{setting} is not set. The session is signed with this key: {MAKE_A_KEY}."
        )
    if not isinstance(key, str):
        raise ConfigurationError(f"{setting} is a {type(key).__name__}, not a str: {MAKE_A_KEY}.")
    try:
        check_key(key)
    except ValueError as err:
        raise ConfigurationError(f"{setting}: {err}; or {MAKE_A_KEY}") from None
