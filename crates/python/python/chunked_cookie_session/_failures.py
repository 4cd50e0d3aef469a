"""What a session that could not be written raises. The attributes every framework's
exception carries, filled from the engine's ``SaveFailure``, and the one choice between
"not saved" and "too large" are here once; so are the framework-neutral exceptions, raised
where a framework has no exception type of its own for server errors (Starlette, Django).
The Flask extension's are werkzeug HTTP exceptions built on the same pieces."""

from __future__ import annotations

from typing import Callable, Optional, TypeVar

from ._errors import ChunkedSessionError
from ._native import SaveFailure


class FailureDetails:
    """What the exception of a failed write says of it (a base of every framework's
    ``SessionNotSaved``), filled from the engine's ``SaveFailure``."""

    def _record(self, failure: SaveFailure) -> None:
        #: ``overflow``, ``too-large``, ``too-deep``, ``invalid-entry``, ...
        self.kind: str = failure.kind
        #: The engine's sentence: sizes and the settings to change, by the framework's
        #: names for them.
        self.message: str = failure.message
        #: The settings that govern the limit hit.
        self.settings: tuple[str, ...] = tuple(failure.settings)
        #: The entry at fault, for ``too-deep`` and ``invalid-entry``.
        self.entry: Optional[str] = failure.entry


class SizeDetails(FailureDetails):
    """The same, and the sizes of a session that does not fit (a base of every
    framework's ``SessionTooLarge``)."""

    def _record(self, failure: SaveFailure) -> None:
        super()._record(failure)
        #: Bytes of ``Cookie`` header the session would need.
        self.needed: Optional[int] = failure.needed
        #: The budget it did not fit in.
        self.limit: Optional[int] = failure.limit
        #: How many cookies it would need, and the most allowed.
        self.cookies: Optional[int] = failure.chunks
        self.max_cookies: Optional[int] = failure.max_chunks


E = TypeVar("E", bound=FailureDetails)


def choose(
    failure: SaveFailure,
    not_saved: Callable[[SaveFailure], E],
    too_large: Callable[[SaveFailure], E],
) -> E:
    """The exception for a failed write: ``too_large``'s for a session over its budget (or
    whose JSON is larger than a reader inflates), ``not_saved``'s for any other failure."""
    if failure.kind in ("overflow", "too-large"):
        return too_large(failure)
    return not_saved(failure)


class SessionNotSaved(ChunkedSessionError, FailureDetails):
    """The session could not be written, so nothing was: the client keeps the cookies it
    had. The response the handler made is not sent; the framework answers with its
    server error. :attr:`message` has the details for logs."""

    def __init__(self, failure: SaveFailure) -> None:
        super().__init__(failure.message)
        self._record(failure)


class SessionTooLarge(SessionNotSaved, SizeDetails):
    """The session does not fit its budget (or its JSON is larger than a reader
    inflates). Nothing was written."""


def not_saved(failure: SaveFailure) -> SessionNotSaved:
    """The exception for a failed write."""
    return choose(failure, SessionNotSaved, SessionTooLarge)
