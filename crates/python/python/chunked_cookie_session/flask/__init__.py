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
``CHUNKED_SESSION_REVOCATION`` (``None``: off)
    Revocable sessions: ``"memory"`` (this process only) or a Redis URL
    (``redis://[:PASSWORD@]HOST:PORT[/DB]``, shared by every server of the app). Every
    request checks its session against this process's copy of the revocations, never the
    network. ``session.revoke()`` logs out for good, ``session.revoke_others()`` signs the
    user out everywhere else; with Flask-Login, ``logout_user()`` revokes and
    ``login_user()`` binds the session to the user.
``CHUNKED_SESSION_REGISTRY`` (``False``)
    The device registry: ``True`` (20 sessions kept per user) or the number to keep;
    ``session.devices()`` lists the user's sessions, ``session.revoke_device(id)`` signs
    one out.
``CHUNKED_SESSION_REVOCATION_NAMESPACE`` (``None``: ``"chunked-session"``)
    Redis: the prefix of the store's keys and channel (one per application sharing a
    Redis).
``CHUNKED_SESSION_REVOCATION_POLICY`` (``None``: ``"fail-closed"``)
    Redis: what a session the store does not know as revoked gets once the store has not
    heard from Redis for the staleness bound: ``"fail-closed"`` (refused, as
    ``revocation-unavailable``, its cookies kept) or ``"fail-open"`` (accepted, warned
    about).
``CHUNKED_SESSION_REVOCATION_STALENESS_BOUND`` (``None``: 10 seconds)
    Redis: that bound (seconds or a ``timedelta``; 0.1 s to 1 hour).
``CHUNKED_SESSION_REVOCATION_STARTUP_WAIT`` (``None``: 5 seconds)
    Redis: how long the app's start waits for its first sync with Redis (at most 5
    minutes); the policy answers until it completes.
``CHUNKED_SESSION_REVOCATION_TIMEOUT`` (``None``: 2 seconds)
    Redis: how long a revocation waits for Redis to confirm it (0.01 to 60 s), after which
    it raises ``RevocationUnconfirmed`` (it holds in this process and stays queued).

Flask's ``SESSION_COOKIE_*``, ``PERMANENT_SESSION_LIFETIME``,
``SESSION_REFRESH_EACH_REQUEST``, ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` are honoured
as Flask honours them. A session that does not fit is never written: the response is the
app's answer to :class:`SessionTooLarge` (a 500 by default).
"""

from .._errors import InvalidRevocation, RevocationError, RevocationUnconfirmed
from .._revocation import Device, RevocationStore
from ._errors import (
    ChunkedSessionError,
    ConfigurationError,
    EngineError,
    SessionBudgetWarning,
    SessionNotSaved,
    SessionTooLarge,
)
from .._reasons import LoadReason
from .._request import SessionSize
from ._extension import EXTENSION_KEY, ChunkedSession
from ._interface import ChunkedSessionInterface
from ._session import ChunkedCookieSession, current_session

__all__ = [
    "EXTENSION_KEY",
    "ChunkedCookieSession",
    "ChunkedSession",
    "ChunkedSessionError",
    "ChunkedSessionInterface",
    "ConfigurationError",
    "Device",
    "EngineError",
    "InvalidRevocation",
    "LoadReason",
    "RevocationError",
    "RevocationStore",
    "RevocationUnconfirmed",
    "SessionBudgetWarning",
    "SessionNotSaved",
    "SessionSize",
    "SessionTooLarge",
    "current_session",
]
