"""The incident pages of processor staff: the list, intake, and the incident page with the forms posted from it.
Each view parses, calls the owning feature's service and renders; the request commits (see `transaction.py`)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..breaches import service
from ..breaches.affected import is_affected
from ..breaches.assessment import record_severity
from ..breaches.forms import DecisionForm
from ..breaches.lookup import incident_or_404
from ..breaches.models import INCIDENT_STATUSES, Incident, TimelineEvent
from ..breaches.service import FilingInput, Reporter
from ..core.fields import FIELD_KEYS
from ..core.instants import utcnow
from ..errors import ValidationFailed
from ..extensions import db
from ..filters import InvalidFilters
from ..forms_common import choices
from ..intake.service import messages_of_incident
from ..labels import BAND_LABELS, REPORTER_KIND_LABELS
from ..listing import ListQuery, Page, error_messages, nothing
from ..lookup import find, get_or_404
from ..notices.forms import BulkForm
from ..notices.outbox import wake_pump
from ..notifications import conversation
from ..parties.models import Contract, Controller
from ..parties.search import profile_counts
from ..parties.sub_processors import all_sub_processors
from ..portal.forms import AnswerForm
from ..portal.queries import questions
from ..profiles import all_profiles
from ..transaction import after_commit
from ..validation import parse_id
from ..web import post_form
from . import incident_list, picker_words, roster
from .bulk import queue_notices, record_notices
from .forms import (
    AddContractsForm,
    AuthorityActionForm,
    BulkFilingForm,
    ConfirmForm,
    CorrectionForm,
    DetailsForm,
    DismissForm,
    FieldsForm,
    FilingForm,
    IntakeForm,
    SeverityForm,
)
from .intake import PickerForm, handle
from .lists import attached_ids
from .logged import logged_message
from .page import controller_page, incident_page, timeline_page
from .page_forms import controller_forms, page_forms, scope_section
from .picker import Resolved, Selection, picker_view

# The forms about one controller: shown (and shown again with their errors) on that controller's page. The
# severity form is also on the incident page, for the whole incident.
CONTROLLER_FORMS = ("filing_form", "decision_form", "severity_form")
ONLY_ON_CONTROLLER_PAGE = ("filing_form", "decision_form")

bp = Blueprint("incidents", __name__, url_prefix="/incidents")
# The picker's sentences (templates/incidents/_contract_picker.html); picker.js gets the same ones.
for _name, _words in (
    ("picker_script_words", picker_words.script_words),
    ("picker_found_words", picker_words.found_words),
    ("picker_add_all_words", picker_words.add_all_words),
    ("picker_chosen_words", picker_words.chosen_words),
    ("picker_matches_words", picker_words.matches_words),
    ("picker_match_words", picker_words.match_words),
):
    bp.add_app_template_global(_words, _name)


@bp.get("/")
def index():
    try:
        listing = incident_list.parse(request.args)
    except InvalidFilters as exc:
        return _index_page(None, nothing(incident_list.PAGE_SIZE), error_messages(exc)), 400
    return _index_page(listing, incident_list.page(listing))


def _index_page(listing: ListQuery | None, page: Page, errors: list[str] | None = None) -> str:
    controller_id = parse_id(request.args.get("controller_id"))
    return render_template(
        "incidents/index.html",
        listing=listing,
        page=page,
        errors=errors or [],
        args=request.args,
        statuses=INCIDENT_STATUSES,
        profiles=all_profiles(),
        controller=db.session.get(Controller, controller_id) if controller_id else None,
    )


def _reporter_choices(form) -> None:
    form.reporter_kind.choices = choices([("", _("— not recorded —"))] + list(REPORTER_KIND_LABELS.items()))
    form.sub_processor_id.choices = choices([("", _("— none —"))] + [(str(s.id), s.name) for s in all_sub_processors()])


def _reporter(form) -> Reporter | None:
    """Who reported it to us, from the intake form (None: not recorded)."""
    if not form.reporter_kind.data:
        return None
    return Reporter(
        kind=form.reporter_kind.data,
        name=form.reporter_name.data or "",
        sub_processor_id=parse_id(form.sub_processor_id.data) or form.sub_processor_id.data or None,
        sub_processor_aware_at=form.sub_processor_aware_at.data,
    )


def _profile_choices(form) -> None:
    counts = profile_counts()
    form.profiles.choices = choices(
        (key, ngettext("%(key)s — %(num)d contract", "%(key)s — %(num)d contracts", counts.get(key, 0), key=key))
        for key in all_profiles()
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Log a breach: the form with the contract picker, a confirmation of what the selection comes to, then save."""
    form = IntakeForm()
    _profile_choices(form)
    _reporter_choices(form)

    def page(form, picker, status: int = 200):
        return render_template("incidents/new.html", form=form, picker=picker), status

    def confirm(context: dict, status: int = 200):
        return render_template("incidents/confirm_contracts.html", form=form, **context), status

    def apply(resolved: Resolved) -> tuple[Incident, int]:
        aware_at = form.aware_at.data
        assert aware_at is not None, "a required field: the form validated it"
        incident = service.create_incident(
            title=form.title.data,
            description=form.description.data or "",
            aware_at=aware_at,
            status=form.status.data,
            confirmed_at=form.confirmed_at.data if form.status.data == "confirmed" else None,
            contract_ids=[h.id for h in resolved.contracts],
            reporter=_reporter(form),
            actor=current_user,
        )
        return incident, len(resolved.contracts)

    def done(saved: tuple[Incident, int]):
        incident, _contracts = saved
        flash(logged_message(incident), "success")
        return redirect(url_for("incidents.show", incident_id=incident.id))

    if request.method == "GET":
        return page(form, picker_view(Selection()))
    return handle(form, PickerForm(page, confirm, apply, done, none_allowed=True))


