"""Real Flask as an oracle for the Rust tests: one long-running process, one JSON request per
stdin line, one JSON answer per stdout line.

Every answer comes from Flask's own SecureCookieSessionInterface serializer (itsdangerous
and Flask's tagged JSON), run inside an app context as Flask runs it when it saves a
session, with the clock of itsdangerous pinned to the request's `ts` / `now`.

Operations:
  random  {seed, count, secret, salt, ts, [tags]}
                                               -> {"sessions": [{"cookie", "json"}...]}
                                                  (tags: how often a key or a one-key
                                                  dict is tag-like, at every depth)
  loads   {cookie, secret, fallbacks, salt, now, max_age}
                                               -> {"ok": true, "json", "cookie", "repr"}
                                                  or {"ok": false, "error": <exception class>}
  dumps   {json, secret, salt, ts}             -> {"cookie"}   (json: Flask's tagged JSON)
  canon   {json}                               -> {"json"}     (as Flask writes it back)
  check   {json}                               -> {"ok": true, "json"} as canon, or
                                                  {"ok": false, "error": <exception class>}
                                                  when Flask cannot load that session
  hostile {seed, count, secret, salt, ts}      -> {"cases": [{"cookie", "ok", ...}]}: signed
          tokens over mutated payloads, with Flask's verdict on each
"""

import datetime as dt
import math
import random
import string
import struct
import sys
import uuid
import zlib
from pathlib import Path

import itsdangerous.encoding
import itsdangerous.timed
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup

# oracle_loop.py lies in the folder above this script's.
sys.path.append(str(Path(__file__).resolve().parent.parent))
from oracle_loop import serve  # noqa: E402

CLOCK = {"now": 0}
itsdangerous.timed.TimestampSigner.get_timestamp = lambda self: CLOCK["now"]

TAG_KEYS = [" di", " t", " b", " m", " u", " d"]


class Interface(SecureCookieSessionInterface):
    pass


def serializer(secret, salt, fallbacks=()):
    app = Flask("oracle")
    app.config["SECRET_KEY"] = secret
    app.config["SECRET_KEY_FALLBACKS"] = list(fallbacks)
    interface = Interface()
    interface.salt = salt
    return app, interface.get_signing_serializer(app)


class Gen:
    """Random sessions over every type Flask's tagged JSON knows, nested."""

    def __init__(self, seed, tags=None):
        self.r = random.Random(seed)
        # None: the original mix (and random stream); a rate: tag-like keys and one-key
        # tag dicts that often, at every depth.
        self.heavy = tags is not None
        self.tags = 0.1 if tags is None else tags

    def text(self):
        r = self.r
        pools = [
            string.ascii_letters + string.digits,
            string.printable + "\x00\x01\x1f\x7f",
            "éàüß€☃✓日本語",
            "😀🎉𝄞\U0010fffd",
            '"\\/<>&\'',
        ]
        n = r.choice([0, 1, 3, 8, 20])
        out = "".join(r.choice(r.choice(pools)) for _ in range(n))
        if r.random() < self.tags:
            out = r.choice(TAG_KEYS) + out[: r.randint(0, 2)]
        if r.random() < self.tags / 2:
            out = r.choice(TAG_KEYS)
        return out

    def key(self):
        r = self.r
        roll = r.random()
        if roll < self.tags * 1.5:
            return r.choice(TAG_KEYS + [" x", " di__", " t__", "__", "_permanent"])
        return self.text()

    def float(self):
        r = self.r
        roll = r.random()
        if roll < 0.3:
            return struct.unpack("<d", r.randbytes(8))[0]
        if roll < 0.5:
            return r.choice(
                [0.0, -0.0, 0.1, 1e-05, 1e-4, 1e16, 1e15, 1e22, 5e-324, 1.7976931348623157e308,
                 float("nan"), float("inf"), float("-inf"), 2.5e-07, 123456789.125, 1/3]
            )
        if roll < 0.8:
            return r.uniform(-1e6, 1e6)
        return r.random() * 10 ** r.randint(-30, 30)

    def int(self):
        r = self.r
        return r.choice([
            r.randint(-1000, 1000),
            r.randint(-(2**63), 2**64),
            r.randint(-(10**40), 10**40),
            2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1,
        ])

    def datetime(self):
        r = self.r
        base = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)
        span = (dt.datetime(9999, 12, 30, tzinfo=dt.timezone.utc) - base).total_seconds()
        at = base + dt.timedelta(seconds=r.randint(0, int(span)), microseconds=r.randint(0, 999999))
        roll = r.random()
        if roll < 0.3:
            return at.replace(tzinfo=None)
        if roll < 0.6:
            offset = dt.timezone(dt.timedelta(minutes=r.randint(-12 * 60, 12 * 60)))
            try:
                return at.astimezone(offset)
            except OverflowError:
                return at
        return at

    def value(self, depth):
        r = self.r
        kinds = ["none", "bool", "int", "float", "str", "bytes", "markup", "uuid", "datetime"]
        if depth < 4:
            kinds += ["list", "tuple", "dict", "dict", "tagdict"]
        kind = r.choice(kinds)
        if self.heavy and depth < 6 and r.random() < self.tags / 2:
            kind = "tagdict"
        if kind == "none":
            return None
        if kind == "bool":
            return r.random() < 0.5
        if kind == "int":
            return self.int()
        if kind == "float":
            return self.float()
        if kind == "str":
            return self.text()
        if kind == "bytes":
            return r.randbytes(r.choice([0, 1, 2, 3, 16, 40]))
        if kind == "markup":
            return Markup(self.text())
        if kind == "uuid":
            return uuid.UUID(int=r.getrandbits(128))
        if kind == "datetime":
            return self.datetime()
        if kind == "list":
            return [self.value(depth + 1) for _ in range(r.randint(0, 4))]
        if kind == "tuple":
            return tuple(self.value(depth + 1) for _ in range(r.randint(0, 4)))
        if kind == "tagdict":
            return {r.choice(TAG_KEYS): self.value(depth + 1)}
        return {self.key(): self.value(depth + 1) for _ in range(r.randint(0, 4))}

    def session(self):
        r = self.r
        out = {self.key(): self.value(0) for _ in range(r.randint(1, 6))}
        if r.random() < 0.1:
            out = {r.choice(TAG_KEYS): self.value(0)}
        if r.random() < 0.2:
            out["_permanent"] = True
        if r.random() < 0.1:
            # Random hex compresses to about half: past one cookie, into several pieces.
            out["bulk"] = r.randbytes(r.randint(1000, 8000)).hex()
        return out


