"""What is Starlette's and FastAPI's own: the ASGI messages, FastAPI's dependency
injection, websockets, Starlette's exception handlers, the middleware's arguments and their
errors, and uvicorn's limits. (The behaviour every framework shares is in
test_frameworks.py.)"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from datetime import timedelta
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Request
from starlette.applications import Starlette
from starlette.datastructures import Secret
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from chunked_cookie_session import ConfigurationError, keygen
from chunked_cookie_session.starlette import (
    ChunkedCookieSession,
    ChunkedSessionMiddleware,
    SessionTooLarge,
    get_session,
)

from conftest import noise
from frameworks import STARLETTE_SECRET, HttpDriver, Uvicorn, starlette_app


def set_cookie_lines(rv: httpx.Response) -> list[str]:
    return [v for k, v in rv.headers.multi_items() if k.lower() == "set-cookie"]


def test_one_set_cookie_entry_per_cookie_in_the_asgi_message() -> None:
    """At the ASGI level: the response start carries one `set-cookie` header entry per
    chunk, beside the app's own headers and cookies."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        scope["session"]["blob"] = noise(15000)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"set-cookie", b"theme=dark; Path=/")]})
        await send({"type": "http.response.body", "body": b"ok"})

    middleware = ChunkedSessionMiddleware(app, key=keygen(), max_size=40 * 1024)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/", "raw_path": b"/", "query_string": b"", "headers": [],
             "client": ("127.0.0.1", 1234), "server": ("127.0.0.1", 80)}
    asyncio.run(middleware(scope, receive, send))
    start, body = sent
    names = [name for name, _ in start["headers"]]
    cookies = [value for name, value in start["headers"] if name == b"set-cookie"]
    assert cookies[0] == b"theme=dark; Path=/" and len(cookies) >= 5
    assert [c.split(b"=")[0] for c in cookies[1:]] == [b"session"] + [b"session_%d" % i for i in range(1, len(cookies) - 1)]
    assert names.count(b"vary") == 1 and names.count(b"cache-control") == 1
    assert body == {"type": "http.response.body", "body": b"ok"}


#: The session as a FastAPI dependency, typed.
Session = Annotated[ChunkedCookieSession, Depends(get_session)]


def current_user(session: Session) -> str | None:
    """A dependency built on the session one."""
    return session.get("user")


def test_fastapi_dependency_injection() -> None:
    app = FastAPI()
    app.add_middleware(ChunkedSessionMiddleware, key=keygen(), max_size=40 * 1024)

    @app.post("/login/{name}")
    def login(name: str, session: Session) -> dict[str, Any]:
        session.renew()
        session["user"] = name
        session["profile"] = {"bio": noise(9000)}
        return {"reason": session.load_reason, "fits": session.check().fits}

    @app.get("/me")
    def me(user: Annotated[str | None, Depends(current_user)], request: Request) -> dict[str, Any]:
        # The same object through the dependency and through request.session.
        return {"user": user, "same": request.session is request.scope["session"],
                "bio": len(request.session.get("profile", {}).get("bio", ""))}

    @app.post("/logout")
    def logout(session: Session) -> dict[str, str]:
        session.purge()
        return {"ok": "bye"}

    client = TestClient(app)
    rv = client.post("/login/ada")
    assert rv.json() == {"reason": "no-session", "fits": True}
    written = len(set_cookie_lines(rv))
    assert written >= 2
    assert client.get("/me").json() == {"user": "ada", "same": True, "bio": 9000}
    rv = client.post("/logout")
    assert len(set_cookie_lines(rv)) == written
    assert all("Max-Age=0" in line for line in set_cookie_lines(rv))
    assert dict(client.cookies) == {}
    assert client.get("/me").json() == {"user": None, "same": True, "bio": 0}


def test_get_session_without_the_middleware_says_so() -> None:
    app = FastAPI()

    @app.get("/")
    def index(session: Annotated[ChunkedCookieSession, Depends(get_session)]) -> str:
        return "unreachable"

    with pytest.raises(RuntimeError, match="ChunkedSessionMiddleware must be installed"):
        TestClient(app).get("/")


def test_websockets_read_the_session() -> None:
    async def login(request: Any) -> Response:
        request.session["user"] = "ada"
        return PlainTextResponse("ok")

    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        session = websocket.session
        await websocket.send_json({"user": session.get("user"), "reason": session.load_reason})
        await websocket.close()

    app = Starlette(routes=[Route("/login", login, methods=["POST"]), WebSocketRoute("/ws", ws)],
                    middleware=[Middleware(ChunkedSessionMiddleware, key=keygen())])
    client = TestClient(app)
    client.post("/login")
    with client.websocket_connect("/ws") as socket:
        assert socket.receive_json() == {"user": "ada", "reason": "valid"}


