"""Words shown to people for the codes used in data and the API."""

from __future__ import annotations

from flask_babel import LazyString, format_decimal, gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .core.fields import FIELD_KEYS
from .core.fields import label as field_label
from .core.instants import format_local, parse_instant

KIND_LABELS = {
    "controller_notice": _l("Notice to controller"),
    "controller_consultation": _l("Consultation with controller"),
    "awareness_notice": _l("Notice on awareness (suspicion or security breach)"),
    "authority_contact": _l("Contact with another authority"),
    "authority_contact_notice": _l("Informing the controller of a contact with another authority"),
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
    "authority_contact",
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
    "missed": _l("overdue"),  # one word for it everywhere: the countdown, the reminders, the dashboard
    "not_required": _l("not required"),
    "ended": _l("ended"),
}
NORM_STATUS_LABELS = {
    ("internal", "met"): _l("met within our internal target"),
    ("internal", "missed"): _l("past our internal target"),
    ("internal", "due_soon"): _l("internal target within 4 h"),
    ("outer_limit", "met"): _l("met within the outer limit"),
}
# What a deadline's hours are (core/profiles.py NORMS), beside its clause.
NORM_LABELS = {
    "term": _l("%(h)d hours"),
    "outer_limit": _l("at once, at the latest within %(h)d hours"),
    "internal": _l("an open norm; our internal target %(h)d h, not a contract term"),
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


def _field_label(key: str) -> str:
    from flask_babel import get_locale

    return field_label(key, "en" if str(get_locale() or "nl") == "en" else "nl")


# The labels of the fields the notices require: the same words on the screen as in the notices, the e-mails and the
# letters (core/fields.py, worded after the contracts and the AP's form), in the page's language.
FIELD_FORM_LABELS = {key: LazyString(_field_label, key) for key in FIELD_KEYS}
EVENT_LABELS = {
    "created": _l("Incident logged"),
    "contracts_added": _l("Affected contracts added"),
    "notices_queued": _l("Notices queued"),
    "notice_filings": _l("Notices recorded for several controllers"),
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
    "anchor_corrected": _l("Time corrected (earlier)"),
    "authority_action": _l("Investigation or seizure by authorities (or a suspicion of one) recorded"),
    "regime_classified": _l("Classified under a statutory regime"),
    "regime_facts": _l("Answers for a statutory report filled in"),
    "regime_filed": _l("Statutory report filed"),
    "regime_request": _l("Report requested by the recipient"),
    "regime_not_needed": _l("Statutory report recorded as not needed"),
    "mail_intake": _l("Accepted from an e-mail to the breach address"),
    "reported": _l("Reported to us"),
    "notice_forwarded": _l("Notice forwarded by the controller to its own controllers"),
}
# Who reported an incident to the processor (breaches/models.py REPORTER_KINDS).
REPORTER_KIND_LABELS = {
    "staff": _l("our own staff"),
    "sub_processor": _l("one of our sub-processors"),
    "controller": _l("a controller (customer)"),
    "other": _l("someone else"),
}
ANCHOR_LABELS = {"aware_at": _l("aware at"), "confirmed_at": _l("breach established at")}
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


DOCUMENT_LABELS = {"notice": _l("notice"), "investigation_report": _l("investigation report")}
VERSION_LABELS = {"initial": _l("initial"), "update": _l("update"), "final": _l("final")}
# The timeline's events about one controller's document or message say whose it is.
FOR_CONTROLLER = ("document_issued", "mail_sent", "mail_failed", "acknowledged", "notice_forwarded")

EDITED_LABELS = {"title": _l("Title"), "description": _l("Description"), "internal_note": _l("Internal note")}


def timeline_text(event) -> Markup:
    """What the incident's timeline shows after an event's label (EVENT_LABELS): which field, filing, decision,
    document and so on, as ": …"; empty for an event that needs no more. HTML, with the user's text escaped."""
    d = event.details or {}

    def v(key: str):  # a missing detail shows as nothing, as in a template
        return d.get(key, "")

    kind = event.kind
    if kind.startswith("regime_"):
        text = _regime_text(kind, d, v)
    elif kind in CHAIN_EVENTS:
        text = _chain_text(kind, d, v)
    else:
        text = _event_text(kind, d, v)
    if kind in FOR_CONTROLLER and d.get("controller_id"):
        name = _controller_name(d["controller_id"])
        if name:
            text += Markup(" · {}").format(gettext("for %(name)s", name=name))
    return text


CHAIN_EVENTS = ("reported", "notice_forwarded")


def _chain_text(kind: str, d: dict, v) -> Markup:
    """The processor chain's events: who reported the incident to us, and a notice forwarded by a processor-customer."""
    if kind == "reported":
        return Markup(": {}{} · {}").format(
            REPORTER_KIND_LABELS.get(v("kind"), v("kind")),
            Markup(" ({})").format(v("name")) if d.get("name") else "",
            v("informed_at"),
        )
    count = int(d.get("recipients") or 0)
    return Markup(": {}").format(ngettext("%(num)d address", "%(num)d addresses", count))


def _controller_name(controller_id: object) -> str:
    from .extensions import db
    from .parties.models import Controller

    controller = db.session.get(Controller, controller_id) if isinstance(controller_id, int) else None
    return controller.name if controller else ""


def _anchor_text(d: dict, v) -> Markup:
    field = ANCHOR_LABELS.get(v("field"), v("field"))
    before, after = (format_local(parse_instant(d[k])) if d.get(k) else "" for k in ("before", "after"))
    return Markup(": {} {} → {} — {}").format(field, before, after, v("reason"))


def _event_text(kind: str, d: dict, v) -> Markup:
    if kind == "field_set":
        return Markup(": {}").format(FIELD_FORM_LABELS.get(v("field"), v("field")))
    if kind == "edited":
        return Markup(": {}").format(EDITED_LABELS.get(v("field"), v("field")))
    if kind in ("contracts_added", "mail_intake"):
        return _added_text(d) if kind == "contracts_added" else _intake_text(d, v)
    if kind == "filing":
        return _filing_text(d, v)
    if kind in ("decision", "anchor_corrected"):
        return _decision_text(d) if kind == "decision" else _anchor_text(d, v)
    if kind == "scope_set":
        return Markup(": {} ({})").format(gettext("what one controller is told"), len(d.get("fields") or ()))
    if kind == "scopes_imported":
        count = d.get("controllers") or 0
        return Markup(": {}").format(
            ngettext("%(num)d controller from a CSV file", "%(num)d controllers from a CSV file", count)
        )
    if kind in ("dismissed", "mail_sent", "mail_failed", "acknowledged"):
        key = {"dismissed": "reason", "mail_sent": "smtp_reply", "mail_failed": "error", "acknowledged": "name"}[kind]
        return Markup(": {}").format(v(key))
    if kind == "document_issued":
        what = DOCUMENT_LABELS.get(v("kind"), v("kind"))
        version = VERSION_LABELS.get(d.get("version") or "", d.get("version") or "")
        if version:
            what = Markup("{} ({})").format(what, version)
        return Markup(": {} · SHA-256 <code>{}</code>").format(what, v("sha256"))
    if kind == "notice_filings":
        return Markup(": {} · {}").format(
            ngettext("%(num)d controller", "%(num)d controllers", int(d.get("controllers") or 0)),
            CHANNEL_LABELS.get(v("channel"), v("channel")),
        )
    if kind == "notices_queued":
        return Markup(": {}").format(ngettext("%(num)d controller", "%(num)d controllers", int(d.get("count") or 0)))
    if kind in ("contract_removed", "contract_withdrawn"):
        return Markup(": {} — {}").format(v("reference"), v("reason"))
    if kind == "severity_assessed":
        return Markup(": {} ({})").format(format_decimal(d["se"], format="#,##0.##"), BAND_LABELS.get(v("band"), ""))
    return Markup("")


def _intake_text(d: dict, v) -> Markup:
    """An incident accepted from a message to the breach address: which stored message, and its SHA-256."""
    when = format_local(parse_instant(d["received_at"])) if d.get("received_at") else ""
    return Markup(": {} · SHA-256 <code>{}</code>").format(
        gettext("message %(id)s, arrived %(when)s", id=v("inbound_message_id"), when=when), v("sha256")
    )


def _added_text(d: dict) -> Markup:
    text = Markup(": {}").format(len(d.get("contract_ids") or ()))
    if d.get("established_at"):
        when = format_local(parse_instant(d["established_at"]))
        text += Markup(" · {}").format(gettext("breach established for them at %(when)s", when=when))
    return text


def _regime_text(kind: str, d: dict, v) -> Markup:
    """A regime's event: which regime (its key, as in its file), the stage and what was decided or filed."""
    parts = [v("regime"), v("stage")]
    if kind == "regime_classified":
        parts.append(str(REGIME_ANSWER_LABELS.get(v("answer"), v("answer"))))
    if kind == "regime_filed" and d.get("reference"):
        parts.append(v("reference"))
    return Markup(": {}").format(" · ".join(str(p) for p in parts if p))


NIS2_ENTITY_LABELS = {"essential": _l("essential entity"), "important": _l("important entity"), "": _l("not an entity")}
REGIME_ANSWER_LABELS = {"yes": _l("yes"), "no": _l("no"), "needs_info": _l("needs more information")}


def _filing_text(d: dict, v) -> Markup:
    reference = Markup(" ({})").format(v("reference")) if d.get("reference") else ""
    text = Markup(": {}{}").format(KIND_LABELS.get(v("kind"), v("kind")), reference)
    if d.get("backdated_due_at"):
        text += Markup(' · <span class="badge" data-backdated>{}</span>').format(
            gettext(
                "recorded after the deadline of %(due)s, with an earlier time (%(at)s)",
                due=format_local(parse_instant(d["backdated_due_at"])),
                at=format_local(parse_instant(d["at"])),
            )
        )
    return text


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
        "NORM_STATUS_LABELS": NORM_STATUS_LABELS,
        "NORM_LABELS": NORM_LABELS,
        "INCIDENT_STATUS_LABELS": INCIDENT_STATUS_LABELS,
        "OWNER_LABELS": OWNER_LABELS,
        "NOTIFY_AP_LABELS": NOTIFY_AP_LABELS,
        "CHANNEL_LABELS": CHANNEL_LABELS,
        "DECISION_VIA_LABELS": DECISION_VIA_LABELS,
        "FIELD_LABELS": FIELD_FORM_LABELS,
        "EVENT_LABELS": EVENT_LABELS,
        "REGIME_ANSWER_LABELS": REGIME_ANSWER_LABELS,
        "NIS2_ENTITY_LABELS": NIS2_ENTITY_LABELS,
        "OUTBOX_LABELS": OUTBOX_LABELS,
        "BAND_LABELS": BAND_LABELS,
        "DATA_TYPE_LABELS": DATA_TYPE_LABELS,
        "SUBJECTS_LABELS": SUBJECTS_LABELS,
        "GROUND_LABELS": GROUND_LABELS,
        "FOLLOW_UP_LABELS": FOLLOW_UP_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "STATE_LABELS": STATE_LABELS,
        "STATES": tuple(STATE_LABELS),
        "REPORTER_KIND_LABELS": REPORTER_KIND_LABELS,
        "timeline_text": timeline_text,
    }
