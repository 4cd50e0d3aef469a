"""Tags smuggled from Rust into Python (issue 17, item 2): JSON the Rust side stores is
plain JSON to the Flask extension too. An object spelled like one of Flask's tags
(`{" m": "<script>…"}`) is a dict, never a `Markup` that Jinja would render unescaped, nor
bytes (`" b"`) nor a tuple (`" t"`), at any depth and in every native format; the issue's
reproduction is the `cookie-session encode` run below. The typed values of the Rust API
are the one way to a Python type (the library's own tests)."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import flask
import pytest
from markupsafe import Markup

from conftest import make_app, rust_binary, same

SCRIPT = "<script>alert(1)</script>"

#: Plain JSON shaped like each of Flask's tags, alone and nested.
SMUGGLED: dict[str, Any] = {
    "x": {" m": SCRIPT},
    "bytes": {" b": "AAH+/w=="},
    "tuple": {" t": [1, 2]},
    "uuid": {" u": "12345678123456781234567812345678"},
    "date": {" d": "Tue, 02 Jan 2024 03:04:05 GMT"},
    "number": {" di": "123456789012345678901234567890"},
    "escaped": {" di": {" m__": SCRIPT}},
    "nested": [{"a": {" m": SCRIPT}}, {" t": [{" b": "eA=="}]}],
}


def minted(fmt: str, key: str, entries: dict[str, Any]) -> list[tuple[str, str]]:
    """The cookies `cookie-session encode` writes for `entries` (name, value), under the
    extension's cookie name (Flask's `SESSION_COOKIE_NAME`) rather than the tool's native
    default, `__Host-session`."""
    tool = rust_binary("cookie-session", "cookie-session-cli")
    lines = subprocess.run(
        [str(tool), "encode", "--format", fmt, "--name", "session"],
        input=json.dumps(entries),
        env={"SESSION_KEY": key, "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    pairs = []
    for line in lines:
        name, _, rest = line.partition("=")
        pairs.append((name, rest.split(";")[0]))
    return pairs


@pytest.mark.parametrize("fmt", ["signed", "private"])
def test_plain_json_from_the_command_line_is_plain_json_to_flask(key: str, fmt: str) -> None:
    app = make_app(CHUNKED_SESSION_KEY=key, CHUNKED_SESSION_FORMAT=fmt)

    @app.get("/smuggled")
    def smuggled() -> str:
        return json.dumps({k: same(flask.session.get(k), v) for k, v in SMUGGLED.items()})

    @app.get("/render")
    def render() -> str:
        value = flask.session["x"]
        assert not isinstance(value, Markup)
        return flask.render_template_string("{{ value[' m'] }}", value=value)

    client = app.test_client()
    for name, value in minted(fmt, key, SMUGGLED):
        client.set_cookie(name, value)
    # Every value is the very JSON the Rust side stored: dicts, lists and strings.
    assert json.loads(client.get("/smuggled").text) == {k: True for k in SMUGGLED}
    # So Jinja escapes the text, as it does any str.
    rendered = client.get("/render").text
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered


def test_the_issues_reproduction(key: str) -> None:
    # echo '{"x":{" m":"<script>alert(1)</script>"}}' | cookie-session encode --format signed
    app = make_app(CHUNKED_SESSION_KEY=key)

    @app.get("/x")
    def x() -> str:
        return repr(flask.session["x"])

    client = app.test_client()
    for name, value in minted("signed", key, {"x": {" m": SCRIPT}}):
        client.set_cookie(name, value)
    assert client.get("/x").text == repr({" m": SCRIPT})


def test_a_dict_shaped_like_a_tag_reaches_rust_and_comes_back(key: str) -> None:
    """The other way round: the extension stores such a dict escaped, the tool reads the
    plain JSON, and what the tool writes back is the same dict to Flask."""
    app = make_app(CHUNKED_SESSION_KEY=key)

    @app.post("/store")
    def store() -> str:
        flask.session.update(SMUGGLED)
        return "ok"

    client = app.test_client()
    client.post("/store")
    header = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    tool = rust_binary("cookie-session", "cookie-session-cli")
    decoded = subprocess.run(
        [str(tool), "decode", "--name", "session", "--cookie", header],
        env={"SESSION_KEY": key, "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    ).stdout
    assert json.loads(decoded) == SMUGGLED
