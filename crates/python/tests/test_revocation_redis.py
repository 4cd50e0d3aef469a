"""Live Flask processes sharing one real redis-server through the package's Redis store:
logout on one refuses the copied cookies on every one, sign-out-everywhere and the device
list across processes, a process started later, settings changed at run time without new
connections, and Redis killed (each policy as documented, no request held past the
staleness bound) then restarted from its append-only file (the revocations hold).

Each process is ``revocation_app.py`` served by werkzeug on 127.0.0.1; the redis-server is
the test's own, on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from chunked_cookie_session import keygen

from redis_server import RedisServer, free_port, redis_server  # noqa: F401 (the fixture)

HERE = Path(__file__).parent

#: The store's bounds in these tests: short, so an outage is seen within a second.
STALENESS = 1.0
TIMEOUT = 0.3


class App:
    """One live app process."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.stderr = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "revocation_app.py")],
            env={**os.environ, **env, "PYTHONPATH": str(HERE)},
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            cwd=HERE,
        )
        self.url = ""

    def wait_ready(self) -> None:
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode()
        if not line.startswith("PORT "):
            self.stop()
            pytest.fail(f"the app did not start: {line!r}\n{self.log.read_text()[-3000:]}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.stderr.close()


class Browser:
    """A client with its own cookies, which it can copy, talking to any of the apps."""

    def __init__(self, agent: str = "test-browser") -> None:
        self.cookies: dict[str, str] = {}
        self.agent = agent

    def copy(self) -> Browser:
        other = Browser(self.agent)
        other.cookies = dict(self.cookies)
        return other

    def call(self, app: App, method: str, path: str) -> tuple[int, Any, list[str], float]:
        """(status, JSON body, Set-Cookie lines, seconds taken)."""
        headers = {"User-Agent": self.agent}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        req = urllib.request.Request(app.url + path, method=method, headers=headers)
        started = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, body, head = resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as err:
            status, body, head = err.code, err.read(), err.headers
        taken = time.monotonic() - started
        lines = head.get_all("Set-Cookie") or []
        for line in lines:
            morsel = next(iter(SimpleCookie(line).values()))
            if morsel["max-age"] == "0":
                self.cookies.pop(morsel.key, None)
            else:
                self.cookies[morsel.key] = morsel.value
        import json

        return status, json.loads(body) if body.startswith((b"{", b"[")) else body, lines, taken

    def get(self, app: App, path: str) -> Any:
        status, body, _, _ = self.call(app, "GET", path)
        assert status == 200, (status, body)
        return body

    def post(self, app: App, path: str) -> Any:
        status, body, _, _ = self.call(app, "POST", path)
        assert status == 200, (status, body)
        return body

    def reason(self, app: App) -> str:
        reason: str = self.get(app, "/me")["reason"]
        return reason


class Fleet:
    """Live apps sharing one Redis and one key."""

    def __init__(self, redis: RedisServer, directory: Path) -> None:
        self.redis = redis
        self.directory = directory
        self.key = keygen()
        self.apps: list[App] = []

    def start(self, count: int = 1, **settings: str) -> list[App]:
        env = {
            "CHUNKED_SESSION_KEY": self.key,
            "REVOCATION": self.redis.url,
            "STALENESS": str(STALENESS),
            "TIMEOUT": str(TIMEOUT),
            "STARTUP_WAIT": "5",
            **settings,
        }
        started = [
            App(env, self.directory / f"app{len(self.apps) + i}.log") for i in range(count)
        ]
        for app in started:  # started together, waited for together
            app.wait_ready()
        self.apps += started
        return started

    def stop(self) -> None:
        for app in self.apps:
            app.stop()


@pytest.fixture
def fleet(redis_server: RedisServer, tmp_path: Path) -> Iterator[Fleet]:  # noqa: F811
    fleet = Fleet(redis_server, tmp_path)
    yield fleet
    fleet.stop()


def eventually(check: Callable[[], bool], within: float = 3.0) -> bool:
    """Whether `check` holds within `within` seconds (what another process hears of a
    revocation arrives by pub/sub, within milliseconds on loopback)."""
    deadline = time.monotonic() + within
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)


