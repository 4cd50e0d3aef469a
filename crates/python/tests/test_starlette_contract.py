"""Starlette's own session tests are the contract for Starlette's behaviour: its
tests/middleware/test_session.py, from the source distribution of the installed Starlette,
runs unchanged in a pytest of its own, with ChunkedSessionMiddleware in the place of
Starlette's SessionMiddleware (see starlette_contract/starlette_contract.py). The tests
that check only Starlette's own spelling of its cookie fail exactly where they are expected
to, and are reported as xfailed with the reason.

The sdist is fetched by pip into .venv/cache at the first run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import sdist

HERE = Path(__file__).parent / "starlette_contract"


@pytest.mark.parametrize("fmt", ["signed", "private"])
def test_starlettes_own_session_tests(fmt: str) -> None:
    tree = sdist("starlette", "tests/middleware/test_session.py")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rx", "-p", "starlette_contract", "-p", "no:cacheprovider",
         "tests/middleware/test_session.py"],
        cwd=tree,
        env={"STARLETTE_CONTRACT_FORMAT": fmt, "PYTHONPATH": str(HERE), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert re.search(r"\b9 passed, 6 xfailed\b", out), out
    assert "6 tests failed exactly where expected" in out, out
    assert re.search(r"\b14 ChunkedSessionMiddleware instances served 30 requests\b", out), out
