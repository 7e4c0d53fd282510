"""Compose the AP notification draft from plain facts. Pure: no Flask, no database, so every answer's source
can be tested directly. The page, the PDF and the JSON are all renderings of the `Draft` made here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..core.ap_options import natures
from ..core.authorities import Competence
from ..core.instants import format_local, parse_instant
from ..core.scope import records, subjects
from ..core.scope_words import category_list, country_list, group_list, range_text
from .questions import CHAPTERS, QUESTIONS, option

WORDS = {
    "nl": {
        "new": "Nieuwe melding",
        "follow_up": "Vervolgmelding bij meldnummer {reference} (aanvulling, wijziging of intrekking)",
        "controller_files": "De verwerkingsverantwoordelijke meldt zelf (AVG art. 33 lid 1).",
        "processor_files": "De verwerker meldt namens de verwerkingsverantwoordelijke ({clause}).",
        "aware_controller": "Verwerkingsverantwoordelijke geïnformeerd door de verwerker op {start}; "
        "de verwerker kreeg kennis op {aware}.",
        "aware_processor": "Verwerker kreeg kennis op {aware}; inbreuk vastgesteld op {confirmed}.",
        "not_yet_aware": "Verwerker kreeg kennis op {aware}; de verwerkingsverantwoordelijke is nog niet geïnformeerd.",
        "ongoing": "Nog niet beëindigd",
        "in_time": "Niet van toepassing: binnen de termijn van 72 uur (uiterlijk {due}).",
        "not_started": "Niet van toepassing: de termijn van 72 uur is nog niet gestart.",
        "filed_late": "De melding is na de termijn gedaan ({at}); de reden staat in die melding.",
        "late_hint": "De 72 uur zijn verstreken op {due} zonder melding aan de {authority}: geef de reden van de "
        "vertraging (AVG art. 33 lid 1).",
        "processor": "Verwerker: {name} ({contact}); overeenkomst(en): {contracts}.",
        "severity": "{ap} (ENISA-score {se}, {band}; beoordeeld op {at})",
        "nature_none": "Geen verlies van vertrouwelijkheid, integriteit of beschikbaarheid vastgesteld",
        "informed_yes": "Ja",
        "informed_no": "Nee, grond: {ground}",
        "channels": "{channels} (op {at})",
        "not_informed": "Niet van toepassing: de betrokkenen worden niet geïnformeerd.",
        "band_low": "laag",
        "band_medium": "gemiddeld",
        "band_high": "hoog",
        "band_very_high": "zeer hoog",
        "informed_planned": "Nog niet; de verwerkingsverantwoordelijke heeft op {at} besloten hen te informeren.",
        "countries_yes": "Ja: {countries}",
        "countries_no": "Nee, alleen betrokkenen in Nederland",
        "no_foreign": "Niet van toepassing: geen betrokkenen in andere landen",
        "special_list": "Ja: {categories}",
        "special_none": "Nee",
        "special_unknown": "Volgens de ernstbeoordeling gaat het om gevoelige gegevens: geef aan welke bijzondere "
        "categorieën.",
        "missing": "Bekend: {known}. Nog invullen: {missing}.",
        "function": "functie",
        "phone": "telefoonnummer",
        "name": "naam",
        "email": "e-mailadres",
        "none_informed": "0: de betrokkenen worden niet geïnformeerd",
        "number_hint": "Vul het aantal geïnformeerde betrokkenen in.",
        "confidentiality_known_recipients": "Verlies van vertrouwelijkheid: bekende ontvangers",
        "confidentiality_unknown_recipients": "Verlies van vertrouwelijkheid: onbekende ontvangers",
        "integrity_recoverable": "Gegevens gewijzigd, te herstellen",
        "integrity_not_recoverable": "Gegevens gewijzigd, niet te herstellen",
        "availability_temporary": "Gegevens tijdelijk niet beschikbaar",
        "availability_full": "Gegevens blijvend niet beschikbaar",
        "basis_AVG": "AVG",
        "basis_Wpg": "Wet politiegegevens (Wpg)",
        "basis_Tw": "Telecommunicatiewet (Tw)",
        "authorities_each": "toezichthouders van de lidstaten waar de betrokkenen wonen",
    },
    "en": {
        "new": "New notification",
        "follow_up": "Follow-up to notification number {reference} (supplement, change or withdrawal)",
        "controller_files": "The controller notifies itself (GDPR Art. 33(1)).",
        "processor_files": "The processor notifies on behalf of the controller ({clause}).",
        "aware_controller": "Controller informed by the processor on {start}; the processor became aware on {aware}.",
        "aware_processor": "Processor became aware on {aware}; breach confirmed on {confirmed}.",
        "not_yet_aware": "Processor became aware on {aware}; the controller has not been informed yet.",
        "ongoing": "Not ended yet",
        "in_time": "Not applicable: within the 72-hour window (due by {due}).",
        "not_started": "Not applicable: the 72-hour window has not started yet.",
        "filed_late": "The notification was made after the deadline ({at}); its reason is in that notification.",
        "late_hint": "The 72 hours passed on {due} without a notification to the {authority}: give the reason for the "
        "delay (GDPR Art. 33(1)).",
        "processor": "Processor: {name} ({contact}); contract(s): {contracts}.",
        "severity": "{ap} (ENISA score {se}, {band}; assessed on {at})",
        "nature_none": "No loss of confidentiality, integrity or availability established",
        "informed_yes": "Yes",
        "informed_no": "No, ground: {ground}",
        "channels": "{channels} (on {at})",
        "not_informed": "Not applicable: the data subjects are not informed.",
        "band_low": "low",
        "band_medium": "medium",
        "band_high": "high",
        "band_very_high": "very high",
        "informed_planned": "Not yet; the controller decided on {at} to inform them.",
        "countries_yes": "Yes: {countries}",
        "countries_no": "No, only data subjects in the Netherlands",
        "no_foreign": "Not applicable: no data subjects in other countries",
        "special_list": "Yes: {categories}",
        "special_none": "No",
        "special_unknown": "According to the severity assessment the data are sensitive: state which special "
        "categories.",
        "missing": "Known: {known}. Still to fill in: {missing}.",
        "function": "function",
        "phone": "phone number",
        "name": "name",
        "email": "e-mail address",
        "none_informed": "0: the data subjects are not informed",
        "number_hint": "Fill in how many data subjects were informed.",
        "confidentiality_known_recipients": "Loss of confidentiality: known recipients",
        "confidentiality_unknown_recipients": "Loss of confidentiality: unknown recipients",
        "integrity_recoverable": "Data altered, recoverable",
        "integrity_not_recoverable": "Data altered, not recoverable",
        "availability_temporary": "Data temporarily unavailable",
        "availability_full": "Data permanently unavailable",
        "basis_AVG": "GDPR (AVG)",
        "basis_Wpg": "Police Data Act (Wpg)",
        "basis_Tw": "Telecommunications Act (Tw)",
        "authorities_each": "supervisory authorities of the member states where the data subjects live",
    },
}
AP_SEVERITY_EN = {
    "verwaarloosbaar": "negligible",
    "beperkt": "limited",
    "aanzienlijk": "significant",
    "zeer groot": "very large",
}


@dataclass(frozen=True)
class APFiling:
    kind: str  # ap_notification | ap_follow_up
    at: datetime
    reference: str
    follow_up: str | None = None


@dataclass(frozen=True)
class Severity:
    data_types: tuple[str, ...]
    confidentiality: str
    integrity: str
    availability: str
    se: float
    band: str
    ap_severity: str
    assessed_at: datetime


@dataclass(frozen=True)
class DecisionFacts:
    notify_ap: str
    reason: str
    inform_subjects: str | None
    subjects_ground: str | None
    decided_at: datetime
    maker_name: str | None = None
    maker_function: str | None = None
    maker_via: str | None = None
    recorded_by_id: int | None = None  # the user who recorded it (the API's decided_by)
    recorded_by: str | None = None  # that user's name or e-mail address


@dataclass
class DraftFacts:
    incident_reference: str
    title: str
    description: str
    fields: dict
    details: dict
    aware_at: datetime
    confirmed_at: datetime | None
    controller_name: str
    controller_kvk: str | None
    controller_contact_name: str
    controller_contact_email: str
    filer: str  # controller | processor
    ap_clause: str
    processor_name: str
    processor_contact: str
    legal_basis: str
    contract_references: list[str]
    ap_starts_at: datetime | None
    ap_due_at: datetime | None
    ap_status: str | None
    ap_filings: list[APFiling] = field(default_factory=list)
    severity: Severity | None = None
    decision: DecisionFacts | None = None
    subject_communications: list[tuple[datetime, str]] = field(default_factory=list)  # (at, channel)
    # This controller's own scope (breaches/scope.py); never another controller's.
    scope: dict = field(default_factory=dict)
    controller_address: str = ""
    controller_sector: str = ""
    controller_dpo_registration: str = ""
    controller_joint: str = ""
    controller_contact_function: str = ""
    controller_contact_phone: str = ""
    processor_contact_point: str = ""
    # Where the controller is established and which authority is competent (config/authorities.toml); None: not
    # given, read as a Dutch controller notifying the AP.
    controller_country: str = "NL"
    controller_main_establishment: str = ""
    competence: Competence | None = None


@dataclass
class Answer:
    key: str
    number: str
    chapter: int
    label: str
    value: str | None
    source: str
    highlight: bool = False
    hint: str | None = None

    @property
    def gap(self) -> bool:
        return not (self.value or "").strip()


@dataclass
class Chapter:
    number: int
    title: str
    answers: list[Answer]


@dataclass
class Draft:
    incident_reference: str
    controller_name: str
    filer: str
    filer_note: str
    language: str
    generated_at: datetime
    notification_type: str  # new | follow_up
    ap_reference: str | None
    ap_due_at: datetime | None
    late: bool
    decision: DecisionFacts | None
    chapters: list[Chapter]
    # The controller's competent authority, and whether it is the Dutch AP: if not, this draft only follows the
    # structure of the AP's form and never passes for the form of the authority the controller notifies.
    authority: str = "AP"
    dutch_ap: bool = True

    @property
    def answers(self) -> list[Answer]:
        return [a for c in self.chapters for a in c.answers]

    @property
    def gaps(self) -> list[Answer]:
        return [a for a in self.answers if a.gap]

    def answer(self, key: str) -> Answer:
        return next(a for a in self.answers if a.key == key)


def authority_short(facts: DraftFacts, language: str = "nl") -> str:
    """The short name of the controller's authority ("AP", "GBA/APD"), or the words for the authorities of the states
    where data subjects live when none is competent on its own (a controller outside the EEA)."""
    if facts.competence is None:
        return "AP"
    found = facts.competence.authority
    return found.short_name if found else WORDS["en" if language == "en" else "nl"]["authorities_each"]


def is_late(facts: DraftFacts, now: datetime) -> bool:
    """The controller's (or filing processor's) 72 h have passed and no AP notification was filed."""
    if facts.ap_due_at is None or facts.ap_status in ("not_required", "ended"):
        return False
    filed = any(f.kind == "ap_notification" for f in facts.ap_filings)
    return not filed and now > facts.ap_due_at


def _text(*parts: str | None) -> str | None:
    joined = "\n\n".join(p.strip() for p in parts if p and p.strip())
    return joined or None


def _when(value: str | datetime | None) -> str | None:
    if value is None:
        return None
    return format_local(parse_instant(value) if isinstance(value, str) else value)


@dataclass(frozen=True)
class _Facts:
    """What every chapter reads: the facts, the document's words and language, and what follows from them."""

    facts: DraftFacts
    w: dict[str, str]
    lang: str
    fields: dict
    details: dict
    scope: dict
    first: APFiling | None  # the first AP notification, if one was filed: this draft is then a follow-up
    late: bool


