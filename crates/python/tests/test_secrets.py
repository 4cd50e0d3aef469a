"""No object of the package shows a key or a secret in its repr or str: what an error
reporter captures (Sentry's locals, Werkzeug's debugger) never holds them.

Reporters show each local of each frame of a traceback by its repr, and walk into
dicts, lists, tuples and sets item by item (Werkzeug's debugger renders a tuple, a
NamedTuple too, by the repr of each item; Sentry serializes any sequence or mapping
the same way). The walk below does what they do, over the frames of real exceptions
raised inside ``open_session`` and ``save_session`` and over an instance of every class
the package defines (core and Flask modules), reached during requests."""

from __future__ import annotations

import inspect
import os
import sys
import traceback
from collections.abc import Iterator, Mapping
from types import ModuleType, TracebackType
from typing import Any, Callable, Optional

import flask
import pytest
from flask import Flask
from werkzeug.local import LocalProxy

import chunked_cookie_session
import chunked_cookie_session.flask as ccs_flask
from chunked_cookie_session import _errors, _native, _revocation, _settings, keygen
from chunked_cookie_session.flask import (
    ChunkedCookieSession,
    ChunkedSession,
    ConfigurationError,
    SessionTooLarge,
    _extension,
    _interface,
    _session,
)
from chunked_cookie_session.flask import _errors as flask_errors
from chunked_cookie_session.flask import _settings as flask_settings

from conftest import noise

#: The modules whose classes are walked: the framework-neutral core and the Flask
#: extension (other frameworks' modules import their framework, not installed here).
MODULES: list[ModuleType] = [
    chunked_cookie_session,
    _native,
    _settings,
    _errors,
    _revocation,
    ccs_flask,
    flask_errors,
    flask_settings,
    _extension,
    _interface,
    _session,
]


def package_classes() -> set[type]:
    found: set[type] = set()
    for module in MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__.startswith("chunked_cookie_session"):
                found.add(cls)
    return found


class Secrets:
    """Every secret of an app, in every form a repr could show it."""

    def __init__(self) -> None:
        self.key_text = keygen()
        self.key_bytes = os.urandom(32)
        self.old_text = keygen()
        self.old_bytes = os.urandom(40)
        self.secret_key = "flask-secret-" + keygen()
        self.fallback = "flask-fallback-" + keygen()

    def forms(self) -> list[str]:
        texts = [self.key_text, self.old_text, self.secret_key, self.fallback]
        raw = [self.key_bytes, self.old_bytes, self.secret_key.encode(), self.fallback.encode()]
        # A bytes value shows as b'…' with escapes: its body is what to look for; the
        # first 12 characters of each are enough to be unique.
        return [t[:16] for t in texts] + [repr(b)[2:14] for b in raw]

    def find(self, text: str) -> Optional[str]:
        for form in self.forms():
            if form in text:
                return form
        return None


def shown(obj: Any, depth: int = 0) -> Iterator[str]:
    """What a reporter shows of `obj`: its repr and str, and the same of each item of a
    container, a few levels deep."""
    for render in (repr, str):
        try:
            yield render(obj)
        except Exception as err:  # a broken repr shows as its error
            yield f"<{render.__name__} failed: {err!r}>"
    if depth >= 4 or isinstance(obj, (str, bytes, bytearray)):
        return
    if isinstance(obj, Mapping):
        for key, value in list(obj.items()):
            yield from shown(key, depth + 1)
            yield from shown(value, depth + 1)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for item in list(obj):
            yield from shown(item, depth + 1)
    if isinstance(obj, BaseException):
        yield from shown(obj.args, depth + 1)


def ours(obj: Any) -> bool:
    return type(obj).__module__.startswith("chunked_cookie_session")


