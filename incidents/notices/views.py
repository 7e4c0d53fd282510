from __future__ import annotations

import secrets

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from ..breaches import service as breaches
from ..breaches.affected import is_affected
from ..breaches.lookup import incident_or_404
from ..breaches.models import Incident
from ..breaches.service import FilingInput
from ..core.instants import format_local, iso_z, utcnow
from ..errors import N_, Conflict, DomainError
from ..extensions import db
from ..forms_common import attach_error
from ..i18n import speak
from ..lookup import find, get_or_404
from ..parties.models import Contract, Controller
from ..transaction import after_commit, refuse
from ..validation import parse_id
from ..web import post_form
from . import batches, service
from .ack import AckLinkError, read_token
from .forms import AckForm, BulkForm, ConsultationForm, NoticeForm, ReportForm
from .models import Document, NoticeBatch, OutboxMessage
from .outbox import retry_now, wake_pump

bp = Blueprint("notices", __name__)


def _ids_arg() -> list[int]:
    """Outbox ids from ?ids=1,2,3 (anything that is not an id is ignored)."""
    return [i for i in (parse_id(v) for v in request.args.get("ids", "").split(",")) if i]


def _back(incident: Incident, anchor: str = "notices", controller_id: int | None = None):
    """Back to the page the form was on: the controller's page of the incident, or the incident page."""
    if controller_id is not None and is_affected(incident, controller_id):
        return redirect(
            url_for("incidents.controller", incident_id=incident.id, controller_id=controller_id, _anchor=anchor)
        )
    return redirect(url_for("incidents.show", incident_id=incident.id, _anchor="controllers"))


def _run(incident: Incident, form, action, success: str, anchor: str = "notices", controller_id: object = None):
    """A button on a controller's page (or the incident page): say what happened (or why nothing did) and go back
    to it. Once the request has committed, the outbox is woken for the messages this queued."""
    back_to = controller_id if isinstance(controller_id, int) else parse_id(str(controller_id or ""))

    def act(form):
        outcome = action(form)
        after_commit(wake_pump)
        return outcome if outcome is not None else success

    return post_form(
        form,
        act,
        done=lambda: _back(incident, anchor, back_to),
        again=lambda form: _back(incident, anchor, back_to),
        at_form=False,
    )


def _issued_before(incident: Incident, messages: list[OutboxMessage], now, anchor: str = "notices"):
    """Say so when what was asked for had been issued before (a second click, the same update again within
    minutes) and was returned rather than issued twice; None when it is new."""
    earlier = service.issued_earlier(messages, now)
    if not earlier:
        return None
    when = format_local(max(m.created_at for m in earlier))
    flash(_("This was already issued on %(when)s; it is not sent twice.", when=when), "info")
    return _back(incident, anchor)