def op_random(req):
    app, s = serializer(req["secret"], req["salt"])
    CLOCK["now"] = req["ts"]
    gen = Gen(req["seed"], req.get("tags"))
    out = []
    with app.app_context():
        for _ in range(req["count"]):
            session = gen.session()
            out.append({
                "cookie": s.dumps(session),
                "json": s.serializer.dumps(session),
            })
    return {"sessions": out}


def op_loads(req):
    app, s = serializer(req["secret"], req["salt"], req.get("fallbacks", ()))
    CLOCK["now"] = req["now"]
    with app.app_context():
        try:
            session = s.loads(req["cookie"], max_age=req["max_age"])
        except Exception as e:  # the class name is the answer
            return {"ok": False, "error": type(e).__name__}
        if not isinstance(session, dict):
            return {"ok": False, "error": "NotADict"}
        return {
            "ok": True,
            "json": s.serializer.dumps(session),
            "cookie": s.dumps(session),
            "repr": repr(session),
        }


def op_dumps(req):
    app, s = serializer(req["secret"], req["salt"])
    CLOCK["now"] = req["ts"]
    with app.app_context():
        session = s.serializer.loads(req["json"])
        return {"cookie": s.dumps(session) if session else None}


def mutate(r, text):
    """One random edit of a JSON text: most results are invalid, some are odd but valid."""
    alphabet = '{}[]",:\\ 0123456789eE.-+NaInfity tbmudi_\u00e9'
    for _ in range(r.randint(1, 3)):
        at = r.randint(0, len(text))
        roll = r.random()
        if roll < 0.35 and text:
            text = text[:at] + text[at + 1:]
        elif roll < 0.7:
            text = text[:at] + r.choice(alphabet) + text[at:]
        elif roll < 0.85:
            piece = text[at:at + r.randint(1, 12)]
            text = text[:at] + piece + text[at:]
        else:
            text = r.choice([
                '{" t":"ab"}', '{" di":{"x":1}}', '{" di":5}', '{" b":"QQ"}', '{" b":"!!"}',
                '{" u":"{12345678-1234-5678-1234-567812345678}"}', '{" d":"yesterday"}',
                '{" d":null}', '{" m":5}', '{"a":NaN}', '{"a":1e400}', '[["a",1]]', '"x"',
                '{" t":{"k":1,"j":2}}', '{" di":{" t__":{" t":[1]}}}', '{"a":-0}',
            ])
    return text


def op_hostile(req):
    """Signed tokens over mutated payloads, and what Flask makes of each."""
    app, s = serializer(req["secret"], req["salt"])
    CLOCK["now"] = req["ts"]
    signer = s.make_signer(s.salt)
    gen = Gen(req["seed"])
    r = gen.r
    out = []
    with app.app_context():
        for _ in range(req["count"]):
            text = mutate(r, s.serializer.dumps(gen.session()))
            raw = text.encode("utf-8", "surrogatepass")
            if r.random() < 0.1:
                raw = raw[: r.randint(0, len(raw))] + r.randbytes(r.randint(0, 3))
            if r.random() < 0.5:
                payload = b"." + itsdangerous.encoding.base64_encode(zlib.compress(raw))
                if r.random() < 0.2:
                    payload = payload[: r.randint(1, len(payload))]
            else:
                payload = itsdangerous.encoding.base64_encode(raw)
            cookie = signer.sign(payload).decode("ascii")
            try:
                session = s.loads(cookie, max_age=10)
                if not isinstance(session, dict):
                    raise TypeError("not a dict")
                dict(session)
                verdict = {
                    "ok": True,
                    "json": s.serializer.dumps(session),
                    # Rust strings cannot hold a lone surrogate: a known refusal.
                    "surrogate": lone_surrogate(session),
                }
            except Exception as e:
                verdict = {"ok": False, "error": type(e).__name__}
            verdict["cookie"] = cookie
            out.append(verdict)
    return {"cases": out}


def lone_surrogate(value):
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return any(lone_surrogate(k) or lone_surrogate(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(lone_surrogate(v) for v in value)
    return False


def op_canon(req):
    """The JSON Flask writes for the session a tagged JSON text stands for."""
    app, s = serializer("unused", "unused")
    with app.app_context():
        return {"json": s.serializer.dumps(s.serializer.loads(req["json"]))}


def op_check(req):
    """Whether Flask loads the session a tagged JSON text stands for, and as what."""
    app, s = serializer("unused", "unused")
    with app.app_context():
        try:
            session = s.serializer.loads(req["json"])
            if not isinstance(session, dict):
                raise TypeError("not a dict")
            return {"ok": True, "json": s.serializer.dumps(session)}
        except Exception as e:  # the class name is the answer
            return {"ok": False, "error": type(e).__name__}


OPS = {
    "random": op_random, "loads": op_loads, "dumps": op_dumps, "hostile": op_hostile,
    "canon": op_canon, "check": op_check,
}


if __name__ == "__main__":
    serve(OPS)
