"""GET /intake (messages awaiting review), GET /intake/<id> (one message), GET /intake/<id>/original.eml,
POST /intake/<id>/accept, POST /intake/<id>/reject. For processor staff (security.py keeps controller users out;
viewers read but never post)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.fields import MAX_TITLE_LENGTH
from ..core.inbound import summarise
from ..lookup import find
from ..web import post_form
from . import service
from .forms import AcceptForm, RejectForm
from .models import InboundMessage

bp = Blueprint("intake", __name__, url_prefix="/intake")


def message_or_404(message_id: int) -> InboundMessage:
    message = find(InboundMessage, message_id)  # an id no column can hold is no row, never sent to the database
    if message is None:
        abort(404)
    return message


@bp.get("/")
def index():
    page = min(max(request.args.get("page", default=1, type=int) or 1, 1), 1_000_000)
    rows, older = service.page_of_pending(page)
    return render_template("intake/index.html", rows=rows, page=page, older=older, pending=service.pending_count())


def _page(message: InboundMessage, accept_form=None, reject_form=None, status: int = 200):
    summary = summarise(message.original())
    if accept_form is None:
        accept_form = AcceptForm(prefix="accept", formdata=None)
        accept_form.title.data = (message.subject or _("Suspected breach reported by e-mail"))[:MAX_TITLE_LENGTH]
    return (
        render_template(
            "intake/show.html",
            message=message,
            summary=summary,
            review=service.review_of(message),
            accept_form=accept_form,
            reject_form=reject_form or RejectForm(prefix="reject", formdata=None),
        ),
        status,
    )


@bp.get("/<int:message_id>")
def show(message_id: int):
    return _page(message_or_404(message_id))


@bp.get("/<int:message_id>/original.eml")
def original(message_id: int):
    """The message exactly as received (its SHA-256 is the one shown), as a download: never shown inline."""
    message = message_or_404(message_id)
    return (
        message.original(),
        200,
        {
            "Content-Type": "message/rfc822",
            "Content-Disposition": f'attachment; filename="bericht-{message.id}.eml"',
            "X-Content-SHA256": message.sha256,
        },
    )


@bp.post("/<int:message_id>/accept")
def accept(message_id: int):
    message = message_or_404(message_id)
    created = {}

    def act(form):
        created["incident"] = service.accept(message, form.title.data, actor=current_user)
        return _("Accepted: a suspected incident was logged, aware at the message's arrival.")

    return post_form(
        AcceptForm(prefix="accept"),
        act,
        again=lambda form: _page(message, accept_form=form, status=422),
        done=lambda: redirect(url_for("incidents.show", incident_id=created["incident"].id)),
    )


@bp.post("/<int:message_id>/reject")
def reject(message_id: int):
    message = message_or_404(message_id)

    def act(form):
        service.reject(message, form.reason.data, actor=current_user)
        return _("Rejected: the message stays stored with the reason.")

    return post_form(
        RejectForm(prefix="reject"),
        act,
        again=lambda form: _page(message, reject_form=form, status=422),
        done=lambda: redirect(url_for("intake.index")),
    )


def pending_for_current_user() -> int:
    """The nav's number: counted only when a page shows it, and only for processor staff."""
    if not current_user or not current_user.is_authenticated or current_user.role == "controller":
        return 0
    return service.pending_count()


@bp.app_context_processor
def inject_pending_count():
    return {"intake_pending": pending_for_current_user}
