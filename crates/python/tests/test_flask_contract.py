"""Flask's own session tests are the contract for Flask's behaviour: the session tests of
its source distribution (test_basic.py, test_testing.py, test_reqctx.py) run unchanged,
with the extension installed on their `app` fixture, in a pytest of their own.

The sdist of the installed Flask is fetched by pip into .venv/cache at the first run.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
from pathlib import Path

from importlib import metadata

import pytest

from conftest import ROOT

HERE = Path(__file__).parent / "flask_contract"
CACHE = ROOT / ".venv" / "cache" / "flask-sdist"


def flask_sources() -> Path:
    """Flask's source distribution for the installed version, unpacked."""
    version = metadata.version("flask")
    tree = CACHE / f"flask-{version}"
    if (tree / "tests" / "conftest.py").exists():
        return tree
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--no-binary", ":all:", "--dest", str(CACHE), f"flask=={version}"],
        check=True,
    )
    with tarfile.open(CACHE / f"flask-{version}.tar.gz") as archive:
        archive.extractall(CACHE, filter="data") if sys.version_info >= (3, 12) else archive.extractall(CACHE)
    return tree


@pytest.mark.parametrize(
    ("fmt", "passed", "skipped"), [("flask", 24, 0), ("signed", 21, 3), ("private", 21, 3)]
)
def test_flasks_own_session_tests(fmt: str, passed: int, skipped: int) -> None:
    tree = flask_sources()
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
