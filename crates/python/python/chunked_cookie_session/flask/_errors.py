"""The extension's exceptions."""

from __future__ import annotations

from typing import Optional

from werkzeug.exceptions import InternalServerError

from .._errors import ChunkedSessionError, ConfigurationError, EngineError
from .._native import SaveFailure

__all__ = [
    "ChunkedSessionError",
    "ConfigurationError",
    "EngineError",
    "SessionBudgetWarning",
    "SessionNotSaved",
    "SessionTooLarge",
    "not_saved",
]


class SessionBudgetWarning(UserWarning):
    """At start-up: ``CHUNKED_SESSION_MAX_SIZE`` lets a session's ``Cookie`` header pass the
    default header limit of a common server. Past it the server refuses every request of
    that browser (431) before the app sees it, logout included, until the cookies expire.
    Raise the server's limit, or lower the budget; filter this warning once that is done
    (``warnings.filterwarnings("ignore", category=SessionBudgetWarning)``)."""


class SessionNotSaved(ChunkedSessionError, InternalServerError):
    """The session could not be written, so nothing was: the client keeps the cookies it
    had. An HTTP 500 whose page says only that; register
    ``@app.errorhandler(SessionNotSaved)`` (or one of its subclasses, or 500) to answer
    otherwise. :attr:`message` has the details for logs."""

    description = "The session could not be saved."

    def __init__(self, failure: SaveFailure) -> None:
        super().__init__()
        #: ``overflow``, ``too-large``, ``too-deep``, ``invalid-entry``, ...
        self.kind: str = failure.kind
        #: The engine's sentence: sizes and the settings to change, by their Flask names.
        self.message: str = failure.message
        #: The settings that govern the limit hit (``CHUNKED_SESSION_MAX_SIZE``, ...).
        self.settings: tuple[str, ...] = tuple(failure.settings)
        #: The entry at fault, for ``too-deep`` and ``invalid-entry``.
        self.entry: Optional[str] = failure.entry


class SessionTooLarge(SessionNotSaved):
    """The session does not fit in ``CHUNKED_SESSION_MAX_SIZE`` (or its JSON is larger
    than a reader inflates). Nothing was written."""

    description = "The session is too large to be saved."

    def __init__(self, failure: SaveFailure) -> None:
        super().__init__(failure)
        #: Bytes of ``Cookie`` header the session would need.
        self.needed: Optional[int] = failure.needed
        #: The budget it did not fit in.
        self.limit: Optional[int] = failure.limit
        #: How many cookies it would need, and the most allowed.
        self.cookies: Optional[int] = failure.chunks
        self.max_cookies: Optional[int] = failure.max_chunks


def not_saved(failure: SaveFailure) -> SessionNotSaved:
    """The exception for a failed write."""
    if failure.kind in ("overflow", "too-large"):
        return SessionTooLarge(failure)
    return SessionNotSaved(failure)
