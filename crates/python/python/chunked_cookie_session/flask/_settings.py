"""The extension's settings: read from ``app.config`` at every request (Flask's own are
read that way too, and may change after the app starts), and one engine per set of values.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Optional, Union

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

#: Every value an engine depends on, as a hashable tuple.
Settings = tuple[Any, ...]


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
    secret = app.secret_key
    return (
        fmt,
        config["CHUNKED_SESSION_FLASK_LAYOUT"],
        config["CHUNKED_SESSION_KEY"] if fmt != "flask" else None,
        tuple(config["CHUNKED_SESSION_OLD_KEYS"] or ()) if fmt != "flask" else (),
        _bytes(secret) if secret else None,
        tuple(_bytes(k) for k in config["SECRET_KEY_FALLBACKS"] or ()),
        _bytes(config["CHUNKED_SESSION_FLASK_SALT"]),
        interface.get_cookie_name(app),
        interface.get_cookie_path(app),
        interface.get_cookie_domain(app),
        bool(interface.get_cookie_secure(app)),
        bool(interface.get_cookie_httponly(app)),
        interface.get_cookie_samesite(app),
        bool(interface.get_cookie_partitioned(app)),
        config["CHUNKED_SESSION_MAX_SIZE"],
        int(app.permanent_session_lifetime.total_seconds()),
        _seconds(config["CHUNKED_SESSION_IDLE_TIMEOUT"]),
        bool(config["SESSION_REFRESH_EACH_REQUEST"]),
        bool(config["CHUNKED_SESSION_MIGRATE"]),
        config["CHUNKED_SESSION_MIGRATE_NAME"],
    )


def build(settings: Settings) -> Optional[Engine]:
    """The engine for a set of settings; ``None`` for Flask's format without a
    ``SECRET_KEY`` (Flask's null session then, as Flask does)."""
    (
        fmt, layout, key, old_keys, secret, fallbacks, salt, name, path, domain, secure,
        httponly, samesite, partitioned, max_size, lifetime, idle, refresh, migrate,
        migrate_name,
    ) = settings
    cookie: dict[str, Any] = dict(
        name=name, path=path, domain=domain, secure=secure, httponly=httponly,
        samesite=samesite, partitioned=partitioned,
    )
    flask: dict[str, Any] = dict(
        secret_key=secret, fallbacks=list(fallbacks), salt=salt, lifetime=lifetime,
        refresh_each_request=refresh,
    )
    previous = []
    if migrate and secret is not None:
        budget = max(max_size or 0, RECIPE_BUDGET) if not partitioned else max_size
        old_cookie = dict(cookie, name=migrate_name or name)
        for old in LAYOUTS:
            if fmt != "flask" or old != layout or old_cookie["name"] != name:
                previous.append(Engine("flask", layout=old, max_size=budget, **flask, **old_cookie))
    if fmt == "flask":
        if secret is None:
            return None
        return Engine("flask", layout=layout, max_size=max_size, previous=previous, **flask, **cookie)
    return Engine(
        fmt, key=key, old_keys=list(old_keys), max_size=max_size, lifetime=lifetime,
        idle_timeout=idle, refresh_each_request=refresh, expires_date=True,
        previous=previous, **cookie,
    )


def migrated_name(engine_settings: Settings, index: Optional[int]) -> Optional[str]:
    """The name of the previous format a session was read from."""
    if index is None:
        return None
    fmt, layout, name, migrate_name = (
        engine_settings[0], engine_settings[1], engine_settings[7], engine_settings[-1]
    )
    renamed = (migrate_name or name) != name
    names = [
        n for n, old in zip(MIGRATIONS, LAYOUTS) if fmt != "flask" or old != layout or renamed
    ]
    return names[index]


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
