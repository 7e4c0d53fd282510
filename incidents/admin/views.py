"""Administration pages: users and the access log. security.gate refuses every "admin." endpoint to anyone but an
administrator, and sends an administrator without two-step verification to enrol first."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.forms import EditUserForm, UserForm
from ..auth.models import ROLES, User
from ..auth.service import create_user
from ..core.instants import to_local, utcnow
from ..errors import N_, DomainError
from ..extensions import db
from ..filters import InvalidFilters
from ..forms_common import attach_error, choices
from ..labels import ROLE_LABELS
from ..listing import Page, nothing
from ..lookup import get_or_404
from ..parties.models import Controller
from ..profiles import all_profiles
from ..record import service as record_service
from ..regimes import registry as regime_registry
from ..transaction import refuse
from ..validation import parse_id
from . import access_log, profile_versions, service

# The record's chains as the page names them (msgids).
CHAINS = {
    "access_log": N_("Access log"),
    "decisions": N_("Decisions"),
    "documents": N_("Documents sent"),
    "filings": N_("Filings"),
    "severity_assessments": N_("Severity assessments"),
    "timeline_events": N_("Timeline"),
}

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


# --- clause profile versions ---


@bp.get("/profiles")
def profiles():
    return render_template("admin/profiles.html", overview=profile_versions.overview(), configured=all_profiles())


# --- the statutory regimes and the settings that say which bind us ---


@bp.get("/regimes")
def regimes():
    settings = regime_registry.settings()
    return render_template(
        "admin/regimes.html",
        regimes=sorted(regime_registry.all_regimes().values(), key=lambda r: r.key),
        settings=settings,
        binding={r.key for r in regime_registry.binding()},
        language="en" if str(get_locale() or "nl") == "en" else "nl",
    )


# --- the record's integrity ---


@bp.get("/record")
def record():
    return render_template(
        "admin/record.html", heads=record_service.heads(), verifications=record_service.verifications(), words=CHAINS
    )


# --- users ---


def _controllers() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Controller.id, Controller.name).order_by(Controller.name))
    return [(cid, name) for cid, name in rows]


def _prepare(form, controllers: list[tuple[int, str]]):
    form.role.choices = choices((role, ROLE_LABELS[role]) for role in ROLES)
    form.controller_id.choices = choices([("", "—"), *((str(i), name) for i, name in controllers)])
    return form


def _role_and_controller(form) -> tuple[str | None, int | None, bool]:
    """The chosen role and controller, with translated messages at the fields; the flag says whether they hold."""
    role = form.role.data
    raw = (form.controller_id.data or "").strip()
    controller_id = parse_id(raw) if raw else None
    ok = True
    if role not in ROLES:
        form.role.errors = [*form.role.errors, _("Choose a role from the list.")]
        ok = False
    if raw and (controller_id is None or db.session.get(Controller, controller_id) is None):
        form.controller_id.errors = [*form.controller_id.errors, _("Choose a controller from the list.")]
        return role, None, False
    if role == "controller" and controller_id is None:
        form.controller_id.errors = [*form.controller_id.errors, _("A controller user needs a controller.")]
        ok = False
    elif role in ROLES and role != "controller" and controller_id is not None:
        form.controller_id.errors = [
            *form.controller_id.errors,
            _("Only controller users belong to a controller: leave the controller empty for this role."),
        ]
        ok = False
    return role, controller_id, ok


def _users_page(form=None, status: int = 200, problem: tuple[User, list[str]] | None = None):
    controllers = _controllers()
    return render_template(
        "admin/users.html",
        users=service.all_users(),
        controllers=controllers,
        form=form or _prepare(UserForm(formdata=None), controllers),
        roles=ROLES,
        problem=problem,
        now=utcnow(),
    ), status


@bp.route("/users", methods=["GET", "POST"])
def users():
    if request.method == "GET":
        return _users_page()
    form = _prepare(UserForm(), _controllers())
    valid = form.validate_on_submit()
    role, controller_id, chosen = _role_and_controller(form)
    if valid and chosen and role is not None:
        try:
            user = create_user(
                form.email.data,
                role,
                form.password.data,
                name=(form.name.data or "").strip(),
                controller_id=controller_id,
            )
        except DomainError as exc:
            refuse()
            attach_error(form, exc)
        else:
            flash(_("User %(email)s created as %(role)s.", email=user.email, role=ROLE_LABELS[user.role]), "success")
            return redirect(url_for("admin.users"))
    return _users_page(form, 422)


def _target(user_id: int) -> User:
    return get_or_404(User, user_id)


def _refuse(user: User, *messages: str):
    """Nothing changes: the page again, with why, at status 422."""
    refuse()
    return _users_page(status=422, problem=(user, list(messages)))


def _done(message: str):
    flash(message, "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/role")
def change_role(user_id: int):
    user = _target(user_id)
    form = _prepare(EditUserForm(), _controllers())
    valid = form.validate_on_submit()
    role, controller_id, chosen = _role_and_controller(form)
    if not (valid and chosen) or role is None:
        return _refuse(user, *(e for errors in form.errors.values() for e in errors))
    if user.id == current_user.id and role != user.role:
        return _refuse(user, _("You cannot take away your own administrator role. Ask another administrator."))
    try:
        service.change_role(user, role, controller_id, actor=current_user)
    except DomainError as exc:
        return _refuse(user, exc.translated())
    return _done(
        _("%(email)s is now %(role)s. Their open sessions have ended.", email=user.email, role=ROLE_LABELS[user.role])
    )


@bp.post("/users/<int:user_id>/deactivate")
def deactivate(user_id: int):
    user = _target(user_id)
    if user.id == current_user.id:
        return _refuse(user, _("You cannot deactivate your own account. Ask another administrator."))
    if not service.set_active(user, False, actor=current_user):
        return _refuse(user, _("%(email)s is already deactivated.", email=user.email))
    return _done(_("%(email)s is deactivated: they can no longer log in or use their API tokens.", email=user.email))


@bp.post("/users/<int:user_id>/reactivate")
def reactivate(user_id: int):
    user = _target(user_id)
    if not service.set_active(user, True, actor=current_user):
        return _refuse(user, _("%(email)s is already active.", email=user.email))
    return _done(_("%(email)s is active again.", email=user.email))


@bp.post("/users/<int:user_id>/unlock")
def unlock(user_id: int):
    user = _target(user_id)
    service.unlock(user)
    return _done(_("%(email)s is unlocked and can try to log in again.", email=user.email))


@bp.post("/users/<int:user_id>/reset-2fa")
def reset_two_factor(user_id: int):
    user = _target(user_id)
    if user.id == current_user.id:
        return _refuse(user, _("You cannot reset your own two-step verification. Ask another administrator."))
    if not (user.totp_enabled or user.totp_secret):
        return _refuse(user, _("%(email)s has no two-step verification to reset.", email=user.email))
    service.reset_two_factor(user, actor=current_user)
    return _done(_("Two-step verification of %(email)s is reset; they must set it up again.", email=user.email))


# --- the access log ---


def _language() -> str:
    return "en" if str(get_locale() or "nl") == "en" else "nl"


def _headers() -> list[str]:
    return [_(header) for _key, header in access_log.COLUMNS]


def _log_page(errors: list[str], filters=None, page: Page | None = None, status: int = 200):
    people = db.session.execute(select(User.id, User.email).order_by(func.lower(User.email))).all()
    page = page or nothing(access_log.PAGE_SIZE)
    return render_template(
        "admin/access_log.html",
        errors=errors,
        filters=filters,
        page=page,
        rows=page.rows,
        total=page.total,
        pages=page.pages,
        headers=_headers(),
        keys=[key for key, _h in access_log.COLUMNS],
        args=request.args,
        people=people,
        actions=access_log.ACTIONS,
        action_words=access_log.WORDS,
        translate=_,
    ), status


def _translated(exc: InvalidFilters) -> list[str]:
    return [_(e.message, **e.params) for e in exc.errors]


@bp.get("/access-log", endpoint="access_log")
def access_log_page():
    try:
        filters = access_log.parse_filters(request.args)
    except InvalidFilters as exc:
        return _log_page(_translated(exc), status=400)
    return _log_page([], filters, access_log.page(filters))


@bp.get("/access-log.csv")
def access_log_export():
    try:
        filters = access_log.parse_filters(request.args)
    except InvalidFilters as exc:
        return _log_page(_translated(exc), status=400)
    up_to = access_log.last_id()
    lines = access_log.csv_lines(_headers(), access_log.all_rows(filters, up_to), _language(), _)
    name = f"access-log-{to_local(utcnow()).strftime('%Y-%m-%d')}.csv"
    return Response(
        stream_with_context(lines),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
