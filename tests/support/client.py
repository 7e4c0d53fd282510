"""The request-scoped test client."""

from __future__ import annotations

from flask.testing import FlaskClient

from .forms import csrf_from


class RequestScopedClient(FlaskClient):
    """Runs every request in an application context of its own, as a server does.

    A test keeps one application context open for its whole run; a plain test client's requests share it, and with
    it ``flask.g`` (Flask-Login's cached user, the API caller, Flask-WTF's CSRF token) and the database session.
    With this client nothing carries over from one request to the next, so several clients can be logged in as
    different people at once. Responses are buffered, so a streamed body is read while its context still exists."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf(self, url: str = "/account/") -> str:
        """The CSRF token of this client's session, read from a page of the site."""
        return csrf_from(self.get(url))

    def post_form(self, url: str, data: dict | None = None, token_page: str = "/account/"):
        """A form POST with the session's CSRF token, as the browser sends it."""
        return self.post(url, data={"csrf_token": self.csrf(token_page), **(data or {})})
