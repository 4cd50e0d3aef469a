"""A real Flask app for the live tests, served by werkzeug on 127.0.0.1.

    python apps.py LAYOUT SECRET SALT

LAYOUT is one of
  stock   Flask's own SecureCookieSessionInterface (one `session` cookie);
  recipe  the "Chunked Secure Cookie Session" recipe (2015), ported to Flask 3 by changing
          only what stops it from running there (see RecipeInterface);
  fixed   the chunked interface docs/FLASK.md gives to Flask apps: the recipe's layout
          without its bugs.

Prints "PORT <n>" once listening on a free port, then serves until killed.
"""

import datetime as dt
import hashlib
import math
import random
import sys
import uuid

from flask import Flask, jsonify, request, session
from flask.sessions import (
    BadSignature,
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionInterface,
    URLSafeTimedSerializer,
    session_json_serializer,
)
from markupsafe import Markup
from werkzeug.serving import make_server


class RecipeInterface(SessionInterface):
    """The recipe as published, with four changes and no more, each needed to run on
    Flask 3 / Python 3: `total_seconds(td)` (removed from Flask) is `td.total_seconds()`;
    `app.session_cookie_name` (removed in Flask 2.3) is the config value; `len(val)/9`
    is a float on Python 3, so it is `//`; and the lines lost from the published text
    (`vals.append`, `try:`, the early `return`, the piece lookup) are restored as in the
    Flask 0.10 interface it copies. Its bugs stay: every response writes all ten cookies,
    short values lose their tail, names are matched by prefix and sorted as text."""

    salt = "cookie-session"
    digest_method = staticmethod(hashlib.sha1)
    key_derivation = "hmac"
    serializer = session_json_serializer
    session_class = SecureCookieSession

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        signer_kwargs = dict(
            key_derivation=self.key_derivation, digest_method=self.digest_method
        )
        return URLSafeTimedSerializer(
            app.secret_key,
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs=signer_kwargs,
        )

    def open_session(self, app, request):
        s = self.get_signing_serializer(app)
        if s is None:
            return None
        name = app.config["SESSION_COOKIE_NAME"]
        cookie_vals = {}
        for cookie_name in request.cookies:
            if cookie_name.startswith(name):
                cookie_vals[cookie_name] = request.cookies.get(cookie_name)
        vals = []
        for cookie_name in sorted(cookie_vals.keys()):
            vals.append(cookie_vals[cookie_name])
        val = "".join(vals)
        if not val:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        try:
            data = s.loads(val, max_age=max_age)
            return self.session_class(data)
        except BadSignature:
            return self.session_class()

    def save_session(self, app, session, response):
        name = app.config["SESSION_COOKIE_NAME"]
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if not session:
            if session.modified:
                for cookie_idx in range(10):
                    response.delete_cookie(
                        "%s:%s" % (name, cookie_idx), domain=domain, path=path
                    )
            return
        httponly = self.get_cookie_httponly(app)
        secure = self.get_cookie_secure(app)
        expires = self.get_expiration_time(app, session)
        val = self.get_signing_serializer(app).dumps(dict(session))
        chunks, chunk_size = len(val), len(val) // 9
        vals = [val[i : i + chunk_size] for i in range(0, chunks, chunk_size)]
        for i in range(10):
            try:
                val = vals[i]
            except IndexError:
                val = ""
            response.set_cookie(
                "%s:%s" % (name, i),
                val,
                expires=expires,
                httponly=httponly,
                domain=domain,
                path=path,
                secure=secure,
            )