class _Answers(dict):
    """Question key -> (value, extra): the source, highlight and hint when they differ from the question's."""

    def put(self, key: str, value: str | None, **extra) -> None:
        self[key] = (value, extra)


def _introduction(f: _Facts, put) -> None:  # chapter 1
    w = f.w
    put("1.notification_type", w["follow_up"].format(reference=f.first.reference) if f.first else w["new"])
    put("1.legal_basis", w.get(f"basis_{f.facts.legal_basis}", f.facts.legal_basis))
    put("1.other_supervisors", f.details.get("other_supervisors"))


def _international(f: _Facts, put) -> None:  # chapter 2
    w, details = f.w, f.details
    countries = list(f.scope.get("countries") or ())
    foreign = [c for c in countries if c != "NL"]
    if foreign:
        put("2.cross_border", w["countries_yes"].format(countries=country_list(foreign, f.lang)))
    elif countries:
        put("2.cross_border", w["countries_no"])
    elif "cross_border" in details:
        put(
            "2.cross_border",
            option("cross_border", details["cross_border"], f.lang),
            source="incident.details.cross_border",
        )
    else:
        put("2.cross_border", None)
    no_foreign = not foreign and (bool(countries) or details.get("cross_border") == "no")
    put("2.other_authorities", w["no_foreign"] if no_foreign else None)


