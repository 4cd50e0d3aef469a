"""A Flask extension keeping the session in chunked, signed or encrypted cookies, on the
Rust engine of chunked-cookie-session::

    from chunked_cookie_session.flask import ChunkedSession

    app.config["CHUNKED_SESSION_KEY"] = os.environ["SESSION_KEY"]
    ChunkedSession(app)

``flask.session`` is a :class:`ChunkedCookieSession`: Flask's session, plus
``load_reason``, ``migrated_from``, ``check()``, ``purge()`` and ``renew()``.
"""

from ._errors import (
    ChunkedSessionError,
    ConfigurationError,
    EngineError,
    SessionNotSaved,
    SessionTooLarge,
)
from ._extension import EXTENSION_KEY, ChunkedSession
from ._interface import ChunkedSessionInterface
from ._session import ChunkedCookieSession, SessionSize

__all__ = [
    "EXTENSION_KEY",
    "ChunkedCookieSession",
    "ChunkedSession",
    "ChunkedSessionError",
    "ChunkedSessionInterface",
    "ConfigurationError",
    "EngineError",
    "SessionNotSaved",
    "SessionSize",
    "SessionTooLarge",
]
