"""``ChunkedSessionMiddleware``: an ASGI middleware in place of Starlette's
``SessionMiddleware``. Pure ASGI: it imports nothing of Starlette, so it serves FastAPI,
Starlette and any ASGI app that reads ``scope["session"]``."""

from __future__ import annotations

from collections.abc import Awaitable, MutableMapping
from datetime import timedelta
from typing import Any, Callable, Optional, Union

from .. import _settings as _shared
from .._failures import SessionNotSaved, not_saved
from .._native import Engine, Outcome
from .._request import asgi_cookie_header, asgi_user_agent, finish, open_session
from . import _settings
from ._session import ChunkedCookieSession

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Key = Union[str, bytes]


class ChunkedSessionMiddleware:
    """Keeps ``request.session`` (``scope["session"]``) in chunked, signed or encrypted
    cookies::

        app.add_middleware(ChunkedSessionMiddleware, key=os.environ["SESSION_KEY"])

    The arguments Starlette's ``SessionMiddleware`` has mean what they mean there
    (``session_cookie``, ``max_age``, ``path``, ``same_site``, ``https_only``, ``domain``,
    ``partitioned``); the others are the engine's:

    - ``key``: the key that seals sessions (base64 text, what ``python -m
      chunked_cookie_session keygen`` prints, or 32 or more raw bytes); ``old_keys`` are
      still read during a rotation.
    - ``format``: ``"signed"`` (HMAC-SHA256, readable by the client) or ``"private"``
      (XChaCha20-Poly1305).
    - ``max_size``: the budget in bytes of the request's ``Cookie`` header (default 7 KiB),
      ``max_chunks`` the most cookies; ``idle_timeout`` ends sessions left alone that long.
    - ``legacy_secret_key``: the ``secret_key`` Starlette's ``SessionMiddleware`` signed
      with; its sessions (cookie ``legacy_cookie``, default ``session_cookie``) are taken
      over and written anew in this format.
    - ``revocation``: ``"memory"`` or a Redis URL, to end sessions on the server
      (``request.session.revoke()``, ``revoke_others()``); ``registry``: the device
      registry (``True``, or the sessions kept per user); Redis only:
      ``revocation_namespace``, ``revocation_policy`` (``"fail-closed"`` or
      ``"fail-open"``), ``revocation_staleness_bound``, ``revocation_startup_wait`` and
      ``revocation_timeout`` (seconds or ``timedelta``).

    ``max_age`` is the session's absolute lifetime from its first write; ``None`` gives
    cookies that end with the browser session (the lifetime is then 14 days). Raises
    :class:`~chunked_cookie_session.ConfigurationError` for an argument refused, naming it.
    """

    def __init__(
        self,
        app: ASGIApp,
        key: Optional[Key] = None,
        *,
        old_keys: tuple[Key, ...] | list[Key] = (),
        format: str = "signed",
        session_cookie: str = "session",
        max_age: Optional[Union[int, timedelta]] = _settings.DEFAULT_MAX_AGE,
        path: str = "/",
        same_site: Optional[str] = "lax",
        https_only: bool = False,
        domain: Optional[str] = None,
        partitioned: bool = False,
        max_size: Optional[int] = None,
        max_chunks: Optional[int] = None,
        idle_timeout: Optional[Union[int, timedelta]] = None,
        legacy_secret_key: object = None,
        legacy_cookie: Optional[str] = None,
        revocation: Optional[str] = None,
        registry: Union[bool, int] = False,
        revocation_namespace: Optional[str] = None,
        revocation_policy: Optional[str] = None,
        revocation_staleness_bound: Optional[Union[float, timedelta]] = None,
        revocation_startup_wait: Optional[Union[float, timedelta]] = None,
        revocation_timeout: Optional[Union[float, timedelta]] = None,
    ) -> None:
        self.app = app
        settings = _settings.read(
            key=key,
            old_keys=old_keys,
            format=format,
            session_cookie=session_cookie,
            max_age=max_age,
            path=path,
            same_site=same_site,
            https_only=https_only,
            domain=domain,
            partitioned=partitioned,
            max_size=max_size,
            max_chunks=max_chunks,
            idle_timeout=idle_timeout,
            legacy_secret_key=legacy_secret_key,
            legacy_cookie=legacy_cookie,
            revocation=revocation,
            registry=registry,
            revocation_namespace=revocation_namespace,
            revocation_policy=revocation_policy,
            revocation_staleness_bound=revocation_staleness_bound,
            revocation_startup_wait=revocation_startup_wait,
            revocation_timeout=revocation_timeout,
        )
        #: The engine, built once: the arguments do not change (built again in a child of
        #: a fork, whose revocation store must be its own).
        self.engine: Engine = _settings.ENGINES.engine(settings)
        self._settings = settings
        self._forks = _shared.forks()
        self._permanent = max_age is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http" and kind != "websocket":
            await self.app(scope, receive, send)
            return
        if self._forks != _shared.forks():
            self.engine = _settings.ENGINES.engine(self._settings)
            self._forks = _shared.forks()
        engine = self.engine
        headers = scope.get("headers", ())
        opened = open_session(engine, asgi_cookie_header(headers))
        store = engine.store
        if store is not None and store.registry:
            opened.handle.set_user_agent(asgi_user_agent(headers))
        session = ChunkedCookieSession(
            opened.entries,
            opened.handle,
            permanent=self._permanent,
            load_reason=opened.reason,
            migrated_from=opened.migrated_from,
            store=store,
        )
        scope["session"] = session
        if kind == "websocket":  # no response headers to carry cookies
            await self.app(scope, receive, send)
            return

        failure: list[SessionNotSaved] = []

        async def send_with_session(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome = self._decide(scope, session, message)
                if outcome.replace_response and outcome.failure is not None:
                    # The handler's answer does not stand: the server error takes its
                    # place once the app returns.
                    failure.append(not_saved(outcome.failure))
                    return
                self._apply(outcome, message)
            elif failure:
                return
            await send(message)

        await self.app(scope, receive, send_with_session)
        if failure:
            raise failure[0]

    def _decide(self, scope: Scope, session: ChunkedCookieSession, message: Message) -> Outcome:
        handle = session._handle
        assert handle is not None
        current = scope.get("session", session)
        if current is not session:
            # The handler put another mapping in the scope: that is the session now.
            handle.replace(dict(current), self._permanent)
            accessed = True
        else:
            if session.modified or handle.rewrite_due():
                handle.replace(session, self._permanent)
            accessed = session.accessed
        cache_control = False
        vary: list[str] = []
        for name, value in message.get("headers", ()):
            lower = name.lower()
            if lower == b"cache-control":
                cache_control = True
            elif lower == b"vary":
                vary.append(value.decode("latin-1"))
        return finish(
            handle,
            message["status"],
            accessed=accessed,
            cache_control=cache_control,
            vary=vary,
        )

    @staticmethod
    def _apply(outcome: Outcome, message: Message) -> None:
        """The outcome's headers on the response: one ``set-cookie`` entry per cookie."""
        cookies = outcome.cookies
        vary = outcome.vary_cookie
        cache = outcome.cache_control
        if not cookies and not vary and cache is None:
            return
        headers = list(message.get("headers", ()))
        for cookie in cookies:
            headers.append((b"set-cookie", cookie.line.encode("latin-1")))
        if vary:
            for i, (name, value) in enumerate(headers):
                if name.lower() == b"vary":
                    headers[i] = (name, value + b", Cookie")
                    break
            else:
                headers.append((b"vary", b"Cookie"))
        if cache is not None:
            headers.append((b"cache-control", cache.encode("latin-1")))
        message["headers"] = headers
