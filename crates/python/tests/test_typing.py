"""Types an app can check with `mypy --strict`: the session's own methods through
`current_session()`, `load_reason` as a Literal of the library's reasons; and docs that
exist in the installed package."""

from __future__ import annotations

import inspect
import os
import pydoc
import subprocess
import sys
import typing
from pathlib import Path
from types import ModuleType

import flask
import pytest

import chunked_cookie_session
from chunked_cookie_session import _errors, _native, _reasons, _settings
from chunked_cookie_session.flask import (
    ChunkedCookieSession,
    ChunkedSession,
    LoadReason,
    current_session,
)
from chunked_cookie_session.flask import _errors as flask_errors
from chunked_cookie_session.flask import _extension, _interface, _session
from chunked_cookie_session.flask import _settings as flask_settings

from conftest import ROOT, make_app

TYPED_APP = Path(__file__).parent / "typed_app"


def test_load_reason_lists_the_librarys_reasons() -> None:
    listed = typing.get_args(LoadReason)
    library = tuple(_native.load_reasons())
    generated = "LoadReason = Literal[\n" + "".join(f'    "{name}",\n' for name in library) + "]"
    assert listed == library, f"chunked_cookie_session/_reasons.py should read:\n{generated}"


def mypy(*files: Path) -> subprocess.CompletedProcess[str]:
    cache = ROOT / ".venv" / "cache" / "mypy-typed-app"
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), *map(str, files)],
        capture_output=True,
        text=True,
        cwd=TYPED_APP,
    )


def test_a_typed_app_passes_mypy_strict() -> None:
    checked = mypy(TYPED_APP / "app.py")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Success" in checked.stdout
    # And mypy bites: the same calls on `flask.session` are refused.
    refused = mypy(TYPED_APP / "untyped.py")
    assert refused.returncode == 1, refused.stdout
    assert '"SessionMixin" has no attribute "renew"' in refused.stdout
    assert '"SessionMixin" has no attribute "load_reason"' in refused.stdout


def test_the_typed_app_runs() -> None:
    sys.path.insert(0, str(TYPED_APP))
    try:
        import app as typed  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    typed.app.config["TESTING"] = True
    client = typed.app.test_client()
    rv = client.post("/login/ada")
    assert rv.json == {"was": "no-session", "fits": True, "size": rv.json["size"], "message": None}
    assert client.get("/hello").text == "welcome back, ada (None)"
    client.set_cookie("session", "garbage")
    assert client.get("/hello").text == "your session was refused, None (None)"
    # The revocation calls, typed as the app uses them.
    assert client.post("/password").text == "no-subject"
    bound = client.post("/bind/typed-ada").json
    assert bound["subject"] == "typed-ada" and len(bound["id"]) == 22
    # The device listed before was this session under its old id, signed out with the
    # others; the renewed session is recorded by this response's write.
    assert client.post("/password").text.endswith(" 0")
    assert client.get("/store").json["kind"] == "memory"
    assert client.post("/revoke").text == "signed out everywhere"


def test_current_session_is_the_extensions_session() -> None:
    app = make_app()
    seen: list[object] = []

    @app.get("/typed")
    def typed() -> str:
        session = current_session()
        seen.append(session)
        return session.load_reason

    client = app.test_client()
    rv = client.get("/typed")
    assert rv.text == "no-session" and isinstance(seen[0], ChunkedCookieSession)
    assert "Cookie" in rv.headers.get("Vary", "")  # accessed, as through flask.session
    with pytest.raises(RuntimeError, match="request context"):
        current_session()
    # Flask's format without a SECRET_KEY: Flask's null session.
    null = make_app(CHUNKED_SESSION_FORMAT="flask")
    null.secret_key = None

    @null.get("/typed")
    def null_typed() -> str:
        return current_session().load_reason

    null.config["TESTING"] = True
    with pytest.raises(RuntimeError, match="NullSession, not ChunkedSession's"):
        null.test_client().get("/typed")


MODULES: list[ModuleType] = [
    chunked_cookie_session,
    _native,
    _errors,
    _reasons,
    _settings,
    chunked_cookie_session.flask,
    flask_errors,
    _extension,
    _interface,
    _session,
    flask_settings,
]


def docstrings() -> dict[str, str]:
    found: dict[str, str] = {}
    for module in MODULES:
        found[module.__name__] = module.__doc__ or ""
        for name, obj in vars(module).items():
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            found[f"{module.__name__}.{name}"] = inspect.getdoc(obj) or ""
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    found[f"{module.__name__}.{name}.{attr}"] = inspect.getdoc(member) or ""
    return found


def test_help_points_to_docs_in_the_installed_package() -> None:
    # help(ChunkedSession) sends readers to help(chunked_cookie_session.flask), whose
    # docstring lists every setting the extension has.
    shown = pydoc.render_doc(ChunkedSession, renderer=pydoc.plaintext)
    assert "help(chunked_cookie_session.flask)" in shown
    manual = chunked_cookie_session.flask.__doc__ or ""
    for setting in flask_settings.DEFAULTS:
        assert f"``{setting}``" in manual, setting
    # No docstring of the package names a file of the repository, which pip does not
    # install.
    for where, text in docstrings().items():
        for path in ("docs/", ".md", "crates/", "src/"):
            assert path not in text, f"{where} names {path!r}: {text[:200]}"
    assert os.path.isdir(os.path.dirname(chunked_cookie_session.__file__))


def test_the_native_stubs_match_the_module() -> None:
    """`_native.pyi` says exactly what the compiled module has (mypy's stubtest)."""
    import chunked_cookie_session as package

    checked = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "chunked_cookie_session._native"],
        capture_output=True,
        text=True,
        cwd=Path(package.__file__).parent.parent,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
