"""``ChunkedSessionMiddleware``: in ``MIDDLEWARE`` in place of
``django.contrib.sessions.middleware.SessionMiddleware``."""

from __future__ import annotations

import warnings
from http.cookies import Morsel
from typing import TYPE_CHECKING, Any, Callable

from django.conf import settings as django_settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils.cache import patch_vary_headers

from .._failures import not_saved
from .._request import asgi_cookie_header
from . import _settings
from ._store import SessionStore

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

    from .._native import Cookie, Outcome
    from .._settings import Settings

#: ``SESSION_ENGINE`` for the sessions Django makes outside a request (the test client's
#: ``login()`` and ``session``, ``clearsessions``).
ENGINE = "chunked_cookie_session.django"


class ChunkedSessionMiddleware(SessionMiddleware):
    """Keeps ``request.session`` in chunked, signed or encrypted cookies. A subclass of
    Django's ``SessionMiddleware``, so what checks for that one (the admin's system checks)
    finds it. Raises :class:`~chunked_cookie_session.ConfigurationError` when it is loaded
    if a setting is missing or refused, naming it."""

    def __init__(self, get_response: Callable[..., Any]) -> None:
        super().__init__(get_response)
        self.SessionStore = SessionStore
        _settings.current()
        if django_settings.SESSION_ENGINE != ENGINE:
            warnings.warn(
                f"SESSION_ENGINE is {django_settings.SESSION_ENGINE!r}: set it to {ENGINE!r}, "
                "or the test client's login() and session make sessions of another kind",
                RuntimeWarning,
                stacklevel=2,
            )

    def process_request(self, request: HttpRequest) -> None:
        scope = getattr(request, "scope", None)
        if scope is not None:
            # Under ASGI, Django joins repeated headers with "," (HTTP/2 sends one Cookie
            # field per cookie): read the fields themselves.
            header = asgi_cookie_header(scope.get("headers", ()))
        else:
            header = request.META.get("HTTP_COOKIE")
        request.session = SessionStore(
            request.COOKIES.get(django_settings.SESSION_COOKIE_NAME),
            cookie_header=header,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if not isinstance(session, SessionStore):
            return response
        write = bool(django_settings.SESSION_SAVE_EVERY_REQUEST) and not session.is_empty()
        outcome = session._decide(
            response.status_code,
            accessed=session.accessed,
            cache_control=response.has_header("Cache-Control"),
            vary=[v.strip() for v in response.get("Vary", "").split(",") if v.strip()],
            write=write,
        )
        if outcome.replace_response and outcome.failure is not None:
            # Django answers with its server error (handler500), and logs it.
            raise not_saved(outcome.failure)
        apply(outcome, response, session._cookie_settings)
        return response


class _Line(Morsel):  # type: ignore[type-arg]
    """A cookie Django's handlers send as the engine wrote its ``Set-Cookie`` line (they
    send each of ``response.cookies`` as ``Set-Cookie: <morsel.OutputString()>``). Its
    attributes, for code that reads them (``response.cookies["sessionid"]["secure"]``),
    are the settings the line was written with; ``max-age`` is 0 for a deletion."""

    def __init__(self, cookie: Cookie, settings: Settings) -> None:
        super().__init__()
        self.set(cookie.name, cookie.value, cookie.value)
        self["path"] = settings.path
        self["domain"] = settings.domain or ""
        self["secure"] = settings.secure or ""
        self["httponly"] = settings.http_only or ""
        self["samesite"] = settings.same_site or ""
        if cookie.removal:
            self["max-age"] = 0
        self._line = cookie.line

    def OutputString(self, attrs: Any = None) -> str:  # noqa: N802 (Morsel's name)
        return self._line


def apply(outcome: Outcome, response: HttpResponseBase, settings: Settings) -> None:
    """The outcome's headers on the response."""
    for cookie in outcome.cookies:
        response.cookies[cookie.name] = _Line(cookie, settings)
    if outcome.vary_cookie:
        patch_vary_headers(response, ("Cookie",))
    if outcome.cache_control is not None and not response.has_header("Cache-Control"):
        response["Cache-Control"] = outcome.cache_control
