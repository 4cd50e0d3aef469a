"""The session as a FastAPI dependency."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from ._session import ChunkedCookieSession


def get_session(connection: HTTPConnection) -> ChunkedCookieSession:
    """The request's session, for FastAPI's dependency injection::

        Session = Annotated[ChunkedCookieSession, Depends(get_session)]

        @app.post("/cart")
        def add(item: str, session: Session) -> dict: ...

    ``connection`` is the ``Request`` (or ``WebSocket``), which FastAPI hands over by its
    type. Raises ``RuntimeError`` when :class:`ChunkedSessionMiddleware` is not installed."""
    session = connection.scope.get("session")
    if not isinstance(session, ChunkedCookieSession):
        raise RuntimeError("ChunkedSessionMiddleware must be installed to use its session")
    session.mark_accessed()
    return session
