"""The test project's views: the routes every app of the behaviour suite has (see
tests/frameworks.py; CSRF-exempt, as an API's would be), and a sign-in form behind Django's
CSRF protection for the live tests."""

from __future__ import annotations

import json
import random
from typing import Any

from django.contrib import messages
from django.contrib.auth import alogout, authenticate, get_user_model, login, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


def noise(n: int, seed: int) -> str:
    """`n` characters of text deflate cannot shrink much (as conftest.noise)."""
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(n))


def ok() -> HttpResponse:
    return HttpResponse("ok")


@csrf_exempt
def blob(request: HttpRequest, n: int) -> HttpResponse:
    request.session["blob"] = noise(n, n)
    return ok()


def show(request: HttpRequest) -> JsonResponse:
    session = request.session
    return JsonResponse(
        {
            "reason": getattr(session, "load_reason", None),
            "migrated": getattr(session, "migrated_from", None),
            "keys": sorted(session.keys()),
            "blob": len(session.get("blob", "")),
            "user": request.user.get_username() if request.user.is_authenticated else None,
        }
    )


@csrf_exempt
def set_value(request: HttpRequest, name: str) -> HttpResponse:
    request.session[name] = json.loads(request.body)
    return ok()


def value(request: HttpRequest, name: str) -> JsonResponse:
    return JsonResponse({"value": request.session.get(name)})


@csrf_exempt
def clear(request: HttpRequest) -> HttpResponse:
    request.session.clear()
    return ok()


@csrf_exempt
def purge(request: HttpRequest) -> HttpResponse:
    request.session.purge()  # type: ignore[attr-defined]
    return ok()


@csrf_exempt
def renew(request: HttpRequest) -> HttpResponse:
    request.session.renew()  # type: ignore[attr-defined]
    return ok()


@csrf_exempt
def check(request: HttpRequest, n: int) -> JsonResponse:
    session: Any = request.session
    previous = session.get("blob")
    session["blob"] = noise(n, n)
    size = session.check()
    session["blob"] = previous
    return JsonResponse({"fits": size.fits, "size": size.size, "cookies": size.cookies,
                         "max_size": size.max_size, "message": size.message})


@csrf_exempt
def login_ada(request: HttpRequest) -> HttpResponse:
    login(request, get_user_model().objects.get(username="ada"))
    request.session["cart"] = [1, 2, 3]
    return ok()


def untouched(request: HttpRequest) -> HttpResponse:
    return HttpResponse("nothing")


@csrf_exempt
def expiry(request: HttpRequest, seconds: int) -> HttpResponse:
    request.session["user"] = "ada"
    request.session.set_expiry(seconds)
    return ok()


@csrf_exempt
async def async_view(request: HttpRequest) -> JsonResponse:
    """Django's async session API."""
    visits = await request.session.aget("visits", 0) + 1
    await request.session.aset("visits", visits)
    return JsonResponse({"visits": visits, "reason": request.session.load_reason})  # type: ignore[attr-defined]


# A sign-in form as a site has one: CSRF-protected, messages on the session.


def csrf(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"token": get_token(request)})


def sign_in(request: HttpRequest) -> HttpResponse:
    user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
    if user is None:
        return HttpResponse("wrong", status=403)
    login(request, user)
    messages.info(request, f"welcome {user.get_username()}")
    return HttpResponse("in")


def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponse("out")


def whoami(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "user": request.user.get_username() if request.user.is_authenticated else None,
            "messages": [str(m) for m in messages.get_messages(request)],
            "reason": getattr(request.session, "load_reason", None),
        }
    )


# Revocation (with CHUNKED_SESSION_REVOCATION set): logout() revokes, login() binds the
# subject; the session's own methods.


@csrf_exempt
async def async_sign_out(request: HttpRequest) -> HttpResponse:
    await alogout(request)
    return HttpResponse("out")


def identity(request: HttpRequest) -> JsonResponse:
    session: Any = request.session
    valid = session.load_reason == "valid"
    return JsonResponse(
        {
            "user": request.user.get_username() if request.user.is_authenticated else None,
            "reason": session.load_reason,
            "subject": session.subject,
            "session_id": session.session_id if valid else None,
        }
    )


@csrf_exempt
def everywhere(request: HttpRequest) -> JsonResponse:
    request.session.revoke_others()  # type: ignore[attr-defined]
    return JsonResponse({"ok": True})


def devices(request: HttpRequest) -> JsonResponse:
    listed = request.session.devices()  # type: ignore[attr-defined]
    return JsonResponse({"devices": [[d.session_id, d.user_agent] for d in listed]})


urlpatterns = [
    path("async-sign-out", async_sign_out),
    path("identity", identity),
    path("everywhere", everywhere),
    path("devices", devices),
    path("blob/<int:n>", blob),
    path("show", show),
    path("set/<str:name>", set_value),
    path("value/<str:name>", value),
    path("clear", clear),
    path("purge", purge),
    path("renew", renew),
    path("check/<int:n>", check),
    path("login", login_ada),
    path("untouched", untouched),
    path("expiry/<int:seconds>", expiry),
    path("async", async_view),
    path("csrf", csrf),
    path("sign-in", sign_in),
    path("sign-out", sign_out),
    path("whoami", whoami),
]
