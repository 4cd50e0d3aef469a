"""Values stock Flask stores without complaint are stored as Flask stores them, in every
format: each is stored by stock Flask (its SecureCookieSessionInterface) and by the
extension, read back by the next request of each, and compared; in Flask's format, stock
Flask also reads the extension's cookie. What Flask refuses, the extension refuses too."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Callable, Optional

import flask
import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider, JSONProvider

from chunked_cookie_session import keygen
from chunked_cookie_session.flask import ChunkedSession

from conftest import same


@dataclasses.dataclass
class Item:
    sku: str
    qty: int
    price: Decimal
    added: date
    tags: tuple[str, ...]
    notes: dict[int, str]
    ref: uuid.UUID
    at: datetime


class Point:
    """A type only the custom providers below know."""

    def __init__(self, x: int, y: int) -> None:
        self.x, self.y = x, y


class PointProvider(DefaultJSONProvider):
    """Flask's provider, taught one more type (the documented way to extend it)."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, Point):
            return {"x": o.x, "y": o.y}
        return DefaultJSONProvider.default(o)


class PlainProvider(JSONProvider):
    """A provider with no `default` attribute at all, as a third-party one may be."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return json.dumps(obj, default=self._known, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return json.loads(s, **kwargs)

    @staticmethod
    def _known(o: Any) -> Any:
        if isinstance(o, Point):
            return [o.x, o.y]
        if isinstance(o, Decimal):
            return str(o)
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


ITEM = Item(
    sku="A-1",
    qty=2,
    price=Decimal("19.90"),
    added=date(2024, 2, 29),
    tags=("red", "xl"),
    notes={10: "ten", 9: "nine"},
    ref=uuid.UUID(int=7),
    at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
)

#: name -> (the session's update, the JSON provider class, or None for Flask's default).
CASES: dict[str, tuple[Callable[[], dict[Any, Any]], Optional[type[JSONProvider]]]] = {
    "int keys, nested": (lambda: {"cart": {1: "one", 2: {3: "three"}, 10: [4]}}, None),
    "int keys, top level": (lambda: {7: "seven", 8: {"a": 1}}, None),
    "float, bool and None keys": (lambda: {"f": {1.5: "a", 2: "b"}, "b": {True: "t"}, "n": {None: "n"}}, None),
    "date": (lambda: {"d": date(2024, 1, 2), "in": [date(1999, 12, 31)]}, None),
    "Decimal": (lambda: {"price": Decimal("19.90"), "tiny": Decimal("1E-7")}, None),
    "dataclass": (lambda: {"item": ITEM, "items": [ITEM, ITEM]}, None),
    "custom provider": (lambda: {"p": Point(1, 2), "d": date(2024, 5, 6)}, PointProvider),
    "provider without default": (lambda: {"p": Point(3, 4), "price": Decimal("2.5")}, PlainProvider),
}

FORMATS = ["signed", "private", "flask"]


def stored_and_read(app: Flask, update: Callable[[], dict[Any, Any]]) -> tuple[dict[str, Any], Any]:
    """Stores `update()` in a session, then reads it with the next request: what that
    request sees, and the test client's cookies."""
    seen: list[dict[str, Any]] = []

    @app.post("/store")
    def store() -> str:
        flask.session.update(update())
        return "ok"

    @app.get("/read")
    def read() -> str:
        seen.append(dict(flask.session))
        return "ok"

    client = app.test_client()
    rv = client.post("/store")
    assert rv.status_code == 200, rv.text
    assert client.get("/read").status_code == 200
    return seen[0], client


def stock_app(provider: Optional[type[JSONProvider]]) -> Flask:
    app = Flask("stock")
    app.config.update(TESTING=True, SECRET_KEY="stock secret key")
    if provider is not None:
        app.json = provider(app)
    return app


def extension_app(fmt: str, provider: Optional[type[JSONProvider]]) -> Flask:
    app = stock_app(provider)
    app.config.update(CHUNKED_SESSION_FORMAT=fmt, CHUNKED_SESSION_KEY=keygen())
    ChunkedSession(app)
    return app


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", list(CASES))
def test_values_are_stored_as_stock_flask_stores_them(case: str, fmt: str) -> None:
    update, provider = CASES[case]
    expected, _ = stored_and_read(stock_app(provider), update)
    got, client = stored_and_read(extension_app(fmt, provider), update)
    assert same(got, expected), (got, expected)
    if fmt == "flask":
        # Stock Flask reads the extension's cookie as it reads its own.
        stock = stock_app(provider)
        seen: list[dict[str, Any]] = []

        @stock.get("/read")
        def read() -> str:
            seen.append(dict(flask.session))
            return "ok"

        reader = stock.test_client()
        reader.set_cookie("session", client.get_cookie("session").value)
        reader.get("/read")
        assert same(seen[0], expected), (seen[0], expected)


def test_the_stored_forms_are_flasks() -> None:
    # What the values become, as Flask's provider says.
    got, _ = stored_and_read(extension_app("signed", None), CASES["dataclass"][0])
    item = got["item"]
    assert item["price"] == "19.90" and item["added"] == "Thu, 29 Feb 2024 00:00:00 GMT"
    assert item["tags"] == ["red", "xl"]  # a dataclass's fields are plain JSON: no tuple
    assert item["notes"] == {"9": "nine", "10": "ten"}
    assert item["ref"] == str(uuid.UUID(int=7)) and item["at"] == "Tue, 02 Jan 2024 03:04:05 GMT"


REFUSED: dict[str, Callable[[], dict[Any, Any]]] = {
    "keys that do not sort together": lambda: {"x": {1: "a", "b": 2}},
    "a tuple key": lambda: {"x": {(1, 2): "a"}},
    "an unknown type": lambda: {"x": object()},
    "bytes in a dataclass": lambda: {"x": dataclasses.make_dataclass("B", [("b", bytes)])(b"x")},
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", list(REFUSED))
def test_what_stock_flask_refuses_is_refused(case: str, fmt: str) -> None:
    update = REFUSED[case]
    with pytest.raises(TypeError) as stock:
        stored_and_read(stock_app(None), update)
    with pytest.raises(TypeError) as ours:
        stored_and_read(extension_app(fmt, None), update)
    # The same complaint, naming the entry.
    assert str(stock.value).split(":")[-1].strip() in str(ours.value)
    assert 'session entry "x"' in str(ours.value)


def test_session_check_sees_the_provider_too() -> None:
    app = extension_app("signed", PointProvider)

    @app.post("/check")
    def check() -> dict[str, Any]:
        flask.session["p"] = Point(5, 6)
        flask.session["d"] = date(2024, 1, 1)
        size = flask.session.check()  # type: ignore[attr-defined]
        return {"fits": size.fits}

    assert app.test_client().post("/check").json == {"fits": True}
