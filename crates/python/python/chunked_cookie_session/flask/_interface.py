"""The ``SessionInterface`` the extension installs."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Optional

from flask.sessions import SessionInterface

from .._native import Engine, Outcome
from .._reasons import LoadReason
from .._settings import EngineCache
from . import _settings
from ._errors import not_saved
from ._session import ChunkedCookieSession, json_default

if TYPE_CHECKING:
    from flask import Flask, Request, Response
    from flask.sessions import SessionMixin

log = logging.getLogger("chunked_cookie_session")


class ChunkedSessionInterface(SessionInterface):
    """Opens and saves sessions through the Rust engine. Settings are read at every
    request, as Flask reads its own; one engine is kept per set of values."""

    session_class = ChunkedCookieSession

    def __init__(self) -> None:
        self._engines = EngineCache(_settings.SPELLING)

    def engine(self, app: Flask) -> Optional[Engine]:
        """The engine for the app's current settings (``None`` for Flask's format
        without a ``SECRET_KEY``). Raises
        :class:`~chunked_cookie_session.ConfigurationError` for a setting refused."""
        settings = _settings.read(self, app)
        if _settings.null_session(settings):
            return None
        return self._engines.engine(settings)

    def validate(self, app: Flask) -> None:
        """Raises :class:`~chunked_cookie_session.ConfigurationError` for a setting the
        app cannot start with, naming it (``SECRET_KEY`` too, which Flask's format cannot
        do without)."""
        self._engines.engine(_settings.read(self, app))

    def open_session(self, app: Flask, request: Request) -> Optional[ChunkedCookieSession]:
        engine = self.engine(app)
        if engine is None:
            return None
        handle = engine.open(request.environ.get("HTTP_COOKIE"))
        reason: LoadReason
        try:
            data = handle.entries()
        except Exception:  # a value Python cannot rebuild: start afresh, never fail here
            log.warning("session refused: its values cannot be rebuilt in Python", exc_info=True)
            handle = engine.open(None)
            data = {}
            reason = "malformed"
        else:
            reason = handle.load_reason
            if not engine.is_flask and handle.persistent:
                # The native formats keep persistence beside the entries; Flask's
                # session shows it as `_permanent`.
                data.setdefault("_permanent", True)
        session = self.session_class(data)
        session._handle = handle
        store = engine.store
        if store is not None:
            session._revocation = store
            if store.registry:
                # What the device registry records with the session's writes.
                handle.set_user_agent(request.user_agent.string)
        session.load_reason = reason
        if reason == "valid":
            session.migrated_from = handle.migrated_from
            if session.migrated_from is not None:
                session.modified = True
                log.info("session read from a %s cookie", session.migrated_from)
        else:
            log.log(handle.log_level, "session %s: %s", reason, handle.description)
        return session

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not isinstance(session, ChunkedCookieSession) or session._handle is None:
            if session.accessed:
                response.vary.add("Cookie")
            return
        finished = session._finished
        if finished is not None and finished[0] is response:
            outcome = finished[1]
        else:
            outcome = self.finish(app, session, response)
            if outcome.replace_response and outcome.failure is not None:
                # No after_request ran (a test client's session_transaction): raise.
                raise not_saved(outcome.failure)
        self.apply(outcome, response)

    def finish(self, app: Flask, session: ChunkedCookieSession, response: Response) -> Outcome:
        """Decides what the response carries for the session (and logs a failure)."""
        handle = session._handle
        assert handle is not None
        if session.modified or handle.rewrite_due():
            handle.replace(session, bool(session.permanent), json_default(app))
        headers = response.headers
        outcome = handle.finish(
            response.status_code,
            accessed=session.accessed,
            cache_control="Cache-Control" in headers,
            vary=headers.getlist("Vary"),
        )
        session._finished = (response, outcome)
        failure = outcome.failure
        if failure is not None:
            log.error(
                "session not saved; the client keeps its previous cookies: %s",
                failure.message,
            )
        return outcome

    @staticmethod
    def apply(outcome: Outcome, response: Response) -> None:
        """Copies the outcome's headers onto the response."""
        headers = response.headers
        for cookie in outcome.cookies:
            headers.add("Set-Cookie", cookie.line)
        if outcome.vary_cookie:
            response.vary.add("Cookie")
        if outcome.cache_control is not None and "Cache-Control" not in headers:
            headers["Cache-Control"] = outcome.cache_control