class Reporter:
    """Collects what a reporter would show, and the package's objects reached."""

    def __init__(self, secrets: Secrets) -> None:
        self.secrets = secrets
        self.reached: dict[type, Any] = {}
        self.leaks: list[str] = []
        self._seen: set[int] = set()
        # Kept alive, so that no id is reused by a later object (getters make new ones).
        self._kept: list[Any] = []

    def check(self, obj: Any, where: str) -> None:
        for text in shown(obj):
            found = self.secrets.find(text)
            if found is not None:
                self.leaks.append(f"{where}: {type(obj).__name__} shows {found!r}…: {text[:300]}")
                return

    def reach(self, obj: Any, where: str, depth: int = 0) -> None:
        """Checks `obj` and every object of the package reachable from it through
        containers and the attributes of the package's objects."""
        if id(obj) in self._seen or depth > 8 or isinstance(obj, LocalProxy):
            return
        self._seen.add(id(obj))
        self._kept.append(obj)
        self.check(obj, where)
        if ours(obj):
            self.reached.setdefault(type(obj), obj)
            # The engine's settings hold the secrets themselves, where the engine needs
            # them: reporters show the settings value, not its fields.
            if isinstance(obj, _settings.Settings):
                return
            for name in dir(obj):
                if name.startswith("__"):
                    continue
                try:
                    value = getattr(obj, name)
                except Exception:
                    continue
                if not callable(value) or ours(value):
                    self.reach(value, f"{where}.{name}", depth + 1)
        elif isinstance(obj, Mapping):
            for key, value in list(obj.items()):
                self.reach(key, f"{where}[key]", depth + 1)
                self.reach(value, f"{where}[{key!r}]", depth + 1)
        elif isinstance(obj, (list, tuple, set, frozenset)):
            for i, item in enumerate(list(obj)):
                self.reach(item, f"{where}[{i}]", depth + 1)

    def frames(self, tb: Optional[TracebackType], what: str) -> list[str]:
        """Every local of every frame of a traceback (and of the exceptions it chains):
        what Sentry's `include_local_variables` and Werkzeug's debugger capture."""
        names = []
        for frame, _ in traceback.walk_tb(tb):
            names.append(frame.f_code.co_name)
            for name, value in frame.f_locals.items():
                self.reach(value, f"{what}: {frame.f_code.co_name}() local {name}")
        return names

    def exception(self, err: BaseException, what: str) -> list[str]:
        names: list[str] = []
        seen: set[int] = set()
        current: Optional[BaseException] = err
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            self.reach(current, f"{what}: the exception")
            names += self.frames(current.__traceback__, what)
            current = current.__cause__ or current.__context__
        return names


def secret_app(secrets: Secrets, fmt: str, raw: bool) -> Flask:
    app = Flask("secrets")
    app.config.update(
        TESTING=True,
        SECRET_KEY=secrets.secret_key,
        SECRET_KEY_FALLBACKS=[secrets.fallback],
        CHUNKED_SESSION_FORMAT=fmt,
        CHUNKED_SESSION_KEY=secrets.key_bytes if raw else secrets.key_text,
        CHUNKED_SESSION_OLD_KEYS=[secrets.old_text, secrets.old_bytes],
        CHUNKED_SESSION_MAX_SIZE=8 * 1024,
        # The revocation store and the device registry (the Redis URL's password has a
        # test of its own, in test_revocation.py).
        CHUNKED_SESSION_REVOCATION="memory",
        CHUNKED_SESSION_REGISTRY=True,
    )
    ChunkedSession(app)
    return app


def raised(call: Callable[[], Any]) -> BaseException:
    try:
        call()
    except BaseException as err:  # what a reporter sees: sys.exc_info()
        info = sys.exc_info()
        assert info[1] is err
        return err
    raise AssertionError("expected an exception")


