"""The controller portal. Every route loads the incident through `_mine`, which answers 404 for an incident that
does not touch the user's controller, so nothing of another customer can be reached through an id."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..breaches import service
from ..breaches.forms import DecisionForm
from ..breaches.models import Incident
from ..breaches.service import FilingInput
from ..core.instants import utcnow
from ..drafts.edpb_render import edpb_filename, render_edpb_pdf
from ..drafts.gather import draft_for, edpb_draft_for
from ..drafts.pdf import filename, render_pdf
from ..errors import DomainError
from ..forms_common import choices
from ..lookup import get_or_404
from ..notices import forwards
from ..notices import service as notices
from ..notices.models import Document, OutboxMessage
from ..notices.outbox import wake_pump
from ..notifications import conversation
from ..transaction import after_commit, refuse
from ..web import post_form
from .forms import APFilingForm, ForwardForm, QuestionForm
from .queries import my_incident, my_incidents, touches

bp = Blueprint("portal", __name__, url_prefix="/portal")


@bp.before_request
def require_controller_user():
    if current_user.role != "controller" or current_user.controller_id is None:
        abort(403)
    return None


def _mine(incident_id: int) -> Incident:
    return get_or_404(Incident, incident_id, lambda i: touches(i.id, current_user.controller_id))


def _decision_form(**kwargs) -> DecisionForm:
    form = DecisionForm(prefix="decision", **kwargs)
    form.controller_id.choices = choices([(str(current_user.controller_id), current_user.controller.name)])
    form.maker_function.label.text = _("Your function")  # the person deciding is the user: no name to ask
    return form


@bp.get("/")
def index():
    rows = my_incidents(current_user.controller_id, utcnow())
    # A processor-customer has no AP clock of its own: its duty is to inform its own controllers (AVG art. 33 lid 2).
    onward = (
        {row.incident.id: forwards.onward_duty(row.incident.id, current_user.controller_id) for row in rows}
        if current_user.controller.is_processor
        else None
    )
    return render_template("portal/index.html", rows=rows, onward=onward)


def _page(incident: Incident, status: int = 200, **forms):
    data = my_incident(incident, current_user.controller_id, utcnow())
    forms.setdefault("decision_form", _decision_form(formdata=None))
    forms.setdefault("filing_form", APFilingForm(prefix="ap", formdata=None))
    forms.setdefault("question_form", QuestionForm(prefix="q", formdata=None))
    forms.setdefault("forward_form", ForwardForm(prefix="fwd", formdata=None))
    controller = current_user.controller
    onward = (
        {
            "onward": forwards.onward_duty(incident.id, controller.id),
            "forwards": forwards.forwards_of(incident.id, controller.id),
        }
        if controller.is_processor
        else {}
    )
    return render_template(
        "portal/incident.html",
        incident=incident,
        controller=controller,
        facts=_own_facts(incident),
        now=utcnow(),
        **onward,
        **data,
        **forms,
    ), status


def _own_facts(incident: Incident) -> list[tuple[str, str]]:
    """What this controller is told about the incident: the shared details and its own scope, as in its notice;
    never another controller's figures, the incident-wide totals or the processor's internal note."""
    from flask_babel import get_locale

    from ..core.scope_words import scope_rows
    from ..notices.content import controller_scope, detail_rows

    language = str(get_locale() or "nl")
    return detail_rows(incident.details or {}, language) + scope_rows(
        controller_scope(incident, current_user.controller_id), language
    )


@bp.get("/incidents/<int:incident_id>")
def incident(incident_id: int):
    return _page(_mine(incident_id))


def _apply(incident: Incident, form_name: str, form, action):
    """A form posted from the portal's incident page: back to its section, or the page again with the errors."""
    return post_form(
        form,
        action,
        done=lambda: redirect(url_for("portal.incident", incident_id=incident.id, _anchor=form_name)),
        again=lambda form: _page(incident, 422, **{form_name: form}),
    )


@bp.post("/incidents/<int:incident_id>/decisions")
def decision(incident_id: int):
    incident = _mine(incident_id)

    def act(form):
        service.record_decision(
            incident,
            controller_id=current_user.controller_id,
            notify_ap=form.notify_ap.data,
            reason=form.reason.data,
            inform_data_subjects=form.inform_subjects.data or None,
            data_subjects_ground=form.subjects_ground.data or None,
            processor_informs=bool(form.processor_informs.data),
            decision_maker={"function": form.maker_function.data},
            actor=current_user,
        )
        return _("Decision recorded.")

    return _apply(incident, "decision_form", _decision_form(), act)


