"""The package's exceptions that no framework owns. Pure Python: the native module raises
:class:`ConfigurationError` itself, so this module imports nothing of it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional


class ChunkedSessionError(Exception):
    """Base class of the package's errors."""


class ConfigurationError(ChunkedSessionError, ValueError):
    """A setting is missing or invalid. Raised when the app starts (and when settings read
    at a request are refused); the message names the settings in the framework's own
    words (``CHUNKED_SESSION_MAX_SIZE``), with the values they accept."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        settings: Sequence[str] = (),
        setting_codes: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        #: The message, as ``str(err)`` gives it.
        self.message: str = message
        #: The library's stable name of the kind of error: ``missing``, ``out-of-range``,
        #: ``unknown-value``, ``invalid-key``, ``same-site-none-without-secure``, ...
        self.code: str = code
        #: The settings the error is about, the one at fault first, as the framework
        #: spells them.
        self.settings: tuple[str, ...] = tuple(settings)
        #: The one at fault.
        self.setting: Optional[str] = self.settings[0] if self.settings else None
        #: The same settings by the library's stable codes (``max_size``, ``same_site``).
        self.setting_codes: tuple[str, ...] = tuple(setting_codes)


class EngineError(ChunkedSessionError, RuntimeError):
    """The Rust engine failed in a way it never should (a bug: please report it). Raised
    instead of a Rust panic, which would reach Python as a ``BaseException`` that error
    handlers do not see."""
