"""Words shown to people for the codes used in data and the API."""

from __future__ import annotations

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .core.fields import FIELD_KEYS

KIND_LABELS = {
    "controller_notice": _l("Notice to controller"),
    "controller_consultation": _l("Consultation with controller"),
    "ap_notification": _l("Notification to the AP"),
    "data_subject_communication": _l("Communication to data subjects"),
    "investigation_report": _l("Investigation report"),
    "controller_acknowledgement": _l("Receipt confirmed by controller"),
    "ap_follow_up": _l("Follow-up to the AP notification"),
}
FOLLOW_UP_LABELS = {
    "supplement": _l("supplement (aanvulling)"),
    "change": _l("change (wijziging)"),
    "withdrawal": _l("withdrawal (intrekking)"),
}
FILING_FORM_KINDS = (
    "controller_notice",
    "controller_consultation",
    "ap_notification",
    "ap_follow_up",
    "data_subject_communication",
)
OUTBOX_LABELS = {
    "queued": _l("queued"),
    "sending": _l("sending"),
    "sent": _l("sent"),
    "retrying": _l("will retry"),
    "failed": _l("failed"),
}
STATUS_LABELS = {
    "pending": _l("waiting for start"),
    "running": _l("running"),
    "due_soon": _l("due within 4 h"),
    "met": _l("met"),
    "missed": _l("missed"),
    "not_required": _l("not required"),
    "ended": _l("ended"),
}
INCIDENT_STATUS_LABELS = {
    "suspected": _l("suspected"),
    "confirmed": _l("confirmed"),
    "dismissed": _l("dismissed"),
    "closed": _l("closed"),
}
ROLE_LABELS = {
    "admin": _l("administrator"),
    "handler": _l("handler"),
    "viewer": _l("viewer (read-only)"),
    "controller": _l("controller user"),
}
OWNER_LABELS = {"processor": _l("processor"), "controller": _l("controller")}
NOTIFY_AP_LABELS = {
    "yes": _l("yes, notify the AP"),
    "no": _l("no, not required"),
    "needs_info": _l("needs more information"),
}
DECISION_VIA_LABELS = {
    "portal": _l("in the portal"),
    "email": _l("by e-mail"),
    "phone": _l("by phone"),
    "meeting": _l("in a meeting"),
    "letter": _l("by letter"),
}
CHANNEL_LABELS = {
    "email": _l("e-mail"),
    "phone": _l("phone"),
    "portal": _l("controller's portal"),
    "letter": _l("letter"),
    "in_person": _l("in person"),
    "other": _l("other"),
}
FIELD_FORM_LABELS = {
    "nature": _l("Nature of the breach"),
    "cause": _l("(Suspected) cause"),
    "affected_data": _l("Affected personal data (categories)"),
    "data_subjects": _l("Data subjects (categories and approximate number)"),
    "records": _l("Number of records (approximate)"),
    "consequences": _l("Established and likely consequences"),
    "measures": _l("Measures taken or proposed"),
    "informed_parties": _l("Who has been informed"),
    "contact_point": _l("Contact point (DPO or other)"),
}
EVENT_LABELS = {
    "created": _l("Incident logged"),
    "contracts_added": _l("Affected contracts added"),
    "notices_queued": _l("Notices queued"),
    "edited": _l("Edited"),
    "field_set": _l("Field filled in"),
    "detail_set": _l("Detail for the AP filled in"),
    "confirmed": _l("Breach confirmed"),
    "dismissed": _l("Dismissed"),
    "filing": _l("Filing recorded"),
    "decision": _l("Decision recorded"),
    "document_issued": _l("Document issued"),
    "mail_sent": _l("E-mail accepted by the mail server"),
    "mail_failed": _l("E-mail not delivered"),
    "acknowledged": _l("Receipt confirmed"),
    "question": _l("Question from the controller"),
    "answer": _l("Answer to the controller"),
    "severity_assessed": _l("Severity assessed"),
    "scope_set": _l("Scope of a controller set"),
    "scopes_imported": _l("Scopes imported"),
    "contract_removed": _l("Contract removed (added by mistake)"),
    "contract_withdrawn": _l("Contract withdrawn by a correction"),
}
# What was already sent about a contract's controller (breaches/removal.py SENT_KINDS), so that it can no longer
# simply be removed from the incident.
SENT_LABELS = {
    "document": _l("a document was issued"),
    "email": _l("an e-mail was queued or sent"),
    "filing": _l("a filing was recorded"),
    "decision": _l("a decision was recorded"),
    "question": _l("the controller asked a question"),
    "reminder": _l("a reminder was sent"),
}
assert set(FIELD_FORM_LABELS) == set(FIELD_KEYS)


