"""The extension's settings: Flask's ``app.config`` read into the package's
:class:`~chunked_cookie_session._settings.Settings` at every request (Flask reads its own
that way too, and they may change after the app starts), and Flask's names for them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import _values
from .._revocation import SETTING_DEFAULTS, SETTING_NAMES, named_store_settings
from .._settings import MAKE_A_KEY, Settings
from .._spelling import Spelling

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
    "CHUNKED_SESSION_MAX_CHUNKS": None,
    "CHUNKED_SESSION_IDLE_TIMEOUT": None,
    "CHUNKED_SESSION_MIGRATE": True,
    "CHUNKED_SESSION_MIGRATE_NAME": None,
    "CHUNKED_SESSION_FLASK_SALT": "cookie-session",
    **SETTING_DEFAULTS,
}

#: Flask's name for each of the library's settings, and its advice when one is missing (or,
#: for a key, cannot be used).
SPELLING = Spelling(
    names={
        "format": "CHUNKED_SESSION_FORMAT",
        "key": "CHUNKED_SESSION_KEY",
        "old_keys": "CHUNKED_SESSION_OLD_KEYS",
        "secret_key": "SECRET_KEY",
        "fallback_secrets": "SECRET_KEY_FALLBACKS",
        "salt": "CHUNKED_SESSION_FLASK_SALT",
        "layout": "CHUNKED_SESSION_FLASK_LAYOUT",
        "name": "SESSION_COOKIE_NAME",
        "path": "SESSION_COOKIE_PATH",
        "domain": "SESSION_COOKIE_DOMAIN",
        "secure": "SESSION_COOKIE_SECURE",
        "http_only": "SESSION_COOKIE_HTTPONLY",
        "same_site": "SESSION_COOKIE_SAMESITE",
        "partitioned": "SESSION_COOKIE_PARTITIONED",
        "max_size": "CHUNKED_SESSION_MAX_SIZE",
        "max_chunks": "CHUNKED_SESSION_MAX_CHUNKS",
        "lifetime": "PERMANENT_SESSION_LIFETIME",
        "idle_timeout": "CHUNKED_SESSION_IDLE_TIMEOUT",
        "revocation": "CHUNKED_SESSION_REVOCATION",
    },
    advice={
        "key": MAKE_A_KEY,
        "old_keys": MAKE_A_KEY,
        "secret_key": (
            "CHUNKED_SESSION_FORMAT 'flask' signs with it: set app.secret_key (the Flask "
            "app's own key), e.g. from `python -c 'import secrets; print(secrets.token_hex(32))'`"
        ),
    },
    extra=SETTING_NAMES,
)

#: The previous formats read when ``CHUNKED_SESSION_MIGRATE`` is on: stock Flask's cookie,
#: then the recipe's; ``session.migrated_from`` says which one a session came from.
TAKEOVERS = ("flask", "flask-chunked")


def read(interface: SessionInterface, app: Flask) -> Settings:
    """The settings in force for this request. Raises
    :class:`~chunked_cookie_session.ConfigurationError` for a key, a secret or a duration
    of a type it cannot be; the engine cache names any other setting of the wrong type.

    ``app.config`` is never a local here: a traceback through this frame would show it,
    with ``SECRET_KEY`` and the keys, to an error reporter."""
    return Settings(
        format=app.config["CHUNKED_SESSION_FORMAT"],
        name=interface.get_cookie_name(app),
        path=interface.get_cookie_path(app),
        domain=interface.get_cookie_domain(app),
        secure=bool(interface.get_cookie_secure(app)),
        http_only=bool(interface.get_cookie_httponly(app)),
        same_site=interface.get_cookie_samesite(app),
        partitioned=bool(interface.get_cookie_partitioned(app)),
        key=_values.key("CHUNKED_SESSION_KEY", app.config["CHUNKED_SESSION_KEY"]),
        old_keys=_values.keys("CHUNKED_SESSION_OLD_KEYS", app.config["CHUNKED_SESSION_OLD_KEYS"]),
        secret_key=_values.secret("SECRET_KEY", app.secret_key),
        fallback_secrets=_values.secrets("SECRET_KEY_FALLBACKS", app.config["SECRET_KEY_FALLBACKS"]),
        salt=_values.secret("CHUNKED_SESSION_FLASK_SALT", app.config["CHUNKED_SESSION_FLASK_SALT"]),
        layout=app.config["CHUNKED_SESSION_FLASK_LAYOUT"],
        max_size=app.config["CHUNKED_SESSION_MAX_SIZE"],
        max_chunks=app.config["CHUNKED_SESSION_MAX_CHUNKS"],
        lifetime=_values.seconds("PERMANENT_SESSION_LIFETIME", app.permanent_session_lifetime),
        idle_timeout=_values.seconds(
            "CHUNKED_SESSION_IDLE_TIMEOUT", app.config["CHUNKED_SESSION_IDLE_TIMEOUT"]
        ),
        refresh_each_request=bool(app.config["SESSION_REFRESH_EACH_REQUEST"]),
        expires_date=True,
        migrate_from=TAKEOVERS if app.config["CHUNKED_SESSION_MIGRATE"] else (),
        migrate_name=app.config["CHUNKED_SESSION_MIGRATE_NAME"],
        revocation=named_store_settings(SPELLING, lambda name: app.config[name]),
    )


def null_session(settings: Settings) -> bool:
    """Flask's format without a ``SECRET_KEY``: Flask's null session, as Flask does (the
    app started with one, and it was removed since)."""
    return settings.format == "flask" and not settings.secret_key