def test_logout_on_one_process_refuses_the_copy_on_every_one(fleet: Fleet) -> None:
    one, two = fleet.start(2)
    browser = Browser()
    browser.post(one, "/login/ada")
    assert browser.reason(two) == "valid"  # the same key: the other process reads it
    stolen = browser.copy()

    # Log out on the other process.
    status, body, lines, _ = browser.call(two, "POST", "/logout")
    assert (status, body) == (200, {"revoked": True})
    assert lines and all("Max-Age=0" in line for line in lines)
    assert browser.cookies == {}

    # The copy is refused everywhere: at once where the logout ran, by pub/sub elsewhere.
    assert stolen.copy().reason(two) == "revoked"
    assert eventually(lambda: stolen.copy().reason(one) == "revoked")
    status, body, lines, _ = stolen.call(one, "GET", "/me")
    assert body["user"] is None and lines and all("Max-Age=0" in line for line in lines)


def test_sign_out_everywhere_across_processes(fleet: Fleet) -> None:
    one, two = fleet.start(2)
    phone, laptop, bob = Browser("phone"), Browser("laptop"), Browser("bob")
    phone.post(one, "/login/ada")
    laptop.post(two, "/login/ada")
    bob.post(one, "/login/bob")

    laptop.post(two, "/everywhere")  # a password change on the laptop
    assert laptop.reason(two) == "valid" and laptop.reason(one) == "valid"
    assert eventually(lambda: phone.copy().reason(one) == "revoked")
    assert phone.copy().reason(two) == "revoked"
    assert bob.reason(two) == "valid"

    # An admin signs Bob out from the other process.
    laptop.post(one, "/admin/sign-out/bob")
    assert eventually(lambda: bob.copy().reason(two) == "revoked")


def test_the_device_list_across_processes(fleet: Fleet) -> None:
    one, two = fleet.start(2)
    phone, laptop = Browser("Phone/1.0"), Browser("Laptop/2.0")
    phone_id = phone.post(one, "/login/ada")["session_id"]
    laptop_id = laptop.post(two, "/login/ada")["session_id"]

    def listed(browser: Browser, app: App) -> list[tuple[str, str]]:
        devices = browser.get(app, "/devices")["devices"]
        return [(d["id"], d["user_agent"]) for d in devices]

    # Records reach Redis from the writer's queue: listed by either process.
    want = [(laptop_id, "Laptop/2.0"), (phone_id, "Phone/1.0")]
    assert eventually(lambda: listed(phone, one) == want), listed(phone, one)
    assert listed(laptop, two) == want

    assert laptop.call(two, "DELETE", f"/devices/{phone_id}")[1] == {"revoked": True}
    assert eventually(lambda: phone.copy().reason(one) == "revoked")
    assert listed(laptop, one) == [(laptop_id, "Laptop/2.0")]


def test_settings_changed_at_run_time_open_no_new_connection(fleet: Fleet) -> None:
    (one,) = fleet.start(1)
    browser = Browser()
    browser.post(one, "/login/ada")
    clients = fleet.redis.connected_clients()
    assert clients >= 2  # the store's follower and writer
    for name in ("a", "b", "c", "d", "session"):
        browser.post(one, f"/admin/cookie-name/{name}")  # a new engine each time
        browser.get(one, "/me")
    assert fleet.redis.connected_clients() == clients


