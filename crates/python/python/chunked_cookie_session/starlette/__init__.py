"""Starlette and FastAPI sessions in chunked, signed or encrypted cookies, on the Rust
engine of chunked-cookie-session::

    from chunked_cookie_session.starlette import ChunkedSessionMiddleware

    app.add_middleware(ChunkedSessionMiddleware, key=os.environ["SESSION_KEY"])

``request.session`` (and ``scope["session"]``) is a :class:`ChunkedCookieSession`: a dict,
as with Starlette's ``SessionMiddleware``, plus ``load_reason``, ``migrated_from``,
``check()``, ``renew()`` and ``purge()``. In FastAPI, :func:`get_session` is a dependency
that gives it with that type.
"""

from __future__ import annotations

from .._errors import ChunkedSessionError, ConfigurationError
from .._failures import SessionNotSaved, SessionTooLarge
from .._reasons import LoadReason
from .._request import SessionSize
from ._dependency import get_session
from ._middleware import ChunkedSessionMiddleware
from ._session import ChunkedCookieSession

__all__ = [
    "ChunkedCookieSession",
    "ChunkedSessionError",
    "ChunkedSessionMiddleware",
    "ConfigurationError",
    "LoadReason",
    "SessionNotSaved",
    "SessionSize",
    "SessionTooLarge",
    "get_session",
]
