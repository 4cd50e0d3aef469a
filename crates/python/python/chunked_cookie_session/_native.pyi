"""Stubs of the native module, the Rust engine (crates/python/src)."""

from collections.abc import Mapping, Sequence
from typing import Any, Optional, final

__version__: str

def keygen() -> str:
    """A new key: 32 random bytes in base64url, as `cookie-session keygen` prints."""

def check_key(text: str) -> None:
    """Raises ValueError, saying how to make a key, unless `text` is base64 or base64url
    of 32 to 1024 bytes."""

@final
class Cookie:
    """One Set-Cookie header value: a chunk, or the deletion of one."""

    @property
    def name(self) -> str: ...
    @property
    def index(self) -> int: ...
    @property
    def removal(self) -> bool: ...
    @property
    def line(self) -> str: ...

@final
class SaveFailure:
    """Why a session was not written (nothing was)."""

    @property
    def kind(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def needed(self) -> Optional[int]: ...
    @property
    def limit(self) -> Optional[int]: ...
    @property
    def chunks(self) -> Optional[int]: ...
    @property
    def max_chunks(self) -> Optional[int]: ...
    @property
    def entry(self) -> Optional[str]: ...

@final
class Sizes:
    """How big the session is on the wire, or why it cannot be written."""

    @property
    def cookie_line(self) -> int: ...
    @property
    def chunks(self) -> int: ...
    @property
    def max_size(self) -> int: ...
    @property
    def max_chunks(self) -> int: ...
    @property
    def failure(self) -> Optional[SaveFailure]: ...

@final
class Outcome:
    """What the response carries for its session."""

    @property
    def cookies(self) -> list[Cookie]: ...
    @property
    def vary_cookie(self) -> bool: ...
    @property
    def cache_control(self) -> Optional[str]: ...
    @property
    def failure(self) -> Optional[SaveFailure]: ...
    @property
    def replace_response(self) -> bool: ...

@final
class Handle:
    """One request's session on the Rust side."""

    @property
    def load_reason(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def log_level(self) -> int: ...
    @property
    def migrated_from(self) -> Optional[int]: ...
    @property
    def persistent(self) -> bool: ...
    def entries(self) -> dict[str, Any]: ...
    def rewrite_due(self) -> bool: ...
    def replace(self, entries: Mapping[str, Any], permanent: bool = False) -> None: ...
    def purge(self) -> None: ...
    def renew(self) -> None: ...
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
    """A configured engine: `signed`, `private` or `flask`."""

    def __init__(
        self,
        format: str,
        *,
        key: Optional[str] = None,
        old_keys: Sequence[str] = ...,
        secret_key: Optional[bytes] = None,
        fallbacks: Sequence[bytes] = ...,
        salt: Optional[bytes] = None,
        layout: str = "stock",
        name: str = "session",
        path: str = "/",
        domain: Optional[str] = None,
        secure: bool = True,
        httponly: bool = True,
        samesite: Optional[str] = "Lax",
        partitioned: bool = False,
        max_size: Optional[int] = None,
        lifetime: Optional[int] = None,
        idle_timeout: Optional[int] = None,
        refresh_each_request: bool = False,
        expires_date: bool = False,
        previous: Sequence[Engine] = ...,
    ) -> None: ...
    @property
    def is_flask(self) -> bool: ...
    def chunk_name(self, index: int) -> Optional[str]: ...
    def open(self, cookie_header: Optional[str] = None) -> Handle: ...
