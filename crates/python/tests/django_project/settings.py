"""Settings of the test project. The environment chooses what a live server needs: the
session key (CHUNKED_SESSION_KEY), the SQLite file (DJANGO_DB), the budget
(CHUNKED_SESSION_MAX_SIZE), the cookie's name (SESSION_COOKIE_NAME), and whose sessions
(DJANGO_SESSIONS=django: Django's own signed_cookies backend and middleware)."""

from __future__ import annotations

import os
import tempfile

from chunked_cookie_session import keygen

SECRET_KEY = "django-insecure: the project's SECRET_KEY, which signed_cookies signs with"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
USE_TZ = True
ROOT_URLCONF = "django_project.urls"
WSGI_APPLICATION = "django_project.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
]

CHUNKED = os.environ.get("DJANGO_SESSIONS", "chunked") != "django"

MIDDLEWARE = [
    "chunked_cookie_session.django.ChunkedSessionMiddleware"
    if CHUNKED
    else "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

SESSION_ENGINE = (
    "chunked_cookie_session.django" if CHUNKED else "django.contrib.sessions.backends.signed_cookies"
)
SESSION_COOKIE_NAME = os.environ.get("SESSION_COOKIE_NAME", "sessionid")
CHUNKED_SESSION_KEY = os.environ.get("CHUNKED_SESSION_KEY") or keygen()
CHUNKED_SESSION_OLD_KEYS = [k for k in os.environ.get("CHUNKED_SESSION_OLD_KEYS", "").split(",") if k]
# "default": the engine's default budget.
_BUDGET = os.environ.get("CHUNKED_SESSION_MAX_SIZE", str(40 * 1024))
CHUNKED_SESSION_MAX_SIZE = None if _BUDGET == "default" else int(_BUDGET)

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DJANGO_DB") or os.path.join(tempfile.gettempdir(), "chunked-django-tests.sqlite3"),
    }
}

# Fast password hashing: the tests log users in many times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"chunked_cookie_session": {"handlers": ["stderr"], "level": "INFO"}},
}
