"""A Flask app with revocable sessions, for the revocation tests: in process under Flask's
test client, and as a live server of its own (``python revocation_app.py``), several of
which share one Redis.

As a server (or under gunicorn, ``revocation_app:from_environment()``) it reads its
settings from the environment (``CHUNKED_SESSION_KEY``,
``REVOCATION``: ``memory`` or a Redis URL, ``POLICY``, ``STALENESS``, ``TIMEOUT`` in
seconds), serves on a free port of 127.0.0.1 with werkzeug and prints ``PORT <n>`` once it
listens."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from typing import Any

from flask import Flask, request

from chunked_cookie_session.flask import ChunkedSession, RevocationUnconfirmed, current_session


def revocation_app(**config: Any) -> Flask:
    app = Flask("revocation")
    app.config.update(SECRET_KEY="revocation tests", CHUNKED_SESSION_REGISTRY=True)
    app.config.update(config)
    sessions = ChunkedSession(app)

    @app.post("/login/<user>")
    def login(user: str) -> dict[str, Any]:
        session = current_session()
        session.renew()
        session.subject = user
        session["user"] = user
        return {"session_id": session.session_id}

    @app.post("/logout")
    def logout() -> dict[str, Any]:
        try:
            current_session().revoke()
        except RevocationUnconfirmed as err:
            # Redis is out of reach: the revocation holds here and waits for Redis.
            return {"revoked": "queued", "code": err.code}
        return {"revoked": True}

    @app.post("/everywhere")
    def everywhere() -> dict[str, Any]:
        session = current_session()
        epoch = session.revoke_others()
        return {"epoch": epoch.isoformat(), "session_id": session.session_id}

    @app.post("/admin/sign-out/<user>")
    def sign_out(user: str) -> dict[str, Any]:
        return {"epoch": sessions.revoke_subject(user).isoformat()}

    @app.post("/admin/break-glass")
    def break_glass() -> dict[str, Any]:
        sessions.revoke_everyone_before(datetime.now(timezone.utc))
        return {"ok": True}

    @app.post("/admin/cookie-name/<name>")
    def cookie_name(name: str) -> dict[str, Any]:
        # A setting changed at run time: a new engine, the same revocation store.
        app.config["SESSION_COOKIE_NAME"] = name
        return {"ok": True}

    @app.get("/me")
    def me() -> dict[str, Any]:
        session = current_session()
        valid = session.load_reason == "valid"
        return {
            "reason": session.load_reason,
            "user": session.get("user"),
            "subject": session.subject,
            "session_id": session.session_id if valid else None,
            "pid": os.getpid(),
        }

    @app.get("/devices")
    def devices() -> dict[str, Any]:
        listed = current_session().devices()
        return {"devices": [{"id": d.session_id, "user_agent": d.user_agent} for d in listed]}

    @app.delete("/devices/<session_id>")
    def revoke_device(session_id: str) -> dict[str, Any]:
        return {"revoked": current_session().revoke_device(session_id)}

    @app.get("/health")
    def health() -> dict[str, Any]:
        store = sessions.store()
        assert store is not None
        state, age = store.freshness()
        return {"freshness": state, "age": age, "stats": store.stats()}

    @app.get("/ua")
    def user_agent() -> str:
        return request.headers.get("User-Agent", "")

    return app


def from_environment() -> Flask:
    """The app the environment describes (gunicorn's ``revocation_app:from_environment()``)."""
    env = os.environ
    config: dict[str, Any] = {
        "CHUNKED_SESSION_KEY": env["CHUNKED_SESSION_KEY"],
        "CHUNKED_SESSION_REVOCATION": env["REVOCATION"],
    }
    for name, setting in (
        ("POLICY", "CHUNKED_SESSION_REVOCATION_POLICY"),
        ("STALENESS", "CHUNKED_SESSION_REVOCATION_STALENESS_BOUND"),
        ("TIMEOUT", "CHUNKED_SESSION_REVOCATION_TIMEOUT"),
        ("STARTUP_WAIT", "CHUNKED_SESSION_REVOCATION_STARTUP_WAIT"),
    ):
        if name in env:
            config[setting] = env[name] if name == "POLICY" else float(env[name])
    return revocation_app(**config)


def main() -> None:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, from_environment(), threaded=True)
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