def _render(incident: Incident, status: int = 200, **posted):
    now = utcnow()
    everyone = roster.roster(incident, now)
    chosen = roster.Filter.from_args(request.args)
    found = roster.matching(everyone, chosen)
    shown, page, pages = roster.page_of(found, chosen.page)
    return render_template(
        "incidents/show.html",
        incident=incident,
        now=now,
        questions=questions(incident.id),
        inbound_messages=messages_of_incident(incident.id),
        summary=roster.summary(everyone),
        rows=shown,
        found=len(found),
        chosen=chosen,
        page=page,
        pages=pages,
        profile_keys=sorted({p for r in everyone for p in r.profiles}),
        **scope_section(incident),
        **incident_page(incident, now),
        **page_forms(incident, posted),
    ), status


@bp.get("/<int:incident_id>")
def show(incident_id: int):
    return _render(incident_or_404(incident_id))[0]


def _controller_or_404(incident: Incident, controller_id: int) -> Controller:
    return get_or_404(Controller, controller_id, lambda c: is_affected(incident, c.id))


def _render_controller(incident: Incident, controller: Controller, status: int = 200, **posted):
    now = utcnow()
    page = controller_page(incident, controller, now)
    return render_template(
        "incidents/controller.html",
        incident=incident,
        controller=controller,
        now=now,
        **page,
        **scope_section(incident),
        **controller_forms(incident, controller, page, posted),
    ), status


@bp.get("/<int:incident_id>/controllers/<int:controller_id>")
def controller(incident_id: int, controller_id: int):
    incident = incident_or_404(incident_id)
    return _render_controller(incident, _controller_or_404(incident, controller_id))[0]


@bp.get("/<int:incident_id>/timeline")
def timeline(incident_id: int):
    incident = incident_or_404(incident_id)
    try:
        wanted = int(request.args.get("page", "1"))
    except ValueError:
        wanted = 1
    events, pages = timeline_page(incident, wanted)
    return render_template(
        "incidents/timeline.html", incident=incident, timeline=events, page=min(max(wanted, 1), pages), pages=pages
    )


@bp.post("/<int:incident_id>/bulk")
def bulk(incident_id: int):
    """Notices to the controllers chosen in the list (see bulk.py), then the batch's progress page."""
    incident = incident_or_404(incident_id)

    def act(form):
        response = queue_notices(incident, form)
        after_commit(wake_pump)
        return response

    return post_form(
        BulkForm(),
        act,
        again=lambda form: redirect(url_for("incidents.show", incident_id=incident.id, _anchor="controllers")),
        at_form=False,
    )


@bp.post("/<int:incident_id>/bulk-filings")
def bulk_filings(incident_id: int):
    """The controllers chosen in the list were given notice another way (see bulk.py)."""
    incident = incident_or_404(incident_id)
    return post_form(
        BulkFilingForm(),
        lambda form: record_notices(incident, form),
        again=lambda form: redirect(url_for("incidents.show", incident_id=incident.id, _anchor="controllers")),
        at_form=False,
    )


