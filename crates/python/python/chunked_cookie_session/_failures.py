"""What a framework without an exception type of its own for server errors raises when a
session could not be written (Starlette, Django): framework-neutral, filled from the
engine's ``SaveFailure``. (The Flask extension's are werkzeug HTTP exceptions with the same
attributes.)"""

from __future__ import annotations

from typing import Optional

from ._errors import ChunkedSessionError
from ._native import SaveFailure


class SessionNotSaved(ChunkedSessionError):
    """The session could not be written, so nothing was: the client keeps the cookies it
    had. The response the handler made is not sent; the framework answers with its
    server error. :attr:`message` has the details for logs."""

    def __init__(self, failure: SaveFailure) -> None:
        super().__init__(failure.message)
        #: ``overflow``, ``too-large``, ``too-deep``, ``invalid-entry``, ...
        self.kind: str = failure.kind
        #: The engine's sentence: sizes and the settings to change, by the framework's
        #: names for them.
        self.message: str = failure.message
        #: The settings that govern the limit hit.
        self.settings: tuple[str, ...] = tuple(failure.settings)
        #: The entry at fault, for ``too-deep`` and ``invalid-entry``.
        self.entry: Optional[str] = failure.entry


class SessionTooLarge(SessionNotSaved):
    """The session does not fit its budget (or its JSON is larger than a reader
    inflates). Nothing was written."""

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
