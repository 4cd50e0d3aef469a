"""The same sessions on both sides: a Flask app with the extension and the Rust
playground on 127.0.0.1 share one cookie jar in the native format, each writing and the
other reading; the `cookie-session` tool reads what the extension writes, and the
extension what the tool writes."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from http.cookiejar import CookieJar
from typing import Any, Callable

import flask
import pytest

from chunked_cookie_session import keygen

from conftest import EVERY_TYPE, LiveServer, make_app, noise, request, rust_binary, same
from conftest import playground as serve_playground

#: How the Rust side shows EVERY_TYPE, as the plain JSON its API reads: a Python type as
#: its tag, a dict as the dict it is (escaped on the wire, `{" di": {" t__": …}}`).
SHOWN = {
    "tuple": {" t": [1, "two", {" t": [3.5, None]}, {" t": []}]},
    "bytes": {" b": "AAH+YmluYXJ5/w=="},
    "markup": {" m": "<b>hi</b> &amp; bye"},
    "uuid": {" u": "12345678123456781234567812345678"},
    "datetime": {" d": "Tue, 02 Jan 2024 03:04:05 GMT"},
    "lone_tag": {" t": "not a tuple"},
    "int": -7,
    "bool": True,
}


@pytest.fixture
def playground(key: str) -> Iterator[str]:
    with serve_playground(key, 40 * 1024) as url:
        yield url


def test_a_flask_app_and_the_playground_share_one_jar(
    key: str, playground: str, live: Callable[..., LiveServer]
) -> None:
    jar = CookieJar()
    app = make_app(CHUNKED_SESSION_KEY=key, SESSION_COOKIE_SAMESITE="Lax")

    @app.get("/types", endpoint="read_types")
    def read_types() -> str:
        return json.dumps({k: same(flask.session.get(k), v) for k, v in EVERY_TYPE.items()})

    @app.get("/value/<name>")
    def value(name: str) -> str:
        return repr(flask.session.get(name))

    flask_side = live(app, jar)

    # Flask writes every Python type; the playground shows them as the Rust API reads them.
    status, _, _ = flask_side.request("POST", "/types")
    assert status == 200
    status, body, _ = request(jar, "GET", playground + "/api/session")
    shown = json.loads(body)
    assert status == 200 and shown["load"] == "valid"
    for name, tagged in SHOWN.items():
        assert shown["entries"][name] == tagged, name

    # The playground writes (a big entry, so several cookies); Flask reads that write,
    # every Python type intact through it.
    big = json.dumps(noise(12000)).encode()
    status, _, _ = request(jar, "PUT", playground + "/api/session/notes", big)
    assert status == 200
    assert sorted(c.name for c in jar)[:2] == ["session", "session_1"]
    status, body, _ = flask_side.request("GET", "/types")
    assert all(json.loads(body).values()), body
    status, body, _ = flask_side.request("GET", "/show")
    assert json.loads(body)["reason"] == "valid" and "notes" in json.loads(body)["keys"]

    # JSON the playground stores is plain JSON to Flask too, whatever its shape: a dict,
    # never the tuple and bytes Flask's tags would make of it.
    tuple_value = json.dumps({" t": [1, {" b": "AP8="}]}).encode()
    request(jar, "PUT", playground + "/api/session/pair", tuple_value)
    status, body, _ = flask_side.request("GET", "/value/pair")
    assert body == repr({" t": [1, {" b": "AP8="}]}).encode()

    # Flask shrinks it again; the playground reads one cookie.
    flask_side.request("POST", "/clear")
    flask_side.request("POST", "/set/user/ada")
    assert [c.name for c in jar] == ["session"]
    status, body, _ = request(jar, "GET", playground + "/api/session")
    assert json.loads(body)["entries"] == {"user": "ada"}


def test_the_command_line_tool_reads_and_writes_extension_sessions(key: str) -> None:
    tool = rust_binary("cookie-session", "cookie-session-cli")
    app = make_app(CHUNKED_SESSION_KEY=key)

    @app.get("/pair")
    def pair() -> str:
        return repr((flask.session["pair"], flask.session["big"]))

    client = app.test_client()
    client.post("/types")
    header = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    env = {"SESSION_KEY": key, "PATH": "/usr/bin:/bin"}
    decoded = subprocess.run(
        # The extension names its cookie as Flask does; unnamed, the tool reads the
        # library's native default, `__Host-session`.
        [str(tool), "decode", "--name", "session", "--cookie", header],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    entries: dict[str, Any] = json.loads(decoded)
    for name, tagged in SHOWN.items():
        assert entries[name] == tagged, name

    minted = subprocess.run(
        [str(tool), "encode", "--name", "session"],
        # Plain JSON: shaped like Flask's tags or not, dicts to Flask (test_smuggled_tags.py).
        input=json.dumps({"user": "ada", "pair": {" t": [1, 2]}, "big": {" di": str(2**80)}}),
        env=env, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    fresh = app.test_client()
    for line in minted:
        name, _, rest = line.partition("=")
        fresh.set_cookie(name, rest.split(";")[0])
    assert fresh.get("/pair").text == repr(({" t": [1, 2]}, {" di": str(2**80)}))
    assert keygen() != key


def test_a_persistent_session_from_rust_is_permanent_in_flask(key: str) -> None:
    from chunked_cookie_session import _native
    from chunked_cookie_session._settings import Settings
    from chunked_cookie_session.flask._settings import SPELLING

    plain = Settings("signed", "session", "/", None, False, True, None, False, key=key)
    rust = _native.Engine(plain, SPELLING)
    handle = rust.open(None)
    handle.replace({"user": "ada"}, True)  # persistent, and no `_permanent` entry
    [cookie] = handle.finish(200, accessed=True).cookies
    assert "Max-Age=" in cookie.line
    app = make_app(CHUNKED_SESSION_KEY=key)

    @app.get("/is-permanent")
    def is_permanent() -> str:
        return repr((flask.session.permanent, flask.session.modified, flask.session["user"]))

    client = app.test_client()
    client.set_cookie("session", cookie.line.split(";")[0].partition("=")[2])
    assert client.get("/is-permanent").text == "(True, False, 'ada')"
