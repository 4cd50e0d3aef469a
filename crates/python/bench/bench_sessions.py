"""What a request's session costs (open, change, save) with the extension, against Flask's
stock SecureCookieSessionInterface, for sessions of 1, 3.5 and 16 KiB of Flask's tagged
JSON holding every type Flask's session knows.

    python crates/python/bench/bench_sessions.py [--repeat N] [--quick]

Run it in the test venv (`.venv/bin/python`), after `pip install ./crates/python`. Each
figure is µs per request of this thread's CPU time (time.thread_time: time other processes
take on a shared machine is not counted), the median of N rounds of about 0.2 s, minus the
cost of building the Request and Response alone, which both sides pay. One request:
`open_session` of a request carrying the session's cookies, one entry changed, and the save
(for the extension, its after_request step and `save_session`, as in a real request). The
second table reads a session that is not permanent and leaves it alone: nothing is written.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import timeit
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from flask import Flask, Request, Response
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface

sys.path.insert(0, str(Path(__file__).parent))
from sessions import make_session  # noqa: E402

from chunked_cookie_session import keygen  # noqa: E402
from chunked_cookie_session.flask import ChunkedSession  # noqa: E402

SIZES = [(1024, "1 KiB"), (3584, "3.5 KiB"), (16384, "16 KiB")]
SECRET = "bench secret key"


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, Flask {metadata.version('flask')}, "
        f"Werkzeug {metadata.version('werkzeug')}, itsdangerous {metadata.version('itsdangerous')}, "
        f"chunked-cookie-session {metadata.version('chunked-cookie-session')}"
    )


def measure(fn: Callable[[], Any], repeat: int, budget: float) -> float:
    """Median µs per call over `repeat` rounds of about `budget` seconds."""
    timer = timeit.Timer(fn, timer=time.thread_time)
    number, took = timer.autorange()
    number = max(1, int(number * budget / max(took, 1e-9)))
    return statistics.median(x / number * 1e6 for x in timer.repeat(repeat, number))


def environ(cookie: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "localhost",
        "SERVER_PORT": "80", "wsgi.url_scheme": "http", "HTTP_COOKIE": cookie,
    }


def cookie_header(response: Response) -> str:
    pairs = [line.split(";", 1)[0] for line in response.headers.getlist("Set-Cookie")]
    return "; ".join(p for p in pairs if not p.endswith("="))


def stock_app() -> Flask:
    app = Flask("stock")
    app.secret_key = SECRET
    return app


def extension_app(**config: Any) -> Flask:
    app = Flask("extension")
    app.secret_key = SECRET
    app.config.update(CHUNKED_SESSION_MAX_SIZE=40 * 1024, **config)
    ChunkedSession(app)
    return app


def request_cycle(app: Flask, data: dict[str, Any], write: bool) -> Callable[[], None]:
    """One request's session work on `app`, and checks that it reads what it wrote. A
    request that does not write reads a session that is not permanent (Flask writes a
    permanent one again at every request)."""
    if not write:
        data = {k: v for k, v in data.items() if k != "_permanent"}
    iface = app.session_interface
    ours = hasattr(iface, "finish")
    with app.test_request_context():
        session = iface.open_session(app, Request(environ("")))
        session.update(data)
        response = Response()
        if ours:
            iface.finish(app, session, response)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # stock Flask: "the cookie is too large"
            iface.save_session(app, session, response)
    env = environ(cookie_header(response))
    with app.test_request_context():
        check = iface.open_session(app, Request(env))
        assert len(check) == len(data), (app.name, len(check), len(data))

    def run() -> None:
        s = iface.open_session(app, Request(env))
        resp = Response()
        if write:
            s["counter"] = 1
        if ours:
            iface.finish(app, s, resp)
        iface.save_session(app, s, resp)

    probe = Response()
    with app.test_request_context():
        s = iface.open_session(app, Request(env))
        if write:
            s["counter"] = 1
        if ours:
            iface.finish(app, s, probe)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            iface.save_session(app, s, probe)
    assert bool(probe.headers.getlist("Set-Cookie")) is write, (app.name, write)
    return run


def baseline(cookie: str) -> Callable[[], None]:
    env = environ(cookie)

    def run() -> None:
        Request(env).cookies  # noqa: B018
        Response()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="rounds per figure (median)")
    parser.add_argument("--quick", action="store_true", help="3 rounds of 0.05 s")
    args = parser.parse_args()
    repeat, budget = (3, 0.05) if args.quick else (args.repeat, 0.2)
    print(machine())
    key = keygen()
    apps = {
        "stock Flask": stock_app(),
        "extension, Flask format": None,
        "extension, signed": extension_app(CHUNKED_SESSION_KEY=key),
        "extension, private": extension_app(CHUNKED_SESSION_KEY=key, CHUNKED_SESSION_FORMAT="private"),
    }
    flask_stock = extension_app(CHUNKED_SESSION_FORMAT="flask")
    flask_chunked = extension_app(CHUNKED_SESSION_FORMAT="flask", CHUNKED_SESSION_FLASK_LAYOUT="chunked")
    ser = TaggedJSONSerializer()
    rows = []
    for target, label in SIZES:
        data = make_session(target)
        tagged = len(ser.dumps(data))
        with stock_app().test_request_context():
            stock_cookie = len(SecureCookieSessionInterface().get_signing_serializer(apps["stock Flask"]).dumps(data))
        row: dict[str, Any] = {"label": label, "json": tagged, "stock_cookie": stock_cookie}
        # Flask's stock layout while its one cookie fits, the recipe's chunked one after.
        apps["extension, Flask format"] = flask_stock if stock_cookie <= 4000 else flask_chunked
        row["flask_layout"] = "stock" if stock_cookie <= 4000 else "chunked"
        for write in (True, False):
            base = measure(baseline("session=" + "x" * stock_cookie), repeat, budget)
            for name, app in apps.items():
                assert app is not None
                with app.app_context():
                    cost = measure(request_cycle(app, data, write), repeat, budget) - base
                row[(name, write)] = cost
        rows.append(row)
        print(f"measured {label}", file=sys.stderr)

    names = list(apps)
    for write, title in ((True, "changed and written"), (False, "read and left alone, nothing written")):
        print(f"\nµs per request, session {title} (median, net of Request+Response):\n")
        print("| session | " + " | ".join(names) + " |")
        print("|---|" + "---:|" * len(names))
        for row in rows:
            stock = row[("stock Flask", write)]
            cells = [f"{stock:.0f}"]
            for name in names[1:]:
                cost = row[(name, write)]
                cells.append(f"{cost:.0f} ({cost / stock:.2f}×)")
            print(f"| {row['label']} ({row['json']} B JSON) | " + " | ".join(cells) + " |")
    print()
    for row in rows:
        note = "" if row["stock_cookie"] <= 4093 else ": over the 4 KB browsers keep, so they drop it"
        print(f"{row['label']}: stock Flask's cookie is {row['stock_cookie']} bytes{note}; "
              f"the extension's Flask format uses the {row['flask_layout']} layout")


if __name__ == "__main__":
    main()
