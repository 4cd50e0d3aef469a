"""Sessions kept in signed or encrypted cookies, chunked past the 4 KB a browser keeps per
cookie, on the Rust engine of chunked-cookie-session.

The Flask extension is :class:`chunked_cookie_session.flask.ChunkedSession`, the ASGI
middleware for Starlette and FastAPI
:class:`chunked_cookie_session.starlette.ChunkedSessionMiddleware`, the Django middleware
:class:`chunked_cookie_session.django.ChunkedSessionMiddleware`.
:func:`keygen` makes a key (``python -m chunked_cookie_session keygen`` prints one).
With revocation on (``"memory"`` or a Redis URL, in each framework's settings), sessions
can be ended on the server: :class:`RevocationStore` is the store, and
:class:`RevocationError` what its calls raise.
"""

from ._errors import (
    ChunkedSessionError,
    ConfigurationError,
    EngineError,
    InvalidRevocation,
    RevocationError,
    RevocationUnconfirmed,
)
from ._native import __version__, keygen
from ._revocation import Device, RevocationStore

__all__ = [
    "ChunkedSessionError",
    "ConfigurationError",
    "Device",
    "EngineError",
    "InvalidRevocation",
    "RevocationError",
    "RevocationStore",
    "RevocationUnconfirmed",
    "__version__",
    "keygen",
]