def _controller_of(incident: Incident, form) -> Controller | None:
    """The affected controller a posted form is about (its controller, or its contract's), if it names one."""
    controller_id = parse_id(getattr(getattr(form, "controller_id", None), "data", None))
    if controller_id is None and hasattr(form, "contract_id"):
        contract = find(Contract, parse_id(form.contract_id.data))
        controller_id = contract.controller_id if contract is not None else None
    if controller_id is None or not is_affected(incident, controller_id):
        return None
    return db.session.get(Controller, controller_id)


def _apply(incident: Incident, form_name: str, form, action):
    """A form posted from the incident page or a controller's page: back to its section of that page, or the page
    again with the form's errors."""
    about = _controller_of(incident, form) if form_name in CONTROLLER_FORMS else None

    def done():
        if about is not None:
            return redirect(
                url_for("incidents.controller", incident_id=incident.id, controller_id=about.id, _anchor=form_name)
            )
        return redirect(url_for("incidents.show", incident_id=incident.id, _anchor=form_name))

    def again(form):
        if about is not None:
            return _render_controller(incident, about, 422, **{form_name: form})
        return _render(incident, 422, **{form_name: form})

    # A form that names no affected controller cannot be shown again where it was: its errors become page messages.
    at_form = about is not None or form_name not in ONLY_ON_CONTROLLER_PAGE
    return post_form(form, action, done=done, again=again, at_form=at_form)


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


@bp.post("/<int:incident_id>/authority-action")
def authority_action(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        service.record_authority_action(incident, form.at.data, actor=current_user)
        return _("Recorded; the clocks of the contracts that count it as a breach were started.")

    return _apply(incident, "authority_action_form", AuthorityActionForm(prefix="authority"), act)


@bp.post("/<int:incident_id>/corrections")
def correct_anchor(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        service.correct_anchor(incident, form.field.data, form.value.data, form.reason.data, actor=current_user)
        return _("Time corrected; the deadlines were computed again and the timeline keeps the reason.")

    return _apply(incident, "correction_form", CorrectionForm(prefix="correct"), act)


@bp.post("/<int:incident_id>/dismiss")
def dismiss(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        service.dismiss(incident, form.reason.data, actor=current_user)
        return _("Incident dismissed; its open obligations have ended.")

    return _apply(incident, "dismiss_form", DismissForm(prefix="dismiss"), act)


@bp.route("/<int:incident_id>/contracts", methods=["GET", "POST"])
def add_contracts(incident_id: int):
    """Add affected contracts to an incident: the same picker and confirmation as the intake form."""
    incident = incident_or_404(incident_id)
    if incident.status in ("dismissed", "closed"):
        flash(_("This incident is dismissed or closed: no contracts can be added."), "error")
        return redirect(url_for("incidents.show", incident_id=incident.id))
    form = AddContractsForm()
    _profile_choices(form)

    def page(form, picker, status: int = 200):
        return render_template("incidents/add_contracts.html", incident=incident, form=form, picker=picker), status

    def confirm(context: dict, status: int = 200):
        already = attached_ids(incident.id, [h.id for h in context["resolved"].contracts])
        return render_template(
            "incidents/confirm_contracts.html", form=form, incident=incident, already=already, **context
        ), status

    def apply(resolved: Resolved) -> list[int]:
        return service.add_contracts(incident, [h.id for h in resolved.contracts], actor=current_user)

    def done(added: list[int]):
        flash(ngettext("%(num)d contract added.", "%(num)d contracts added.", len(added)), "success")
        return redirect(url_for("incidents.show", incident_id=incident.id))

    if request.method == "GET":
        return page(form, picker_view(Selection()))
    return handle(form, PickerForm(page, confirm, apply, done))


@bp.post("/<int:incident_id>/filings")
def filings(incident_id: int):
    incident = incident_or_404(incident_id)

    def act(form):
        # made to or about the controller as a whole, not one contract
        ap = form.kind.data in ("ap_notification", "ap_follow_up", "authority_contact")
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
            processor_informs=bool(form.processor_informs.data),
            decision_maker=_maker(form),
            actor=current_user,
        )
        return _("Decision recorded.")

    return _apply(incident, "decision_form", DecisionForm(prefix="decision"), act)
