"""``python -m chunked_cookie_session``: make and check keys, list a framework's settings."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Optional

from . import __version__
from ._native import check_key, keygen, setting_codes
from ._revocation import STORE_SETTINGS

#: Where each framework names the settings, and the extra that installs the framework.
FRAMEWORKS = {
    "flask": ("chunked_cookie_session.flask._settings", "flask"),
    "starlette": ("chunked_cookie_session.starlette._settings", "starlette"),
    "django": ("chunked_cookie_session.django._settings", "django"),
}

DESCRIPTION = """\
Sessions kept in signed or encrypted cookies, chunked past the 4 KB a browser keeps per
cookie, on the Rust engine of chunked-cookie-session: a Flask extension
(chunked_cookie_session.flask), an ASGI middleware for Starlette and FastAPI
(chunked_cookie_session.starlette) and a Django session middleware
(chunked_cookie_session.django). The manual: docs/PYTHON.md in the repository."""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m chunked_cookie_session",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"chunked-cookie-session {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "keygen",
        help="print a new key (32 random bytes, base64url)",
        description="Print a new key: 32 random bytes from the operating system, in "
        "base64url. Give it to the app as CHUNKED_SESSION_KEY (Flask, Django) or key= "
        "(Starlette), from the environment, never from the code.",
    )
    check = commands.add_parser(
        "check-key",
        help="check that a key is usable (read from an environment variable)",
        description="Check that a key is usable: base64 or base64url of 32 to 1024 bytes. "
        "The key is read from the environment variable VARIABLE (so it stays out of the "
        "shell's history) and never printed.",
    )
    check.add_argument(
        "variable",
        nargs="?",
        default="CHUNKED_SESSION_KEY",
        metavar="VARIABLE",
        help="the environment variable holding the key (default: CHUNKED_SESSION_KEY)",
    )
    settings = commands.add_parser(
        "settings",
        help="list a framework's names for the engine's settings",
        description="List the engine's settings by their stable codes (what errors carry "
        "as setting_codes) beside the framework's name for each: Flask's app.config keys, "
        "the Starlette middleware's arguments, Django's settings.",
    )
    settings.add_argument("framework", choices=sorted(FRAMEWORKS), help="the framework")
    return top


def main(argv: Optional[list[str]] = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "keygen":
        print(keygen())
        return 0
    if args.command == "check-key":
        text = os.environ.get(args.variable)
        if not text:
            print(f"{args.variable} is not set", file=sys.stderr)
            return 1
        try:
            check_key(text)
        except ValueError as err:
            print(f"{args.variable}: {err}", file=sys.stderr)
            return 1
        print(f"{args.variable} holds a usable key")
        return 0
    module, extra = FRAMEWORKS[args.framework]
    try:
        spelling = importlib.import_module(module).SPELLING
    except ImportError as err:
        print(
            f"{err}: install the framework with `pip install 'chunked-cookie-session[{extra}]'`",
            file=sys.stderr,
        )
        return 1
    codes = [*setting_codes(), *STORE_SETTINGS]
    names = {**spelling.names, **spelling.extra}
    width = max(len(code) for code in codes)
    for code in codes:
        print(f"{code:<{width}}  {names.get(code, '(not a setting of this framework)')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