def test_overflow_raises_to_starlettes_server_error_handling(caplog: pytest.LogCaptureFixture) -> None:
    app = starlette_app(max_size=8 * 1024)
    with pytest.raises(SessionTooLarge) as raised:
        TestClient(app).post("/blob/30000")
    err = raised.value
    assert err.limit == 8192 and err.needed is not None and err.needed > 8192
    # The budget is what caps it (not the count of cookies): the argument to raise.
    assert err.settings == ("max_size",) and "raise max_size" in err.message

    async def server_error(request: Any, exc: Exception) -> Response:
        return JSONResponse({"error": type(exc).__name__, "limit": getattr(exc, "limit", None)}, 413)

    handled = starlette_app(max_size=8 * 1024)
    handled.add_exception_handler(500, server_error)
    client = TestClient(handled, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="chunked_cookie_session"):
        rv = client.post("/blob/30000")
    assert rv.status_code == 413 and rv.json() == {"error": "SessionTooLarge", "limit": 8192}
    assert set_cookie_lines(rv) == []
    assert any("session not saved" in r.getMessage() for r in caplog.records)


def test_the_apps_vary_cache_control_and_cookies_are_kept() -> None:
    async def page(request: Any) -> Response:
        request.session["seen"] = True
        response = PlainTextResponse("ok", headers={"Vary": "Accept-Encoding", "Cache-Control": "no-cache"})
        response.set_cookie("theme", "dark")
        return response

    app = Starlette(routes=[Route("/", page)], middleware=[Middleware(ChunkedSessionMiddleware, key=keygen())])
    rv = TestClient(app).get("/")
    assert rv.headers["vary"] == "Accept-Encoding, Cookie"
    assert rv.headers["cache-control"] == "no-cache"
    assert [line.split("=")[0] for line in set_cookie_lines(rv)] == ["theme", "session"]


def test_a_mapping_put_in_the_scope_is_the_session() -> None:
    async def replace(request: Any) -> Response:
        request.scope["session"] = {"user": "ada"}
        return PlainTextResponse("ok")

    async def show(request: Any) -> Response:
        return JSONResponse(dict(request.session))

    app = Starlette(routes=[Route("/replace", replace, methods=["POST"]), Route("/show", show)],
                    middleware=[Middleware(ChunkedSessionMiddleware, key=keygen())])
    client = TestClient(app)
    client.post("/replace")
    assert client.get("/show").json() == {"user": "ada"}


def test_the_session_tracks_changes_as_starlettes_does() -> None:
    session = ChunkedCookieSession({"a": 1, "cart": [1]})
    assert not session.modified and not session.accessed
    assert session["cart"] == [1] and not session.modified
    session["cart"].append(2)  # inside a value: not seen, as in Starlette
    assert not session.modified
    session.pop("missing", None)
    assert not session.modified
    for change in (lambda s: s.update(b=2), lambda s: s.setdefault("c", 3), lambda s: s.pop("a"),
                   lambda s: s.popitem(), lambda s: s.clear(), lambda s: s.__ior__({"d": 4}),
                   lambda s: s.__delitem__("a"), lambda s: s.__setitem__("e", 5)):
        fresh = ChunkedCookieSession({"a": 1})
        change(fresh)
        assert fresh.modified and fresh.accessed
    assert isinstance(session, dict)
    with pytest.raises(RuntimeError, match="not kept by ChunkedSessionMiddleware"):
        session.check()


@pytest.mark.parametrize(
    ("options", "setting", "hint"),
    [
        ({}, "key", "python -m chunked_cookie_session keygen"),
        ({"key": "c2hvcnQ="}, "key", "at least 32"),
        ({"max_size": 100}, "max_size", "between"),
        ({"max_size": "big"}, "max_size", "must be an int"),
        ({"same_site": "loose"}, "same_site", "Strict"),
        ({"same_site": "none"}, "same_site", "https_only"),
        ({"format": "json"}, "format", "signed"),
        ({"max_age": 0}, "max_age", "between"),
        ({"idle_timeout": "soon"}, "idle_timeout", "timedelta"),
        ({"old_keys": "one key"}, "old_keys", "list of keys"),
    ],
)
def test_arguments_refused_name_themselves(options: dict[str, Any], setting: str, hint: str) -> None:
    if "key" not in options and setting != "key":
        options["key"] = keygen()
    app = Starlette(middleware=[Middleware(ChunkedSessionMiddleware, **options)])
    with pytest.raises(ConfigurationError) as raised:
        TestClient(app).get("/")
    assert raised.value.setting == setting and hint in str(raised.value)


def test_keys_as_secrets_raw_bytes_and_rotation() -> None:
    old = keygen()
    for key in (Secret(keygen()), b"\x01" * 32):
        client = TestClient(starlette_app(key=key, old_keys=[Secret(old)]))
        client.post("/set/user", content=b'"ada"')
        assert client.get("/show").json()["user"] == "ada"


