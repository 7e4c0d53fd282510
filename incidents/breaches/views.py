from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core.fields import FIELD_KEYS
from ..core.instants import parse_instant, utcnow
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..forms_common import attach_error, choices
from ..labels import BAND_LABELS
from ..lookup import get_or_404
from ..parties.models import Contract, Controller
from ..profiles import all_profiles
from ..transaction import refuse
from ..validation import parse_id
from . import service
from .assessment import record_severity, severity_history
from .forms import (
    AddContractsForm,
    ConfirmForm,
    DecisionForm,
    DetailsForm,
    DismissForm,
    FieldsForm,
    FilingForm,
    IntakeForm,
    SeverityForm,
)
from .models import INCIDENT_STATUSES, Incident, TimelineEvent
from .queries import incident_page

bp = Blueprint("breaches", __name__, url_prefix="/incidents")


def incident_or_404(incident_id: int) -> Incident:
    return get_or_404(Incident, incident_id)


def parse_references(text: str) -> tuple[list[int], list[str]]:
    """Contract ids for pasted references (one per line, or separated by commas or semicolons)."""
    wanted = [r for r in re.split(r"[\s,;]+", text or "") if r]
    if not wanted:
        return [], []
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start:start + 5000]
        found.update(dict(db.session.execute(
            select(Contract.reference, Contract.id).where(Contract.reference.in_(chunk))).all()))
    unknown = [r for r in dict.fromkeys(wanted) if r not in found]
    return [found[r] for r in wanted if r in found], unknown


def _picked_ids() -> list[int]:
    return [i for i in (parse_id(v) for v in request.form.getlist("contract_ids")) if i is not None]


@bp.get("/")
def index():
    status = request.args.get("status")
    query = select(Incident).order_by(Incident.aware_at.desc())
    if status in INCIDENT_STATUSES:
        query = query.where(Incident.status == status)
    return render_template("incidents/index.html", incidents=db.session.scalars(query).all(), status=status)


def _picker_context() -> dict:
    rows = db.session.execute(
        select(Contract, Controller.name).join(Controller).order_by(Controller.name, Contract.reference)
    ).all()
    return {"contract_rows": rows, "profiles": all_profiles()}


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = IntakeForm()
    form.profiles.choices = choices((k, p.title) for k, p in all_profiles().items())
    picked = set(_picked_ids())
    if form.validate_on_submit():
        ids, unknown = parse_references(form.references.data)
        if unknown:
            form.references.errors.append(_("Unknown contract references: %(refs)s", refs=", ".join(unknown[:20])))
        else:
            if form.profiles.data:
                ids += list(db.session.scalars(select(Contract.id).where(Contract.profile_key.in_(form.profiles.data))))
            ids = list(dict.fromkeys(_picked_ids() + ids))
            try:
                incident = service.create_incident(
                    title=form.title.data, description=form.description.data or "", aware_at=form.aware_at.data,
                    status=form.status.data,
                    confirmed_at=form.confirmed_at.data if form.status.data == "confirmed" else None,
                    contract_ids=ids, actor=current_user,
                )
            except DomainError as exc:
                refuse()
                attach_error(form, exc)
            else:
                flash(_("Incident %(ref)s logged; the clocks are running.", ref=incident.reference), "success")
                return redirect(url_for("breaches.show", incident_id=incident.id))
    status = 422 if request.method == "POST" else 200
    return render_template("incidents/new.html", form=form, picked=picked, **_picker_context()), status


def _forms(incident: Incident, page: dict) -> dict:
    # formdata=None: only the form that was posted binds to the request; the others show current values.
    fields_form = FieldsForm(prefix="f", data=dict(incident.fields or {}), formdata=None)
    details_form = DetailsForm(prefix="d", formdata=None, data=_details_data(incident))
    filing = FilingForm(prefix="filing", formdata=None)
    decision = DecisionForm(prefix="decision", formdata=None)
    contracts = [(str(c.id), f"{c.reference} · {g.controller.name}") for g in page["groups"] for c, _m in g.contracts]
    controllers = [(str(g.controller.id), g.controller.name) for g in page["groups"]]
    filing.contract_id.choices = choices(contracts)
    filing.controller_id.choices = choices(controllers)
    decision.controller_id.choices = choices(controllers)
    severity_form = SeverityForm(prefix="sev", formdata=None)
    severity_form.controller_id.choices = choices([("", _("the whole incident")), *controllers])
    from ..notices.forms import BulkForm, ConsultationForm, NoticeForm, ReportForm

    notice_form = NoticeForm(formdata=None)
    notice_form.controller_id.choices = choices(controllers)
    values = incident.fields or {}
    report_form = ReportForm(prefix="report", formdata=None, data={
        "what_happened": "\n\n".join(v for v in (incident.description, values.get("nature")) if v),
        "cause": values.get("cause", ""), "response": values.get("measures", "")})
    report_form.controller_id.choices = choices(controllers)
    consult_form = ConsultationForm(prefix="consult", formdata=None)
    consult_form.contract_id.choices = choices(
        (str(c.id), f"{c.reference} · {c.profile_key}") for c in page["consult_contracts"])
    return {"notice_form": notice_form, "bulk_form": BulkForm(formdata=None), "report_form": report_form,
            "consult_form": consult_form, "severity_form": severity_form,
            "severities": severity_history(incident.id),
            "fields_form": fields_form, "confirm_form": ConfirmForm(prefix="confirm", formdata=None),
            "dismiss_form": DismissForm(prefix="dismiss", formdata=None),
            "contracts_form": AddContractsForm(prefix="add", formdata=None),
            "filing_form": filing, "decision_form": decision, "details_form": details_form}