@bp.post("/incidents/<int:incident_id>/filings")
def filing(incident_id: int):
    incident = _mine(incident_id)

    def act(form):
        follow_up = form.kind.data == "ap_follow_up"
        service.record_filing(
            incident,
            FilingInput(
                kind=form.kind.data,
                at=form.at.data,
                controller_id=current_user.controller_id,
                reference=form.reference.data,
                note=form.note.data,
                follow_up=form.follow_up.data if follow_up else None,
            ),
            actor=current_user,
        )
        return _("Your filing with the AP is recorded; the processor sees it.")

    return _apply(incident, "filing_form", APFilingForm(prefix="ap"), act)


@bp.post("/incidents/<int:incident_id>/questions")
def question(incident_id: int):
    incident = _mine(incident_id)

    def act(form):
        asked = service.record_event(
            incident, "question", current_user, controller_id=current_user.controller_id, text=form.text.data.strip()
        )
        conversation.question_asked(incident, asked)
        return _("Your question was sent to the processor.")

    return _apply(incident, "question_form", QuestionForm(prefix="q"), act)


@bp.post("/incidents/<int:incident_id>/messages/<int:message_id>/acknowledge")
def acknowledge(incident_id: int, message_id: int):
    incident = _mine(incident_id)
    message = get_or_404(
        OutboxMessage,
        message_id,
        lambda m: m.incident_id == incident.id and m.controller_id == current_user.controller_id,
    )
    try:
        notices.acknowledge(message, message.ack_nonce, current_user.label, channel="portal", actor=current_user)
    except DomainError as exc:
        refuse()
        flash(exc.translated(), "error")
    else:
        flash(_("Receipt confirmed."), "success")
    return redirect(url_for("portal.incident", incident_id=incident.id, _anchor="notices"))


@bp.post("/incidents/<int:incident_id>/documents/<int:document_id>/forward")
def forward(incident_id: int, document_id: int):
    """A processor-customer forwards a notice delivered to it, unchanged, to its own controllers (AVG art. 33 lid 2).
    Only its own controller's notices of this incident: any other document id is a 404 and nothing is written."""
    incident = _mine(incident_id)
    document = get_or_404(
        Document,
        document_id,
        lambda d: d.controller_id == current_user.controller_id and d.incident_id == incident.id and d.kind == "notice",
    )
    if not current_user.controller.is_processor:
        abort(404)

    def act(form):
        found = forwards.forwardable_document(document.id, current_user.controller_id)
        forwards.forward_notice(found, form.recipients.data, current_user, note=form.note.data)
        after_commit(wake_pump)
        return _("The notice is being forwarded; its status is shown below.")

    return _apply(incident, "forward_form", ForwardForm(prefix="fwd"), act)


@bp.get("/documents/<int:document_id>")
def document(document_id: int):
    found = get_or_404(Document, document_id, lambda d: d.controller_id == current_user.controller_id)
    return Response(
        found.sent_bytes(),
        mimetype=found.content_type,
        headers={"X-Content-SHA256": found.sha256, "Content-Disposition": f'attachment; filename="{found.filename}"'},
    )


@bp.get("/incidents/<int:incident_id>/ap-draft")
def ap_draft(incident_id: int):
    incident = _mine(incident_id)
    draft = draft_for(incident, current_user.controller, utcnow(), str(get_locale() or "nl"))
    return render_template(
        "drafts/ap.html",
        incident=incident,
        controller=current_user.controller,
        draft=draft,
        back=url_for("portal.incident", incident_id=incident.id),
        pdf_url=url_for("portal.ap_draft_pdf", incident_id=incident.id),
        edpb_url=url_for("portal.edpb_draft", incident_id=incident.id),
    )


@bp.get("/incidents/<int:incident_id>/ap-draft.pdf")
def ap_draft_pdf(incident_id: int):
    incident = _mine(incident_id)
    draft = draft_for(incident, current_user.controller, utcnow(), str(get_locale() or "nl"))
    return Response(
        render_pdf(draft),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename(draft)}"'},
    )


@bp.get("/incidents/<int:incident_id>/edpb-draft")
def edpb_draft(incident_id: int):
    """The draft in the EDPB common template, from this controller's own facts only."""
    incident = _mine(incident_id)
    draft = edpb_draft_for(incident, current_user.controller, utcnow(), str(get_locale() or "nl"))
    return render_template(
        "drafts/edpb.html",
        incident=incident,
        controller=current_user.controller,
        draft=draft,
        back=url_for("portal.incident", incident_id=incident.id),
        pdf_url=url_for("portal.edpb_draft_pdf", incident_id=incident.id),
    )


@bp.get("/incidents/<int:incident_id>/edpb-draft.pdf")
def edpb_draft_pdf(incident_id: int):
    incident = _mine(incident_id)
    draft = edpb_draft_for(incident, current_user.controller, utcnow(), str(get_locale() or "nl"))
    return Response(
        render_edpb_pdf(draft),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{edpb_filename(draft)}"'},
    )
