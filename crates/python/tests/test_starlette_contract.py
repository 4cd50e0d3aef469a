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
import tarfile
from importlib import metadata
from pathlib import Path

import pytest

from conftest import ROOT

HERE = Path(__file__).parent / "starlette_contract"
CACHE = ROOT / ".venv" / "cache" / "starlette-sdist"


def starlette_sources() -> Path:
    """Starlette's source distribution for the installed version, unpacked."""
    version = metadata.version("starlette")
    tree = CACHE / f"starlette-{version}"
    if (tree / "tests" / "middleware" / "test_session.py").exists():
        return tree
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--no-binary", ":all:", "--dest", str(CACHE), f"starlette=={version}"],
        check=True,
    )
    with tarfile.open(CACHE / f"starlette-{version}.tar.gz") as archive:
        archive.extractall(CACHE, filter="data") if sys.version_info >= (3, 12) else archive.extractall(CACHE)
    return tree


@pytest.mark.parametrize("fmt", ["signed", "private"])
def test_starlettes_own_session_tests(fmt: str) -> None:
    tree = starlette_sources()
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
