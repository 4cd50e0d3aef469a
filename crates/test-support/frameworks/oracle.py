"""Real Starlette and real Django as oracles for the Rust tests of the take-overs: one
long-running process, one JSON request per stdin line, one JSON answer per stdout line.

Starlette's cookies come from its own SessionMiddleware, called as an ASGI app; Django's
from its own signed_cookies SessionStore. The clocks of itsdangerous and of
django.core.signing are pinned to the request's `ts` / `now`.

Operations:
  sessions       {seed, count}                   -> {"sessions": [{"json", "tagged"}...]}:
                                                    sessions as Python's json writes them,
                                                    and as Flask's tagged JSON (the form the
                                                    Rust engine's entries take) writes the
                                                    same Python values
  starlette      {json, secret, ts}              -> {"cookie"}: what SessionMiddleware sets
  starlette_read {cookie, secret, now, max_age}  -> {"session": {...} or null, "error"}:
                                                    what SessionMiddleware makes of it
                                                    (null when it starts an empty session,
                                                    an error class when it fails the request)
  django         {json, secret, ts}              -> {"cookie"}: signed_cookies' session key
  django_read    {cookie, secret, fallbacks, now, max_age}
                                                 -> {"session": {...} or null}: what
                                                    signed_cookies loads (null: refused)
"""

import asyncio
import json
import random
import string
import sys
from pathlib import Path

import django
import itsdangerous.timed
from django.conf import settings
from flask.json.tag import TaggedJSONSerializer
from starlette.middleware.sessions import SessionMiddleware

# oracle_loop.py lies in the folder above this script's.
sys.path.append(str(Path(__file__).resolve().parent.parent))
from oracle_loop import serve  # noqa: E402

CLOCK = {"now": 0}
itsdangerous.timed.TimestampSigner.get_timestamp = lambda self: CLOCK["now"]

settings.configure(
    SECRET_KEY="unused",
    SESSION_SERIALIZER="django.contrib.sessions.serializers.JSONSerializer",
)
django.setup()

import django.core.signing as signing  # noqa: E402
from django.contrib.sessions.backends.signed_cookies import SessionStore  # noqa: E402


class PinnedTime:
    """`time` as django.core.signing sees it: the pinned clock."""

    @staticmethod
    def time():
        return CLOCK["now"]


signing.time = PinnedTime


class Gen:
    """Sessions of what JSON holds, as Starlette and Django apps keep them."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def text(self):
        pool = string.ascii_letters + string.digits + " _-.:;=\"\\/<>&'\t\n" + "é€😀\u2028\x00\x7f"
        return "".join(self.rng.choice(pool) for _ in range(self.rng.randint(0, 24)))

    def key(self):
        # Now and then a key that looks like one of Flask's tags: it is a plain key here.
        return self.rng.choice([" t", " di", " b", "_auth_user_id", self.text()]) if self.rng.random() < 0.2 else self.text()

    def value(self, depth):
        kind = self.rng.choice(["str", "int", "big", "float", "bool", "none", "list", "dict", "tag"])
        if depth > 4 and kind in ("list", "dict", "tag"):
            kind = "str"
        if kind == "str":
            return self.text()
        if kind == "int":
            return self.rng.randint(-(2**63), 2**63)
        if kind == "big":
            return self.rng.choice([-1, 1]) * self.rng.randint(2**64, 2**200)
        if kind == "float":
            return self.rng.choice([0.1 + 0.2, -0.0, 1e308, 5e-324, self.rng.uniform(-1e6, 1e6)])
        if kind == "bool":
            return self.rng.random() < 0.5
        if kind == "none":
            return None
        if kind == "list":
            return [self.value(depth + 1) for _ in range(self.rng.randint(0, 4))]
        if kind == "tag":
            # A dict of one tag-like key: Flask would read it as a tuple; here it is a dict.
            return {self.rng.choice([" t", " b", " di", " u"]): self.value(depth + 1)}
        return {self.key(): self.value(depth + 1) for _ in range(self.rng.randint(0, 4))}

    def session(self):
        size = self.rng.choice([1, 3, 8, 20])
        return {self.key(): self.value(1) for _ in range(size)}


def op_sessions(req):
    gen = Gen(req["seed"])
    tagger = TaggedJSONSerializer()
    out = []
    for _ in range(req["count"]):
        session = gen.session()
        out.append({"json": json.dumps(session), "tagged": tagger.dumps(session)})
    return {"sessions": out}


def run_starlette(secret, cookie=None, session=None, max_age=14 * 24 * 3600):
    """One request through the real SessionMiddleware: the session the app saw, the
    Set-Cookie it answered with, or the exception that failed the request."""
    seen = {}

    async def app(scope, receive, send):
        seen["session"] = dict(scope["session"])
        if session is not None:
            scope["session"].update(session)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    headers = [] if cookie is None else [(b"cookie", f"session={cookie}".encode("latin-1"))]
    scope = {"type": "http", "method": "GET", "path": "/", "headers": headers, "query_string": b""}
    asyncio.run(SessionMiddleware(app, secret_key=secret, max_age=max_age)(scope, receive, send))
    cookies = [v.decode("latin-1") for k, v in sent[0]["headers"] if k.lower() == b"set-cookie"]
    return seen.get("session"), cookies


def op_starlette(req):
    CLOCK["now"] = req["ts"]
    _, cookies = run_starlette(req["secret"], session=json.loads(req["json"]))
    [line] = cookies
    return {"cookie": line.split(";")[0].split("=", 1)[1]}


def op_starlette_read(req):
    CLOCK["now"] = req["now"]
    try:
        seen, _ = run_starlette(req["secret"], cookie=req["cookie"], max_age=req["max_age"])
    except Exception as e:  # the request fails in Starlette
        return {"session": None, "error": type(e).__name__}
    # An empty dict is what the middleware starts with after a refusal (or an empty
    # session, which Starlette never writes).
    return {"session": seen or None, "error": None}


def op_django(req):
    CLOCK["now"] = req["ts"]
    settings.SECRET_KEY = req["secret"]
    settings.SECRET_KEY_FALLBACKS = []
    store = SessionStore()
    store.update(json.loads(req["json"]))
    store.save()
    return {"cookie": store.session_key}


def op_django_read(req):
    CLOCK["now"] = req["now"]
    settings.SECRET_KEY = req["secret"]
    settings.SECRET_KEY_FALLBACKS = req.get("fallbacks", [])
    settings.SESSION_COOKIE_AGE = req["max_age"]
    try:
        # What SessionStore.load does, without its "except Exception: return {}".
        session = signing.loads(
            req["cookie"],
            serializer=SessionStore().serializer,
            max_age=req["max_age"],
            salt="django.contrib.sessions.backends.signed_cookies",
        )
    except Exception as e:
        return {"session": None, "error": type(e).__name__}
    if not isinstance(session, dict):
        return {"session": None, "error": "NotADict"}
    return {"session": session, "error": None}


OPS = {
    "sessions": op_sessions,
    "starlette": op_starlette,
    "starlette_read": op_starlette_read,
    "django": op_django,
    "django_read": op_django_read,
}


if __name__ == "__main__":
    serve(OPS)
