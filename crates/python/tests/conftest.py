"""Shared pieces of the extension's tests: apps, keys, Set-Cookie reading, a live server on
127.0.0.1 and a cookie-jar client for it, the Rust binaries of the workspace and the
playground, and the frameworks' source distributions their own tests come from."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tarfile
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from http.cookiejar import CookieJar
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Optional

import flask
import pytest
from flask import Flask
from markupsafe import Markup
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from chunked_cookie_session import keygen
from chunked_cookie_session.flask import ChunkedSession

ROOT = Path(__file__).resolve().parents[3]
TEST_SUPPORT = ROOT / "crates" / "test-support" / "flask"

#: Every Python type Flask's session supports, nested and at the edges.
EVERY_TYPE: dict[str, Any] = {
    "str": "h\u00e9llo \U0001f600 </script> \"quoted\" \\",
    "int": -7,
    "big": 2**100 + 7,
    "neg_big": -(2**70),
    "float": 0.1 + 0.2,
    "nan": float("nan"),
    "inf": float("-inf"),
    "bool": True,
    "none": None,
    "tuple": (1, "two", (3.5, None), ()),
    "bytes": b"\x00\x01\xfebinary\xff",
    "markup": Markup("<b>hi</b> &amp; bye"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "datetime": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    "nested": {"list": [1, {"deep": (2, b"x")}], "empty": {}},
    "lone_tag": {" t": "not a tuple"},
    "escape": {" di": {" t__": 1}},
    "list_of_tuples": [(1, 2), (3, 4)],
}


def same(a: Any, b: Any) -> bool:
    """Equality in which NaN equals NaN and types count (a tuple is not a list)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def noise(n: int, seed: int = 1) -> str:
    """`n` characters of text deflate cannot shrink much."""
    import random

    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(n))


def pytest_configure(config: pytest.Config) -> None:
    # The tests' apps use budgets past gunicorn's header limit on purpose; the warning has
    # its own tests (test_deployment.py, with pytest.warns, which sees it regardless).
    config.addinivalue_line(
        "filterwarnings", "ignore::chunked_cookie_session.flask.SessionBudgetWarning"
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    # The revocation stores the tests built are let go now, while the streams pytest
    # captured are open: the package's exit hook (tested in a process of its own, in
    # test_revocation.py) would log into a handler of Django's test settings holding one.
    from chunked_cookie_session._native import close_stores

    close_stores(0)


@pytest.fixture
def key() -> str:
    return keygen()


def make_app(**config: Any) -> Flask:
    """A Flask app with the extension and a few routes around its session."""
    app = Flask("chunked_test")
    app.config.update(TESTING=True, SECRET_KEY="stock secret key", CHUNKED_SESSION_MAX_SIZE=40 * 1024)
    if config.get("CHUNKED_SESSION_FORMAT", "signed") != "flask":
        app.config["CHUNKED_SESSION_KEY"] = keygen()
    app.config.update(config)
    ChunkedSession(app)
    add_routes(app)
    return app


def add_routes(app: Flask) -> None:
    @app.post("/blob/<int:n>")
    def blob(n: int) -> str:
        flask.session["blob"] = noise(n, seed=n)
        return "ok"

    @app.post("/types")
    def types() -> str:
        flask.session.update(EVERY_TYPE)
        return "ok"

    @app.post("/set/<name>/<value>")
    def set_value(name: str, value: str) -> str:
        flask.session[name] = value
        return "ok"

    @app.post("/permanent/<int:on>")
    def permanent(on: int) -> str:
        flask.session["user"] = "ada"
        flask.session.permanent = bool(on)
        return "ok"

    @app.post("/clear")
    def clear() -> str:
        flask.session.clear()
        return "ok"

    @app.get("/show")
    def show() -> dict[str, Any]:
        s = flask.session
        return {
            "reason": s.load_reason,
            "migrated": s.migrated_from,
            "keys": sorted(s.keys()),
            "blob": len(s.get("blob", "")),
            "types": all(same(s.get(k), v) for k, v in EVERY_TYPE.items()),
        }

    @app.get("/untouched")
    def untouched() -> str:
        return "nothing"


def set_cookies(rv: TestResponse) -> list[tuple[str, str, str]]:
    """(name, value, lowercased attributes) of every Set-Cookie line, in order."""
    out = []
    for line in rv.headers.getlist("Set-Cookie"):
        pair, _, attrs = line.partition(";")
        name, _, value = pair.partition("=")
        out.append((name, value, attrs.lower()))
    return out


def deletions(rv: TestResponse) -> list[str]:
    return [name for name, value, attrs in set_cookies(rv) if "max-age=0" in attrs]


def sets(rv: TestResponse) -> list[str]:
    return [name for name, value, attrs in set_cookies(rv) if "max-age=0" not in attrs]


class LiveServer:
    """A WSGI app served by werkzeug on 127.0.0.1, and a client with a cookie jar."""

    def __init__(self, app: Any, jar: Optional[CookieJar] = None) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.jar = jar if jar is not None else CookieJar()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def request(
        self, method: str, path: str, body: Optional[bytes] = None, headers: Optional[dict[str, str]] = None
    ) -> tuple[int, bytes, Any]:
        return request(self.jar, method, self.url + path, body, headers)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def request(
    jar: CookieJar,
    method: str,
    url: str,
    body: Optional[bytes] = None,
    headers: Optional[dict[str, str]] = None,
) -> tuple[int, bytes, Any]:
    """One HTTP request through the jar: (status, body, headers)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers


@pytest.fixture
def live() -> Iterator[Callable[..., LiveServer]]:
    servers: list[LiveServer] = []

    def start(app: Any, jar: Optional[CookieJar] = None) -> LiveServer:
        server = LiveServer(app, jar)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def rust_binary(name: str, package: str) -> Path:
    """A binary of the workspace, built first when missing."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    path = target / "debug" / name
    if not path.exists():
        subprocess.run(["cargo", "build", "-q", "-p", package], cwd=ROOT, check=True)
    return path


@contextmanager
def playground(key: str, max_size: int) -> Iterator[str]:
    """The workspace's playground in the native signed format with ``key`` and a budget
    of ``max_size`` bytes, on 127.0.0.1; yields its URL."""
    binary = rust_binary("playground", "playground")
    child = subprocess.Popen(
        [str(binary), "--addr", "127.0.0.1:0", "--format", "signed", "--max-size", str(max_size)],
        env={"SESSION_KEY": key, "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("playground listening on "), line
        yield line.split()[-1].rstrip("/")
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()


def sdist(project: str, probe: str) -> Path:
    """The source distribution of the installed ``project`` (``flask``, ``starlette``,
    ``django``), unpacked into .venv/cache/<project>-sdist; pip fetches it at the first
    run. ``probe``, a file of the tree, says whether an earlier run unpacked it."""
    version = metadata.version(project)
    cache = ROOT / ".venv" / "cache" / f"{project}-sdist"
    tree = cache / f"{project}-{version}"
    if (tree / probe).exists():
        return tree
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--no-binary", ":all:", "--dest", str(cache), f"{project}=={version}"],
        check=True,
    )
    with tarfile.open(cache / f"{project}-{version}.tar.gz") as archive:
        archive.extractall(cache, filter="data") if sys.version_info >= (3, 12) else archive.extractall(cache)
    return tree


def import_test_support_apps() -> Any:
    """test-support's Flask apps: the recipe as published and the fixed interface of
    docs/FLASK.md."""
    sys.path.insert(0, str(TEST_SUPPORT))
    try:
        import apps  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    return apps
