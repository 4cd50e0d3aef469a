"""A Flask app written against the extension's types, checked by `mypy --strict` in the
test run (tests/test_typing.py) and served by it."""

from __future__ import annotations

import os

from flask import Flask

from chunked_cookie_session.flask import (
    ChunkedCookieSession,
    ChunkedSession,
    LoadReason,
    SessionSize,
    SessionTooLarge,
    current_session,
)

app = Flask(__name__)
app.config["CHUNKED_SESSION_KEY"] = os.environ.get("SESSION_KEY") or os.urandom(32)
ChunkedSession(app)

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


@app.errorhandler(SessionTooLarge)
def too_large(err: SessionTooLarge) -> tuple[dict[str, int | None], int]:
    return {"needed": err.needed, "limit": err.limit}, 413
