"""The Django project served by gunicorn on 127.0.0.1 and used as a browser uses a site,
with httpx and a cookie jar: signing in through a CSRF-protected form against the SQLite
user table, a message on the session, signing out; and gunicorn's header limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chunked_cookie_session import keygen

from frameworks import DJANGO_USER, Gunicorn, HttpDriver


@pytest.fixture
def site() -> Iterator[HttpDriver]:
    server = Gunicorn({"CHUNKED_SESSION_KEY": keygen()}, ("--limit-request-field_size", "65536"))
    client = HttpDriver("django-gunicorn", server.url)
    yield client
    client.close()
    server.close()


def csrf_post(client: HttpDriver, path: str, form: dict[str, str]) -> tuple[int, bytes]:
    token = client.get("/csrf").json()["token"]
    rv = client.client.post(path, data={**form, "csrfmiddlewaretoken": token},
                            headers={"Referer": client.url + "/"})
    return rv.status_code, rv.content


def test_sign_in_and_out_through_the_form(site: HttpDriver) -> None:
    assert site.get("/whoami").json()["user"] is None
    # Without the CSRF token, Django refuses: the form is really protected.
    assert site.post("/sign-in").status == 403
    status, body = csrf_post(site, "/sign-in", {"username": DJANGO_USER[0], "password": "wrong"})
    assert (status, body) == (403, b"wrong")
    status, body = csrf_post(site, "/sign-in", {"username": DJANGO_USER[0], "password": DJANGO_USER[1]})
    assert (status, body) == (200, b"in")
    assert {"sessionid", "csrftoken"} <= set(site.cookies())
    assert site.get("/whoami").json() == {"user": "ada", "messages": ["welcome ada"], "reason": "valid"}
    assert site.get("/whoami").json()["messages"] == []

    # The session grows past one cookie; the user stays signed in.
    site.post("/blob/15000")
    assert "sessionid_3" in site.cookies()
    assert site.get("/whoami").json()["user"] == "ada"

    status, body = csrf_post(site, "/sign-out", {})
    assert (status, body) == (200, b"out")
    assert not any(name.startswith("sessionid") for name in site.cookies())
    assert site.get("/whoami").json()["user"] is None


def test_gunicorns_header_field_limit() -> None:
    """gunicorn refuses a header field over 8190 bytes: a session that grew past it is
    431 Request Header Fields Too Large from gunicorn until --limit-request-field_size is raised (docs/PYTHON.md). The
    default budget, 7 KiB, stays under it."""
    key = keygen()
    for args, budget, want in (((), 40 * 1024, 431), ((), None, 200),
                               (("--limit-request-field_size", "65536"), 40 * 1024, 200)):
        env = {"CHUNKED_SESSION_KEY": key, "CHUNKED_SESSION_MAX_SIZE": str(budget or "default")}
        server = Gunicorn(env, args)
        client = HttpDriver("django-gunicorn", server.url)
        try:
            size = 15000 if budget else 5000
            assert client.post(f"/blob/{size}").status == 200
            rv = client.get("/show")
            assert rv.status == want, rv.body
            if want == 200:
                assert rv.json()["blob"] == size
        finally:
            client.close()
            server.close()