def _details_data(incident: Incident) -> dict:
    data = dict(incident.details or {})
    for key in ("started_at", "ended_at"):
        if key in data:
            data[key] = parse_instant(data[key])
    return data


def _render(incident: Incident, status: int = 200, **overrides):
    page = incident_page(incident, utcnow())
    forms = _forms(incident, page)
    for name, posted in overrides.items():
        for select_name in ("contract_id", "controller_id"):
            if hasattr(posted, select_name):
                getattr(posted, select_name).choices = getattr(forms[name], select_name).choices
        forms[name] = posted
    from ..portal.queries import questions

    return render_template("incidents/show.html", incident=incident, now=utcnow(), questions=questions(incident.id),
                           **_scope_context(incident), **page, **forms), status


def _scope_context(incident: Incident) -> dict:
    """Each controller's scope as rows in the interface's language, the incident's totals, the note form."""
    from flask_babel import get_locale

    from ..core.scope_words import scope_rows
    from .scope import incident_totals, scopes_of
    from .scope_forms import InternalNoteForm

    language = str(get_locale() or "nl")
    recorded = scopes_of(incident.id)
    return {"scope_rows": {cid: scope_rows(values, language, for_processor=True) for cid, values in recorded.items()},
            "total_rows": scope_rows(incident_totals(incident.id), language),
            "note_form": InternalNoteForm(prefix="note", formdata=None, data={"internal_note": incident.internal_note})}


@bp.get("/<int:incident_id>")
def show(incident_id: int):
    return _render(incident_or_404(incident_id))[0]


def _apply(incident: Incident, form_name: str, form, action) -> object:
    """Run a service call for a posted form: commit and redirect, or roll back and show why."""
    if form.validate_on_submit():
        try:
            message = action(form)
        except DomainError as exc:
            refuse()
            db.session.refresh(incident)
            attach_error(form, exc)
        else:
            flash(message, "success")
            return redirect(url_for("breaches.show", incident_id=incident.id, _anchor=form_name))
    flash(_("Nothing was saved: see the messages at the form."), "error")
    return _render(incident, 422, **{form_name: form})


@bp.post("/<int:incident_id>/fields")
def fields(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        service.update_incident(incident, fields={k: getattr(form, k).data or "" for k in FIELD_KEYS},
                                actor=current_user)
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
    from ..portal.forms import AnswerForm

    incident = incident_or_404(incident_id)
    asked = get_or_404(TimelineEvent, question_id, lambda e: e.incident_id == incident.id and e.kind == "question")
    form = AnswerForm(prefix=f"a{question_id}")
    if form.validate_on_submit():
        service.record_event(incident, "answer", current_user, question_id=asked.id,
                             controller_id=asked.details.get("controller_id"), text=form.text.data.strip())
        flash(_("Answer sent."), "success")
    else:
        flash(_("Nothing was saved: the answer is empty or too long."), "error")
    return redirect(url_for("breaches.show", incident_id=incident.id, _anchor="questions"))


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
            raise service.ValidationFailed(_("Unknown contract references: %(refs)s", refs=", ".join(unknown[:20])),
                                           "references")
        added = service.add_contracts(incident, ids, actor=current_user)
        return _("%(n)d contract(s) added.", n=len(added))

    return _apply(incident, "contracts_form", AddContractsForm(prefix="add"), act)


def _int_or_none(value: str | None) -> int | None:
    return parse_id(value)


@bp.post("/<int:incident_id>/filings")
def filings(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        ap = form.kind.data in ("ap_notification", "ap_follow_up")
        service.record_filing(
            incident, kind=form.kind.data, at=form.at.data,
            contract_id=None if ap else _int_or_none(form.contract_id.data),
            controller_id=_int_or_none(form.controller_id.data) if ap else None,
            channel=None if ap else form.channel.data, reference=form.reference.data, note=form.note.data,
            follow_up=form.follow_up.data if form.kind.data == "ap_follow_up" else None, actor=current_user,
        )
        return _("Filing recorded.")

    return _apply(incident, "filing_form", FilingForm(prefix="filing"), act)


@bp.post("/<int:incident_id>/severity")
def severity(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        row = record_severity(incident, {
            "data_types": form.data_types.data, "dpc_adjustment": int(form.dpc_adjustment.data or 0),
            "identification": form.identification.data, "confidentiality": form.confidentiality.data,
            "integrity": form.integrity.data, "availability": form.availability.data,
            "malicious": bool(form.malicious.data), "note": form.note.data}, actor=current_user,
            controller_id=_int_or_none(form.controller_id.data))
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
        service.record_decision(incident, controller_id=_int_or_none(form.controller_id.data),
                                notify_ap=form.notify_ap.data, reason=form.reason.data,
                                inform_data_subjects=form.inform_subjects.data or None,
                                data_subjects_ground=form.subjects_ground.data or None,
                                decision_maker=_maker(form), actor=current_user)
        return _("Decision recorded.")

    return _apply(incident, "decision_form", DecisionForm(prefix="decision"), act)