class ChunkedSecureCookieSessionInterface(SecureCookieSessionInterface):
    """The chunked layout without the recipe's bugs; docs/FLASK.md carries this class.

    Signing is Flask's own (SECRET_KEY_FALLBACKS included), so the joined value is exactly
    the stock cookie. Pieces `<name>:0`, `<name>:1`, ... are read in numeric order up to
    the first missing or empty one; only as many are written as the value needs, each
    within the browser's 4093-byte line, and pieces the browser still holds beyond them
    are deleted.
    """

    max_pieces = 10
    piece_budget = 3800  # bytes of value per cookie, leaving room for the attributes

    def _piece(self, app, index):
        return f"{self.get_cookie_name(app)}:{index}"

    def open_session(self, app, request):
        s = self.get_signing_serializer(app)
        if s is None:
            return None
        pieces = []
        for index in range(self.max_pieces):
            piece = request.cookies.get(self._piece(app, index))
            if not piece:
                break
            pieces.append(piece)
        val = "".join(pieces)
        if not val:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            return self.session_class(s.loads(val, max_age=max_age))
        except BadSignature:
            return self.session_class()

    def save_session(self, app, session, response):
        kwargs = dict(
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            partitioned=self.get_cookie_partitioned(app),
            samesite=self.get_cookie_samesite(app),
            httponly=self.get_cookie_httponly(app),
        )
        if session.accessed:
            response.vary.add("Cookie")
        held = [i for i in range(self.max_pieces) if self._piece(app, i) in request.cookies]
        if not session:
            if session.modified:
                for i in held:
                    response.delete_cookie(self._piece(app, i), **kwargs)
                response.vary.add("Cookie")
            return
        if not self.should_set_cookie(app, session):
            return
        expires = self.get_expiration_time(app, session)
        val = self.get_signing_serializer(app).dumps(dict(session))
        count = min(self.max_pieces, max(1, math.ceil(len(val) / self.piece_budget)))
        size = math.ceil(len(val) / count)
        for i in held:
            if i >= count:
                response.delete_cookie(self._piece(app, i), **kwargs)
        for i in range(count):
            response.set_cookie(
                self._piece(app, i), val[i * size:(i + 1) * size], expires=expires, **kwargs
            )
        response.vary.add("Cookie")


# The values the Flask side stores, one of every type Flask's tagged JSON carries.
FLASK_VALUES = {
    "f_tuple": (1, "two", 3.5, (4, None), [True]),
    "f_bytes": b"\x00\x01\xfebinary\xff",
    "f_markup": Markup("<b>hi</b> & bye"),
    "f_uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "f_datetime": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
    "f_bigint": 123456789012345678901234567890,
    "f_float": 1e-05,
    "f_inf": float("inf"),
    "f_text": "h\u00e9llo \u2603 \U0001f600 \"q\" \\ \x7f",
    "f_tag_like": {" t": "not a tuple"},
    "f_nested": {"list": [1, {"b": b"x"}, (Markup("<i>"),)], " di": 1},
}

# What the Rust side stores, as Python should see it.
RUST_VALUES = {
    "r_tuple": (7, "seven", 0.5),
    "r_bytes": b"\xff\x00rust",
    "r_markup": Markup("<em>rust</em>"),
    "r_uuid": uuid.UUID("00112233-4455-6677-8899-aabbccddeeff"),
    "r_datetime": dt.datetime(2030, 6, 7, 8, 9, 10, tzinfo=dt.timezone.utc),
    "r_bigint": -(2**100),
    "r_float": float("-inf"),
    "r_tag_like": {" u": "not a uuid"},
    "r_text": "\U0001f980 cr\u00e4b",
}


def same(a, b):
    """Equal, and of the same Python types all the way down (nan aside)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def create_app(layout, secret, salt):
    app = Flask("live")
    app.config["SECRET_KEY"] = secret
    if layout == "recipe":
        app.session_interface = RecipeInterface()
    elif layout == "fixed":
        app.session_interface = ChunkedSecureCookieSessionInterface()
    else:
        app.session_interface = SecureCookieSessionInterface()
    app.session_interface.salt = salt

    @app.get("/set_all")
    def set_all():
        session.update(FLASK_VALUES)
        return "ok"

    @app.get("/big")
    def big():
        # Random hex: zlib shrinks it only to about half, so it takes several cookies.
        n = int(request.args["n"])
        session["big"] = random.Random(n).randbytes(n).hex()
        return "ok"

    @app.get("/permanent")
    def permanent():
        session.permanent = True
        return "ok"

    @app.get("/touch")
    def touch():
        session["counter"] = session.get("counter", 0) + 1
        return jsonify(counter=session["counter"])

    @app.get("/dump")
    def dump():
        return app.session_interface.serializer.dumps(dict(session))

    @app.get("/check")
    def check():
        errors = []
        want = dict(FLASK_VALUES)
        if request.args.get("rust"):
            want.update(RUST_VALUES)
        for key, value in want.items():
            if key not in session:
                errors.append(f"{key} missing")
            elif not same(session[key], value):
                errors.append(f"{key}: {session[key]!r} != {value!r}")
        return jsonify(errors=errors, keys=sorted(session.keys()), permanent=session.permanent)

    return app


def main():
    layout, secret, salt = sys.argv[1], sys.argv[2], sys.argv[3]
    server = make_server("127.0.0.1", 0, create_app(layout, secret, salt), threaded=True)
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
