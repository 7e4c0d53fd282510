"""The register's words for the codes it shows, in Dutch and English. Exports are documents in a chosen language
(not necessarily the interface's), so the words live here as (Dutch, English) pairs rather than in the UI
catalogue. Pure: no Flask, no database. An unknown code is shown as stored, never dropped."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import overload

from ..core.ap_options import OPTIONS

Pairs = Mapping[str, tuple[str, str]]

# A controller whose every contract was withdrawn from the incident by a recorded correction (breaches/removal.py).
WITHDRAWN: Pairs = {"withdrawn": ("ingetrokken met een correctie", "withdrawn by a correction")}
INCIDENT_STATUS: Pairs = {
    "suspected": ("vermoed", "suspected"),
    "confirmed": ("vastgesteld", "confirmed"),
    "dismissed": ("afgewezen", "dismissed"),
    "closed": ("gesloten", "closed"),
}
# The AP form's kinds of incident, in the form's own words (core/ap_options.py).
INCIDENT_KIND: Pairs = OPTIONS["incident_kind"]
# ENISA severity band and the AP's wording of it (core/severity.py AP_SEVERITY, stored in Dutch).
BAND: Pairs = {
    "low": ("laag", "low"),
    "medium": ("gemiddeld", "medium"),
    "high": ("hoog", "high"),
    "very_high": ("zeer hoog", "very high"),
}
AP_SEVERITY: Pairs = {
    "verwaarloosbaar": ("verwaarloosbaar", "negligible"),
    "beperkt": ("beperkt", "limited"),
    "aanzienlijk": ("aanzienlijk", "considerable"),
    "zeer groot": ("zeer groot", "very large"),
}
NOTIFY_AP: Pairs = {
    "yes": ("ja, melden bij de AP", "yes, notify the AP"),
    "no": ("nee, melden bij de AP niet vereist", "no, notifying the AP not required"),
    "needs_info": ("meer informatie nodig", "needs more information"),
}
INFORM_SUBJECTS: Pairs = {
    "yes": ("ja, betrokkenen informeren", "yes, inform data subjects"),
    "no": ("nee, betrokkenen niet informeren", "no, do not inform data subjects"),
}
SUBJECTS_GROUND: Pairs = {
    "not_high_risk": ("geen hoog risico voor de betrokkenen", "no high risk to the data subjects"),
    "unintelligible": (
        "gegevens onbegrijpelijk voor onbevoegden (AVG art. 34 lid 3 sub a)",
        "data unintelligible to unauthorised people (GDPR Art. 34(3)(a))",
    ),
    "later_measures": (
        "hoog risico weggenomen door latere maatregelen (AVG art. 34 lid 3 sub b)",
        "high risk removed by later measures (GDPR Art. 34(3)(b))",
    ),
    "disproportionate_effort": (
        "onevenredige inspanning: openbare mededeling (AVG art. 34 lid 3 sub c)",
        "disproportionate effort: public communication (GDPR Art. 34(3)(c))",
    ),
}
DECISION_VIA: Pairs = {
    "portal": ("in het portaal", "in the portal"),
    "email": ("per e-mail", "by e-mail"),
    "phone": ("telefonisch", "by phone"),
    "meeting": ("in een overleg", "in a meeting"),
    "letter": ("per brief", "by letter"),
}
CHANNEL: Pairs = {
    "email": ("e-mail", "e-mail"),
    "phone": ("telefoon", "phone"),
    "portal": ("portaal van de verwerkingsverantwoordelijke", "controller's portal"),
    "letter": ("brief", "letter"),
    "in_person": ("persoonlijk", "in person"),
    "other": ("anders", "other"),
}
FILING_KIND: Pairs = {
    "controller_notice": ("Melding aan de verwerkingsverantwoordelijke", "Notice to the controller"),
    "controller_consultation": ("Overleg met de verwerkingsverantwoordelijke", "Consultation with the controller"),
    "authority_contact": ("Contact met een andere autoriteit", "Contact with another authority"),
    "authority_contact_notice": (
        "Informeren over contact met een andere autoriteit",
        "Informing of a contact with another authority",
    ),
    "awareness_notice": (
        "Melding bij kennisname (vermoeden of beveiligingsinbreuk)",
        "Notice on awareness (suspicion or security breach)",
    ),
    "ap_notification": ("Melding aan de AP", "Notification to the AP"),
    "data_subject_communication": ("Mededeling aan betrokkenen", "Communication to data subjects"),
    "ap_follow_up": ("Vervolgmelding aan de AP", "Follow-up to the AP notification"),
    "investigation_report": ("Onderzoeksrapportage", "Investigation report"),
    "controller_acknowledgement": (
        "Ontvangst bevestigd door de verwerkingsverantwoordelijke",
        "Receipt confirmed by the controller",
    ),
}
# The AP notification of a controller whose authority is not the AP: named after its own authority.
AUTHORITY_KIND: Pairs = {
    "ap_notification": ("Melding aan de {authority}", "Notification to the {authority}"),
    "ap_follow_up": ("Vervolgmelding aan de {authority}", "Follow-up to the notification to the {authority}"),
}
EACH_AUTHORITY: Pairs = {
    "": (
        "toezichthoudende autoriteiten van de lidstaten waar de betrokkenen wonen",
        "supervisory authorities of the member states where the data subjects live",
    )
}
FOLLOW_UP: Pairs = {
    "supplement": ("aanvulling", "supplement"),
    "change": ("wijziging", "change"),
    "withdrawal": ("intrekking", "withdrawal"),
}
REPORTER_KIND: Pairs = {
    "internal": ("intern", "internal"),
    "external": ("extern", "external"),
    "sub_processor": ("subverwerker (extern)", "sub-processor (external)"),
    # Incident.reported_by_kind (breaches/models.py REPORTER_KINDS), recorded when the incident was logged
    "staff": ("eigen medewerker", "own staff"),
    "controller": ("verwerkingsverantwoordelijke (klant)", "controller (customer)"),
    "other": ("anders", "other"),
}
OUTBOX_STATUS: Pairs = {
    "queued": ("nog niet verzonden", "not sent yet"),
    "sending": ("wordt verzonden", "sending"),
    "sent": ("verzonden", "sent"),
    "retrying": ("verzenden mislukt, nieuwe poging volgt", "sending failed, will retry"),
    "failed": ("verzenden mislukt", "sending failed"),
}

PHRASES = {
    "nl": {
        "subjects": "betrokkenen",
        "reason": "reden",
        "decided_by": "besloten door",
        "recorded_by": "vastgelegd door {user} op {at}",
        "recorded_at": "vastgelegd op {at}",
        "to": "aan {who}",
        "contract": "contract {ref}",
        "due": "uiterlijk {due}",
        "done": "gedaan {at}",
        "late": "{span} te laat",
        "not_done": "nog niet gedaan: {span} te laat op {now}",
        "queued": "aangemaakt {at}",
        "total": "Totaal",
        "informed": "wij geïnformeerd op {at}",
        "sub_aware": "subverwerker kreeg kennis op {at}",
        "days": "{d} d {h:02d} u {m:02d} min",
        "hours": "{h} u {m:02d} min",
    },
    "en": {
        "subjects": "data subjects",
        "reason": "reason",
        "decided_by": "decided by",
        "recorded_by": "recorded by {user} at {at}",
        "recorded_at": "recorded at {at}",
        "to": "to {who}",
        "contract": "contract {ref}",
        "due": "due {due}",
        "done": "done {at}",
        "late": "{span} late",
        "not_done": "not done yet: {span} late at {now}",
        "queued": "created {at}",
        "total": "Total",
        "informed": "we were informed at {at}",
        "sub_aware": "sub-processor became aware at {at}",
        "days": "{d} d {h:02d} h {m:02d} min",
        "hours": "{h} h {m:02d} min",
    },
}

# The page's own sentences (kept with the register's other words, so that page and exports say the same).
PAGE = {
    "nl": {
        "details": "Details van {reference}",
        "hint": "Eén regel per incident. Open de details voor de periode van de inbreuk, wie het meldde, de "
        "meldingen aan elke verwerkingsverantwoordelijke, de besluiten met hun reden, de gemiste "
        "verplichtingen en alle registraties.",
    },
    "en": {
        "details": "Details of {reference}",
        "hint": "One line per incident. Open its details for the period of the breach, who reported it, the "
        "notices to each controller, the decisions with their reasons, the missed obligations and every "
        "filing.",
    },
}


def lang_of(language: str | None) -> str:
    return "en" if language == "en" else "nl"


@overload
def word(table: Pairs, code: str, language: str) -> str: ...
@overload
def word(table: Pairs, code: None, language: str) -> None: ...
@overload
def word(table: Pairs, code: str | None, language: str) -> str | None: ...
def word(table: Pairs, code: str | None, language: str) -> str | None:
    """The word for a code in the language; an unknown code as stored; None stays None."""
    if code is None:
        return None
    pair = table.get(code)
    if pair is None:
        return code
    return pair[1] if lang_of(language) == "en" else pair[0]


def phrase(key: str, language: str, **values: object) -> str:
    return PHRASES[lang_of(language)][key].format(**values)


def span(delta: timedelta, language: str) -> str:
    """A duration to the minute: '8 u 05 min', '2 d 08 u 00 min' (Dutch); 'h' for hours in English."""
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return phrase("days", language, d=days, h=hours, m=mins)
    return phrase("hours", language, h=hours, m=mins)
