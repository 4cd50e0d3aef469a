"""Django's own session tests are the contract for Django's behaviour: from the source
distribution of the installed Django, tests/sessions_tests runs under Django's own test
runner (tests/runtests.py) with the package in place of Django's backend and middleware
(see django_contract/chunked_sessions_contract/tests.py): every test of
SessionTestsMixin, which each of Django's backends passes, as Django runs it for its own
cookie backend, and SessionMiddlewareTests but for five that set request.COOKIES by hand,
read a database backend's table or compare Django's exact text of a deleted cookie.

The sdist (11 MB) is fetched by pip into .venv/cache at the first run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import sdist

HERE = Path(__file__).parent / "django_contract"


def test_djangos_own_session_tests() -> None:
    tree = sdist("django", "tests/sessions_tests/tests.py")
    result = subprocess.run(
        [sys.executable, "runtests.py", "--settings=test_sqlite", "--parallel=1", "-v", "2",
         "-k", "Chunked", "chunked_sessions_contract", "sessions_tests"],
        cwd=tree / "tests",
        env={"PYTHONPATH": str(HERE), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert re.search(r"^Ran 78 tests", out, re.M), out
    assert "OK (skipped=9, expected failures=1)" in out, out
    # The tests ran against the package's classes.
    for test in ("ChunkedSessionTests.test_cycle", "ChunkedSessionTests.test_cycle_async",
                 "ChunkedSessionTests.test_flush", "ChunkedSessionMiddlewareTests.test_secure_session_cookie"):
        assert f"{test}) ... ok" in out, out
