"""The incident pages of processor staff: the list, intake, and the incident page with the forms posted from it.
Each view parses, calls the owning feature's service and renders; the request commits (see `transaction.py`)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..breaches import service
from ..breaches.assessment import record_severity
from ..breaches.forms import DecisionForm
from ..breaches.lookup import incident_or_404
from ..breaches.models import INCIDENT_STATUSES, Incident, TimelineEvent
from ..breaches.service import FilingInput
from ..core.fields import FIELD_KEYS
from ..core.instants import utcnow
from ..errors import ValidationFailed
from ..forms_common import choices
from ..labels import BAND_LABELS
from ..lookup import get_or_404
from ..notifications import conversation
from ..portal.forms import AnswerForm
from ..portal.queries import questions
from ..profiles import all_profiles
from ..validation import parse_id
from ..web import post_form
from .forms import (
    AddContractsForm,
    ConfirmForm,
    DetailsForm,
    DismissForm,
    FieldsForm,
    FilingForm,
    IntakeForm,
    SeverityForm,
)
from .lists import contract_ids_of_profiles, contract_rows, incident_list, parse_references
from .logged import logged_message
from .page import incident_page
from .page_forms import page_forms, scope_section

bp = Blueprint("incidents", __name__, url_prefix="/incidents")


def _picked_ids() -> list[int]:
    return [i for i in (parse_id(v) for v in request.form.getlist("contract_ids")) if i is not None]


@bp.get("/")
def index():
    status = request.args.get("status")
    shown = incident_list(status if status in INCIDENT_STATUSES else None)
    return render_template("incidents/index.html", incidents=shown, status=status)


def _picker_context() -> dict:
    return {"contract_rows": contract_rows(), "profiles": all_profiles()}


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = IntakeForm()
    form.profiles.choices = choices((k, p.title) for k, p in all_profiles().items())

    def act(form):
        ids, unknown = parse_references(form.references.data)
        if unknown:
            raise ValidationFailed(
                _("Unknown contract references: %(refs)s", refs=", ".join(unknown[:20])), "references"
            )
        if form.profiles.data:
            ids += contract_ids_of_profiles(form.profiles.data)
        incident = service.create_incident(
            title=form.title.data,
            description=form.description.data or "",
            aware_at=form.aware_at.data,
            status=form.status.data,
            confirmed_at=form.confirmed_at.data if form.status.data == "confirmed" else None,
            contract_ids=list(dict.fromkeys(_picked_ids() + ids)),
            actor=current_user,
        )
        flash(logged_message(incident), "success")
        return redirect(url_for("incidents.show", incident_id=incident.id))

    if request.method == "GET":
        return render_template("incidents/new.html", form=form, picked=set(), **_picker_context())
    return post_form(
        form,
        act,
        again=lambda form: (
            render_template("incidents/new.html", form=form, picked=set(_picked_ids()), **_picker_context()),
            422,
        ),
        summary=False,  # the intake page sums the form's errors up itself
    )


def _render(incident: Incident, status: int = 200, **posted):
    page = incident_page(incident, utcnow())
    return render_template(
        "incidents/show.html",
        incident=incident,
        now=utcnow(),
        questions=questions(incident.id),
        **scope_section(incident),
        **page,
        **page_forms(incident, page, posted),
    ), status


@bp.get("/<int:incident_id>")
def show(incident_id: int):
    return _render(incident_or_404(incident_id))[0]


def _apply(incident: Incident, form_name: str, form, action):
    """A form posted from the incident page: back to its section, or the page again with the form's errors."""
    return post_form(
        form,
        action,
        done=lambda: redirect(url_for("incidents.show", incident_id=incident.id, _anchor=form_name)),
        again=lambda form: _render(incident, 422, **{form_name: form}),
    )