def _controller(f: _Facts, put) -> None:  # chapter 3
    w, facts = f.w, f.facts
    put("3.organisation", facts.controller_name)
    put("3.joint_controllers", facts.controller_joint or None)
    put("3.address", facts.controller_address or None)
    put("3.kvk", facts.controller_kvk)
    put("3.sector", facts.controller_sector or None)
    put("3.dpo_registration", facts.controller_dpo_registration or None)
    if facts.filer == "processor":
        contact = facts.processor_contact_point or f"{facts.processor_name} · {facts.processor_contact}"
        put("3.reporter", f"{facts.processor_name}: {contact}", source="settings.PROCESSOR_CONTACT")
        put("3.contact_person", contact, source="settings.PROCESSOR_CONTACT")
    else:
        parts = {
            "name": facts.controller_contact_name,
            "function": facts.controller_contact_function,
            "email": facts.controller_contact_email,
            "phone": facts.controller_contact_phone,
        }
        known = " · ".join(v for v in parts.values() if v)
        missing = [w[k] for k, v in parts.items() if not v]
        # The AP requires name, function and phone of the reporter: a partial answer is still a gap.
        put(
            "3.reporter",
            None if missing else known,
            hint=w["missing"].format(known=known or "—", missing=", ".join(missing)) if missing else None,
        )
        contact = " · ".join(
            v
            for v in (facts.controller_contact_name, facts.controller_contact_email, facts.controller_contact_phone)
            if v
        )
        put("3.contact_person", contact or None)
    put(
        "3.other_organisations",
        w["processor"].format(
            name=facts.processor_name,
            contact=facts.processor_contact,
            contracts=", ".join(facts.contract_references) or "—",
        ),
    )


