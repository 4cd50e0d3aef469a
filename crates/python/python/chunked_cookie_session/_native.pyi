"""Stubs of the native module, the Rust engine of chunked-cookie-session."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Optional, final

from ._reasons import LoadReason
from ._settings import Settings
from ._spelling import Spelling

__version__: str
__all__ = [
    "Cookie",
    "Engine",
    "Handle",
    "Outcome",
    "SaveFailure",
    "Sizes",
    "Store",
    "__version__",
    "check_key",
    "close_stores",
    "keygen",
    "load_reasons",
    "setting_codes",
]

def keygen() -> str:
    """A new key: 32 random bytes in base64url, as `python -m chunked_cookie_session keygen`
    prints."""

def check_key(text: str) -> None:
    """Raises ValueError, saying how to make a key, unless `text` is base64 or base64url
    of 32 to 1024 bytes."""

def load_reasons() -> list[str]:
    """Every reason a session is accepted or refused, by the library's names, in its
    order: what `LoadReason` lists."""

def close_stores(timeout: float) -> int:
    """Waits, at most `timeout` seconds, for the revocations this process's stores queued
    for Redis, then lets the stores go; returns how many were still waiting."""

def setting_codes() -> list[str]:
    """Every setting's stable code (`max_size`, `same_site`, ...): the keys of a
    `Spelling`."""

@final
class Cookie:
    """One Set-Cookie header value: a chunk, or the deletion of one."""

    name: Final[str]
    value: Final[str]
    index: Final[int]
    removal: Final[bool]
    line: Final[str]

@final
class SaveFailure:
    """Why a session was not written (nothing was), from the library's `SaveError`."""

    kind: Final[str]
    message: Final[str]
    needed: Final[Optional[int]]
    limit: Final[Optional[int]]
    chunks: Final[Optional[int]]
    max_chunks: Final[Optional[int]]
    entry: Final[Optional[str]]
    settings: Final[list[str]]

@final
class Sizes:
    """How big the session is on the wire, or why it cannot be written."""

    cookie_line: Final[int]
    chunks: Final[int]
    max_size: Final[int]
    max_chunks: Final[int]
    failure: Final[Optional[SaveFailure]]

@final
class Outcome:
    """What the response carries for its session."""

    cookies: Final[list[Cookie]]
    vary_cookie: Final[bool]
    cache_control: Final[Optional[str]]
    failure: Final[Optional[SaveFailure]]
    replace_response: Final[bool]

@final
class Store:
    """A revocation store (the library's memory or Redis store), shared by every engine
    built with the same store settings in this process."""

    kind: Final[str]
    registry: Final[bool]
    def revoke_session(self, session_id: str, expires_at: Optional[int] = None) -> None: ...
    def revoke_subject(self, subject: str) -> int: ...
    def revoke_everyone_before(self, before: int) -> None: ...
    def devices(self, subject: str) -> list[tuple[str, int, int, str, int]]: ...
    def revoke_device(self, subject: str, session_id: str) -> bool: ...
    def freshness(self) -> tuple[str, Optional[float]]: ...
    def stats(self) -> list[tuple[str, int]]: ...

@final
class Handle:
    """One request's session on the Rust side."""

    load_reason: Final[LoadReason]
    description: Final[str]
    log_level: Final[int]
    migrated_from: Final[Optional[str]]
    persistent: Final[bool]
    def entries(self) -> dict[str, Any]: ...
    def rewrite_due(self) -> bool: ...
    def replace(
        self,
        entries: Mapping[Any, Any],
        permanent: bool = False,
        default: Optional[Callable[[Any], Any]] = None,
    ) -> None: ...
    def purge(self) -> None: ...
    def renew(self) -> None: ...
    session_id: Final[str]
    created: Final[int]
    subject: Final[Optional[str]]
    def set_subject(self, subject: Optional[str]) -> None: ...
    def set_user_agent(self, user_agent: str) -> None: ...
    def revoke(self) -> None: ...
    def revoke_others(self) -> int: ...
    def devices(self) -> list[tuple[str, int, int, str, int]]: ...
    def revoke_device(self, session_id: str) -> bool: ...
    def check(self) -> Sizes: ...
    def finish(
        self,
        status: int,
        *,
        accessed: bool,
        cache_control: bool = False,
        vary: Sequence[str] = ...,
    ) -> Outcome: ...

@final
class Engine:
    """A configured engine: `signed`, `private` or `flask`, with its migrations.

    Built from `settings` (read by attribute name) by the library's rules; a refused value
    raises `chunked_cookie_session.ConfigurationError`, naming the settings as `spelling`
    spells them. `ValueError` for a `spelling` code or a `migrate_from` name the library
    does not know, `TypeError` for a value of the wrong type."""

    def __new__(cls, settings: Settings, spelling: Spelling) -> Engine: ...
    is_flask: Final[bool]
    max_size: Final[int]
    store: Final[Optional[Store]]
    def required_store(self) -> Store: ...
    def chunk_name(self, index: int) -> Optional[str]: ...
    def open(self, cookie_header: Optional[str] = None) -> Handle: ...
