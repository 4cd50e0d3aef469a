"""Several threads on one session handle: no deadlock between the session's lock and the
GIL. The threads run in a child interpreter, so a deadlock fails the test (the child is
killed, with every thread's stack) instead of hanging the suite."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# The child: a session full of values whose conversion runs Python code (Markup, UUID,
# datetime, bytes), and threads that each call one method of the same handle in a loop,
# with the interpreter switching threads as often as it can.
CHILD = textwrap.dedent(
    """
    import faulthandler, sys, threading, uuid
    from datetime import datetime, timezone

    from flask import Flask
    from markupsafe import Markup

    from chunked_cookie_session import keygen
    from chunked_cookie_session.flask import ChunkedSession

    # Past this, print every thread's stack and exit 3: the parent reports a deadlock.
    faulthandler.dump_traceback_later(float(sys.argv[2]), exit=True)
    sys.setswitchinterval(1e-6)

    app = Flask("threads")
    app.config.update(CHUNKED_SESSION_FORMAT=sys.argv[1], CHUNKED_SESSION_KEY=keygen(),
                      SECRET_KEY="s", CHUNKED_SESSION_MAX_SIZE=64 * 1024)
    ChunkedSession(app)
    values = {
        f"v{i}": [Markup(f"<b>{i}</b>"), uuid.UUID(int=i), (i, b"x"),
                  datetime(2024, 1, 1 + i % 28, tzinfo=timezone.utc)]
        for i in range(60)
    }

    @app.post("/fill")
    def fill():
        from flask import session
        session.update(values)
        return "ok"

    client = app.test_client()
    client.post("/fill")
    header = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    with app.test_request_context():
        engine = app.session_interface.engine(app)
    handle = engine.open(header)
    assert handle.load_reason == "valid", handle.load_reason

    ROUNDS = int(sys.argv[3])
    failures = []

    def loop(name, call):
        def run():
            try:
                for _ in range(ROUNDS):
                    call()
            except BaseException as err:
                failures.append(f"{name}: {type(err).__name__}: {err}")
        return threading.Thread(target=run, name=name)

    def reasons():
        handle.load_reason, handle.description, handle.log_level
        handle.persistent, handle.migrated_from

    threads = [
        loop("entries", handle.entries),
        loop("entries-2", handle.entries),
        loop("load_reason", reasons),
        loop("replace", lambda: handle.replace(values, True)),
        loop("check", handle.check),
        loop("rewrite_due", handle.rewrite_due),
        loop("finish", lambda: handle.finish(200, accessed=True)),
        loop("renew", handle.renew),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    faulthandler.cancel_dump_traceback_later()
    if failures:
        print("\\n".join(failures))
        sys.exit(1)
    print("ok")
    """
)


@pytest.mark.parametrize("fmt", ["signed", "private", "flask"])
def test_threads_on_one_handle_never_deadlock(fmt: str) -> None:
    watchdog = 30
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, fmt, str(watchdog), "400"],
            capture_output=True,
            text=True,
            timeout=watchdog + 30,
        )
    except subprocess.TimeoutExpired as err:  # faulthandler could not even run
        pytest.fail(f"deadlock: the child hung past {watchdog + 30}s\n{err.stderr!r}")
    if done.returncode != 0 and "Timeout" in done.stderr:
        pytest.fail(f"deadlock: no progress in {watchdog}s; the threads' stacks:\n{done.stderr}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "ok"