def _timeline(f: _Facts, put) -> None:  # chapter 4
    w, facts, details, first = f.w, f.facts, f.details, f.first
    put("4.started_at", _when(details.get("started_at")))
    put("4.ended_at", _when(details.get("ended_at")) or (w["ongoing"] if "started_at" in details else None))
    aware = format_local(facts.aware_at)
    if facts.filer == "processor":
        put(
            "4.discovered_at",
            w["aware_processor"].format(aware=aware, confirmed=format_local(facts.confirmed_at))
            if facts.confirmed_at
            else w["not_yet_aware"].format(aware=aware),
            source="incident.confirmed_at",
        )
    elif facts.ap_starts_at:
        put("4.discovered_at", w["aware_controller"].format(start=format_local(facts.ap_starts_at), aware=aware))
    else:
        put("4.discovered_at", w["not_yet_aware"].format(aware=aware))
    put("4.discovery", details.get("discovery"))
    if f.late:
        hint = w["late_hint"].format(due=format_local(facts.ap_due_at), authority=authority_short(facts, f.lang))
        put("4.late_reason", None, highlight=True, hint=hint)
    elif first and facts.ap_due_at and first.at > facts.ap_due_at:
        put("4.late_reason", w["filed_late"].format(at=format_local(first.at)))
    elif facts.ap_due_at:
        put("4.late_reason", w["in_time"].format(due=format_local(facts.ap_due_at)))
    else:
        put("4.late_reason", w["not_started"])


def _breach(f: _Facts, put) -> None:  # chapter 5
    w, facts, fields, details, severity = f.w, f.facts, f.fields, f.details, f.facts.severity
    if severity:
        put(
            "5.nature",
            "; ".join(natures(severity.confidentiality, severity.integrity, severity.availability, f.lang))
            or w["nature_none"],
        )
    else:
        put("5.nature", fields.get("nature"), source="incident.fields.nature")
    put(
        "5.incident_kind",
        option("incident_kind", details["incident_kind"], f.lang) if "incident_kind" in details else None,
    )
    put("5.description", _text(facts.title, facts.description, fields.get("nature"), fields.get("cause")))
    put("5.attachments", details.get("attachments"))


def _personal_data(f: _Facts, put) -> None:  # chapter 6
    w, fields, scope, severity = f.w, f.fields, f.scope, f.facts.severity
    categories = category_list(scope.get("data_categories") or (), f.lang)
    put(
        "6.categories",
        _text(categories, fields.get("affected_data")),
        source="scope.data_categories" if categories else "incident.fields.affected_data",
    )
    specials = category_list(scope.get("special_categories") or (), f.lang)
    if specials:
        put("6.special_categories", w["special_list"].format(categories=specials))
    elif "data_categories" in scope:
        put("6.special_categories", w["special_none"])
    else:
        put(
            "6.special_categories",
            None,
            hint=w["special_unknown"] if severity and "sensitive" in severity.data_types else None,
        )
    own_records = range_text(records(scope), f.lang)
    put(
        "6.records",
        own_records or fields.get("records"),
        source="scope.records_min" if own_records else "incident.fields.records",
    )


def _affected_people(f: _Facts, put) -> None:  # chapter 7
    put("7.groups", group_list(f.scope.get("subject_groups") or (), f.lang))
    put("7.description", f.fields.get("data_subjects"))
    put("7.number", range_text(subjects(f.scope), f.lang))


