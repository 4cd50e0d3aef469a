"""``python -m chunked_cookie_session keygen``: print a new key for CHUNKED_SESSION_KEY."""

from __future__ import annotations

import sys

from ._native import keygen


def main(argv: list[str]) -> int:
    if argv == ["keygen"]:
        print(keygen())
        return 0
    print("usage: python -m chunked_cookie_session keygen", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