def test_cookie_arguments() -> None:
    client = TestClient(starlette_app(session_cookie="__Secure-sid", path="/", domain="example.com",
                                      https_only=True, same_site="strict", max_age=timedelta(hours=1),
                                      partitioned=True, max_size=10 * 1024),
                        base_url="https://example.com")
    [line] = set_cookie_lines(client.post("/set/user", content=b'"ada"'))
    attrs = [a.strip() for a in line.split(";")[1:]]
    assert line.startswith("__Secure-sid=")
    assert set(attrs) == {"HttpOnly", "SameSite=Strict", "Partitioned", "Secure", "Path=/",
                          "Domain=example.com", "Max-Age=3600"}
    # max_age=None: cookies that end with the browser session.
    client = TestClient(starlette_app(max_age=None))
    [line] = set_cookie_lines(client.post("/set/user", content=b'"ada"'))
    assert "Max-Age" not in line and "Expires" not in line
    assert client.get("/show").json()["user"] == "ada"


def starlette_cookie(**session: Any) -> str:
    """A cookie written by real Starlette SessionMiddleware (signed with STARLETTE_SECRET)."""
    async def write(request: Any) -> Response:
        request.session.update(session)
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/", write)],
                    middleware=[Middleware(SessionMiddleware, secret_key=STARLETTE_SECRET)])
    client = TestClient(app)
    client.get("/")
    return str(client.cookies["session"])


def test_migration_reads_starlettes_cookie_by_another_name_and_json_as_it_is() -> None:
    # Values a Starlette app keeps: JSON, nested, unicode, a dict that looks like a Flask
    # tag (it stays a dict).
    entries = {"user": "ada", "cart": [{"sku": "é-1", "qty": 2}], "tagged": {" t": [1, 2]},
               "n": 2**70, "f": 0.5, "none": None}
    old = starlette_cookie(**entries)
    client = TestClient(starlette_app(session_cookie="__Host-session", https_only=True,
                                      legacy_cookie="session"), base_url="https://testserver")
    client.cookies.set("session", old)
    rv = client.get("/show")
    assert rv.json()["migrated"] == "starlette" and rv.json()["user"] == "ada"
    assert [line.split("=")[0] for line in set_cookie_lines(rv)] == ["session", "__Host-session"]
    assert "Max-Age=0" in set_cookie_lines(rv)[0]
    for name, value in entries.items():
        assert client.get(f"/value/{name}").json()["value"] == value, name


def test_what_starlettes_secret_does_not_verify_is_not_taken_over() -> None:
    async def write(request: Any) -> Response:
        request.session["user"] = "mallory"
        return PlainTextResponse("ok")

    other = Starlette(routes=[Route("/", write)],
                      middleware=[Middleware(SessionMiddleware, secret_key="another app's secret")])
    foreign = TestClient(other)
    foreign.get("/")
    client = TestClient(starlette_app())
    client.cookies.set("session", foreign.cookies["session"])
    shown = client.get("/show").json()
    # Named as a session signed with another secret (itsdangerous's shape), and left alone.
    assert shown["user"] is None and shown["migrated"] is None
    assert shown["reason"] == "foreign-key"
    # Without legacy_secret_key there is no take-over at all.
    plain = TestClient(starlette_app(legacy_secret_key=None))
    plain.cookies.set("session", starlette_cookie(user="ada"))
    assert plain.get("/show").json()["user"] is None


def test_hostile_cookies_never_fail_the_request(caplog: pytest.LogCaptureFixture) -> None:
    client = TestClient(starlette_app())
    hostile: list[str | bytes] = [
        "session=" + "A" * 5000,
        "session=x; session_1=y; session_99=z",
        ("session=" + "é" * 10).encode(),
        "; ".join(f"session_{i}=junk" for i in range(200)),
        "session=" + noise(100) + "." * 3 + ";;; =; session",
    ]
    for header in hostile:
        rv = client.get("/show", headers={"cookie": header})
        assert rv.status_code == 200 and rv.json()["keys"] == [], header


def request_in_pieces(url: str, path: str, cookie: str, piece: int = 1000) -> int:
    """A GET sent as a slow client (or a real network) sends it: the head in pieces of
    `piece` bytes. The response's status code."""
    host, port = url.removeprefix("http://").split(":")
    head = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n".encode()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for start in range(0, len(head), piece):
            try:
                sock.sendall(head[start:start + piece])
            except OSError:  # the server answered and closed before the end
                break
            time.sleep(0.002)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def test_uvicorns_request_head_limit() -> None:
    """uvicorn (h11) refuses a request head that has grown past 16 KiB before it is
    complete, unless h11_max_incomplete_event_size is raised, as docs/PYTHON.md says."""
    key = keygen()
    for limit, want in ((None, 400), (64 * 1024, 200)):
        config = {} if limit is None else {"h11_max_incomplete_event_size": limit}
        server = Uvicorn(starlette_app(key=key, max_size=40 * 1024), **config)
        client = HttpDriver("uvicorn", server.url)
        try:
            assert client.post("/blob/20000").status == 200
            cookie = "; ".join(f"{n}={v}" for n, v in client.cookies().items())
            assert len(cookie) > 20000
            assert request_in_pieces(server.url, "/show", cookie) == want
            # Sent at once, as one read on loopback, the same head passes either way.
            assert client.get("/show").status == 200
        finally:
            client.close()
            server.close()
