"""Revocation in the Starlette middleware and the Django session, with the memory store:
the same settings and session methods as the Flask extension (the shared ``_request`` and
``_revocation`` modules), async handlers awaiting them off the event loop, and Django's
``logout()`` (which flushes) revoking, ``login()`` binding the subject."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any

import pytest

from chunked_cookie_session import ConfigurationError, RevocationError, keygen

from frameworks import DJANGO_USER, django_setup

# Starlette / FastAPI


def starlette_app(**options: Any) -> Any:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from chunked_cookie_session.starlette import ChunkedCookieSession, ChunkedSessionMiddleware

    def session_of(request: Request) -> ChunkedCookieSession:
        session = request.session
        assert isinstance(session, ChunkedCookieSession)
        return session

    async def login(request: Request) -> JSONResponse:
        session = session_of(request)
        session.renew()
        session.subject = request.path_params["user"]
        session["user"] = request.path_params["user"]
        return JSONResponse({"session_id": session.session_id})

    async def logout(request: Request) -> JSONResponse:
        await session_of(request).arevoke()
        return JSONResponse({"ok": True})

    def logout_sync(request: Request) -> JSONResponse:  # run by Starlette in a thread
        session_of(request).revoke()
        return JSONResponse({"ok": True})

    async def everywhere(request: Request) -> JSONResponse:
        epoch = await session_of(request).arevoke_others()
        return JSONResponse({"epoch": epoch.isoformat()})

    async def devices(request: Request) -> JSONResponse:
        listed = await session_of(request).adevices()
        return JSONResponse({"devices": [[d.session_id, d.user_agent] for d in listed]})

    async def revoke_device(request: Request) -> JSONResponse:
        revoked = await session_of(request).arevoke_device(request.path_params["id"])
        return JSONResponse({"revoked": revoked})

    async def me(request: Request) -> JSONResponse:
        session = session_of(request)
        return JSONResponse(
            {"reason": session.load_reason, "user": session.get("user"), "subject": session.subject}
        )

    async def admin(request: Request) -> JSONResponse:
        store = session_of(request).store
        assert store is not None
        store.revoke_subject(request.path_params["user"])
        return JSONResponse({"ok": True})

    routes = [
        Route("/login/{user}", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/logout-sync", logout_sync, methods=["POST"]),
        Route("/everywhere", everywhere, methods=["POST"]),
        Route("/devices", devices),
        Route("/devices/{id}", revoke_device, methods=["DELETE"]),
        Route("/me", me),
        Route("/admin/sign-out/{user}", admin, methods=["POST"]),
    ]
    options.setdefault("key", keygen())
    return Starlette(routes=routes, middleware=[Middleware(ChunkedSessionMiddleware, **options)])


def starlette_client(app: Any, agent: str = "test", cookies: Any = None) -> Any:
    from starlette.testclient import TestClient

    return TestClient(app, headers={"User-Agent": agent}, cookies=cookies)


def unique(name: str) -> str:
    """A subject of this test's own: the memory store is the process's."""
    return f"{name}-{keygen()[:8]}"


@pytest.mark.parametrize("route", ["/logout", "/logout-sync"])
def test_starlette_logout_revokes_the_copy(route: str) -> None:
    app = starlette_app(revocation="memory", registry=True)
    client = starlette_client(app)
    ada = unique("ada")
    client.post(f"/login/{ada}")
    assert client.get("/me").json() == {"reason": "valid", "user": ada, "subject": ada}
    stolen = starlette_client(app, cookies=dict(client.cookies))
    rv = client.post(route)
    assert rv.status_code == 200
    assert [line for line in rv.headers.get_list("set-cookie") if "Max-Age=0" in line]
    rv = stolen.get("/me")
    assert rv.json() == {"reason": "revoked", "user": None, "subject": None}
    assert any("Max-Age=0" in line for line in rv.headers.get_list("set-cookie"))


def test_starlette_sign_out_everywhere_and_devices() -> None:
    app = starlette_app(revocation="memory", registry=3)
    ada, bob = unique("ada"), unique("bob")
    phone, laptop = starlette_client(app, "phone"), starlette_client(app, "laptop")
    phone_id = phone.post(f"/login/{ada}").json()["session_id"]
    laptop.post(f"/login/{ada}")
    assert [agent for _, agent in laptop.get("/devices").json()["devices"]] == ["laptop", "phone"]
    other = starlette_client(app, "other")
    other.post(f"/login/{bob}")
    assert other.delete(f"/devices/{phone_id}").json() == {"revoked": False}

    laptop.post("/everywhere")
    assert phone.get("/me").json()["reason"] == "revoked"
    assert laptop.get("/me").json()["reason"] == "valid"
    laptop.post(f"/admin/sign-out/{bob}")
    assert other.get("/me").json()["reason"] == "revoked"


def test_starlette_arguments_are_checked_by_their_names() -> None:
    from starlette.testclient import TestClient

    with pytest.raises(ConfigurationError) as err:
        with TestClient(starlette_app(revocation="memory", revocation_policy="lenient")):
            pass
    assert err.value.setting == "revocation_policy"
    with pytest.raises(ConfigurationError) as err:
        with TestClient(starlette_app(registry=True)):
            pass
    assert err.value.settings == ("revocation", "registry")


def test_starlette_without_revocation_raises_not_configured() -> None:
    from starlette.testclient import TestClient

    client = TestClient(starlette_app(), raise_server_exceptions=True)
    with pytest.raises(RevocationError) as err:
        client.post("/logout")
    assert err.value.code == "not-configured" and "revocation" in str(err.value)


# Django


REVOKING = {"CHUNKED_SESSION_REVOCATION": "memory", "CHUNKED_SESSION_REGISTRY": True}


@pytest.fixture
def revoking() -> Iterator[None]:
    django_setup()
    from django.test import override_settings

    with override_settings(**REVOKING):
        yield


def copy_of(client: Any) -> Any:
    from django.test import Client

    other = Client()
    other.cookies = SimpleCookie()
    for name, morsel in client.cookies.items():
        other.cookies[name] = morsel.value
    return other


def test_django_logout_revokes_and_login_binds_the_subject(revoking: None) -> None:
    from django.test import Client

    client = Client(HTTP_USER_AGENT="Browser/1")
    client.post("/set/cart", b"[1]", content_type="application/json")
    before = client.get("/identity").json()["session_id"]
    rv = client.post("/sign-in", {"username": DJANGO_USER[0], "password": DJANGO_USER[1]})
    assert rv.status_code == 200
    me = client.get("/identity").json()
    assert (me["user"], me["subject"], me["reason"]) == ("ada", ada_pk(), "valid")
    assert me["session_id"] != before  # login() cycled the key: a new session id
    assert [agent for _, agent in client.get("/devices").json()["devices"]][0] == "Browser/1"

    stolen = copy_of(client)
    assert stolen.get("/whoami").json()["user"] == "ada"
    assert client.post("/sign-out").content == b"out"
    assert client.get("/whoami").json()["user"] is None
    assert stolen.get("/whoami").json() == {"user": None, "messages": [], "reason": "revoked"}


def test_django_test_clients_login_and_logout_revoke(revoking: None) -> None:
    from django.test import Client

    client = Client()
    assert client.login(username=DJANGO_USER[0], password=DJANGO_USER[1])
    stolen = copy_of(client)
    assert stolen.get("/identity").json()["user"] == "ada"
    client.logout()
    assert stolen.get("/identity").json()["reason"] == "revoked"


def test_django_async_logout_revokes(revoking: None) -> None:
    from django.test import AsyncClient, Client

    client = Client()
    assert client.login(username=DJANGO_USER[0], password=DJANGO_USER[1])
    stolen = copy_of(client)
    runner = AsyncClient()
    for name, morsel in client.cookies.items():
        runner.cookies[name] = morsel.value
    rv = asyncio.run(runner.post("/async-sign-out"))
    assert rv.status_code == 200
    assert stolen.get("/identity").json()["reason"] == "revoked"


def test_django_sign_out_everywhere(revoking: None) -> None:
    from django.test import Client

    phone, laptop = Client(), Client()
    for client in (phone, laptop):
        assert client.login(username=DJANGO_USER[0], password=DJANGO_USER[1])
    assert laptop.post("/everywhere").status_code == 200
    assert phone.get("/identity").json()["reason"] == "revoked"
    me = laptop.get("/identity").json()
    assert (me["user"], me["reason"], me["subject"]) == ("ada", "valid", ada_pk())


def ada_pk() -> str:
    from django.contrib.auth import get_user_model

    return str(get_user_model().objects.get(username=DJANGO_USER[0]).pk)


def test_django_settings_are_checked_by_their_names() -> None:
    django_setup()
    from django.test import Client, override_settings

    with override_settings(CHUNKED_SESSION_REVOCATION="memory", CHUNKED_SESSION_REVOCATION_TIMEOUT=-1):
        with pytest.raises(ConfigurationError) as err:
            Client().get("/identity")
    assert err.value.setting == "CHUNKED_SESSION_REVOCATION_TIMEOUT"
