"""Django sessions in chunked, signed or encrypted cookies, on the Rust engine of
chunked-cookie-session. In ``settings.py``::

    MIDDLEWARE = [
        ...,
        "chunked_cookie_session.django.ChunkedSessionMiddleware",  # for SessionMiddleware
        ...,
    ]
    SESSION_ENGINE = "chunked_cookie_session.django"
    CHUNKED_SESSION_KEY = os.environ["SESSION_KEY"]

``request.session`` is a :class:`SessionStore`, a real Django ``SessionBase``: ``login()``,
``logout()`` and ``messages`` work unchanged. This module is also the ``SESSION_ENGINE``
(it has the ``SessionStore`` Django looks for).
"""

from __future__ import annotations

from .._errors import ChunkedSessionError, ConfigurationError
from .._failures import SessionNotSaved, SessionTooLarge
from .._reasons import LoadReason
from .._request import SessionSize
from ._middleware import ChunkedSessionMiddleware
from ._store import SessionStore

__all__ = [
    "ChunkedSessionError",
    "ChunkedSessionMiddleware",
    "ConfigurationError",
    "LoadReason",
    "SessionNotSaved",
    "SessionSize",
    "SessionStore",
    "SessionTooLarge",
]
