"""The forms the incident page shows, with the choices of this incident (its controllers and contracts), and the
scope section's rows. A posted form replaces its blank twin, keeping the choices (see `page_forms`)."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from ..authorities import kind_label
from ..breaches.assessment import severity_history, severity_names
from ..breaches.forms import DecisionForm
from ..breaches.models import Incident
from ..breaches.scope import incident_totals, scopes_of
from ..core.instants import parse_instant
from ..core.scope_words import scope_rows
from ..forms_common import choices
from ..labels import FILING_FORM_KINDS
from ..notices.forms import BulkForm, ConsultationForm, NoticeForm, ReportForm
from ..parties.models import Controller
from .forms import (
    AuthorityActionForm,
    BulkFilingForm,
    ConfirmForm,
    CorrectionForm,
    DetailsForm,
    DismissForm,
    FieldsForm,
    FilingForm,
    SeverityForm,
)
from .scope_forms import InternalNoteForm


def page_forms(incident: Incident, posted: dict | None = None) -> dict:
    """Every form of the incident page by its template name. Blank forms show the current values (formdata=None: only
    the form that was posted binds to the request); a `posted` form, shown again with its errors, takes its blank
    twin's place and its select choices, which WTForms does not keep between requests. The forms about one
    controller are on its own page (`controller_forms`): no select here lists every contract."""
    forms: dict[str, Any] = {  # forms of many classes, and the severities list below
        "fields_form": FieldsForm(prefix="f", data=dict(incident.fields or {}), formdata=None),
        "details_form": DetailsForm(prefix="d", formdata=None, data=_details_data(incident)),
        "severity_form": SeverityForm(prefix="sev", formdata=None),
        "bulk_form": BulkForm(formdata=None),
        "bulk_filing_form": BulkFilingForm(formdata=None),
        "confirm_form": ConfirmForm(prefix="confirm", formdata=None),
        "dismiss_form": DismissForm(prefix="dismiss", formdata=None),
        "correction_form": CorrectionForm(prefix="correct", formdata=None),
        "authority_action_form": AuthorityActionForm(prefix="authority", formdata=None),
    }
    forms["severity_form"].controller_id.choices = choices([("", _("the whole incident"))])
    return _with_posted(forms, posted, incident)


def controller_forms(incident: Incident, controller: Controller, page: dict, posted: dict | None = None) -> dict:
    """The forms of one controller's page: its filings, decision, notices, report, consultation and severity."""
    only = choices([(str(controller.id), controller.name)])
    forms: dict[str, Any] = {
        "filing_form": FilingForm(prefix="filing", formdata=None),
        "decision_form": DecisionForm(prefix="decision", formdata=None),
        "severity_form": SeverityForm(prefix="sev", formdata=None),
        "notice_form": NoticeForm(formdata=None),
        "report_form": _report_form(incident),
        "consult_form": ConsultationForm(prefix="consult", formdata=None),
    }
    forms["filing_form"].contract_id.choices = choices(
        (str(c.id), f"{c.reference} · {c.profile_key}") for c, _m in page["group"].contracts
    )
    for name in ("filing_form", "decision_form", "notice_form", "report_form"):
        forms[name].controller_id.choices = only
    forms["severity_form"].controller_id.choices = only
    # the filing kinds in this controller's words: "Melding aan de GBA/APD" for a Belgian controller
    forms["filing_form"].kind.choices = choices((k, kind_label(k, controller)) for k in FILING_FORM_KINDS)
    forms["consult_form"].contract_id.choices = choices(
        (str(c.id), f"{c.reference} · {c.profile_key}") for c in page["consult_contracts"]
    )
    return _with_posted(forms, posted, incident, controller.id)


def _with_posted(forms: dict[str, Any], posted: dict | None, incident: Incident, controller_id: int | None = None):
    for name, form in (posted or {}).items():
        if name not in forms:
            continue
        for select_name in ("contract_id", "controller_id"):
            if hasattr(form, select_name):
                getattr(form, select_name).choices = getattr(forms[name], select_name).choices
        forms[name] = form
    history = severity_history(incident.id)
    forms["severities"] = [s for s in history if controller_id is None or s.controller_id in (None, controller_id)]
    forms["severity_names"] = severity_names(history)
    return forms


def _report_form(incident: Incident) -> ReportForm:
    values = incident.fields or {}
    return ReportForm(
        prefix="report",
        formdata=None,
        data={
            "what_happened": "\n\n".join(v for v in (incident.description, values.get("nature")) if v),
            "cause": values.get("cause", ""),
            "response": values.get("measures", ""),
        },
    )


def _details_data(incident: Incident) -> dict:
    data = dict(incident.details or {})
    for key in ("started_at", "ended_at"):
        if key in data:
            data[key] = parse_instant(data[key])
    return data


def scope_section(incident: Incident) -> dict:
    """Each controller's scope as rows in the interface's language, the incident's totals, the note form."""
    language = str(get_locale() or "nl")
    recorded = scopes_of(incident.id)
    return {
        "scope_rows": {cid: scope_rows(values, language, for_processor=True) for cid, values in recorded.items()},
        "total_rows": scope_rows(incident_totals(incident.id), language),
        "note_form": InternalNoteForm(prefix="note", formdata=None, data={"internal_note": incident.internal_note}),
    }
