"""Why a request's session was accepted or refused, as a type.

The names are the Rust library's (``LoadReason::all()``, which the native module gives as
``_native.load_reasons()``); the package's tests check that this list is that one, in its
order, and print the line to paste here when they differ."""

from __future__ import annotations

from typing import Literal

#: ``session.load_reason``: ``valid`` for a session read, ``no-session`` when the request
#: carried none, any other for one refused (the empty session the view gets instead).
LoadReason = Literal[
    "no-session",
    "valid",
    "missing-chunk",
    "stale-chunk",
    "too-many-chunks",
    "bad-signature",
    "unknown-key",
    "expired",
    "idle-expired",
    "malformed",
    "too-large",
    "ambiguous",
    "foreign-key",
    "revoked",
    "revocation-unavailable",
]
