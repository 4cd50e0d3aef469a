"""No Rust panic reaches Python: a PanicException is a BaseException, which Flask's error
handlers never see. What Python code does during a conversion, and what a WSGI server
puts in the environ, give ordinary exceptions or a refused session."""

from __future__ import annotations

from typing import Any

import flask
import pytest
from markupsafe import Markup
from werkzeug.exceptions import InternalServerError

from conftest import make_app, set_cookies

ALL = ["signed", "private", "flask"]


class Meddler:
    """A value whose conversion changes the session it is stored in."""

    def __init__(self, target: dict[str, Any], via: str) -> None:
        self.target = target
        self.via = via

    def __html__(self) -> Any:
        if self.via == "__html__":
            self.target["added"] = 1
            return "<i>x</i>"
        return self

    def __str__(self) -> str:
        self.target["added"] = 2
        return "<i>x</i>"


@pytest.mark.parametrize("fmt", ALL)
@pytest.mark.parametrize("via", ["__html__", "__str__"])
@pytest.mark.parametrize("where", ["top", "nested"])
def test_a_value_that_changes_the_session_while_saved_is_an_ordinary_error(
    fmt: str, via: str, where: str
) -> None:
    app = make_app(CHUNKED_SESSION_FORMAT=fmt, TESTING=False)
    handled: list[BaseException] = []

    @app.errorhandler(500)
    def server_error(err: InternalServerError) -> Any:
        # An exception out of an after_request hook reaches the app's 500 handler, as
        # the original exception of an InternalServerError; a BaseException would not.
        assert err.original_exception is not None
        handled.append(err.original_exception)
        return f"handled {type(err.original_exception).__name__}", 500

    @app.post("/meddle")
    def meddle() -> str:
        session = flask.session
        if where == "top":
            session["x"] = Meddler(session, via)  # type: ignore[arg-type]
        else:
            inner: dict[str, Any] = {"a": 1}
            inner["m"] = Meddler(inner, via)
            session["x"] = inner
        return "ok"

    @app.post("/check")
    def check() -> Any:
        flask.session["x"] = Meddler(flask.session, via)  # type: ignore[arg-type]
        return {"fits": flask.session.check().fits}  # type: ignore[attr-defined]

    client = app.test_client()
    rv = client.post("/meddle")
    # Python's own verdict on a dict changed while it is walked, as Flask's serializer
    # gives it (its tagging walks the dict the same way): reached the app's handler.
    assert rv.status_code == 500 and rv.text == "handled RuntimeError", rv.text
    [err] = handled
    assert "changed size during iteration" in str(err)
    assert set_cookies(rv) == []
    # session.check() in the view raises it too, in the view.
    assert client.post("/check").text == "handled RuntimeError"


def test_a_value_that_checks_the_session_while_saved_is_an_ordinary_error() -> None:
    app = make_app(TESTING=False)
    handled: list[BaseException] = []

    @app.errorhandler(500)
    def server_error(err: InternalServerError) -> Any:
        assert err.original_exception is not None
        handled.append(err.original_exception)
        return "handled", 500

    class Checker:
        def __html__(self) -> str:
            flask.session.check()  # type: ignore[attr-defined]
            return "x"

    @app.post("/reenter")
    def reenter() -> str:
        flask.session["x"] = Checker()
        return "ok"

    rv = app.test_client().post("/reenter")
    assert rv.status_code == 500 and rv.text == "handled"
    assert isinstance(handled[0], RecursionError)


SURROGATES = ["session=\udcff", "session=abc\ud800def", "session_1=\udcff; session=x", "other=\udcff"]


@pytest.mark.parametrize("fmt", ALL)
def test_a_surrogate_in_the_cookie_header_is_a_refused_session(fmt: str) -> None:
    # A WSGI server decodes header bytes as latin-1, which makes no surrogates; an environ
    # built by other code can hold one. Never a 500: the cookie is refused as one holding
    # a byte no cookie of the engine's holds (the \xff a server would have given).
    app = make_app(CHUNKED_SESSION_FORMAT=fmt)
    client = app.test_client(use_cookies=False)
    for header in SURROGATES:
        rv = client.get("/show", environ_overrides={"HTTP_COOKIE": header})
        assert rv.status_code == 200, (header, rv.text[:200])
        assert rv.json["keys"] == []
        latin1 = client.get("/show", environ_overrides={"HTTP_COOKIE": header.replace("\udcff", "\xff").replace("\ud800", "\xff")})
        assert rv.json["reason"] == latin1.json["reason"], header
        if header.startswith("other"):
            assert rv.json["reason"] == "no-session"
        else:
            # Flask's format refuses a cookie it cannot verify as Flask does, whatever
            # its bytes.
            assert rv.json["reason"] == ("bad-signature" if fmt == "flask" else "malformed"), header


@pytest.mark.parametrize("fmt", ALL)
def test_a_surrogate_beside_a_valid_session_leaves_it_valid(fmt: str) -> None:
    app = make_app(CHUNKED_SESSION_FORMAT=fmt)
    client = app.test_client()
    client.post("/set/user/ada")
    header = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    rv = app.test_client(use_cookies=False).get(
        "/show", environ_overrides={"HTTP_COOKIE": f"other=\udcff; {header}"}
    )
    assert rv.status_code == 200 and rv.json["reason"] == "valid" and rv.json["keys"] == ["user"]


def test_markup_still_stores() -> None:
    app = make_app()

    @app.post("/markup")
    def markup() -> str:
        flask.session["m"] = Markup("<b>x</b>")
        return "ok"

    client = app.test_client()
    assert client.post("/markup").status_code == 200
