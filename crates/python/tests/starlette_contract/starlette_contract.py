"""pytest plugin: run Starlette's own session tests (tests/middleware/test_session.py of
its source distribution), unchanged, against ChunkedSessionMiddleware.

    STARLETTE_CONTRACT_FORMAT=signed|private python -m pytest -p starlette_contract tests/middleware/test_session.py

The test module imports ``SessionMiddleware`` and ``Session`` from
``starlette.middleware.sessions``; this plugin, loaded before collection, puts the
package's in their place there: ``SessionMiddleware(app, secret_key, ...)`` becomes
``ChunkedSessionMiddleware`` with the same cookie arguments and a key of its own, and
``Session`` the package's session class. The few tests that check what only Starlette's
own cookie looks like are marked, each with the reason.
"""

from __future__ import annotations

import linecache
import os
from collections import Counter
from typing import Any, Optional

import pytest
import starlette.middleware.sessions as sessions

from chunked_cookie_session import ConfigurationError, keygen
from chunked_cookie_session.starlette import ChunkedCookieSession, ChunkedSessionMiddleware

FORMAT = os.environ.get("STARLETTE_CONTRACT_FORMAT", "signed")
CALLS: Counter[str] = Counter()


class ContractMiddleware(ChunkedSessionMiddleware):
    """Starlette's SessionMiddleware signature, on the chunked engine."""

    def __init__(
        self,
        app: Any,
        secret_key: Any,
        session_cookie: str = "session",
        max_age: Optional[int] = 14 * 24 * 60 * 60,
        path: str = "/",
        same_site: str = "lax",
        https_only: bool = False,
        domain: Optional[str] = None,
        partitioned: bool = False,
    ) -> None:
        CALLS["middlewares"] += 1
        super().__init__(
            app,
            key=keygen(),
            format=FORMAT,
            session_cookie=session_cookie,
            max_age=max_age,
            path=path,
            same_site=same_site,
            https_only=https_only,
            domain=domain,
            partitioned=partitioned,
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        CALLS["requests"] += 1
        await super().__call__(scope, receive, send)


sessions.SessionMiddleware = ContractMiddleware  # type: ignore[misc]
sessions.Session = ChunkedCookieSession  # type: ignore[misc]

#: Tests that check what only Starlette's own cookie line looks like, each with the line
#: of the test that must be the one failing, and why it cannot pass.
SPELLING = (
    "Starlette's own spelling of the Set-Cookie line (lowercase `path=`, `domain=.example.com`, "
    "`partitioned`, an attribute after `Max-Age`); the engine writes the cookie crate's "
    "(`Path=`, `Domain=example.com`, `Partitioned`, `Max-Age` last), and attribute names are "
    "case-insensitive (RFC 6265 section 5.2)"
)
LIFETIME = (
    "a max_age of 0 or less: the engine refuses a lifetime that ends before it starts "
    "(ConfigurationError naming max_age) where Starlette writes a cookie dead on arrival"
)
EXPECTED_FAILURES: dict[str, tuple[str, str]] = {
    "test_session[asyncio]": (SPELLING, "assert max_age_matches is not None"),
    "test_partitioned_session[asyncio-True]": (SPELLING, 'assert ("partitioned" in attributes) is partitioned'),
    "test_session_cookie_subpath[asyncio]": (SPELLING, "assert cookie_path_match is not None"),
    "test_domain_cookie[asyncio]": (SPELLING, 'assert "domain=.example.com" in set_cookie'),
    "test_session_expires[asyncio]": (LIFETIME, "max_age"),
    "test_session_zero_max_age[asyncio]": (LIFETIME, "max_age"),
}


def _failing_line(exc: BaseException, path: str) -> str:
    """The source line of the test module `exc` was raised from."""
    tb = exc.__traceback__
    line = ""
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = linecache.getline(path, tb.tb_lineno).strip()
        tb = tb.tb_next
    return line


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: Any) -> Any:
    """A test of EXPECTED_FAILURES must fail, and exactly where and as it says: then it
    is reported as xfailed with the reason; any other outcome is a failure."""
    expected = EXPECTED_FAILURES.get(item.name)
    if expected is None:
        return (yield)
    reason, where = expected
    try:
        result = yield
    except ConfigurationError as err:
        if err.setting != where:
            raise
        CALLS["expected failures"] += 1
        pytest.xfail(reason)
    except AssertionError as err:
        if _failing_line(err, str(item.path)) != where:
            raise
        CALLS["expected failures"] += 1
        pytest.xfail(reason)
    pytest.fail(f"expected to fail at `{where}` ({reason}), but it passed")
    return result


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(
        f"starlette_contract[{FORMAT}]: {CALLS['middlewares']} ChunkedSessionMiddleware "
        f"instances served {CALLS['requests']} requests; "
        f"{CALLS['expected failures']} tests failed exactly where expected"
    )
