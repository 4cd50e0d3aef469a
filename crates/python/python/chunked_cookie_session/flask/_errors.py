"""The extension's exceptions."""

from __future__ import annotations

from werkzeug.exceptions import InternalServerError

from .._errors import ChunkedSessionError, ConfigurationError, EngineError
from .._failures import FailureDetails, SizeDetails, choose
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


class SessionNotSaved(ChunkedSessionError, InternalServerError, FailureDetails):
    """The session could not be written, so nothing was: the client keeps the cookies it
    had. An HTTP 500 whose page says only that; register
    ``@app.errorhandler(SessionNotSaved)`` (or one of its subclasses, or 500) to answer
    otherwise. :attr:`message` has the details for logs (the settings by their Flask names:
    ``CHUNKED_SESSION_MAX_SIZE``, ...)."""

    description = "The session could not be saved."

    def __init__(self, failure: SaveFailure) -> None:
        super().__init__()
        self._record(failure)


class SessionTooLarge(SessionNotSaved, SizeDetails):
    """The session does not fit in ``CHUNKED_SESSION_MAX_SIZE`` (or its JSON is larger
    than a reader inflates). Nothing was written."""

    description = "The session is too large to be saved."


def not_saved(failure: SaveFailure) -> SessionNotSaved:
    """The exception for a failed write."""
    return choose(failure, SessionNotSaved, SessionTooLarge)
