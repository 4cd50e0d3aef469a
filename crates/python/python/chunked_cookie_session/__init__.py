"""Sessions kept in signed or encrypted cookies, chunked past the 4 KB a browser keeps per
cookie, on the Rust engine of chunked-cookie-session.

The Flask extension is :class:`chunked_cookie_session.flask.ChunkedSession`, the ASGI
middleware for Starlette and FastAPI
:class:`chunked_cookie_session.starlette.ChunkedSessionMiddleware`, the Django middleware
:class:`chunked_cookie_session.django.ChunkedSessionMiddleware`.
:func:`keygen` makes a key (``python -m chunked_cookie_session keygen`` prints one).
"""

from ._errors import ChunkedSessionError, ConfigurationError, EngineError
from ._native import __version__, keygen

__all__ = ["ChunkedSessionError", "ConfigurationError", "EngineError", "__version__", "keygen"]
