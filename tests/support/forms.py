"""CSRF tokens, form posts and logging in, always through the real pages and forms."""

from __future__ import annotations

import re
from collections.abc import Callable


def csrf_from(page, name: str = "csrf_token", where: str = "the page") -> str:
    """The hidden CSRF token of a page: a response, or its HTML."""
    html = page if isinstance(page, str) else page.get_data(as_text=True)
    match = re.search(r'name="' + re.escape(name) + r'"[^>]*value="([^"]+)"', html)
    status = "" if isinstance(page, str) else f" ({page.status_code})"
    assert match, f"no {name} on {where}{status}"
    return match.group(1)


def csrf_token(client, url: str) -> str:
    """The CSRF token of the client's session, from the page at ``url``."""
    return csrf_from(client.get(url), where=url)


def post_form(client, url: str, data: dict | None = None, token_from: str = "/account/"):
    """POST a form with a CSRF token taken from ``token_from`` (a page of the same session)."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, token_from)})


def login_response(client, email: str, password: str, *, next_: str | None = None, token_from: str = "/login"):
    """POST the real login form (with its CSRF token) and return the response, not followed: for the tests of
    refused logins."""
    return client.post(
        "/login",
        query_string={"next": next_} if next_ is not None else None,
        data={"email": email, "password": password, "csrf_token": csrf_token(client, token_from)},
    )


def second_factor(client, code: str):
    """POST the real code form of the login's second step (with its CSRF token); the response, not followed."""
    return client.post("/login/2fa", data={"code": code, "csrf_token": csrf_token(client, "/login/2fa")})


def log_in(
    client, email: str, password: str, *, code: str | Callable[[], str] | None = None, token_from: str = "/login"
):
    """Log in through the real pages: the password form, then, when the account asks for it, the code form (``code``:
    the code, or a function that makes one). Asserts that it worked; returns the last response."""
    response = login_response(client, email, password, token_from=token_from)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if response.headers["Location"].endswith("/login/2fa"):
        assert code is not None, f"{email} has two-step verification switched on: give a code"
        response = second_factor(client, code() if callable(code) else code)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert not response.headers["Location"].endswith(("/login", "/login/2fa")), response.headers["Location"]
    return response


def log_incident(client, data: dict, url: str = "/incidents/new"):
    """The intake form (or "add contracts" with its url) through its real steps: "check the selection" shows the
    confirmation page, then "save" posts the same input with the digest of the set that page showed. Returns the
    response of the save, not followed."""
    token = csrf_token(client, url)
    review = client.post(url, data={**data, "csrf_token": token, "step": "review"})
    assert review.status_code == 200, review.get_data(as_text=True)[:3000]
    digest = csrf_from(review, "digest", where=f"the confirmation of {url}")
    return client.post(url, data={**data, "csrf_token": token, "step": "save", "digest": digest})
