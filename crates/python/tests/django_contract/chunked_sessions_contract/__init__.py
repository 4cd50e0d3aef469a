"""Django's own session tests (tests/sessions_tests of its source distribution), run by
Django's test runner against the package's SessionStore and middleware."""
