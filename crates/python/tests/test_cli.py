"""`python -m chunked_cookie_session`: its help, its subcommands and their errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from chunked_cookie_session import keygen


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chunked_cookie_session", *args],
                          capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_help_names_every_subcommand_and_framework() -> None:
    done = run("--help")
    assert done.returncode == 0
    for word in ("keygen", "check-key", "settings", "chunked_cookie_session.flask",
                 "chunked_cookie_session.starlette", "chunked_cookie_session.django"):
        assert word in done.stdout, word
    assert run("settings", "--help").returncode == 0
    missing = run()
    assert missing.returncode == 2 and "usage:" in missing.stderr


def test_check_key_reads_the_environment_and_never_prints_the_key() -> None:
    key = keygen()
    ok = run("check-key", env={"CHUNKED_SESSION_KEY": key})
    assert ok.returncode == 0 and key not in ok.stdout + ok.stderr
    short = run("check-key", "MY_KEY", env={"MY_KEY": "c2hvcnQ="})
    assert short.returncode == 1 and "at least 32" in short.stderr and "c2hvcnQ=" not in short.stderr
    unset = run("check-key", "NOT_SET_ANYWHERE")
    assert unset.returncode == 1 and "NOT_SET_ANYWHERE is not set" in unset.stderr


@pytest.mark.parametrize(
    ("framework", "max_size", "lifetime"),
    [("flask", "CHUNKED_SESSION_MAX_SIZE", "PERMANENT_SESSION_LIFETIME"),
     ("starlette", "max_size", "max_age"),
     ("django", "CHUNKED_SESSION_MAX_SIZE", "SESSION_COOKIE_AGE")],
)
def test_settings_lists_each_frameworks_names(framework: str, max_size: str, lifetime: str) -> None:
    done = run("settings", framework)
    assert done.returncode == 0
    table = dict(line.split(None, 1) for line in done.stdout.splitlines())
    assert table["max_size"] == max_size and table["lifetime"] == lifetime