DATA_TYPE_LABELS = {
    "simple": _l("simple (name, contact details)"),
    "behavioural": _l("behavioural (location, habits, traffic data)"),
    "financial": _l("financial"),
    "sensitive": _l("sensitive (health, special categories, BSN)"),
}
IDENTIFICATION_LABELS = {
    "negligible": _l("negligible"),
    "limited": _l("limited"),
    "significant": _l("significant"),
    "maximum": _l("maximum"),
}
CONFIDENTIALITY_LABELS = {
    "none": _l("no loss of confidentiality"),
    "known_recipients": _l("disclosed to known recipients"),
    "unknown_recipients": _l("disclosed to unknown recipients"),
}
INTEGRITY_LABELS = {
    "none": _l("no loss of integrity"),
    "recoverable": _l("altered, recoverable"),
    "not_recoverable": _l("altered, not recoverable"),
}
AVAILABILITY_LABELS = {
    "none": _l("no loss of availability"),
    "temporary": _l("temporarily unavailable"),
    "full": _l("permanently unavailable"),
}
BAND_LABELS = {"low": _l("low"), "medium": _l("medium"), "high": _l("high"), "very_high": _l("very high")}
SUBJECTS_LABELS = {"yes": _l("yes, inform data subjects"), "no": _l("no")}
GROUND_LABELS = {
    "not_high_risk": _l("no high risk to data subjects"),
    "unintelligible": _l("art. 34(3)(a): data unintelligible, e.g. encrypted"),
    "later_measures": _l("art. 34(3)(b): later measures removed the high risk"),
    "disproportionate_effort": _l("art. 34(3)(c): disproportionate effort; public communication instead"),
}


EDITED_LABELS = {"title": _l("Title"), "description": _l("Description"), "internal_note": _l("Internal note")}


def timeline_text(event) -> Markup:
    """What the incident's timeline shows after an event's label (EVENT_LABELS): which field, filing, decision,
    document and so on, as ": …"; empty for an event that needs no more. HTML, with the user's text escaped."""
    d = event.details or {}

    def v(key: str):  # a missing detail shows as nothing, as in a template
        return d.get(key, "")

    kind = event.kind
    if kind == "field_set":
        return Markup(": {}").format(FIELD_FORM_LABELS.get(v("field"), v("field")))
    if kind == "edited":
        return Markup(": {}").format(EDITED_LABELS.get(v("field"), v("field")))
    if kind == "contracts_added":
        return Markup(": {}").format(len(d.get("contract_ids") or ()))
    if kind == "filing":
        reference = Markup(" ({})").format(v("reference")) if d.get("reference") else ""
        return Markup(": {}{}").format(KIND_LABELS.get(v("kind"), v("kind")), reference)
    if kind == "decision":
        return _decision_text(d)
    if kind == "scope_set":
        return Markup(": {} ({})").format(gettext("what one controller is told"), len(d.get("fields") or ()))
    if kind == "scopes_imported":
        return Markup(": {}").format(gettext("%(n)d controllers from a CSV file", n=v("controllers")))
    if kind in ("dismissed", "mail_sent", "mail_failed", "acknowledged"):
        key = {"dismissed": "reason", "mail_sent": "smtp_reply", "mail_failed": "error", "acknowledged": "name"}[kind]
        return Markup(": {}").format(v(key))
    if kind == "document_issued":
        return Markup(": {} {} · SHA-256 <code>{}</code>").format(v("kind"), d.get("version") or "", v("sha256"))
    if kind == "notices_queued":
        return Markup(": {}").format(ngettext("%(num)d controller", "%(num)d controllers", int(d.get("count") or 0)))
    if kind in ("contract_removed", "contract_withdrawn"):
        return Markup(": {} — {}").format(v("reference"), v("reason"))
    if kind == "severity_assessed":
        return Markup(": {} ({})").format(f"{d['se']:g}", BAND_LABELS.get(v("band"), ""))
    return Markup("")


def _decision_text(d: dict) -> Markup:
    text = Markup(": {}").format(NOTIFY_AP_LABELS.get(d.get("notify_ap", ""), ""))
    if d.get("reason"):
        text += Markup(" — {}").format(d["reason"])
    maker = d.get("decision_maker")
    if maker:
        name = gettext("decided by %(name)s", name=maker.get("name", ""))
        function = Markup(" ({})").format(maker["function"]) if maker.get("function") else ""
        text += Markup(' · <span class="decision-maker">{}{}, {}</span>').format(
            name, function, DECISION_VIA_LABELS.get(maker.get("via", ""), "")
        )
    return text


# How far a controller of an incident is (casefile/roster.py STATES), one word each.
STATE_LABELS = {
    "not_notified": _l("not yet notified"),
    "queued": _l("notice queued"),
    "notified": _l("notified"),
    "acknowledged": _l("receipt confirmed"),
    "ap_filed": _l("AP notified"),
}


def template_labels() -> dict:
    return {
        "KIND_LABELS": KIND_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "INCIDENT_STATUS_LABELS": INCIDENT_STATUS_LABELS,
        "OWNER_LABELS": OWNER_LABELS,
        "NOTIFY_AP_LABELS": NOTIFY_AP_LABELS,
        "CHANNEL_LABELS": CHANNEL_LABELS,
        "DECISION_VIA_LABELS": DECISION_VIA_LABELS,
        "FIELD_LABELS": FIELD_FORM_LABELS,
        "EVENT_LABELS": EVENT_LABELS,
        "OUTBOX_LABELS": OUTBOX_LABELS,
        "BAND_LABELS": BAND_LABELS,
        "DATA_TYPE_LABELS": DATA_TYPE_LABELS,
        "SUBJECTS_LABELS": SUBJECTS_LABELS,
        "GROUND_LABELS": GROUND_LABELS,
        "FOLLOW_UP_LABELS": FOLLOW_UP_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "STATE_LABELS": STATE_LABELS,
        "STATES": tuple(STATE_LABELS),
        "timeline_text": timeline_text,
    }