@bp.post("/incidents/<int:incident_id>/notices")
def send(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        now = utcnow()
        messages = service.issue_idempotently(
            service.issue_notices,
            incident,
            controller_ids=[parse_id(form.controller_id.data)],
            version=form.version.data,
            next_update=form.next_update.data,
            actor=current_user,
            now=now,
        )
        return _issued_before(incident, messages, now)

    return _run(
        incident,
        NoticeForm(),
        act,
        _("Notice generated and queued for e-mail."),
        controller_id=request.form.get("controller_id"),
    )


@bp.post("/incidents/<int:incident_id>/notices/all")
def send_all(incident_id: int):
    """An initial notice to every affected controller not yet notified: queued here, rendered and sent by the
    worker; the answer is the batch's progress page."""
    incident = incident_or_404(incident_id)

    def act(form):
        pending = service.not_yet_notified(incident)
        if not pending:
            flash(_("Every affected controller already has an initial notice."), "info")
            return _back(incident)
        return queued(incident, pending, version="initial", form=form, token=form.token.data or secrets.token_hex(16))

    return _run(incident, BulkForm(), act, _("Notices queued."))


@bp.post("/incidents/<int:incident_id>/notices/final-all")
def send_final_all(incident_id: int):
    """After a dismissal: the final notice that the suspicion proved unfounded to every controller who was told of
    it, queued as a batch (only those: the others never heard of it)."""
    incident = incident_or_404(incident_id)

    def act(form):
        if incident.status != "dismissed":
            raise Conflict(
                N_("only a dismissed incident is closed with the notice that the suspicion proved unfounded"),
                code="not_dismissed",
            )
        told = sorted(service.told_controllers(incident))
        if not told:
            flash(_("No controller was told of this incident: there is nobody to send a final notice to."), "info")
            return _back(incident)
        return queued(incident, told, version="final", form=form, token=form.token.data or secrets.token_hex(16))

    return _run(incident, BulkForm(), act, _("Notices queued."))


def queued(incident: Incident, controller_ids: list[int], *, version: str, form, token: object) -> WerkzeugResponse:
    """Queue a batch of notices (a BulkForm's next-update text and `token`), say how many, and go to its progress
    page: for "notify all" here and for the incident page's list (casefile/bulk.py)."""
    batch = batches.queue_batch(
        incident,
        controller_ids,
        version=version,
        next_update=form.next_update.data,
        token=token,
        actor=current_user,
    )
    flash(
        ngettext(
            "%(num)d notice queued: the worker makes and sends it now.",
            "%(num)d notices queued: the worker makes and sends them now.",
            batch.total,
        ),
        "success",
    )
    return redirect(url_for("notices.batch", incident_id=incident.id, batch_id=batch.id))


@bp.get("/incidents/<int:incident_id>/notices/batches/<int:batch_id>")
def batch(incident_id: int, batch_id: int):
    incident = incident_or_404(incident_id)
    found = get_or_404(NoticeBatch, batch_id, lambda b: b.incident_id == incident.id)
    problems = db.session.execute(
        select(OutboxMessage, Controller.name)
        .join(Controller, Controller.id == OutboxMessage.controller_id)
        .where(OutboxMessage.batch_id == found.id, OutboxMessage.status.in_(("retrying", "failed")))
        .order_by(OutboxMessage.id)
        .limit(100)
    ).all()
    return render_template(
        "notices/batch.html", incident=incident, batch=found, counts=batches.progress(found), problems=problems
    )


@bp.get("/incidents/<int:incident_id>/notices/batches/<int:batch_id>.json")
def batch_status(incident_id: int, batch_id: int):
    incident = incident_or_404(incident_id)
    found = get_or_404(NoticeBatch, batch_id, lambda b: b.incident_id == incident.id)
    counts = batches.progress(found)
    return jsonify({"total": found.total, "counts": counts, "done": batches.finished(counts)})


@bp.get("/incidents/<int:incident_id>/notices/progress")
def progress(incident_id: int):
    incident = incident_or_404(incident_id)
    ids = _ids_arg()
    rows = _outbox_rows(incident, ids)
    return render_template("notices/progress.html", incident=incident, rows=rows, ids=",".join(map(str, ids)))


def _outbox_rows(incident: Incident, ids: list[int] | None = None):
    query = (
        select(OutboxMessage, Controller.name)
        .join(Controller, Controller.id == OutboxMessage.controller_id)
        .where(OutboxMessage.incident_id == incident.id)
        .order_by(OutboxMessage.id)
    )
    if ids:
        query = query.where(OutboxMessage.id.in_(ids))
    return db.session.execute(query).all()


@bp.get("/incidents/<int:incident_id>/outbox.json")
def outbox_status(incident_id: int):
    incident = incident_or_404(incident_id)
    return jsonify(
        {
            "outbox": [
                {
                    "id": m.id,
                    "controller": name,
                    "status": m.status,
                    "attempts": m.attempts,
                    "smtp_reply": m.smtp_reply,
                    "last_error": m.last_error,
                    "sent_at": iso_z(m.sent_at),
                }
                for m, name in _outbox_rows(incident, _ids_arg())
            ]
        }
    )


@bp.post("/incidents/<int:incident_id>/outbox/<int:message_id>/retry")
def retry(incident_id: int, message_id: int):
    incident = incident_or_404(incident_id)
    message = get_or_404(OutboxMessage, message_id, lambda m: m.incident_id == incident.id)

    def act(form):
        retry_now(message)

    return _run(
        incident, BulkForm(), act, _("The message will be sent again now."), controller_id=message.controller_id
    )


@bp.post("/incidents/<int:incident_id>/report")
def report(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        now = utcnow()
        message = service.issue_idempotently(
            service.issue_report,
            incident,
            parse_id(form.controller_id.data),
            {
                "what_happened": form.what_happened.data,
                "cause": form.cause.data,
                "response": form.response.data,
                "follow_up": form.follow_up.data,
            },
            actor=current_user,
            now=now,
        )
        return _issued_before(incident, [message], now, "report")

    return _run(
        incident,
        ReportForm(prefix="report"),
        act,
        _("Investigation report generated and queued for e-mail."),
        "report",
        controller_id=request.form.get("report-controller_id"),
    )


@bp.post("/incidents/<int:incident_id>/consultation")
def consultation(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        breaches.record_filing(
            incident,
            FilingInput(
                kind="controller_consultation",
                at=form.at.data,
                contract_id=parse_id(form.contract_id.data),
                reference=None,
                note=f"{form.with_whom.data}: {form.agreements.data}",
                details={"with_whom": form.with_whom.data, "agreements": form.agreements.data},
            ),
            actor=current_user,
        )

    contract = find(Contract, parse_id(request.form.get("consult-contract_id")))
    return _run(
        incident,
        ConsultationForm(prefix="consult"),
        act,
        _("Consultation recorded."),
        "consultation",
        controller_id=contract.controller_id if contract is not None else None,
    )


@bp.get("/documents/<int:document_id>")
def document(document_id: int):
    found = get_or_404(Document, document_id)
    return Response(
        found.sent_bytes(),
        mimetype=found.content_type,
        headers={
            "X-Content-SHA256": found.sha256,
            "Cache-Control": "private, no-store",
            "Content-Disposition": f'attachment; filename="{found.filename}"',
        },
    )


# --- the controller's side: no login, a signed link ---


def _message_for(token: str) -> tuple[OutboxMessage | None, str | None, str]:
    try:
        message_id, nonce = read_token(token)
    except AckLinkError as exc:
        return None, None, exc.reason
    message = find(OutboxMessage, message_id)
    if message is None or message.ack_nonce != nonce:
        return None, None, "forged"
    return message, nonce, ""


def _ap_due(incident: Incident, controller: Controller):
    """The controller's own deadline to notify the AP for this incident, while it runs (the ack page reminds them)."""
    from sqlalchemy import func, select

    from ..breaches.models import Obligation

    return db.session.scalar(
        select(func.min(Obligation.due_at)).where(
            Obligation.incident_id == incident.id,
            Obligation.controller_id == controller.id,
            Obligation.kind == "ap_notification",
            Obligation.status == "running",
        )
    )


@bp.route("/ack/<token>", methods=["GET", "POST"])
def acknowledge(token: str):
    message, nonce, problem = _message_for(token)
    if message is None or nonce is None:  # exactly when there is a problem
        return render_template("notices/ack.html", problem=problem), 410 if problem == "expired" else 404
    incident = db.session.get(Incident, message.incident_id)
    controller = db.session.get_one(Controller, message.controller_id)  # an acknowledged notice has a controller
    document_row = db.session.get(Document, message.document_id)
    speak(controller.language)
    ap_due = _ap_due(incident, controller) if incident else None
    existing = service.acknowledgement(message)
    form = AckForm()
    refused = None
    if existing is None and form.validate_on_submit():
        try:
            existing = service.acknowledge(message, nonce, form.name.data, now=utcnow())
        except DomainError as exc:
            refuse()
            attach_error(form, exc)
            refused = exc.status
        else:
            return render_template(
                "notices/ack.html",
                done=existing,
                incident=incident,
                controller=controller,
                document=document_row,
                just_now=True,
                ap_due=ap_due,
            )
    if existing is not None and request.method == "POST":
        return render_template(
            "notices/ack.html",
            done=existing,
            incident=incident,
            controller=controller,
            document=document_row,
            reused=True,
            ap_due=ap_due,
        ), 409
    status = refused or (422 if form.errors else 200)
    return render_template(
        "notices/ack.html",
        form=form,
        done=existing,
        incident=incident,
        controller=controller,
        document=document_row,
        ap_due=ap_due,
    ), status
