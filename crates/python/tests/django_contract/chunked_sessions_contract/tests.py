"""Django's session tests against chunked_cookie_session.django.

- ``SessionTestsMixin`` (the tests every backend passes: store, pop, update, clear, flush,
  cycle_key, session keys, expiry, encode/decode, async variants), through
  ``CookieSessionTests``, the variant for Django's own cookie backend: what it skips for
  having no server-side record to look up does not apply here either; its skipped
  cycle_key tests run.
- ``SessionMiddlewareTests``, those of its tests that drive the middleware through a
  request's Cookie header. The ones left out set ``request.COOKIES`` by hand, which only a
  middleware keyed by one cookie reads (this one reads every chunk from the header), or
  compare Django's exact text of a deleted cookie; each is listed in SKIPPED with why.
"""

from __future__ import annotations

import unittest

from django.test import override_settings
from sessions_tests import tests as django_tests

from chunked_cookie_session import keygen
from chunked_cookie_session.django import ChunkedSessionMiddleware, SessionStore

CHUNKED = override_settings(
    SESSION_ENGINE="chunked_cookie_session.django",
    CHUNKED_SESSION_KEY=keygen(),
)

#: SessionMiddlewareTests left out, and why.
SKIPPED = {
    "test_session_update_error_redirect": "replaces request.session with a database session",
    "test_session_delete_on_end": "sets request.COOKIES by hand and compares Django's exact text of a deletion",
    "test_session_delete_on_end_with_custom_domain_and_path": "as test_session_delete_on_end",
    "test_save_every_request_with_non_empty_session_renews_session_cookie": "sets request.COOKIES by hand",
    "test_empty_session_saved": "reads the session back from the database backend's table",
}


@CHUNKED
class ChunkedSessionTests(django_tests.CookieSessionTests):
    backend = SessionStore
    # Django's cookie backend skips these (it cannot give a cycled session a new key);
    # cycle_key() here renews the session and gives it a new key at once.
    test_cycle = django_tests.SessionTestsMixin.test_cycle
    test_cycle_async = django_tests.SessionTestsMixin.test_cycle_async


# SessionMiddlewareTests names the middleware through its module's global.
django_tests.SessionMiddleware = ChunkedSessionMiddleware


@CHUNKED
class ChunkedSessionMiddlewareTests(django_tests.SessionMiddlewareTests):
    pass


for _name, _why in SKIPPED.items():
    setattr(ChunkedSessionMiddlewareTests, _name, unittest.skip(_why)(getattr(ChunkedSessionMiddlewareTests, _name)))
