"""The AP's notification form as data: chapters 1–10, one stable key per question, Dutch and English wording,
and the wording of the answer options (shared/DOMAIN.md section 3). Pure: no Flask, no database.

Keys are part of the API (`GET /api/v1/incidents/{id}/ap-draft`): add questions freely, never rename a key.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core import ap_options


@dataclass(frozen=True)
class Question:
    key: str
    nl: str
    en: str
    source: str  # where the answer comes from, for the reader and for the tests

    @property
    def chapter(self) -> int:
        return int(self.key.split(".", 1)[0])

    def label(self, language: str) -> str:
        return self.en if language == "en" else self.nl


CHAPTERS: dict[int, tuple[str, str]] = {
    1: ("Introductie", "Introduction"),
    2: ("Internationale aspecten", "International aspects"),
    3: ("Verwerkingsverantwoordelijke", "Controller"),
    4: ("Tijdlijn", "Timeline"),
    5: ("Gegevens over de inbreuk", "About the breach"),
    6: ("Welke persoonsgegevens", "Which personal data"),
    7: ("Getroffen personen", "Affected people"),
    8: ("Maatregelen vooraf", "Prior measures"),
    9: ("Gevolgen", "Consequences"),
    10: ("Vervolgacties", "Follow-up actions"),
}

QUESTIONS: tuple[Question, ...] = (
    Question("1.notification_type", "Soort melding", "Kind of notification", "filings.ap_notification"),
    Question("1.legal_basis", "Melding op grond van", "Notified under", "settings.AP_LEGAL_BASIS"),
    Question("1.other_supervisors", "Andere toezichthouders of instanties geïnformeerd",
             "Other supervisors or bodies informed", "incident.fields.informed_parties"),
    Question("2.cross_border", "Betrokkenen in andere landen", "Data subjects in other countries",
             "incident.details.cross_border"),
    Question("2.other_authorities", "Andere privacytoezichthouders geïnformeerd",
             "Other data protection authorities informed", "controller"),
    Question("3.organisation", "Naam organisatie", "Organisation", "controller.name"),
    Question("3.kvk", "KvK-nummer", "Chamber of Commerce number", "controller.kvk"),
    Question("3.address", "Adres", "Address", "controller"),
    Question("3.dpo_registration", "Registratienummer FG", "DPO registration number", "controller"),
    Question("3.sector", "Sector", "Sector", "controller"),
    Question("3.reporter", "Melder (naam, functie, e-mail, telefoon)", "Reporter (name, role, e-mail, phone)",
             "controller.contact"),
    Question("3.contact_person", "Contactpersoon voor vragen over de melding",
             "Contact person for questions about the notification", "incident.fields.contact_point"),
    Question("3.other_organisations", "Andere betrokken organisaties (zoals de verwerker)",
             "Other organisations involved (such as the processor)", "settings.PROCESSOR_NAME"),
    Question("4.started_at", "Begin van de inbreuk", "Start of the breach", "incident.details.started_at"),
    Question("4.ended_at", "Einde van de inbreuk", "End of the breach", "incident.details.ended_at"),
    Question("4.discovered_at", "Wanneer ontdekt", "When discovered", "obligations.ap_notification.starts_at"),
    Question("4.discovery", "Hoe ontdekt", "How discovered", "incident.details.discovery"),
    Question("4.late_reason", "Reden van melding later dan 72 uur", "Reason for notifying later than 72 hours",
             "controller"),
    Question("5.nature", "Aard van de inbreuk", "Nature of the breach", "severity.circumstances"),
    Question("5.incident_kind", "Soort incident", "Kind of incident", "incident.details.incident_kind"),
    Question("5.description", "Omschrijving van de inbreuk", "Description of the breach",
             "incident.description"),
    Question("6.categories", "Soorten persoonsgegevens", "Kinds of personal data", "incident.fields.affected_data"),
    Question("6.special_categories", "Bijzondere persoonsgegevens (AVG art. 9)", "Special categories (GDPR Art. 9)",
             "severity.data_types"),
    Question("6.records", "Aantal records", "Number of records", "incident.fields.records"),
    Question("7.groups", "Groepen betrokkenen", "Groups of data subjects", "incident.details.subject_groups"),
    Question("7.description", "Omschrijving van de betrokkenen", "Description of the data subjects",
             "incident.fields.data_subjects"),
    Question("7.number", "Aantal betrokkenen (exact of minimum–maximum)",
             "Number of data subjects (exact or minimum–maximum)", "incident.details.subjects_min"),
    Question("8.protection", "Waren de gegevens versleuteld, gehasht of anderszins onbegrijpelijk?",
             "Were the data encrypted, hashed or otherwise unintelligible?", "incident.details.protection"),
    Question("9.consequences", "Gevolgen voor de betrokkenen en de organisatie",
             "Consequences for the data subjects and the organisation", "incident.fields.consequences"),
    Question("9.severity", "Ernst van de gevolgen", "Severity of the consequences", "severity.ap_severity"),
    Question("10.subjects_informed", "Zijn de betrokkenen geïnformeerd?", "Have the data subjects been informed?",
             "decisions.inform_subjects"),
    Question("10.subjects_channel", "Hoe zijn de betrokkenen geïnformeerd?", "How were they informed?",
             "filings.data_subject_communication"),
    Question("10.measures", "Genomen maatregelen", "Measures taken", "incident.fields.measures"),
)
BY_KEY = {q.key: q for q in QUESTIONS}

# The answer options' wording lives in the pure core, so the notices can use it too.
OPTIONS = ap_options.OPTIONS
option = ap_options.option