@bp.post("/<int:incident_id>/fields")
def fields(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        service.update_incident(
            incident, fields={k: getattr(form, k).data or "" for k in FIELD_KEYS}, actor=current_user
        )
        return _("Fields saved.")

    return _apply(incident, "fields_form", FieldsForm(prefix="f"), act)


@bp.post("/<int:incident_id>/details")
def details(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        service.update_incident(incident, details=form.values(), actor=current_user)
        return _("Details for the AP saved.")

    return _apply(incident, "details_form", DetailsForm(prefix="d"), act)


@bp.post("/<int:incident_id>/questions/<int:question_id>/answer")
def answer(incident_id: int, question_id: int):
    """The processor answers a controller user's question; the answer is kept in the timeline next to it."""
    incident = incident_or_404(incident_id)
    asked = get_or_404(
        TimelineEvent, question_id, lambda event: event.incident_id == incident.id and event.kind == "question"
    )
    form = AnswerForm(prefix=f"a{question_id}")
    if form.validate_on_submit():
        answered = service.record_event(
            incident,
            "answer",
            current_user,
            question_id=asked.id,
            controller_id=asked.details.get("controller_id"),
            text=form.text.data.strip(),
        )
        conversation.answer_given(incident, answered)
        flash(_("Answer sent."), "success")
    else:
        flash(_("Nothing was saved: the answer is empty or too long."), "error")
    return redirect(url_for("incidents.show", incident_id=incident.id, _anchor="questions"))


@bp.post("/<int:incident_id>/confirm")
def confirm(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        service.confirm(incident, form.confirmed_at.data, actor=current_user)
        return _("Breach confirmed; the contract clocks that wait for confirmation are running.")

    return _apply(incident, "confirm_form", ConfirmForm(prefix="confirm"), act)


@bp.post("/<int:incident_id>/dismiss")
def dismiss(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        service.dismiss(incident, form.reason.data, actor=current_user)
        return _("Incident dismissed; its open obligations have ended.")

    return _apply(incident, "dismiss_form", DismissForm(prefix="dismiss"), act)


@bp.post("/<int:incident_id>/contracts")
def add_contracts(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        ids, unknown = parse_references(form.references.data)
        if unknown:
            raise ValidationFailed(
                _("Unknown contract references: %(refs)s", refs=", ".join(unknown[:20])), "references"
            )
        added = service.add_contracts(incident, ids, actor=current_user)
        return ngettext("%(num)d contract added.", "%(num)d contracts added.", len(added))

    return _apply(incident, "contracts_form", AddContractsForm(prefix="add"), act)


@bp.post("/<int:incident_id>/filings")
def filings(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        ap = form.kind.data in ("ap_notification", "ap_follow_up")
        service.record_filing(
            incident,
            FilingInput(
                kind=form.kind.data,
                at=form.at.data,
                contract_id=None if ap else parse_id(form.contract_id.data),
                controller_id=parse_id(form.controller_id.data) if ap else None,
                channel=None if ap else form.channel.data,
                reference=form.reference.data,
                note=form.note.data,
                follow_up=form.follow_up.data if form.kind.data == "ap_follow_up" else None,
            ),
            actor=current_user,
        )
        return _("Filing recorded.")

    return _apply(incident, "filing_form", FilingForm(prefix="filing"), act)


@bp.post("/<int:incident_id>/severity")
def severity(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        row = record_severity(
            incident,
            {
                "data_types": form.data_types.data,
                "dpc_adjustment": int(form.dpc_adjustment.data or 0),
                "identification": form.identification.data,
                "confidentiality": form.confidentiality.data,
                "integrity": form.integrity.data,
                "availability": form.availability.data,
                "malicious": bool(form.malicious.data),
                "note": form.note.data,
            },
            actor=current_user,
            controller_id=parse_id(form.controller_id.data),
        )
        return _("Severity assessed: %(se)s (%(band)s).", se=f"{row.se:g}", band=BAND_LABELS[row.band])

    return _apply(incident, "severity_form", SeverityForm(prefix="sev"), act)


def _maker(form) -> dict | None:
    """The decision maker as the service takes it; None when nothing was filled in (the service refuses that)."""
    values = {"name": form.maker_name.data, "function": form.maker_function.data, "via": form.maker_via.data or None}
    return values if any(values.values()) else None


@bp.post("/<int:incident_id>/decisions")
def decisions(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        if not (form.maker_name.data or "").strip():
            raise ValidationFailed(_("Record who at the controller took this decision."), "maker_name")
        if not form.maker_via.data:
            raise ValidationFailed(_("Record how the controller told you of its decision."), "maker_via")
        service.record_decision(
            incident,
            controller_id=parse_id(form.controller_id.data),
            notify_ap=form.notify_ap.data,
            reason=form.reason.data,
            inform_data_subjects=form.inform_subjects.data or None,
            data_subjects_ground=form.subjects_ground.data or None,
            decision_maker=_maker(form),
            actor=current_user,
        )
        return _("Decision recorded.")

    return _apply(incident, "decision_form", DecisionForm(prefix="decision"), act)
