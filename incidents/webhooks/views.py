"""Webhooks administration under /admin/webhooks: administrators only.

security.gate guards the "admin." blueprint by its name; this blueprint is "webhooks", so it refuses everyone but
administrators itself (403), after the gate has sent an administrator without two-step verification to enrol."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ..core.instants import utcnow
from ..errors import DomainError
from ..extensions import db
from ..forms_common import choices
from ..lookup import get_or_404
from ..parties.models import Controller
from ..transaction import refuse
from . import service
from .forms import WebhookForm
from .models import Webhook
from .targets import PRIVATE_TARGET

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


@bp.before_request
def require_admin():
    if current_user.role != "admin":
        abort(403)
    return None


def _controllers() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Controller.id, Controller.name).order_by(Controller.name))
    return [(cid, name) for cid, name in rows]


def _form(**kwargs) -> WebhookForm:
    form = WebhookForm(**kwargs)
    form.controller_id.choices = choices(
        [
            ("", _("The processor itself (%(name)s)", name=current_app.config["PROCESSOR_NAME"])),
            *((str(i), name) for i, name in _controllers()),
        ]
    )
    return form


def _hook(webhook_id: int) -> Webhook:
    return get_or_404(Webhook, webhook_id)


def _message(exc: DomainError) -> str:
    """The service's reason in the user's language."""
    return {
        "invalid_url": _(
            "A webhook URL must start with http:// or https:// and name a host, without spaces, user name or password."
        ),
        "unknown_controller": _("Choose the processor or a controller from the list."),
        "required": _("This field is required."),
        "too_long": _("This text is too long."),
    }.get(exc.code) or exc.translated()


def _index(form: WebhookForm, status: int = 200):
    return render_template("webhooks/index.html", hooks=service.all_webhooks(), form=form), status


@bp.get("/")
def index():
    return _index(_form(formdata=None))


@bp.post("/")
def create():
    form = _form()
    if not form.validate_on_submit():
        return _index(form, 422)
    try:
        hook = service.create_webhook(name=form.name.data, url=form.url.data, controller_id=form.controller_id.data)
    except DomainError as exc:
        refuse()
        target = getattr(form, exc.field or "", None)
        if target is not None:
            target.errors = [*target.errors, _message(exc)]
        else:
            flash(_message(exc), "error")
        return _index(form, 422)
    flash(_("Webhook created. Configure its secret at the receiver to check the signature of every call."), "success")
    return redirect(url_for("webhooks.show", webhook_id=hook.id))


def _error_text(error: str | None) -> str | None:
    """A delivery's error as the page shows it: a refused private address in the user's language."""
    if error and error.startswith(PRIVATE_TARGET + " "):
        return _("Not called: %(address)s is on this machine or a private network.", address=error.split(" ", 1)[1])
    return error


def _show(hook: Webhook, status: int = 200):
    controller = db.session.get(Controller, hook.controller_id) if hook.controller_id else None
    return render_template(
        "webhooks/show.html",
        hook=hook,
        controller=controller,
        deliveries=service.recent_deliveries(hook.id),
        error_text=_error_text,
        now=utcnow(),
    ), status


@bp.get("/<int:webhook_id>")
def show(webhook_id: int):
    return _show(_hook(webhook_id))


@bp.post("/<int:webhook_id>/deactivate")
def deactivate(webhook_id: int):
    hook = _hook(webhook_id)
    if hook.active:
        cancelled = service.deactivate(hook)
        flash(
            ngettext(
                "Webhook deactivated; %(num)d queued call cancelled.",
                "Webhook deactivated; %(num)d queued calls cancelled.",
                cancelled,
            ),
            "success",
        )
    return redirect(url_for("webhooks.show", webhook_id=hook.id))


@bp.post("/<int:webhook_id>/test")
def send_test(webhook_id: int):
    hook = _hook(webhook_id)
    try:
        service.queue_test(hook)
    except DomainError:
        refuse()
        flash(_("This webhook is deactivated: it sends nothing."), "error")
        return _show(hook, 409)
    flash(_("Test call queued; the worker sends it on its next pass."), "success")
    return redirect(url_for("webhooks.show", webhook_id=hook.id))
