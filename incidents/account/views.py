from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import totp, twofactor
from ..auth.forms import CodeForm, EnrolForm, PasswordForm, TokenForm
from ..auth.models import ApiToken
from ..auth.service import change_password, create_token, revoke_token, tokens_of
from ..core.instants import utcnow
from ..errors import DomainError
from ..forms_common import attach_error
from ..lookup import get_or_404
from ..transaction import refuse
from .qr import qr_svg

bp = Blueprint("account", __name__, url_prefix="/account")
SHOWN_CODES = "recovery_codes_once"


@bp.get("/")
def index():
    return render_template(
        "account/index.html",
        password_form=PasswordForm(prefix="pw"),
        disable_form=CodeForm(prefix="off"),
        codes=session.pop(SHOWN_CODES, None),
    )


@bp.post("/password")
def password():
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors = [_("This is not your current password.")]
        else:
            try:
                change_password(current_user, form.new.data)
            except DomainError as exc:
                refuse()
                attach_error(form, type(exc)(exc.msgid, "new", exc.code, exc.params))
            else:
                flash(_("Password changed. Other sessions have been logged out; log in again."), "success")
                return redirect(url_for("auth.login"))
    return render_template(
        "account/index.html", password_form=form, disable_form=CodeForm(prefix="off"), codes=None
    ), 422


@bp.route("/two-factor", methods=["GET"])
def two_factor():
    if current_user.totp_enabled:
        return redirect(url_for("account.index"))
    secret = twofactor.start_enrolment(current_user)
    return _enrolment_page(secret, EnrolForm())


def _enrolment_page(secret: str, form: EnrolForm):
    uri = totp.provisioning_uri(secret, current_user.email)
    qr = qr_svg(uri, _("QR code to scan with your authenticator app"))
    return render_template("account/two_factor.html", secret=secret, form=form, uri=uri, qr=qr)


@bp.post("/two-factor")
def two_factor_confirm():
    if current_user.totp_enabled:
        return redirect(url_for("account.index"))
    form = EnrolForm()
    codes = twofactor.confirm_enrolment(current_user, form.code.data or "") if form.validate_on_submit() else None
    if codes is None:
        refuse()
        form.code.errors = [*form.code.errors, _("That code is not right; check the time on your phone.")]
        return _enrolment_page(current_user.totp_secret, form), 422
    # The session version changed (other sessions end); keep this one.
    from flask_login import login_user

    login_user(current_user._get_current_object())  # the user, not the proxy: Flask-Login stores what it gets
    session[SHOWN_CODES] = codes
    flash(_("Two-step verification is on. Keep your recovery codes somewhere safe: they are shown once."), "success")
    return redirect(url_for("account.index"))


@bp.post("/two-factor/off")
def two_factor_off():
    form = CodeForm(prefix="off")
    if current_user.role == "admin":
        flash(_("Administrators cannot switch off two-step verification."), "error")
        return redirect(url_for("account.index"))
    if form.validate_on_submit() and twofactor.check(current_user, form.code.data):
        twofactor.disable(current_user)
        flash(_("Two-step verification is off."), "success")
        return redirect(url_for("account.index"))
    refuse()
    flash(_("That code is not right (or was used already)."), "error")
    return redirect(url_for("account.index"))


@bp.post("/two-factor/recovery-codes")
def recovery_codes():
    if not current_user.totp_enabled:
        abort(409)
    session[SHOWN_CODES] = twofactor.new_recovery_codes(current_user)
    flash(_("New recovery codes made; the old ones no longer work."), "success")
    return redirect(url_for("account.index"))


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    form = TokenForm()
    created = None
    status = 200
    if form.is_submitted():
        if form.validate():
            _row, created = create_token(current_user.email, form.name.data, form.expires_days.data)
            form = TokenForm(formdata=None)
        else:
            status = 422
    return render_template(
        "account/tokens.html", form=form, created=created, tokens=tokens_of(current_user), now=utcnow()
    ), status


@bp.post("/tokens/<int:token_id>/revoke")
def revoke(token_id: int):
    token = get_or_404(ApiToken, token_id, lambda t: t.user_id == current_user.id)
    revoke_token(token)
    flash(_("Token revoked: it no longer works."), "success")
    return redirect(url_for("account.tokens"))
