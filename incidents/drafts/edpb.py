"""Compose the draft in the EDPB's common breach-notification template (config/edpb-template.toml) for one
controller. Pure: no Flask, no database.

Every field of the template appears, answered from where the template's mapping says the desk holds it, or marked
as a gap. The facts are the controller's own (the AP draft's facts: drafts/gather.py), so each draft is true for its
controller: never another controller's scope, never a recorded fact shown as unknown. What the desk works out
(clocks, filings, decisions, severity) is taken from the AP draft composed from the same facts, so the two drafts
cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..core.ap_options import option
from ..core.authorities import Competence
from ..core.edpb_template import CONTROLLER_ATTRIBUTES, EDPBTemplate, TemplateField
from ..core.instants import format_local, parse_instant
from ..core.scope import country_name
from ..core.scope_words import category_list, country_list, group_list, number
from .compose import Draft, DraftFacts, compose

WORDS = {
    "nl": {
        "first": "Niet van toepassing: dit is de eerste melding",
        "authority": "{name}: {url}",
        "authority_lead": "{name}, als leidende toezichthouder van de hoofdvestiging ({country}): {url}",
        "authority_none": "Geen leidende toezichthouder: de verwerkingsverantwoordelijke is buiten de EER gevestigd "
        "zonder hoofdvestiging in de EU/EER. Meld bij de toezichthouder van elke lidstaat waar getroffen betrokkenen "
        "wonen (EDPB-richtsnoeren 9/2022, punt 73); vul die hier in.",
        "authority_ap": "Autoriteit Persoonsgegevens (AP)",
        "lead": "Ja: grensoverschrijdende verwerking met hoofdvestiging in {country}; leidende toezichthouder: {name}",
        "same_country": "Gelijk aan het land van vestiging ({country}): geen andere hoofdvestiging vastgelegd",
        "not_told": "De verwerkingsverantwoordelijke is nog niet door de verwerker geïnformeerd.",
        "status_unverified": "Let op: de velden en sleutels van dit concept zijn nog niet gecontroleerd tegen het "
        "gepubliceerde EDPB-sjabloon.",
    },
    "en": {
        "first": "Not applicable: this is the first notification",
        "authority": "{name}: {url}",
        "authority_lead": "{name}, as lead authority of the main establishment ({country}): {url}",
        "authority_none": "No lead authority: the controller is established outside the EEA without a main "
        "establishment in the EU/EEA. Notify the authority of every member state where affected data subjects live "
        "(EDPB Guidelines 9/2022, para. 73); fill those in here.",
        "authority_ap": "Dutch Data Protection Authority (AP)",
        "lead": "Yes: cross-border processing with the main establishment in {country}; lead authority: {name}",
        "same_country": "Same as the country of establishment ({country}): no other main establishment recorded",
        "not_told": "The processor has not informed the controller yet.",
        "status_unverified": "Note: the fields and keys of this draft have not yet been checked against the "
        "published EDPB template.",
    },
}
# The details answered with one of the AP form's options (their wording per language).
OPTION_DETAILS = ("incident_kind", "protection", "cross_border", "reporter_kind")


@dataclass
class EDPBAnswer:
    key: str
    label: str
    value: str | None
    source: str
    hint: str | None = None
    highlight: bool = False

    @property
    def gap(self) -> bool:
        return not (self.value or "").strip()


@dataclass
class EDPBSection:
    key: str
    title: str
    answers: list[EDPBAnswer]


@dataclass
class EDPBDraft:
    incident_reference: str
    controller_name: str
    language: str
    generated_at: datetime
    template_status: str
    template_title: str
    template_version: str
    status_note: str | None
    authority: str | None  # the authority notified (name and page), None when none is competent on its own
    sections: list[EDPBSection]

    @property
    def answers(self) -> list[EDPBAnswer]:
        return [a for s in self.sections for a in s.answers]

    @property
    def gaps(self) -> list[EDPBAnswer]:
        return [a for a in self.answers if a.gap]


def _when(value: str | datetime | None) -> str | None:
    if not value:
        return None
    return format_local(parse_instant(value) if isinstance(value, str) else value)


def _country(code: str, lang: str) -> str:
    return f"{country_name(code, lang)} ({code})"


def _authority(competence: Competence | None, lang: str) -> tuple[str | None, str | None]:
    """The competent authority as the draft names it, and a hint when there is none to name."""
    w = WORDS[lang]
    if competence is None:
        return w["authority_ap"], None
    found = competence.authority
    if found is None:
        return None, w["authority_none"]
    if competence.lead:
        return w["authority_lead"].format(
            name=found.label(lang), country=_country(found.country, lang), url=found.url
        ), None
    return w["authority"].format(name=found.label(lang), url=found.url), None


def _controller_value(facts: DraftFacts, name: str, lang: str, w: dict[str, str]) -> str | None:
    if name == "country":
        return _country(facts.controller_country, lang)
    if name == "main_establishment":
        if facts.controller_main_establishment:
            return _country(facts.controller_main_establishment, lang)
        return w["same_country"].format(country=_country(facts.controller_country, lang))
    values = {
        "name": facts.controller_name,
        "kvk": facts.controller_kvk,
        "address": facts.controller_address,
        "sector": facts.controller_sector,
        "dpo_registration": facts.controller_dpo_registration,
        "joint_controllers": facts.controller_joint,
        "contact_name": facts.controller_contact_name,
        "contact_function": facts.controller_contact_function,
        "contact_email": facts.controller_contact_email,
        "contact_phone": facts.controller_contact_phone,
        "legal_basis": facts.legal_basis,
    }
    assert set(values) | {"country", "main_establishment"} == set(CONTROLLER_ATTRIBUTES)
    return values[name] or None


def _scope_value(scope: dict, name: str, lang: str) -> str | None:
    value = scope.get(name)
    if value is None or value in ("", []):
        return None
    if name == "countries":
        return country_list(value, lang)
    if name in ("data_categories", "special_categories"):
        return category_list(value, lang)
    if name == "subject_groups":
        return group_list(value, lang)
    if isinstance(value, int):
        return number(value, lang)
    return str(value)


def _detail_value(details: dict, name: str, lang: str) -> str | None:
    value = details.get(name)
    if value is None or value == "":
        return None
    if name in OPTION_DETAILS:
        return option(name, value, lang)
    if name in ("started_at", "ended_at"):
        return _when(value)
    return str(value)


# A computed value that is the AP draft's answer to one of its questions (drafts/questions.py).
FROM_AP_DRAFT = {
    "notification_type": "1.notification_type",
    "other_authorities": "2.other_authorities",
    "reporting_person": "3.reporter",
    "contact_person": "3.contact_person",
    "processor": "3.other_organisations",
    "breach_end": "4.ended_at",
    "late_reason": "4.late_reason",
    "nature": "5.nature",
    "records": "6.records",
    "subjects": "7.number",
    "severity": "9.severity",
    "consequences_organisation": "9.consequences_organisation",
    "subjects_informed": "10.subjects_informed",
    "subjects_channel": "10.subjects_channel",
    "subjects_number_informed": "10.subjects_number",
}


def _computed(
    facts: DraftFacts, ap: Draft, name: str, lang: str, w: dict[str, str]
) -> tuple[str | None, str | None, bool]:
    """(value, hint, highlight) of a computed field."""
    if name in FROM_AP_DRAFT:
        answer = ap.answer(FROM_AP_DRAFT[name])
        return answer.value, answer.hint, answer.highlight
    if name == "previous_reference":
        return (ap.ap_reference or None) if ap.notification_type == "follow_up" else w["first"], None, False
    if name == "competent_authority":
        value, hint = _authority(facts.competence, lang)
        return value, hint, False
    if name == "cross_border":
        competence = facts.competence
        if competence is not None and competence.lead and competence.authority is not None:
            found = competence.authority
            return w["lead"].format(country=_country(found.country, lang), name=found.label(lang)), None, False
        answer = ap.answer("2.cross_border")
        return answer.value, answer.hint, False
    if name == "processor_aware_at":
        return format_local(facts.aware_at), None, False
    if name == "controller_aware_at":
        if facts.ap_starts_at is None:
            return None, w["not_told"], False
        return format_local(facts.ap_starts_at), None, False
    raise KeyError(name)  # the loader refuses a computed name this module does not know


def _answer(field: TemplateField, facts: DraftFacts, ap: Draft, lang: str, w: dict[str, str]) -> EDPBAnswer:
    hint, highlight = None, False
    kind, name = field.kind, field.name
    if kind == "field":
        value = (facts.fields or {}).get(name) or None
    elif kind == "detail":
        value = _detail_value(facts.details or {}, name, lang)
    elif kind == "controller":
        value = _controller_value(facts, name, lang, w)
    elif kind == "scope":
        value = _scope_value(facts.scope or {}, name, lang)
    elif kind == "computed":
        value, hint, highlight = _computed(facts, ap, name, lang, w)
    else:  # none: the desk does not hold it
        value = None
    return EDPBAnswer(field.key, field.label(lang), value, field.source, hint, highlight)


def compose_edpb(template: EDPBTemplate, facts: DraftFacts, now: datetime, language: str = "nl") -> EDPBDraft:
    lang = "en" if language == "en" else "nl"
    w = WORDS[lang]
    ap = compose(facts, now, lang)
    sections = [
        EDPBSection(s.key, s.title(lang), [_answer(f, facts, ap, lang, w) for f in s.fields]) for s in template.sections
    ]
    authority, _hint = _authority(facts.competence, lang)
    return EDPBDraft(
        facts.incident_reference,
        facts.controller_name,
        lang,
        now,
        template.status,
        template.title,
        template.version,
        w["status_unverified"] if template.status == "unverified" else None,
        authority,
        sections,
    )
