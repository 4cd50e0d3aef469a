"""The package itself: what `pip install ./crates/python` installs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import chunked_cookie_session
from chunked_cookie_session import _native, keygen


def test_installed_package_is_typed_and_versioned() -> None:
    package = Path(chunked_cookie_session.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "_native.pyi").exists()
    assert (package / "flask" / "__init__.py").exists()
    assert list(package.glob("_native*.so")) or list(package.glob("_native*.pyd"))
    assert chunked_cookie_session.__version__ == _native.__version__
    assert chunked_cookie_session.__version__.count(".") == 2


def test_keygen_makes_keys_the_engine_takes() -> None:
    key = keygen()
    assert len(key) == 43 and key != keygen()
    _native.check_key(key)
    out = subprocess.run(
        [sys.executable, "-m", "chunked_cookie_session", "keygen"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    _native.check_key(out)
    with pytest.raises(ValueError, match="at least 32"):
        _native.check_key("c2hvcnQ=")
    bad = subprocess.run(
        [sys.executable, "-m", "chunked_cookie_session"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "usage" in bad.stderr
