"""The installed wheel, where there is no Rust: run by scripts/test-all.sh with the
Python of a fresh virtual environment that has the wheel (with its flask, starlette and
django extras) and nothing else of the workspace, on a PATH without cargo or rustc.

    python smoke.py WHEEL SDIST

Checks: no Rust toolchain in reach; the package imported is the installed one; the wheel
and the sdist carry the license files and complete metadata; one request round trip in
each of Flask, Starlette and Django, with a session over several cookies (and in Flask a
logout revoking it); and
`python -m chunked_cookie_session --help`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

BIG = "".join(chr(0x61 + (i * 7919) % 26) + str(i % 97) for i in range(3000))  # ~10 KB


def check_no_rust() -> None:
    for tool in ("cargo", "rustc"):
        assert shutil.which(tool) is None, f"{tool} is on PATH: {shutil.which(tool)}"


def check_installed_package(wheel: Path, sdist: Path) -> None:
    import chunked_cookie_session

    where = Path(chunked_cookie_session.__file__).resolve()
    assert str(where).startswith(str(Path(sys.prefix).resolve())), where
    assert list(where.parent.glob("_native*.so")), "the native module is in the wheel"
    meta = metadata.metadata("chunked-cookie-session")
    classifiers = meta.get_all("Classifier") or []
    for framework in ("Framework :: Flask", "Framework :: Django", "Framework :: FastAPI"):
        assert framework in classifiers, classifiers
    urls = meta.get_all("Project-URL") or []
    assert any(url.startswith("Repository, ") for url in urls), urls
    assert set(meta.get_all("Provides-Extra") or []) >= {"flask", "starlette", "fastapi", "django", "test"}
    assert meta["License-Expression"] == "MIT OR Apache-2.0"
    assert set(meta.get_all("License-File") or []) == {"LICENSE-MIT", "LICENSE-APACHE"}
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    for license_file in ("LICENSE-MIT", "LICENSE-APACHE"):
        assert any(n.endswith(f".dist-info/licenses/{license_file}") for n in names), names
    assert any(n.endswith("abi3.so") for n in names), "an abi3 module"
    assert "abi3" in wheel.name, wheel.name
    with tarfile.open(sdist) as archive:
        members = archive.getnames()
    root = members[0].split("/")[0]
    for needed in ("LICENSE-MIT", "LICENSE-APACHE", "pyproject.toml", "PKG-INFO",
                   "crates/python/Cargo.toml", "crates/chunked-cookie-session/src/lib.rs"):
        assert f"{root}/{needed}" in members, needed


def flask_round_trip(key: str) -> None:
    import flask

    from chunked_cookie_session.flask import ChunkedSession, current_session

    app = flask.Flask("smoke")
    app.config.update(
        CHUNKED_SESSION_KEY=key,
        CHUNKED_SESSION_MAX_SIZE=40 * 1024,
        # The revocation store compiled into the wheel.
        CHUNKED_SESSION_REVOCATION="memory",
    )
    ChunkedSession(app)

    @app.post("/write")
    def write() -> str:
        flask.session["big"] = BIG
        return "ok"

    @app.get("/read")
    def read() -> str:
        return f"{flask.session.load_reason} {len(flask.session.get('big', ''))}"

    @app.post("/logout")
    def logout() -> str:
        current_session().revoke()
        return "bye"

    client = app.test_client()
    rv = client.post("/write")
    assert len(rv.headers.getlist("Set-Cookie")) >= 2, rv.headers
    assert client.get("/read").text == f"valid {len(BIG)}"

    # A copy of the cookies, refused after a logout.
    copied = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    stolen = app.test_client(use_cookies=False)
    assert stolen.get("/read", headers={"Cookie": copied}).text == f"valid {len(BIG)}"
    client.post("/logout")
    assert stolen.get("/read", headers={"Cookie": copied}).text == "revoked 0"


def starlette_round_trip(key: str) -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from chunked_cookie_session.starlette import ChunkedSessionMiddleware

    async def write(request: Request) -> PlainTextResponse:
        request.session["big"] = BIG
        return PlainTextResponse("ok")

    async def read(request: Request) -> PlainTextResponse:
        session = request.session
        return PlainTextResponse(f"{session.load_reason} {len(session.get('big', ''))}")  # type: ignore[attr-defined]

    app = Starlette(routes=[Route("/write", write, methods=["POST"]), Route("/read", read)])
    app.add_middleware(ChunkedSessionMiddleware, key=key, max_size=40 * 1024)
    client = TestClient(app)
    rv = client.post("/write")
    assert len([v for k, v in rv.headers.multi_items() if k == "set-cookie"]) >= 2
    assert client.get("/read").text == f"valid {len(BIG)}"


def django_round_trip(key: str) -> None:
    import django
    from django.conf import settings
    from django.http import HttpRequest, HttpResponse
    from django.urls import path

    def write(request: HttpRequest) -> HttpResponse:
        request.session["big"] = BIG
        return HttpResponse("ok")

    def read(request: HttpRequest) -> HttpResponse:
        session = request.session
        return HttpResponse(f"{session.load_reason} {len(session.get('big', ''))}")

    settings.configure(
        SECRET_KEY="smoke",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["chunked_cookie_session.django.ChunkedSessionMiddleware"],
        SESSION_ENGINE="chunked_cookie_session.django",
        CHUNKED_SESSION_KEY=key,
        CHUNKED_SESSION_MAX_SIZE=40 * 1024,
    )
    globals()["urlpatterns"] = [path("write", write), path("read", read)]
    django.setup()
    from django.test import Client

    client = Client()
    rv = client.post("/write")
    assert len(rv.cookies) >= 2, rv.cookies
    assert client.get("/read").content.decode() == f"valid {len(BIG)}"


def command_line_help() -> None:
    done = subprocess.run([sys.executable, "-m", "chunked_cookie_session", "--help"],
                          capture_output=True, text=True, check=True)
    for command in ("keygen", "check-key", "settings"):
        assert command in done.stdout, done.stdout


def main() -> None:
    wheel, sdist = Path(sys.argv[1]), Path(sys.argv[2])
    check_no_rust()
    check_installed_package(wheel, sdist)
    from chunked_cookie_session import keygen

    key = keygen()
    flask_round_trip(key)
    starlette_round_trip(key)
    django_round_trip(key)
    command_line_help()
    print(f"smoke test passed: {wheel.name} without Rust; Flask, Starlette and Django round trips")


if __name__ == "__main__":
    main()