def test_redis_killed_then_restarted(fleet: Fleet) -> None:
    closed, opened = fleet.start(2, POLICY="fail-closed"), fleet.start(1, POLICY="fail-open")
    one, two = closed
    (lenient,) = opened
    every = [one, two, lenient]

    revoked = Browser("revoked")
    revoked.post(one, "/login/ada")
    revoked_copy = revoked.copy()
    revoked.post(one, "/logout")
    assert all(eventually(lambda app=app: revoked_copy.copy().reason(app) == "revoked") for app in every)
    kept = Browser("kept")
    kept.post(two, "/login/bob")
    leaving = Browser("leaving")
    leaving.post(two, "/login/cy")
    leaving_copy = leaving.copy()

    fleet.redis.kill()
    killed = time.monotonic()

    # A logout while Redis is down: it holds in this process at once, and is queued. The
    # request answers within the store's bound, never a 500.
    status, body, lines, taken = leaving.call(one, "POST", "/logout")
    assert (status, body["revoked"], body["code"]) == (200, "queued", "unconfirmed")
    assert taken < STALENESS
    assert lines and all("Max-Age=0" in line for line in lines)
    assert leaving_copy.copy().reason(one) == "revoked"

    # Past the staleness bound: fail-closed refuses what it cannot vouch for, keeping the
    # cookies; fail-open accepts it. What the mirrors knew before keeps applying.
    time.sleep(max(0.0, killed + STALENESS + 0.3 - time.monotonic()))
    for app, reason in [(one, "revocation-unavailable"), (two, "revocation-unavailable"), (lenient, "valid")]:
        status, body, lines, taken = kept.copy().call(app, "GET", "/me")
        assert (status, body["reason"]) == (200, reason), (app.url, body)
        assert lines == [] and taken < STALENESS
        assert revoked_copy.copy().reason(app) == "revoked"
    assert one.url and Browser().get(one, "/health")["freshness"] == "stale"

    # Redis restarted from its append-only file: every process resyncs and is fresh within
    # about a second (the reconnection backoff), and what was revoked is still revoked.
    fleet.redis.start()
    for app in every:
        assert eventually(lambda app=app: Browser().get(app, "/health")["freshness"] == "fresh", 5)
    assert all(kept.copy().reason(app) == "valid" for app in every)
    for app in every:
        assert revoked_copy.copy().reason(app) == "revoked"
        # The logout queued during the outage reached Redis, and every process heard of it.
        assert eventually(lambda app=app: leaving_copy.copy().reason(app) == "revoked")

    # A process started now knows only what Redis kept.
    (late,) = fleet.start(1)
    assert revoked_copy.copy().reason(late) == "revoked"
    assert leaving_copy.copy().reason(late) == "revoked"
    assert kept.reason(late) == "valid"
    fresh = Browser()
    fresh.post(late, "/login/dee")
    assert all(fresh.copy().reason(app) == "valid" for app in every)


def test_gunicorn_workers_forked_after_the_store_was_built(fleet: Fleet, tmp_path: Path) -> None:
    """gunicorn --preload builds the app, so the store, in its master; each worker is a
    fork, which copies no thread: each builds a store of its own, following Redis."""
    (werkzeug,) = fleet.start(1)
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("wb")
    gunicorn = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "--preload", "--workers", "2",
            "--bind", f"127.0.0.1:{port}", "revocation_app:from_environment()",
        ],
        env={
            **os.environ,
            "PYTHONPATH": str(HERE),
            "CHUNKED_SESSION_KEY": fleet.key,
            "REVOCATION": fleet.redis.url,
            "STALENESS": str(STALENESS),
            "TIMEOUT": str(TIMEOUT),
        },
        stdout=log,
        stderr=log,
        cwd=HERE,
    )
    try:
        workers = App.__new__(App)
        workers.url = f"http://127.0.0.1:{port}"
        browser = Browser()
        browser.post(werkzeug, "/login/ada")
        assert eventually(lambda: _answers(workers), 10), (tmp_path / "gunicorn.log").read_text()
        stolen = browser.copy()
        # Both workers read the session (their stores are fresh, or fail-closed would
        # refuse it once the staleness bound has passed)...
        time.sleep(STALENESS + 0.2)
        pids = set()
        for _ in range(100):
            body = stolen.copy().get(workers, "/me")
            assert body["reason"] == "valid", body
            pids.add(body["pid"])
            if len(pids) == 2:
                break
        assert len(pids) == 2, "the requests all went to one worker"
        # ...and both hear of a logout on another process.
        browser.post(werkzeug, "/logout")
        seen: set[int] = set()

        def refused_by_both() -> bool:
            body = stolen.copy().get(workers, "/me")
            if body["reason"] != "revoked":
                seen.clear()
                return False
            seen.add(body["pid"])
            return len(seen) == 2

        assert eventually(refused_by_both, 5)
    finally:
        gunicorn.terminate()
        gunicorn.wait(10)
        log.close()


def _answers(app: App) -> bool:
    try:
        Browser().get(app, "/health")
    except (urllib.error.URLError, ConnectionError):
        return False
    return True
