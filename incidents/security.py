"""Who may reach which page, and the headers every response carries.

The rules live here, in one place, rather than on each view, so a route added later is covered by default:
anonymous visitors are sent to the login page (from every blueprint's pages but the public ones; the API checks
its own tokens); controller users reach only the portal and their own account; viewers only read; administration
is for administrators, who must have two-step verification switched on before anything else.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_login.config import EXEMPT_METHODS

from .extensions import login_manager

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Reachable without a session (the acknowledgement link carries its own signed token).
PUBLIC = ("static", "auth.login", "auth.second_factor", "notices.acknowledge", "calendar.feed")
# What an administrator without two-step verification may still open: enrolment and logging out.
ENROLMENT = ("account.two_factor", "account.two_factor_confirm", "auth.logout", "auth.logout_everywhere")
CONTROLLER_AREAS = ("portal.", "account.", "auth.", "notifications.")  # notifications: only the user's own
# Pages that are nothing but a form to change data: a viewer (who only reads) is refused them, with our 403 page.
WRITE_PAGES = ("incidents.new", "incidents.scope", "incidents.scopes", "parties.import_csv")


def init_app(app: Flask) -> None:
    from .extensions import limiter

    if app.config.get("PROXY_COUNT"):
        # Behind a reverse proxy: trust its X-Forwarded-* headers, so HTTPS is seen (HSTS, secure cookies) and
        # the access log records the client's address rather than the proxy's.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to wrap its WSGI app
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = str(app.config.get("BASE_URL", "")).startswith("https://")
    limiter.init_app(app)
    app.before_request(gate)
    app.after_request(headers)


def gate():
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC or endpoint.startswith("api."):
        return None
    if not current_user.is_authenticated:
        # As Flask-Login's login_required: to the login page with ?next=, except a CORS preflight (OPTIONS).
        # Every page is in a blueprint; a route on the app itself (none but static) is left alone, as it was when
        # each blueprint had its own login_required hook.
        if request.blueprint is None or request.method in EXEMPT_METHODS or current_app.config.get("LOGIN_DISABLED"):
            return None
        ended = g.pop("session_ended", None)  # the cookie named a session that no longer lives (auth/views.py)
        if ended is None:
            return login_manager.unauthorized()
        logout_user()
        session.clear()
        if ended == "idle":
            flash(_("You were logged out after a period without activity."), "error")
        else:
            flash(_("Your session has ended. Log in again."), "error")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    user = current_user
    if user.role == "admin" and not user.totp_enabled and endpoint not in ENROLMENT:
        flash(_("Administrators must switch on two-step verification first."), "error")
        return redirect(url_for("account.two_factor"))
    if endpoint.startswith("admin.") and user.role != "admin":
        abort(403)
    if user.role == "controller":
        if endpoint == "dashboard.index":
            return redirect(url_for("portal.index"))
        if not endpoint.startswith(CONTROLLER_AREAS):
            abort(403)
    elif endpoint.startswith("portal."):
        abort(403)
    if user.role == "viewer" and endpoint in WRITE_PAGES:
        abort(403)
    if (
        user.role == "viewer"
        and request.method not in ("GET", "HEAD")
        and not endpoint.startswith(("auth.", "account.", "notifications."))
    ):  # marking one's own notifications read is not a write to data
        abort(403)
    return None


def headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure or current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static":
        # Pages and downloads hold health data: never kept by shared caches or the browser's history cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response
