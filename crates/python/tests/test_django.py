"""What is Django's own: django.contrib.auth's login() and logout() against SQLite, the
messages framework on session storage, the test client's login(), the SESSION_COOKIE_*
settings, expiry at browser close, saving every request, async views under ASGI, settings
errors, and the take-over of Django's signed_cookies sessions. (The behaviour every
framework shares is in test_frameworks.py.)"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from chunked_cookie_session import ConfigurationError

from frameworks import DJANGO_USER, DjangoClient, django_own_sessions, django_setup

django_setup()

from django.conf import settings  # noqa: E402
from django.contrib.sessions.backends.base import SessionBase  # noqa: E402
from django.test import AsyncClient, Client, override_settings  # noqa: E402

from chunked_cookie_session.django import SessionStore, SessionTooLarge  # noqa: E402


def sign_in(client: Client) -> Any:
    return client.post("/sign-in", {"username": DJANGO_USER[0], "password": DJANGO_USER[1]})


def test_login_logout_and_messages_work_unchanged() -> None:
    client = Client()
    assert client.get("/whoami").json()["user"] is None
    rv = sign_in(client)
    assert rv.status_code == 200 and rv.content == b"in"
    first = client.cookies[settings.SESSION_COOKIE_NAME].value
    me = client.get("/whoami").json()
    assert me == {"user": "ada", "messages": ["welcome ada"], "reason": "valid"}
    # A message is shown once: the session is written again without it.
    assert client.get("/whoami").json()["messages"] == []

    # Signing in again as the same user keeps the session; as another, flush() starts afresh.
    client.post("/set/cart", b"[1, 2]", content_type="application/json")
    sign_in(client)
    assert client.get("/value/cart").json()["value"] == [1, 2]
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != first

    rv = client.post("/sign-out")
    assert rv.content == b"out"
    assert rv.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 0
    assert client.get("/whoami").json()["user"] is None


def test_login_cycles_the_key_of_an_anonymous_session() -> None:
    """login() calls cycle_key() on a session without a user: the data stays, under a new
    generation (no session fixation)."""
    client = Client()
    client.post("/set/theme", b'"dark"', content_type="application/json")
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    sign_in(client)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.get("/value/theme").json()["value"] == "dark"
    # The cookie from before the login is no longer this session: it reads, but as the
    # anonymous session it was.
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get("/whoami").json()["user"] is None


def test_the_test_clients_login_force_login_and_logout() -> None:
    from django.contrib.auth import get_user_model

    client = Client()
    assert client.login(username=DJANGO_USER[0], password=DJANGO_USER[1])
    assert client.get("/whoami").json()["user"] == "ada"
    client.logout()
    assert client.get("/whoami").json()["user"] is None
    client.force_login(get_user_model().objects.get(username="ada"))
    assert client.get("/whoami").json()["user"] == "ada"
    assert isinstance(client.session, SessionStore) and client.session["_auth_user_id"]


def test_the_session_is_a_session_base() -> None:
    store = SessionStore()
    assert isinstance(store, SessionBase)
    assert store.session_key is None and store.is_empty() and not store.exists("anything")
    store["user"] = "ada"
    store.save()
    assert store.session_key and len(store.session_key) > 40
    again = SessionStore(store.session_key)
    assert again["user"] == "ada" and again.load_reason == "valid"
    assert again.get_expiry_age() == settings.SESSION_COOKIE_AGE
    again.flush()
    assert again.session_key is None and again.is_empty()
    # Nothing lingers on a server: what clearsessions calls has nothing to do.
    assert SessionStore.clear_expired() is None


def set_cookie_attributes(rv: Any, name: str) -> set[str]:
    line = rv.cookies[name].OutputString()
    return {a.strip() for a in line.split(";")[1:]}


@override_settings(
    SESSION_COOKIE_NAME="__Secure-sid",
    SESSION_COOKIE_DOMAIN="example.com",
    SESSION_COOKIE_PATH="/",
    SESSION_COOKIE_SECURE=True,
    SESSION_COOKIE_HTTPONLY=False,
    SESSION_COOKIE_SAMESITE="Strict",
    SESSION_COOKIE_AGE=3600,
    ALLOWED_HOSTS=["example.com"],
)
def test_session_cookie_settings_are_honoured() -> None:
    client = Client(SERVER_NAME="example.com")
    rv = client.post("/set/user", b'"ada"', content_type="application/json", secure=True)
    attrs = set_cookie_attributes(rv, "__Secure-sid")
    expires = next(a for a in attrs if a.startswith("Expires="))
    assert attrs - {expires} == {"SameSite=Strict", "Secure", "Path=/", "Domain=example.com", "Max-Age=3600"}
    assert client.get("/value/user", secure=True).json()["value"] == "ada"
    with override_settings(SESSION_COOKIE_SAMESITE=False):
        rv = client.post("/set/user", b'"bob"', content_type="application/json", secure=True)
        assert not any(a.startswith("SameSite") for a in set_cookie_attributes(rv, "__Secure-sid"))


def test_expire_at_browser_close_and_set_expiry() -> None:
    client = Client()
    with override_settings(SESSION_EXPIRE_AT_BROWSER_CLOSE=True):
        rv = client.post("/set/user", b'"ada"', content_type="application/json")
        attrs = set_cookie_attributes(rv, settings.SESSION_COOKIE_NAME)
        assert not any(a.startswith(("Max-Age", "Expires")) for a in attrs)
    # set_expiry(0): this session ends with the browser, whatever the setting.
    rv = client.post("/expiry/0")
    attrs = set_cookie_attributes(rv, settings.SESSION_COOKIE_NAME)
    assert not any(a.startswith(("Max-Age", "Expires")) for a in attrs)
    rv = client.post("/expiry/600")
    assert f"Max-Age={settings.SESSION_COOKIE_AGE}" in set_cookie_attributes(rv, settings.SESSION_COOKIE_NAME)


def test_save_every_request() -> None:
    client = Client()
    assert client.get("/show").cookies == {}
    client.post("/set/user", b'"ada"', content_type="application/json")
    assert settings.SESSION_COOKIE_NAME not in client.get("/untouched").cookies
    with override_settings(SESSION_SAVE_EVERY_REQUEST=True):
        rv = client.get("/untouched")
        assert settings.SESSION_COOKIE_NAME in rv.cookies
        assert Client().get("/untouched").cookies == {}  # an empty session stays unwritten


def test_async_views_under_asgi() -> None:
    async def visit_twice() -> list[Any]:
        client = AsyncClient()
        # Two Cookie fields, as HTTP/2 sends them: read one by one, not joined with ",".
        first = await client.get("/async")
        cookie = first.cookies[settings.SESSION_COOKIE_NAME].value
        second = await client.get("/async", headers={"cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"})
        return [first.json(), second.json()]

    assert asyncio.run(visit_twice()) == [
        {"visits": 1, "reason": "no-session"},
        {"visits": 2, "reason": "valid"},
    ]


def test_overflow_raises_into_djangos_error_handling(caplog: pytest.LogCaptureFixture) -> None:
    with override_settings(CHUNKED_SESSION_MAX_SIZE=8 * 1024):
        client = Client()
        with pytest.raises(SessionTooLarge) as raised:
            client.post("/blob/30000")
        err = raised.value
        # The budget is what caps it (not the count of cookies): that is the setting named.
        assert err.limit == 8192 and err.settings == ("CHUNKED_SESSION_MAX_SIZE",)
        assert "raise CHUNKED_SESSION_MAX_SIZE" in err.message
        quiet = Client(raise_request_exception=False)
        with caplog.at_level(logging.ERROR):
            rv = quiet.post("/blob/30000")
        assert rv.status_code == 500 and rv.cookies == {}
        assert any(r.name == "django.request" for r in caplog.records)
        assert any(r.name == "chunked_cookie_session" and "CHUNKED_SESSION_MAX_SIZE" in r.getMessage()
                   for r in caplog.records)


@pytest.mark.parametrize(
    ("overrides", "setting", "hint"),
    [
        ({"CHUNKED_SESSION_KEY": None}, "CHUNKED_SESSION_KEY", "python -m chunked_cookie_session keygen"),
        ({"CHUNKED_SESSION_KEY": "c2hvcnQ="}, "CHUNKED_SESSION_KEY", "at least 32"),
        ({"CHUNKED_SESSION_MAX_SIZE": 100}, "CHUNKED_SESSION_MAX_SIZE", "between"),
        ({"SESSION_COOKIE_SAMESITE": "None"}, "SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_SECURE"),
        ({"SESSION_COOKIE_AGE": -5}, "SESSION_COOKIE_AGE", "negative"),
        ({"CHUNKED_SESSION_FORMAT": "pickle"}, "CHUNKED_SESSION_FORMAT", "signed"),
        ({"SESSION_COOKIE_NAME": "__Host-sid", "SESSION_COOKIE_SECURE": True,
          "SESSION_COOKIE_DOMAIN": "example.com"}, "SESSION_COOKIE_NAME", "__Host-"),
    ],
)
def test_settings_refused_name_themselves(overrides: dict[str, Any], setting: str, hint: str) -> None:
    with override_settings(**overrides):
        with pytest.raises(ConfigurationError) as raised:
            Client().get("/untouched")
    assert raised.value.setting == setting and hint in str(raised.value)


def test_a_session_engine_of_another_kind_is_pointed_out() -> None:
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db"):
        with pytest.warns(RuntimeWarning, match="SESSION_ENGINE"):
            Client().get("/untouched")


def signed_cookies_login(**settings_overrides: Any) -> str:
    """The session cookie of a user signed in on Django's own sessions (SessionMiddleware
    and the signed_cookies backend, signed with the SECRET_KEY in force)."""
    client = Client()
    with override_settings(**settings_overrides), django_own_sessions():
        assert sign_in(client).status_code == 200
        client.post("/set/cart", b'[1, {"sku": "\\u00e9", "qty": 2}]', content_type="application/json")
        assert client.get("/show").json()["user"] == "ada"  # /show leaves the message unread
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_migration_from_signed_cookies_keeps_the_user_logged_in() -> None:
    old = signed_cookies_login()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = old
    rv = client.get("/show")
    assert rv.json()["user"] == "ada" and rv.json()["migrated"] == "django"
    assert rv.cookies[settings.SESSION_COOKIE_NAME].value != old
    assert client.get("/value/cart").json()["value"] == [1, {"sku": "é", "qty": 2}]
    me = client.get("/whoami").json()
    assert me["user"] == "ada" and me["messages"] == ["welcome ada"]


def test_migration_with_fallback_secrets_and_a_renamed_cookie() -> None:
    old = signed_cookies_login(SECRET_KEY="the key before the rotation")
    with override_settings(
        SECRET_KEY="the key after the rotation",
        SECRET_KEY_FALLBACKS=["the key before the rotation"],
        SESSION_COOKIE_NAME="sid",
        CHUNKED_SESSION_MIGRATE_NAME="sessionid",
    ):
        client = Client()
        client.cookies["sessionid"] = old
        rv = client.get("/show")
        assert rv.json()["migrated"] == "django" and rv.json()["user"] == "ada"
        assert rv.cookies["sessionid"]["max-age"] == 0 and "sid" in rv.cookies


def test_what_does_not_verify_is_not_taken_over() -> None:
    foreign = signed_cookies_login(SECRET_KEY="another project's key")
    client = DjangoClient()
    client.set_cookie(settings.SESSION_COOKIE_NAME, foreign)
    shown = client.get("/show").json()
    assert shown["user"] is None and shown["migrated"] is None
    with override_settings(CHUNKED_SESSION_MIGRATE=False):
        client = DjangoClient()
        client.set_cookie(settings.SESSION_COOKIE_NAME, signed_cookies_login())
        assert client.get("/show").json()["user"] is None
