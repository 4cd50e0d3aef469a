"""One request's session on the engine, whatever the framework: opening it (with the log
line its load reason is worth), measuring it, and deciding the response's cookies (with the
error logged when they cannot be written). The Starlette middleware and the Django session
store are built on these; every decision is the engine's."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Optional

from ._native import Engine, Handle, Outcome
from ._reasons import LoadReason

log = logging.getLogger("chunked_cookie_session")


class Opened(NamedTuple):
    """A request's session as the engine read it."""

    handle: Handle
    #: The entries, a new dict of Python objects (empty when refused).
    entries: dict[str, Any]
    #: ``no-session``, ``valid``, ``missing-chunk``, ``bad-signature``, ...
    reason: LoadReason
    #: The previous format a valid session was read from, if it was.
    migrated_from: Optional[str]


def open_session(engine: Engine, cookie_header: Optional[str]) -> Opened:
    """Reads the session from a request's ``Cookie`` header. Never raises for what the
    client sent: a refused session is empty, with its reason, logged at the engine's level
    for it (nothing of the cookie's content is logged)."""
    handle = engine.open(cookie_header)
    try:
        entries = handle.entries()
    except Exception:  # a value Python cannot rebuild: start afresh, never fail here
        log.warning("session refused: its values cannot be rebuilt in Python", exc_info=True)
        return Opened(engine.open(None), {}, "malformed", None)
    reason = handle.load_reason
    migrated = None
    if reason == "valid":
        migrated = handle.migrated_from
        if migrated is not None:
            log.info("session read from a %s cookie", migrated)
    else:
        log.log(handle.log_level, "session %s: %s", reason, handle.description)
    return Opened(handle, entries, reason, migrated)


def asgi_cookie_header(headers: Iterable[Sequence[bytes]]) -> Optional[str]:
    """Every ``Cookie`` field of an ASGI request (HTTP/2 sends one per cookie) as one
    header value, or ``None`` when there is none."""
    fields = [value.decode("latin-1") for name, value in headers if name.lower() == b"cookie"]
    if not fields:
        return None
    return fields[0] if len(fields) == 1 else "; ".join(fields)


def asgi_user_agent(headers: Iterable[Sequence[bytes]]) -> str:
    """The ``User-Agent`` of an ASGI request (empty when it has none)."""
    for name, value in headers:
        if name.lower() == b"user-agent":
            return value.decode("latin-1")
    return ""


@dataclass(frozen=True)
class SessionSize:
    """What a session's ``check()`` reports."""

    #: Whether the session, as it stands, can be written.
    fits: bool
    #: Bytes its cookies take in the client's ``Cookie`` header (what it would need, when
    #: it does not fit).
    size: int
    #: How many cookies carry it.
    cookies: int
    #: The budget.
    max_size: int
    #: The most cookies it may take.
    max_cookies: int
    #: Why it cannot be written, when it cannot.
    message: Optional[str] = None


def measure(handle: Handle) -> SessionSize:
    """How big the session the handle holds is on the wire, or why it would not be
    written. Nothing is written."""
    sizes = handle.check()
    failure = sizes.failure
    return SessionSize(
        fits=failure is None,
        size=sizes.cookie_line,
        cookies=sizes.chunks,
        max_size=sizes.max_size,
        max_cookies=sizes.max_chunks,
        message=None if failure is None else failure.message,
    )


def finish(
    handle: Handle,
    status: int,
    *,
    accessed: bool,
    cache_control: bool,
    vary: Sequence[str],
) -> Outcome:
    """What the response carries for the session (the engine decides), with the failure
    logged when the session cannot be written."""
    outcome = handle.finish(status, accessed=accessed, cache_control=cache_control, vary=vary)
    failure = outcome.failure
    if failure is not None:
        log.error("session not saved; the client keeps its previous cookies: %s", failure.message)
    return outcome
