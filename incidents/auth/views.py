from __future__ import annotations

from urllib.parse import urlsplit

import structlog
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, login_manager
from .forms import LoginForm
from .models import User
from .service import authenticate

bp = Blueprint("auth", __name__)
log = structlog.get_logger("incidents.auth")

login_manager.login_view = "auth.login"
login_manager.login_message = None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no '//' or backslash tricks."""
    if not target:
        return url_for("dashboard.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("dashboard.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            log.info("login", user_id=user.id)
            return redirect(safe_next(request.args.get("next")))
        log.info("login_failed")
        flash(_("Unknown e-mail address or wrong password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"))
