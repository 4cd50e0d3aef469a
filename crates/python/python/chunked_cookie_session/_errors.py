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


class RevocationError(ChunkedSessionError):
    """A revocation, or a call to the device registry, did not succeed. :attr:`code` says
    why: ``not-configured`` (no revocation store is set), ``no-subject`` (the session is
    bound to no user), ``registry-disabled``, ``timed-out`` (Redis did not answer a
    registry call in time: a listing read nothing, a revoke by id may or may not have
    happened, and repeating it is harmless), ``closed``, ``store`` (Redis refused the
    call), and the codes of the subclasses."""

    def __init__(self, message: str, *, code: str = "revocation") -> None:
        super().__init__(message)
        #: The message, as ``str(err)`` gives it.
        self.message: str = message
        #: The kind of failure (see the class).
        self.code: str = code


class RevocationUnconfirmed(RevocationError):
    """Redis did not confirm the revocation within the store's bound (``unconfirmed``), or
    too many revocations already wait for it (``queue-full``). The revocation applies in
    this process already, and (``unconfirmed``) stays queued until Redis takes it, when
    every process hears of it; it is lost if this process stops first, so repeat it then
    (revoking twice is harmless)."""

    #: The revocation holds in this process whatever Redis does.
    applied_locally = True


class InvalidRevocation(RevocationError, ValueError):
    """A subject, a session id or a time that cannot be one: ``empty-subject``,
    ``subject-too-long`` (more than 256 bytes), ``subject-control`` (a control character),
    ``bad-session-id`` (not 22 characters of base64url), ``future-epoch`` (a time to revoke
    sessions before lies in the future)."""
