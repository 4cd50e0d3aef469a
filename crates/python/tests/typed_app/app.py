"""A Flask app written against the extension's types, checked by `mypy --strict` in the
test run (tests/test_typing.py) and served by it."""

from __future__ import annotations

import os
from datetime import datetime

from flask import Flask

from chunked_cookie_session.flask import (
    ChunkedCookieSession,
    ChunkedSession,
    Device,
    LoadReason,
    RevocationError,
    RevocationStore,
    RevocationUnconfirmed,
    SessionSize,
    SessionTooLarge,
    current_session,
)

app = Flask(__name__)
app.config["CHUNKED_SESSION_KEY"] = os.environ.get("SESSION_KEY") or os.urandom(32)
app.config["CHUNKED_SESSION_REVOCATION"] = "memory"
app.config["CHUNKED_SESSION_REGISTRY"] = True
sessions = ChunkedSession(app)

REFUSED: frozenset[LoadReason] = frozenset({"bad-signature", "malformed", "too-large"})


def explain(reason: LoadReason) -> str:
    if reason == "valid":
        return "welcome back"
    if reason == "no-session":
        return "hello"
    return "your session was refused" if reason in REFUSED else "your session ended"


@app.post("/login/<user>")
def login(user: str) -> dict[str, object]:
    session: ChunkedCookieSession = current_session()
    reason: LoadReason = session.load_reason  # a Literal, not a str
    session.renew()
    session["user"] = user
    size: SessionSize = session.check()
    return {"was": reason, "fits": size.fits, "size": size.size, "message": size.message}


@app.get("/hello")
def hello() -> str:
    session = current_session()
    user = session.get("user")
    migrated: str | None = session.migrated_from
    return f"{explain(session.load_reason)}, {user} ({migrated})"


@app.post("/logout")
def logout() -> str:
    current_session().purge()
    return "bye"


@app.post("/bind/<user>")
def bind(user: str) -> dict[str, object]:
    session = current_session()
    session.renew()
    session.subject = user
    subject: str | None = session.subject
    created: datetime = session.created
    return {"id": session.session_id, "subject": subject, "created": created.isoformat()}


@app.post("/revoke")
def revoke() -> str:
    try:
        current_session().revoke()
    except RevocationUnconfirmed as err:
        return f"signed out here; {err.message}"
    return "signed out everywhere"


@app.post("/password")
def password() -> str:
    session = current_session()
    try:
        when: datetime = session.revoke_others()
    except RevocationError as err:
        return err.code
    devices: list[Device] = session.devices()
    return f"{when.isoformat()} {len(devices)}"


@app.get("/store")
def store() -> dict[str, object]:
    found: RevocationStore | None = sessions.store()
    if found is None:
        return {}
    state, age = found.freshness()
    return {"kind": found.kind, "state": state, "age": age, "stats": found.stats()}


@app.errorhandler(SessionTooLarge)
def too_large(err: SessionTooLarge) -> tuple[dict[str, int | None], int]:
    return {"needed": err.needed, "limit": err.limit}, 413
