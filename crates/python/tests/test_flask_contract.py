"""Flask's own session tests are the contract for Flask's behaviour: the session tests of
its source distribution (test_basic.py, test_testing.py, test_reqctx.py) run unchanged,
with the extension installed on their `app` fixture, in a pytest of their own.

The sdist of the installed Flask is fetched by pip into .venv/cache at the first run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import sdist

HERE = Path(__file__).parent / "flask_contract"


@pytest.mark.parametrize(
    ("fmt", "passed", "skipped"), [("flask", 24, 0), ("signed", 21, 3), ("private", 21, 3)]
)
def test_flasks_own_session_tests(fmt: str, passed: int, skipped: int) -> None:
    tree = sdist("flask", "tests/conftest.py")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "flask_contract", "-p", "no:cacheprovider",
         f"@{HERE / 'session_tests.txt'}"],
        cwd=tree,
        env={"FLASK_CONTRACT_FORMAT": fmt, "PYTHONPATH": str(HERE), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    want = f"{passed} passed" + (f", {skipped} skipped" if skipped else "")
    assert re.search(rf"\b{want}\b", out), out
    assert "open_session and" in out and " 0 open_session" not in out, out
