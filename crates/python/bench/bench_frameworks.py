"""What a request's session costs with the Starlette and Django middlewares, against the
frameworks' own: Starlette's SessionMiddleware and Django's SessionMiddleware with its
signed_cookies backend, for the same session of 3 KB of JSON (a login with identity
provider tokens, a cart, a form: what apps keep in these sessions), read-only and written.

    python crates/python/bench/bench_frameworks.py [--repeat N] [--quick]

Run it in the test venv (`.venv/bin/python`), with the package installed in release
(`pip install './crates/python[starlette,django]'`). Each figure is µs per request of this
thread's CPU time (time.thread_time), the median of N rounds of about 0.2 s, minus what the
same request costs with no session middleware at all. One request:

- Starlette: the ASGI middleware called with a request carrying the session's cookies,
  around an app that reads one entry (read-only) or sets one (written), and answers; no
  server, no HTTP parsing (both sides would pay them alike).
- Django: the middleware called with a WSGIRequest carrying the cookies, around a view
  that does the same; Django's handler, URL resolution and other middleware are left out.

The rounds of every case are interleaved, so the load of a shared machine weighs on all of
them alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import string
import sys
import time
import timeit
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from chunked_cookie_session import keygen

TARGET = 3000  # bytes of JSON, as json.dumps writes the session
STARLETTE_SECRET = "bench secret key"
KEY = keygen()


def make_session(target: int = TARGET, seed: int = 7) -> dict[str, Any]:
    """A session whose JSON is about `target` bytes."""
    rng = random.Random(seed)

    def token(n: int) -> str:
        return "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(n))

    session: dict[str, Any] = {
        "_auth_user_id": "123456",
        "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
        "_auth_user_hash": token(64),
        "name": "Ada Lovelace",
        "csrf": token(32),
        "flags": {"beta": True, "admin": False, "theme": None},
        "ratio": 0.1 + 0.2,
    }
    i = 0
    while len(json.dumps(session)) < target:
        if i % 2 == 0:
            session.setdefault("tokens", []).append(
                {"idp": f"idp{i}", "access_token": token(rng.randint(60, 160)),
                 "expires_at": 1_790_000_000 + i, "scopes": ["openid", "profile", "email"]})
        else:
            session.setdefault("cart", []).append(
                {"sku": f"SKU-{rng.randint(1000, 9999)}", "qty": rng.randint(1, 5),
                 "price": round(rng.uniform(1, 200), 2)})
        i += 1
    return session


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in
                         ("starlette", "itsdangerous", "django", "chunked-cookie-session"))
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; Python {platform.python_version()}, {versions}"


def measure_all(runs: dict[Any, Callable[[], Any]], repeat: int, budget: float) -> dict[Any, float]:
    """Median µs per call of each of `runs`, over `repeat` rounds of about `budget`
    seconds each. The rounds are interleaved (every case once per round), so a change in
    the machine's load during the run weighs on every case alike."""
    timers = {name: timeit.Timer(fn, timer=time.thread_time) for name, fn in runs.items()}
    numbers = {}
    for name, timer in timers.items():
        number, took = timer.autorange()
        numbers[name] = max(1, int(number * budget / max(took, 1e-9)))
    samples: dict[Any, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, timer in timers.items():
            samples[name].append(timer.timeit(numbers[name]) / numbers[name] * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


# Starlette ------------------------------------------------------------------------------


def asgi_app(write: bool) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        session = scope.get("session")
        if session is not None:
            if hasattr(session, "mark_accessed"):
                session.mark_accessed()  # what Request.session does
            if write:
                session["counter"] = session.get("counter", 0) + 1
            else:
                assert session["name"] == "Ada Lovelace"
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def asgi_once(app: Any, cookie: str, loop: asyncio.AbstractEventLoop) -> tuple[list[dict[str, Any]], Any]:
    sent: list[dict[str, Any]] = []
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [(b"cookie", cookie.encode("latin-1"))],
             "query_string": b""}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    loop.run_until_complete(app(scope, receive, send))
    return sent, scope.get("session")


def set_cookies(sent: list[dict[str, Any]]) -> list[str]:
    return [v.decode("latin-1") for k, v in sent[0]["headers"] if k == b"set-cookie"]


def starlette_case(kind: str, session: dict[str, Any], write: bool, loop: asyncio.AbstractEventLoop) -> tuple[Callable[[], None], int]:
    """One request's work through `kind`'s middleware, and the session's cookie bytes."""
    from starlette.middleware.sessions import SessionMiddleware

    from chunked_cookie_session.starlette import ChunkedSessionMiddleware

    def wrap(app: Any) -> Any:
        if kind == "starlette":
            return SessionMiddleware(app, secret_key=STARLETTE_SECRET)
        if kind == "none":
            return app
        return ChunkedSessionMiddleware(app, key=KEY, format=kind, max_size=40 * 1024)

    async def seed(scope: Any, receive: Any, send: Any) -> None:
        scope["session"].update(session)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    cookie = ""
    if kind != "none":
        sent, _ = asgi_once(wrap(seed), "", loop)
        cookie = "; ".join(line.split(";", 1)[0] for line in set_cookies(sent))
    else:
        cookie = "session=" + "x" * 4000
    app = wrap(asgi_app(write))
    sent, seen = asgi_once(app, cookie, loop)
    if kind != "none":
        assert seen is not None and len(seen) == len(session) + write, (kind, len(seen))
        assert bool(set_cookies(sent)) is write, (kind, write)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [(b"cookie", cookie.encode("latin-1"))],
             "query_string": b""}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        pass

    async def batch(n: int) -> None:
        for _ in range(n):
            await app(dict(scope), receive, send)

    # The loop is entered once per batch of 50 requests, so its own cost stays small.
    def run() -> None:
        loop.run_until_complete(batch(50))

    return run, len(cookie)


