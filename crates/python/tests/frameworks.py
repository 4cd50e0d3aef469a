"""The same app in Starlette and in Django, and one way to drive each: in-process (Starlette's
TestClient, Django's test client) or over HTTP/1.1 on 127.0.0.1 (uvicorn, gunicorn) with
httpx and a cookie jar. The behaviour suite (test_frameworks.py) runs against every
driver; each framework's own tests use these too.

Every app has the same routes: ``POST /blob/<n>`` stores ``n`` characters of noise,
``GET /show`` says what the session holds and why, ``POST /set/<name>`` stores the JSON
body, ``POST /clear``, ``POST /purge``, ``POST /renew``, ``POST /check/<n>`` asks whether
``n`` characters would fit, ``POST /login`` signs "ada" in (the framework's own way),
``GET /untouched``.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any, NamedTuple, Optional

import httpx

from conftest import ROOT, noise

HERE = Path(__file__).resolve().parent
#: The secret Starlette's SessionMiddleware signed with, before the move.
STARLETTE_SECRET = "starlette's secret_key, before the move"
#: Budget of every app here: a 15 KB session fits.
BUDGET = 40 * 1024


class Reply(NamedTuple):
    status: int
    body: bytes
    #: Every header field, names lowercased, in order (one per Set-Cookie).
    headers: list[tuple[str, str]]

    def json(self) -> Any:
        return json.loads(self.body)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k == name]

    def header(self, name: str) -> Optional[str]:
        found = self.all(name)
        return ", ".join(found) if found else None

    def set_cookies(self) -> list[str]:
        return self.all("set-cookie")

    def sets(self) -> list[str]:
        """Names of the cookies set (not deleted), in order."""
        return [name for name, attrs in _parsed(self.set_cookies()) if "max-age=0" not in attrs]

    def deletions(self) -> list[str]:
        return [name for name, attrs in _parsed(self.set_cookies()) if "max-age=0" in attrs]


def _parsed(lines: list[str]) -> list[tuple[str, str]]:
    out = []
    for line in lines:
        pair, _, attrs = line.partition(";")
        out.append((pair.partition("=")[0].strip(), attrs.lower()))
    return out


class Driver:
    """Requests to one app, through one cookie jar."""

    name: str

    def request(self, method: str, path: str, body: Optional[bytes] = None) -> Reply:
        raise NotImplementedError

    def jar(self) -> CookieJar:
        """The cookies the client holds, as a browser would (deleted ones gone)."""
        raise NotImplementedError

    def cookies(self) -> dict[str, str]:
        return {c.name: c.value or "" for c in self.jar()}

    def set_cookie(self, name: str, value: str) -> None:
        for cookie in self.jar():
            if cookie.name == name:
                cookie.value = value
                return
        raise KeyError(name)

    def delete_cookie(self, name: str) -> None:
        for cookie in list(self.jar()):
            if cookie.name == name:
                self.jar().clear(cookie.domain, cookie.path, cookie.name)

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, body: Optional[bytes] = None) -> Reply:
        return self.request("POST", path, body)


class HttpDriver(Driver):
    """httpx against a server on 127.0.0.1, HTTP/1.1, one jar (shared with other servers
    on the same host, as a browser shares it)."""

    def __init__(self, name: str, url: str, jar: Optional[CookieJar] = None) -> None:
        self.name = name
        self.url = url
        self._jar = jar if jar is not None else CookieJar()
        self.client = httpx.Client(base_url=url, cookies=self._jar, timeout=30)

    def request(self, method: str, path: str, body: Optional[bytes] = None) -> Reply:
        rv = self.client.request(method, path, content=body)
        return Reply(rv.status_code, rv.content, [(k.lower(), v) for k, v in rv.headers.multi_items()])

    def jar(self) -> CookieJar:
        return self._jar

    def close(self) -> None:
        self.client.close()


# Starlette ------------------------------------------------------------------------------


def starlette_app(legacy: bool = False, **options: Any) -> Any:
    """The app on ChunkedSessionMiddleware (``options`` its arguments), or on Starlette's
    own SessionMiddleware signed with STARLETTE_SECRET (``legacy``)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    from chunked_cookie_session import keygen
    from chunked_cookie_session.starlette import ChunkedSessionMiddleware

    def ok(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def blob(request: Request) -> Response:
        n = int(request.path_params["n"])
        request.session["blob"] = noise(n, seed=n)
        return ok(request)

    async def show(request: Request) -> Response:
        s = request.session
        return JSONResponse(
            {
                "reason": getattr(s, "load_reason", None),
                "migrated": getattr(s, "migrated_from", None),
                "keys": sorted(s),
                "blob": len(s.get("blob", "")),
                "user": s.get("user"),
            }
        )

    async def set_value(request: Request) -> Response:
        request.session[request.path_params["name"]] = json.loads(await request.body())
        return ok(request)

    async def value(request: Request) -> Response:
        return JSONResponse({"value": request.session.get(request.path_params["name"])})

    async def clear(request: Request) -> Response:
        request.session.clear()
        return ok(request)

    async def purge(request: Request) -> Response:
        request.session.purge()  # type: ignore[attr-defined]
        return ok(request)

    async def renew(request: Request) -> Response:
        request.session.renew()  # type: ignore[attr-defined]
        return ok(request)

    async def check(request: Request) -> Response:
        s = request.session
        previous = s.get("blob")
        n = int(request.path_params["n"])
        s["blob"] = noise(n, seed=n)
        size = s.check()  # type: ignore[attr-defined]
        s["blob"] = previous
        return JSONResponse({"fits": size.fits, "size": size.size, "cookies": size.cookies,
                             "max_size": size.max_size, "message": size.message})

    async def login(request: Request) -> Response:
        request.session["user"] = "ada"
        request.session["cart"] = [1, 2, 3]
        return ok(request)

    routes = [
        Route("/blob/{n:int}", blob, methods=["POST"]),
        Route("/show", show),
        Route("/set/{name}", set_value, methods=["POST"]),
        Route("/value/{name}", value),
        Route("/clear", clear, methods=["POST"]),
        Route("/purge", purge, methods=["POST"]),
        Route("/renew", renew, methods=["POST"]),
        Route("/check/{n:int}", check, methods=["POST"]),
        Route("/login", login, methods=["POST"]),
        Route("/untouched", ok),
    ]
    if legacy:
        middleware = Middleware(SessionMiddleware, secret_key=STARLETTE_SECRET)
    else:
        options.setdefault("key", keygen())
        options.setdefault("max_size", BUDGET)
        options.setdefault("legacy_secret_key", STARLETTE_SECRET)
        middleware = Middleware(ChunkedSessionMiddleware, **options)
    return Starlette(routes=routes, middleware=[middleware])


class StarletteClient(Driver):
    """Starlette's TestClient (in-process ASGI). Server errors come back as 500s."""

    name = "starlette-testclient"

    def __init__(self, app: Any, jar: Optional[CookieJar] = None) -> None:
        from starlette.testclient import TestClient

        self.client = TestClient(app, raise_server_exceptions=False,
                                 cookies=jar if jar is not None else CookieJar())

    def request(self, method: str, path: str, body: Optional[bytes] = None) -> Reply:
        rv = self.client.request(method, path, content=body)
        return Reply(rv.status_code, rv.content, [(k.lower(), v) for k, v in rv.headers.multi_items()])

    def jar(self) -> CookieJar:
        jar: CookieJar = self.client.cookies.jar
        return jar

    def with_app(self, app: Any) -> StarletteClient:
        """Another app, the same jar (as one browser visiting both)."""
        return StarletteClient(app, self.jar())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Uvicorn:
    """An ASGI app served by uvicorn (h11, HTTP/1.1) on 127.0.0.1 in a thread."""

    def __init__(self, app: Any, **config: Any) -> None:
        import uvicorn

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        cfg = uvicorn.Config(app, http="h11", lifespan="off", log_level="warning", **config)
        self.server = uvicorn.Server(cfg)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


# Django ---------------------------------------------------------------------------------

DJANGO_DB = Path(tempfile.gettempdir()) / f"chunked-django-tests-{os.getpid()}.sqlite3"
DJANGO_USER = ("ada", "correct horse battery staple")


def django_setup() -> None:
    """Configures Django in this process (once): the test project, its SQLite database
    migrated, and the user "ada"."""
    import django
    from django.apps import apps

    if apps.ready:
        return
    sys.path.insert(0, str(HERE))
    os.environ["DJANGO_SETTINGS_MODULE"] = "django_project.settings"
    os.environ["DJANGO_DB"] = str(DJANGO_DB)
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    atexit.register(DJANGO_DB.unlink, missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(username=DJANGO_USER[0]).exists():
        User.objects.create_user(DJANGO_USER[0], password=DJANGO_USER[1])


OURS = "chunked_cookie_session.django.ChunkedSessionMiddleware"
DJANGOS = "django.contrib.sessions.middleware.SessionMiddleware"


@contextmanager
def django_own_sessions() -> Iterator[None]:
    """The project before the move: Django's SessionMiddleware and its signed_cookies
    backend."""
    from django.conf import settings
    from django.test import override_settings

    middleware = [DJANGOS if m == OURS else m for m in settings.MIDDLEWARE]
    with override_settings(
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies", MIDDLEWARE=middleware
    ):
        yield


class DjangoClient(Driver):
    """Django's test client (in-process WSGI). Server errors come back as 500s."""

    name = "django-testclient"

    def __init__(self, settings: Optional[dict[str, Any]] = None, legacy: bool = False,
                 client: Any = None) -> None:
        from django.test import Client

        django_setup()
        self.settings = settings or {}
        self.legacy = legacy
        self.client = client if client is not None else Client(raise_request_exception=False)

    @contextmanager
    def _configured(self) -> Iterator[None]:
        from django.test import override_settings

        with override_settings(**self.settings):
            if self.legacy:
                with django_own_sessions():
                    yield
            else:
                yield

    def request(self, method: str, path: str, body: Optional[bytes] = None) -> Reply:
        with self._configured():
            rv = self.client.generic(method, path, data=body or b"", content_type="application/json")
        headers = [(k.lower(), v) for k, v in rv.items()]
        headers += [("set-cookie", m.OutputString()) for m in rv.cookies.values()]
        # Django's test client keeps a deleted cookie (with an empty value) and sends it
        # back; a browser drops it, and so does this driver.
        for name, morsel in rv.cookies.items():
            if str(morsel["max-age"]) == "0" and name in self.client.cookies:
                del self.client.cookies[name]
        return Reply(rv.status_code, rv.content, headers)

    def jar(self) -> CookieJar:
        # A copy of what the test client holds; the methods below write to the client.
        jar = CookieJar()
        from http.cookiejar import Cookie

        for name, morsel in self.client.cookies.items():
            jar.set_cookie(Cookie(0, name, morsel.value, None, False, "testserver", False,
                                      False, "/", True, False, None, False, None, None, {}))
        return jar

    def set_cookie(self, name: str, value: str) -> None:
        self.client.cookies[name] = value

    def delete_cookie(self, name: str) -> None:
        del self.client.cookies[name]

    def with_legacy(self) -> DjangoClient:
        """The project on Django's own sessions, with this client's cookies (a client of
        its own: a test client keeps the middleware it first loaded)."""
        from django.test import Client

        legacy = Client(raise_request_exception=False)
        legacy.cookies = self.client.cookies
        return DjangoClient(self.settings, legacy=True, client=legacy)


class Gunicorn:
    """The Django project served by gunicorn (sync worker, HTTP/1.1) on 127.0.0.1."""

    def __init__(self, env: Optional[dict[str, str]] = None, args: tuple[str, ...] = ()) -> None:
        django_setup()  # migrates the database the server shares
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        environ = {
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": os.pathsep.join([str(HERE), *sys.path]),
            "DJANGO_DB": str(DJANGO_DB),
            "DJANGO_SETTINGS_MODULE": "django_project.settings",
            **(env or {}),
        }
        self.child = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--log-level", "warning", *args, "django_project.wsgi:application"],
            cwd=HERE, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        # Ready when a worker answers (the master listens before its worker has booted).
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.url + "/untouched", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{self.close()}")
            time.sleep(0.05)

    def close(self) -> str:
        """Stops the server; what it printed."""
        self.child.terminate()
        try:
            out, _ = self.child.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.child.kill()
            out, _ = self.child.communicate()
        return out or ""


__all__ = [
    "BUDGET",
    "DJANGO_USER",
    "ROOT",
    "STARLETTE_SECRET",
    "DjangoClient",
    "Driver",
    "Gunicorn",
    "HttpDriver",
    "Reply",
    "StarletteClient",
    "Uvicorn",
    "django_own_sessions",
    "django_setup",
    "free_port",
    "starlette_app",
]

