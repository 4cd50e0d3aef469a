"""A Flask extension keeping the session in chunked, signed or encrypted cookies, on the
Rust engine of chunked-cookie-session::

    from chunked_cookie_session.flask import ChunkedSession

    app.config["CHUNKED_SESSION_KEY"] = os.environ["SESSION_KEY"]
    ChunkedSession(app)

``flask.session`` is a :class:`ChunkedCookieSession`: Flask's session, plus
``load_reason``, ``migrated_from``, ``check()``, ``purge()`` and ``renew()``;
:func:`current_session` returns it typed as such (Flask types ``flask.session`` as its
``SessionMixin``).

Settings (``app.config``; ``init_app`` sets each default with ``setdefault``):

``CHUNKED_SESSION_KEY`` (required by the native formats)
    The key: 32 or more random bytes, as base64 text
    (``python -m chunked_cookie_session keygen`` prints one) or raw (``os.urandom(32)``).
``CHUNKED_SESSION_OLD_KEYS`` (``()``)
    Older keys, still read, never used to seal: for rotation.
``CHUNKED_SESSION_FORMAT`` (``"signed"``)
    ``"signed"`` (HMAC-SHA256: the client can read it, not alter it), ``"private"``
    (XChaCha20-Poly1305: neither), or ``"flask"`` (Flask's own cookie, signed with
    ``SECRET_KEY``).
``CHUNKED_SESSION_FLASK_LAYOUT`` (``"stock"``)
    Format ``flask``: ``"stock"`` (one cookie, as Flask writes it) or ``"chunked"``
    (``session:0``, ``session:1``, ...).
``CHUNKED_SESSION_MAX_SIZE`` (``None``: 7 KiB)
    The budget, in bytes of the request's ``Cookie`` header; raise the servers' and
    proxies' header limits before raising it (a warning at start-up names the servers
    whose default it passes).
``CHUNKED_SESSION_MAX_CHUNKS`` (``None``: 16, or more when the budget needs it)
    The most cookies a session may take (1 to 64).
``CHUNKED_SESSION_IDLE_TIMEOUT`` (``None``)
    Native formats: end a session no request touched for this long (seconds or a
    ``timedelta``).
``CHUNKED_SESSION_MIGRATE`` (``True``)
    Read stock Flask's and the chunked recipe's cookies when there is no session of the
    configured format, and write them anew in it.
``CHUNKED_SESSION_MIGRATE_NAME`` (``None``: ``SESSION_COOKIE_NAME``)
    The cookie name those old sessions used.
``CHUNKED_SESSION_FLASK_SALT`` (``"cookie-session"``)
    The itsdangerous salt of Flask's format.

Flask's ``SESSION_COOKIE_*``, ``PERMANENT_SESSION_LIFETIME``,
``SESSION_REFRESH_EACH_REQUEST``, ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` are honoured
as Flask honours them. A session that does not fit is never written: the response is the
app's answer to :class:`SessionTooLarge` (a 500 by default).
"""

from ._errors import (
    ChunkedSessionError,
    ConfigurationError,
    EngineError,
    SessionBudgetWarning,
    SessionNotSaved,
    SessionTooLarge,
)
from ._extension import EXTENSION_KEY, ChunkedSession
from ._interface import ChunkedSessionInterface
from ._session import ChunkedCookieSession, SessionSize, current_session
from .._reasons import LoadReason

__all__ = [
    "EXTENSION_KEY",
    "ChunkedCookieSession",
    "ChunkedSession",
    "ChunkedSessionError",
    "ChunkedSessionInterface",
    "ConfigurationError",
    "EngineError",
    "LoadReason",
    "SessionBudgetWarning",
    "SessionNotSaved",
    "SessionSize",
    "SessionTooLarge",
    "current_session",
]