def _prior_measures(f: _Facts, put) -> None:  # chapter 8
    put("8.protection", option("protection", f.details["protection"], f.lang) if "protection" in f.details else None)


def _consequences(f: _Facts, put) -> None:  # chapter 9
    w, lang, severity = f.w, f.lang, f.facts.severity
    if severity:
        effects = [
            w[f"{aspect}_{value}"]
            for aspect, value in (
                ("confidentiality", severity.confidentiality),
                ("integrity", severity.integrity),
                ("availability", severity.availability),
            )
            if value != "none" and f"{aspect}_{value}" in w
        ]
        put("9.consequences_organisation", "; ".join(effects) or w["nature_none"])
    else:
        put("9.consequences_organisation", None)
    put("9.consequences", f.fields.get("consequences"))
    if severity:
        ap = severity.ap_severity if lang == "nl" else AP_SEVERITY_EN.get(severity.ap_severity, severity.ap_severity)
        put(
            "9.severity",
            w["severity"].format(
                ap=ap, se=f"{severity.se:g}", band=w[f"band_{severity.band}"], at=format_local(severity.assessed_at)
            ),
        )
    else:
        put("9.severity", None)


def _follow_up(f: _Facts, put) -> None:  # chapter 10
    w, lang, facts, decision = f.w, f.lang, f.facts, f.facts.decision
    communicated = bool(facts.subject_communications)
    # "Ja" only when a communication to the data subjects was actually filed; a decision to inform is a plan.
    if communicated:
        put("10.subjects_informed", w["informed_yes"], source="filings.data_subject_communication")
        put("10.subjects_number", None, hint=w["number_hint"])
    elif decision and decision.inform_subjects == "yes":
        put(
            "10.subjects_informed",
            w["informed_planned"].format(at=format_local(decision.decided_at)),
            source="decisions.inform_subjects",
        )
        put("10.subjects_number", None)
    elif decision and decision.inform_subjects == "no":
        put(
            "10.subjects_informed",
            w["informed_no"].format(ground=option("subjects_ground", decision.subjects_ground or "", lang)),
            source="decisions.inform_subjects",
        )
        put("10.subjects_number", w["none_informed"], source="decisions.inform_subjects")
    else:
        put("10.subjects_informed", None)
        put("10.subjects_number", None)
    if communicated:
        channels = sorted({option("channel", c or "other", lang) for _, c in facts.subject_communications})
        at = min(a for a, _ in facts.subject_communications)
        put("10.subjects_channel", w["channels"].format(channels=", ".join(channels), at=format_local(at)))
    elif decision and decision.inform_subjects == "no":
        put("10.subjects_channel", w["not_informed"])
    else:
        put("10.subjects_channel", None)
    put("10.measures", f.fields.get("measures"))


# One function per chapter of the AP form, each answering that chapter's questions (questions.py).
CHAPTER_ANSWERS = (
    _introduction,
    _international,
    _controller,
    _timeline,
    _breach,
    _personal_data,
    _affected_people,
    _prior_measures,
    _consequences,
    _follow_up,
)


def compose(facts: DraftFacts, now: datetime, language: str = "nl") -> Draft:
    lang = "en" if language == "en" else "nl"
    w = WORDS[lang]
    notifications = [f for f in facts.ap_filings if f.kind == "ap_notification"]
    first = min(notifications, key=lambda f: f.at) if notifications else None
    late = is_late(facts, now)
    known = _Facts(facts, w, lang, facts.fields or {}, facts.details or {}, facts.scope or {}, first, late)
    values = _Answers()
    for answer in CHAPTER_ANSWERS:
        answer(known, values.put)

    chapters = [Chapter(number, titles[1] if lang == "en" else titles[0], []) for number, titles in CHAPTERS.items()]
    by_number = {c.number: c for c in chapters}
    for question in QUESTIONS:
        value, extra = values[question.key]
        by_number[question.chapter].answers.append(
            Answer(
                question.key,
                question.number,
                question.chapter,
                question.label(lang),
                value,
                extra.get("source", question.source),
                extra.get("highlight", False),
                extra.get("hint"),
            )
        )
    filer_note = (
        w["processor_files"].format(clause=facts.ap_clause) if facts.filer == "processor" else w["controller_files"]
    )
    return Draft(
        facts.incident_reference,
        facts.controller_name,
        facts.filer,
        filer_note,
        lang,
        now,
        "follow_up" if first else "new",
        first.reference if first else None,
        facts.ap_due_at,
        late,
        facts.decision,
        chapters,
        authority_short(facts, lang),
        authority_short(facts, lang) == "AP",
    )
