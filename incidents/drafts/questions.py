"""The AP's notification form as data: chapters 1–10, one stable key per question, Dutch and English wording,
and the wording of the answer options (docs/DOMAIN.md section 3). Pure: no Flask, no database.

Keys are part of the API (`GET /api/v1/incidents/{id}/ap-draft`): add questions freely, never rename a key.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core import ap_options


@dataclass(frozen=True)
class Question:
    key: str
    number: str  # the AP form's own numbering (as reproduced by public Dutch tooling, e.g. OpenVWR)
    nl: str
    en: str
    source: str  # where the answer comes from, for the API and the tests; never shown to people

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

Q = Question
QUESTIONS: tuple[Question, ...] = (
    Q("1.notification_type", "1.1", "Soort melding", "Kind of notification", "filings.ap_notification"),
    Q(
        "1.legal_basis",
        "1.2",
        "Op grond van welke wet meldt u (AVG, Wet politiegegevens of Telecommunicatiewet)?",
        "Under which law do you notify (GDPR, Police Data Act or Telecommunications Act)?",
        "controller.legal_basis",
    ),
    Q(
        "1.other_supervisors",
        "1.3",
        "Heeft u de inbreuk gemeld bij toezichthouders op andere meldplichten?",
        "Have you reported the breach to supervisors under other notification duties?",
        "incident.details.other_supervisors",
    ),
    Q(
        "2.cross_border",
        "2.1.1",
        "Zijn er betrokkenen in andere landen? Zo ja, in welke landen?",
        "Are there data subjects in other countries? If so, which?",
        "scope.countries",
    ),
    Q(
        "2.other_authorities",
        "2.2.1",
        "Heeft u de inbreuk gemeld bij privacytoezichthouders in andere landen?",
        "Have you notified data protection authorities in other countries?",
        "scope.countries",
    ),
    Q("3.organisation", "3.1.1 a", "Naam van de organisatie", "Name of the organisation", "controller.name"),
    Q(
        "3.joint_controllers",
        "3.1.1 b",
        "Gezamenlijke verwerkingsverantwoordelijke(n)",
        "Joint controller(s)",
        "controller.joint_controllers",
    ),
    Q("3.address", "3.1.1 c", "Adres", "Address", "controller.address"),
    Q("3.kvk", "3.1.1 d", "KvK-nummer", "Chamber of Commerce (KvK) number", "controller.kvk"),
    Q("3.sector", "3.1.1 e", "Sector", "Sector", "controller.sector"),
    Q(
        "3.dpo_registration",
        "3.1.2",
        "Registratienummer van de functionaris gegevensbescherming (FG)",
        "Registration number of the data protection officer (DPO)",
        "controller.dpo_registration",
    ),
    Q(
        "3.reporter",
        "3.2.1",
        "Melder: naam, functie, e-mailadres en telefoonnummer",
        "Reporter: name, function, e-mail address and phone number",
        "controller.contact",
    ),
    Q(
        "3.contact_person",
        "3.2.2",
        "Contactpersoon voor vragen over de melding",
        "Contact person for questions about the notification",
        "controller.contact",
    ),
    Q(
        "3.other_organisations",
        "3.3",
        "Andere betrokken organisaties (zoals de verwerker)",
        "Other organisations involved (such as the processor)",
        "settings.PROCESSOR_NAME",
    ),
    Q("4.started_at", "4.1.1", "Begin van de inbreuk", "Start of the breach", "incident.details.started_at"),
    Q("4.ended_at", "4.1.2", "Einde van de inbreuk", "End of the breach", "incident.details.ended_at"),
    Q(
        "4.discovered_at",
        "4.2",
        "Wanneer heeft u de inbreuk ontdekt?",
        "When did you discover the breach?",
        "obligations.ap_notification.starts_at",
    ),
    Q(
        "4.discovery",
        "4.3",
        "Hoe is de inbreuk ontdekt?",
        "How was the breach discovered?",
        "incident.details.discovery",
    ),
    Q(
        "4.late_reason",
        "4.5",
        "Reden van melding later dan 72 uur",
        "Reason for notifying later than 72 hours",
        "controller",
    ),
    Q("5.nature", "5.1", "Aard van de inbreuk", "Nature of the breach", "severity.circumstances"),
    Q("5.incident_kind", "5.2", "Soort incident", "Kind of incident", "incident.details.incident_kind"),
    Q("5.description", "5.3", "Omschrijving van de inbreuk", "Description of the breach", "incident.description"),
    Q("5.attachments", "5.4", "Bijlagen", "Attachments", "incident.details.attachments"),
    Q(
        "6.categories",
        "6.1",
        "Om welke soorten persoonsgegevens gaat het?",
        "Which kinds of personal data?",
        "scope.data_categories",
    ),
    Q(
        "6.special_categories",
        "6.2",
        "Bijzondere persoonsgegevens (AVG art. 9): welke?",
        "Special categories of personal data (GDPR Art. 9): which?",
        "scope.special_categories",
    ),
    Q("6.records", "6.3.1", "Aantal records (bij benadering)", "Number of records (approximate)", "scope.records_min"),
    Q("7.groups", "7.1", "Groepen betrokkenen", "Groups of data subjects", "scope.subject_groups"),
    Q(
        "7.description",
        "7.2",
        "Omschrijving van de betrokkenen",
        "Description of the data subjects",
        "incident.fields.data_subjects",
    ),
    Q(
        "7.number",
        "7.3",
        "Aantal betrokkenen (exact of minimum–maximum)",
        "Number of data subjects (exact or minimum–maximum)",
        "scope.subjects_min",
    ),
    Q(
        "8.protection",
        "8.1",
        "Waren de gegevens versleuteld, gehasht of anderszins onbegrijpelijk?",
        "Were the data encrypted, hashed or otherwise unintelligible?",
        "incident.details.protection",
    ),
    Q(
        "9.consequences_organisation",
        "9.1",
        "Gevolgen voor de persoonsgegevens (vertrouwelijkheid, integriteit, beschikbaarheid)",
        "Consequences for the personal data (confidentiality, integrity, availability)",
        "severity.circumstances",
    ),
    Q(
        "9.consequences",
        "9.2",
        "(Mogelijke) gevolgen voor de betrokkenen",
        "(Possible) consequences for the data subjects",
        "incident.fields.consequences",
    ),
    Q(
        "9.severity",
        "9.3",
        "Ernst van de gevolgen voor de betrokkenen",
        "Severity of the consequences for the data subjects",
        "severity.ap_severity",
    ),
    Q(
        "10.subjects_informed",
        "10.1.1",
        "Zijn de betrokkenen geïnformeerd?",
        "Have the data subjects been informed?",
        "filings.data_subject_communication",
    ),
    Q(
        "10.subjects_number",
        "10.1.3",
        "Hoeveel betrokkenen zijn geïnformeerd?",
        "How many data subjects were informed?",
        "filings.data_subject_communication",
    ),
    Q(
        "10.subjects_channel",
        "10.1.7",
        "Hoe zijn de betrokkenen geïnformeerd?",
        "How were they informed?",
        "filings.data_subject_communication",
    ),
    Q(
        "10.measures",
        "10.2",
        "Welke maatregelen heeft u genomen?",
        "Which measures have you taken?",
        "incident.fields.measures",
    ),
)
BY_KEY = {q.key: q for q in QUESTIONS}

# The answer options' wording lives in the pure core, so the notices can use it too.
OPTIONS = ap_options.OPTIONS
option = ap_options.option