# Django ---------------------------------------------------------------------------------


def django_setup() -> None:
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="bench django secret key",
        ALLOWED_HOSTS=["testserver", "localhost"],
        SESSION_ENGINE="chunked_cookie_session.django",
        CHUNKED_SESSION_KEY=KEY,
        CHUNKED_SESSION_MAX_SIZE=40 * 1024,
        USE_TZ=True,
    )
    django.setup()


def django_case(kind: str, session: dict[str, Any], write: bool) -> tuple[Callable[[], None], int]:
    from django.contrib.sessions.backends.signed_cookies import SessionStore as SignedCookies
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.core.handlers.wsgi import WSGIRequest
    from django.http import HttpResponse
    from django.test import override_settings

    from chunked_cookie_session.django import ChunkedSessionMiddleware

    def view(request: Any) -> HttpResponse:
        s = getattr(request, "session", None)
        if s is not None:
            if write:
                s["counter"] = s.get("counter", 0) + 1
            else:
                assert s["name"] == "Ada Lovelace"
        return HttpResponse("ok")

    overrides = {"CHUNKED_SESSION_FORMAT": kind if kind in ("signed", "private") else "signed"}
    if kind == "django":
        overrides["SESSION_ENGINE"] = "django.contrib.sessions.backends.signed_cookies"
    context = override_settings(**overrides)
    context.enable()
    try:
        if kind == "django":
            store = SignedCookies()
            store.update(session)
            store.save()
            cookie = f"sessionid={store.session_key}"
            middleware: Any = SessionMiddleware(view)
        elif kind == "none":
            cookie = "sessionid=" + "x" * 3000
            middleware = view
        else:
            seeding = ChunkedSessionMiddleware(lambda request: (request.session.update(session), HttpResponse())[1])
            response = seeding(WSGIRequest(environ("")))
            cookie = "; ".join(f"{m.key}={m.value}" for m in response.cookies.values())
            middleware = ChunkedSessionMiddleware(view)
        env = environ(cookie)
        response = middleware(WSGIRequest(dict(env)))
        assert bool(response.cookies) is (write and kind != "none"), (kind, write, response.cookies)
    finally:
        context.disable()

    def run() -> None:
        with context:
            for _ in range(50):
                middleware(WSGIRequest(dict(env)))

    return run, len(cookie)


def environ(cookie: str) -> dict[str, Any]:
    import io

    return {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "HTTP_COOKIE": cookie}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="rounds per figure (median)")
    parser.add_argument("--quick", action="store_true", help="3 rounds of 0.05 s")
    args = parser.parse_args()
    repeat, budget = (3, 0.05) if args.quick else (args.repeat, 0.2)
    print(machine())
    session = make_session()
    print(f"the session: {len(json.dumps(session))} bytes of JSON, {len(session)} entries")
    django_setup()
    loop = asyncio.new_event_loop()
    runs: dict[tuple[str, str, bool], Callable[[], Any]] = {}
    sizes: dict[tuple[str, str], int] = {}
    for write in (False, True):
        for kind in ("none", "starlette", "signed", "private"):
            runs[("starlette", kind, write)], sizes[("starlette", kind)] = starlette_case(kind, session, write, loop)
        for kind in ("none", "django", "signed", "private"):
            runs[("django", kind, write)], sizes[("django", kind)] = django_case(kind, session, write)
    # Each run is a batch of 50 requests.
    per_batch = measure_all(runs, repeat, budget)
    results = {
        (framework, kind, write): (cost - per_batch[(framework, "none", write)]) / 50
        for (framework, kind, write), cost in per_batch.items()
        if kind != "none"
    }

    for framework, own in (("starlette", "Starlette's SessionMiddleware"), ("django", "Django's signed_cookies")):
        print(f"\n{framework}: µs per request (median, net of the request with no session middleware)\n")
        print(f"| request | {own} | chunked, signed | chunked, private |")
        print("|---|---:|---:|---:|")
        for write, label in ((False, "read-only (one entry read)"), (True, "written (one entry set)")):
            theirs = results[(framework, framework, write)]
            cells = [f"{theirs:.1f}"]
            for kind in ("signed", "private"):
                ours = results[(framework, kind, write)]
                cells.append(f"{ours:.1f} ({ours / theirs:.2f}×)")
            print(f"| {label} | " + " | ".join(cells) + " |")
        print("\nCookie header bytes: " + ", ".join(
            f"{kind} {sizes[(framework, kind)]}" for kind in (framework, "signed", "private")))


if __name__ == "__main__":
    main()
