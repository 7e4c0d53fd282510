from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import structlog
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..core.instants import utcnow
from ..extensions import db, limiter, login_manager
from . import sessions, twofactor
from .forms import CodeForm, LoginForm
from .models import User
from .service import authenticate, end_every_session, locked, logged_in, register_code_failure, second_factor_passed

bp = Blueprint("auth", __name__)
log = structlog.get_logger("incidents.auth")

login_manager.login_view = "auth.login"
login_manager.login_message = None
PENDING = "pending_2fa"
SESSION_ID = "sid"  # the cookie's name for the session's record on the server (auth/sessions.py)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The cookie carries "<user id>:<session version>" and the id of the session's record on the server: a bumped
    version ends every older session, and the record decides whether this one still lives. When it does not,
    `g.session_ended` says why (for the message of the login page, see security.py)."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        g.session_ended = "ended"
        return None
    record, ended = sessions.check(
        session.get(SESSION_ID),
        user.id,
        lifetime=current_app.permanent_session_lifetime,
        idle=timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]),
    )
    if record is None:
        g.session_ended = ended
        return None
    return user


def home_for(user: User) -> str:
    return url_for("portal.index") if user.role == "controller" else url_for("dashboard.index")


def safe_next(target: str | None, user: User | None = None) -> str:
    """Only a path on this site: no scheme, no host, no '//' or backslash tricks."""
    fallback = home_for(user) if user is not None else url_for("dashboard.index")
    if not target:
        return fallback
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return fallback
    return target


def _finish_login(user: User, target: str | None):
    session.pop(PENDING, None)
    session.permanent = True
    login_user(user)
    logged_in(user)
    session[SESSION_ID] = sessions.start(user)
    log.info("login", user_id=user.id)
    return redirect(safe_next(target, user))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: _login_limit(), methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            if user.totp_enabled:
                session[PENDING] = {
                    "user": user.id,
                    "version": user.session_version,
                    "next": request.args.get("next"),
                    "at": utcnow().timestamp(),
                }
                return redirect(url_for("auth.second_factor"))
            return _finish_login(user, request.args.get("next"))
        log.info("login_failed")
        # One message for an unknown address, a wrong password and a locked account: nothing to enumerate.
        flash(
            _(
                "Unknown e-mail address or wrong password, or the account is locked for a while after too many "
                "attempts."
            ),
            "error",
        )
    return render_template("auth/login.html", form=form)


def _login_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login/2fa", methods=["GET", "POST"])
@limiter.limit(lambda: _login_limit(), methods=["POST"])
def second_factor():
    pending = session.get(PENDING)
    user = db.session.get(User, pending["user"]) if pending else None
    if (
        pending is None
        or user is None
        or user.session_version != pending.get("version")
        or utcnow().timestamp() - pending.get("at", 0) > 300
    ):
        session.pop(PENDING, None)
        flash(_("Log in again."), "error")
        return redirect(url_for("auth.login"))
    if locked(user):
        session.pop(PENDING, None)
        flash(
            _(
                "Unknown e-mail address or wrong password, or the account is locked for a while after too many "
                "attempts."
            ),
            "error",
        )
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if twofactor.check(user, form.code.data):
            second_factor_passed(user)
            return _finish_login(user, pending.get("next"))
        register_code_failure(user)  # wrong codes count towards a lockout of their own, like wrong passwords
        log.info("second_factor_failed", user_id=user.id)
        flash(_("That code is not right (or was used already)."), "error")
    return render_template("auth/second_factor.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    sessions.end(session.get(SESSION_ID))
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/logout/everywhere", methods=["POST"])
def logout_everywhere():
    end_every_session(current_user)
    logout_user()
    session.clear()
    flash(_("You are logged out on every device."), "success")
    return redirect(url_for("auth.login"))