@pytest.mark.parametrize(("fmt", "raw"), [("signed", False), ("private", True), ("flask", False)])
def test_no_repr_shows_a_key_or_secret(fmt: str, raw: bool) -> None:
    secrets = Secrets()
    reporter = Reporter(secrets)
    app = secret_app(secrets, fmt, raw)
    kept: list[Any] = []

    @app.post("/fill/<int:n>")
    def fill(n: int) -> str:
        flask.session["blob"] = noise(n)
        session = flask.session._get_current_object()  # type: ignore[attr-defined]
        session.subject = "ada"
        kept.extend([session, session.check(), session._handle.check(), session.store])  # type: ignore[attr-defined]
        return "ok"

    @app.post("/object")
    def store_object() -> str:
        flask.session["x"] = object()
        return "ok"

    @app.get("/read")
    def read() -> str:
        kept.append(flask.session.get("blob"))
        kept.extend(flask.session.devices())  # type: ignore[attr-defined]
        return "ok"

    @app.get("/boom")
    def boom() -> str:
        flask.session["user"] = "ada"
        raise RuntimeError("boom")

    client = app.test_client()
    assert client.post("/fill/100").status_code == 200
    assert client.get("/read").status_code == 200
    assert client.post("/fill/30000").status_code == 500  # overflow: SessionTooLarge
    kept.append(app.session_interface._engines)  # type: ignore[attr-defined]
    kept.append(app.extensions["chunked_session"])
    for obj in kept:
        reporter.reach(obj, "request object")

    # save_session: a value the engine cannot store raises out of after_request.
    err = raised(lambda: client.post("/object"))
    assert isinstance(err, TypeError)
    assert "_finish_session" in reporter.exception(err, "save, TypeError")

    # save_session itself (no after_request: a test's session_transaction) raises the
    # overflow.
    def overflow() -> None:
        with client.session_transaction() as sess:
            sess["blob"] = noise(30000)

    err = raised(overflow)
    assert isinstance(err, SessionTooLarge)
    assert "save_session" in reporter.exception(err, "save, SessionTooLarge")

    # open_session: settings changed at run time and refused there.
    for setting, value in [
        ("CHUNKED_SESSION_MAX_SIZE", 10),
        ("CHUNKED_SESSION_KEY", [secrets.key_text]),
        ("CHUNKED_SESSION_OLD_KEYS", [secrets.old_text, 7]),
        ("CHUNKED_SESSION_OLD_KEYS", (secrets.old_bytes, secrets.key_text[:5])),
        ("SECRET_KEY_FALLBACKS", [secrets.fallback, 1.5]),
        ("CHUNKED_SESSION_FLASK_LAYOUT", 3),
    ]:
        if fmt == "flask" and setting == "CHUNKED_SESSION_OLD_KEYS" and isinstance(value, tuple):
            continue  # the keys of the native formats are not used, so not checked
        before = app.config[setting]
        app.config[setting] = value
        try:
            err = raised(lambda: client.get("/read"))
        finally:
            app.config[setting] = before
        assert isinstance(err, ConfigurationError), (setting, err)
        assert "open_session" in reporter.exception(err, f"open, {setting}")

    # A view's own error, after the session was read.
    reporter.exception(raised(lambda: client.get("/boom")), "a view's error")

    # Objects built outside a request: an engine's settings as the extension reads them,
    # the spelling, and an error built from them.
    with app.test_request_context():
        settings = flask_settings.read(app.session_interface, app)
    reporter.reach(settings, "settings")
    reporter.reach(settings.revocation, "store settings")
    reporter.reach(flask_settings.SPELLING, "spelling")
    assert not reporter.leaks, "\n".join(reporter.leaks)

    # Every class of the package had an instance checked.
    missing = {cls for cls in package_classes() if not any(issubclass(t, cls) for t in reporter.reached)}
    # Exceptions of kinds no request above raises are built directly.
    for cls in sorted(missing, key=lambda c: c.__name__):
        if issubclass(cls, BaseException):
            reporter.reach(cls("a message"), f"{cls.__name__} built directly")
    missing = {cls for cls in package_classes() if not any(issubclass(t, cls) for t in reporter.reached)}
    assert not missing, f"no instance of {sorted(c.__name__ for c in missing)} was checked"
    assert not reporter.leaks, "\n".join(reporter.leaks)
    assert {_native.Engine, _native.Handle, _settings.Settings, ChunkedCookieSession} <= set(reporter.reached)
