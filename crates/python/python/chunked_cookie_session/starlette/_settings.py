"""The middleware's keyword arguments read into the package's
:class:`~chunked_cookie_session._settings.Settings`, and their names for the errors:
Starlette's ``SessionMiddleware`` spelling where an argument means the same thing
(``session_cookie``, ``max_age``, ``https_only``, ...)."""

from __future__ import annotations

from datetime import timedelta
from typing import Optional, Union

from .. import _values
from .._revocation import store_settings
from .._settings import MAKE_A_KEY, EngineCache, Settings
from .._spelling import Spelling

#: Starlette's ``SessionMiddleware`` default lifetime: 14 days, in seconds.
DEFAULT_MAX_AGE = 14 * 24 * 60 * 60

#: The middleware's argument for each of the library's settings.
SPELLING = Spelling(
    names={
        "format": "format",
        "key": "key",
        "old_keys": "old_keys",
        "secret_key": "legacy_secret_key",
        "name": "session_cookie",
        "path": "path",
        "domain": "domain",
        "secure": "https_only",
        "same_site": "same_site",
        "partitioned": "partitioned",
        "max_size": "max_size",
        "max_chunks": "max_chunks",
        "lifetime": "max_age",
        "idle_timeout": "idle_timeout",
        "revocation": "revocation",
    },
    advice={"key": f"ChunkedSessionMiddleware(key=...) signs the session with it: {MAKE_A_KEY}"},
    extra={
        "registry": "registry",
        "namespace": "revocation_namespace",
        "policy": "revocation_policy",
        "staleness_bound": "revocation_staleness_bound",
        "startup_wait": "revocation_startup_wait",
        "timeout": "revocation_timeout",
    },
)

#: One engine per set of arguments: apps made in a loop (tests) share them.
ENGINES = EngineCache(SPELLING)

#: The previous format read when ``legacy_secret_key`` is given.
TAKEOVER = ("starlette",)

Seconds = Union[int, float, timedelta, None]


def _text(value: object) -> object:
    """A ``starlette.datastructures.Secret`` (or anything else that only shows its value
    through ``str``) as its text; other values as they are, for the readers to judge."""
    if value is None or isinstance(value, (str, bytes, bytearray, list, tuple)):
        return value
    if type(value).__name__ == "Secret":
        return str(value)
    return value


def read(
    *,
    key: object,
    old_keys: object,
    format: str,
    session_cookie: str,
    max_age: Seconds,
    path: str,
    same_site: Optional[str],
    https_only: bool,
    domain: Optional[str],
    partitioned: bool,
    max_size: Optional[int],
    max_chunks: Optional[int],
    idle_timeout: Seconds,
    legacy_secret_key: object,
    legacy_cookie: Optional[str],
    revocation: object = None,
    registry: object = False,
    revocation_namespace: object = None,
    revocation_policy: object = None,
    revocation_staleness_bound: object = None,
    revocation_startup_wait: object = None,
    revocation_timeout: object = None,
) -> Settings:
    """The settings the arguments describe. Raises
    :class:`~chunked_cookie_session.ConfigurationError` for a key or a duration of a type
    it cannot be; the engine names any other argument of the wrong type."""
    legacy: Optional[bytes] = None
    if legacy_secret_key is not None:
        # Starlette signs with `str(secret_key)`, whatever was passed: so does the reader.
        legacy = str(legacy_secret_key).encode("utf-8")
    return Settings(
        format=format,
        name=session_cookie,
        path=path,
        domain=domain,
        secure=bool(https_only),
        http_only=True,
        same_site=same_site,
        partitioned=bool(partitioned),
        key=_values.key("key", _text(key)),
        old_keys=_values.keys(
            "old_keys",
            [_text(k) for k in old_keys] if isinstance(old_keys, (list, tuple)) else old_keys,
        ),
        secret_key=legacy,
        max_size=max_size,
        max_chunks=max_chunks,
        lifetime=_values.seconds("max_age", max_age),
        idle_timeout=_values.seconds("idle_timeout", idle_timeout),
        migrate_from=TAKEOVER if legacy is not None else (),
        migrate_name=legacy_cookie,
        revocation=store_settings(
            SPELLING,
            revocation=revocation,
            registry=registry,
            namespace=revocation_namespace,
            policy=revocation_policy,
            staleness_bound=revocation_staleness_bound,
            startup_wait=revocation_startup_wait,
            timeout=revocation_timeout,
        ),
    )
