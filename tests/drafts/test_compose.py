"""The AP draft composer, pure: DraftFacts in, Draft out. No app, no database.

Each answer is traced to the input it comes from with a distinct sentinel per input, and the late-notice logic
(`is_late`, the highlighted question 4.late_reason) is checked at its boundary and as a property.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents.drafts.compose import APFiling, DecisionFacts, DraftFacts, Severity, compose, is_late
from incidents.drafts.questions import CHAPTERS, QUESTIONS

NOW = datetime(2026, 5, 18, 12, 0, tzinfo=UTC)  # before DUE: not late
AWARE = datetime(2026, 5, 15, 8, 0, tzinfo=UTC)
AP_START = datetime(2026, 5, 16, 9, 0, tzinfo=UTC)
DUE = AP_START + timedelta(hours=72)

# The keys are part of the API (GET /api/v1/incidents/{id}/ap-draft): written out here so that a rename fails.
KEYS = [
    "1.notification_type",
    "1.legal_basis",
    "1.other_supervisors",
    "2.cross_border",
    "2.other_authorities",
    "3.organisation",
    "3.joint_controllers",
    "3.address",
    "3.kvk",
    "3.sector",
    "3.dpo_registration",
    "3.reporter",
    "3.contact_person",
    "3.other_organisations",
    "4.started_at",
    "4.ended_at",
    "4.discovered_at",
    "4.discovery",
    "4.late_reason",
    "5.nature",
    "5.incident_kind",
    "5.description",
    "5.attachments",
    "6.categories",
    "6.special_categories",
    "6.records",
    "7.groups",
    "7.description",
    "7.number",
    "8.protection",
    "9.consequences_organisation",
    "9.consequences",
    "9.severity",
    "10.subjects_informed",
    "10.subjects_number",
    "10.subjects_channel",
    "10.measures",
]
# The AP form's own question numbers (legal review §3.2, as reproduced by OpenVWR), in the same order.
NUMBERS = [
    "1.1",
    "1.2",
    "1.3",
    "2.1.1",
    "2.2.1",
    "3.1.1 a",
    "3.1.1 b",
    "3.1.1 c",
    "3.1.1 d",
    "3.1.1 e",
    "3.1.2",
    "3.2.1",
    "3.2.2",
    "3.3",
    "4.1.1",
    "4.1.2",
    "4.2",
    "4.3",
    "4.5",
    "5.1",
    "5.2",
    "5.3",
    "5.4",
    "6.1",
    "6.2",
    "6.3.1",
    "7.1",
    "7.2",
    "7.3",
    "8.1",
    "9.1",
    "9.2",
    "9.3",
    "10.1.1",
    "10.1.3",
    "10.1.7",
    "10.2",
]
TITLES_NL = [
    "Introductie",
    "Internationale aspecten",
    "Verwerkingsverantwoordelijke",
    "Tijdlijn",
    "Gegevens over de inbreuk",
    "Welke persoonsgegevens",
    "Getroffen personen",
    "Maatregelen vooraf",
    "Gevolgen",
    "Vervolgacties",
]
TITLES_EN = [
    "Introduction",
    "International aspects",
    "Controller",
    "Timeline",
    "About the breach",
    "Which personal data",
    "Affected people",
    "Prior measures",
    "Consequences",
    "Follow-up actions",
]

FIELD_SENTINELS = {
    key: f"SENTINEL-{key.upper()}"
    for key in (
        "informed_parties",
        "contact_point",
        "affected_data",
        "records",
        "data_subjects",
        "consequences",
        "measures",
        "nature",
        "cause",
    )
}


def make_facts(**overrides) -> DraftFacts:
    values = dict(
        incident_reference="DL-2026-0042",
        title="SENTINEL-TITLE",
        description="SENTINEL-DESCRIPTION",
        fields=dict(FIELD_SENTINELS),
        details={},
        aware_at=AWARE,
        confirmed_at=AWARE + timedelta(hours=1),
        controller_name="SENTINEL-CONTROLLER-NAME",
        controller_kvk="SENTINEL-KVK",
        controller_contact_name="SENTINEL-CONTACT-NAME",
        controller_contact_email="sentinel-contact@ctl.example",
        filer="controller",
        ap_clause="",
        processor_name="SENTINEL-PROCESSOR-NAME",
        processor_contact="sentinel-processor@proc.example",
        legal_basis="SENTINEL-LEGAL-BASIS",
        contract_references=["VO-SENT-1", "VO-SENT-2"],
        ap_starts_at=AP_START,
        ap_due_at=DUE,
        ap_status="running",
    )
    values.update(overrides)
    return DraftFacts(**values)


def severity(**overrides) -> Severity:
    values = dict(
        data_types=("simple",),
        confidentiality="none",
        integrity="none",
        availability="none",
        se=1.25,
        band="low",
        ap_severity="verwaarloosbaar",
        assessed_at=datetime(2026, 5, 17, 10, 0, tzinfo=UTC),
    )
    values.update(overrides)
    return Severity(**values)


def decision(inform: str | None, ground: str | None = None) -> DecisionFacts:
    return DecisionFacts("yes", "Reden", inform, ground, datetime(2026, 5, 18, 9, 0, tzinfo=UTC))


# --- structure ---------------------------------------------------------------------------------------------


def test_question_keys_are_the_documented_list():
    assert [q.key for q in QUESTIONS] == KEYS


def test_every_question_carries_the_forms_number_in_the_forms_order():
    assert [q.number for q in QUESTIONS] == NUMBERS
    draft = compose(make_facts(), NOW)
    assert [a.number for a in draft.answers] == NUMBERS
    for answer in draft.answers:
        assert answer.number.split(".")[0] == str(answer.chapter)


@pytest.mark.parametrize("language, titles", [("nl", TITLES_NL), ("en", TITLES_EN)])
def test_every_chapter_in_order_and_every_key_once_in_its_chapter(language, titles):
    draft = compose(make_facts(), NOW, language)
    assert [c.number for c in draft.chapters] == list(range(1, 11))
    assert [c.title for c in draft.chapters] == titles
    seen = [a.key for a in draft.answers]
    assert seen == KEYS
    assert len(seen) == len(set(seen))
    for chapter in draft.chapters:
        assert chapter.answers, chapter.number
        for answer in chapter.answers:
            assert answer.key.startswith(f"{chapter.number}."), (chapter.number, answer.key)
            assert answer.chapter == chapter.number


def test_chapters_table_has_ten_chapters():
    assert sorted(CHAPTERS) == list(range(1, 11))


# --- each answer comes from the right field -----------------------------------------------------------------


@pytest.mark.parametrize(
    "key, field",
    [
        ("6.categories", "affected_data"),
        ("6.records", "records"),
        ("7.description", "data_subjects"),
        ("9.consequences", "consequences"),
        ("10.measures", "measures"),
        ("5.nature", "nature"),  # without a severity assessment the field's own text is the nature
    ],
)
def test_answer_from_its_field(key, field):
    answer = compose(make_facts(), NOW).answer(key)
    assert answer.value == FIELD_SENTINELS[field]
    assert answer.source == f"incident.fields.{field}"
    others = [s for f, s in FIELD_SENTINELS.items() if f != field]
    assert not any(s in answer.value for s in others), answer.value


def test_description_joins_title_description_nature_and_cause():
    answer = compose(make_facts(), NOW).answer("5.description")
    assert answer.source == "incident.description"
    parts = answer.value.split("\n\n")
    assert parts == ["SENTINEL-TITLE", "SENTINEL-DESCRIPTION", FIELD_SENTINELS["nature"], FIELD_SENTINELS["cause"]]
    # the cause appears nowhere else
    elsewhere = [a.key for a in compose(make_facts(), NOW).answers if FIELD_SENTINELS["cause"] in (a.value or "")]
    assert elsewhere == ["5.description"]


def test_description_skips_what_is_empty():
    facts = make_facts(description="  ", fields={"cause": "SENTINEL-CAUSE"})
    assert compose(facts, NOW).answer("5.description").value == "SENTINEL-TITLE\n\nSENTINEL-CAUSE"


def test_controller_answers():
    draft = compose(
        make_facts(controller_contact_function="SENTINEL-FUNCTION", controller_contact_phone="010-555"), NOW
    )
    organisation, kvk, reporter = (draft.answer(k) for k in ("3.organisation", "3.kvk", "3.reporter"))
    assert (organisation.value, organisation.source) == ("SENTINEL-CONTROLLER-NAME", "controller.name")
    assert (kvk.value, kvk.source) == ("SENTINEL-KVK", "controller.kvk")
    assert reporter.value == "SENTINEL-CONTACT-NAME · SENTINEL-FUNCTION · sentinel-contact@ctl.example · 010-555"
    assert reporter.source == "controller.contact"
    assert "SENTINEL-PROCESSOR-NAME" not in reporter.value
    contact = draft.answer("3.contact_person")
    assert contact.value == "SENTINEL-CONTACT-NAME · sentinel-contact@ctl.example · 010-555"
    assert FIELD_SENTINELS["contact_point"] not in contact.value  # the processor's contact point is not theirs
    assert draft.filer == "controller"
    assert draft.filer_note == "De verwerkingsverantwoordelijke meldt zelf (AVG art. 33 lid 1)."
    assert draft.answer("1.legal_basis").value == "SENTINEL-LEGAL-BASIS"


@pytest.mark.parametrize(
    "basis, nl", [("AVG", "AVG"), ("Wpg", "Wet politiegegevens (Wpg)"), ("Tw", "Telecommunicatiewet (Tw)")]
)
def test_legal_basis_per_controller(basis, nl):
    assert compose(make_facts(legal_basis=basis), NOW).answer("1.legal_basis").value == nl


def test_reporter_without_function_or_phone_is_a_gap_that_says_what_is_missing():
    answer = compose(make_facts(), NOW).answer("3.reporter")
    assert answer.gap
    assert answer.hint == (
        "Bekend: SENTINEL-CONTACT-NAME · sentinel-contact@ctl.example. Nog invullen: functie, telefoonnummer."
    )


def test_organisation_facts_from_the_controller_record():
    draft = compose(
        make_facts(
            controller_address="Dijk 1, Hoorn",
            controller_sector="Zorg",
            controller_dpo_registration="FG-0042",
            controller_joint="Stichting X",
        ),
        NOW,
    )
    assert [draft.answer(k).value for k in ("3.address", "3.sector", "3.dpo_registration", "3.joint_controllers")] == [
        "Dijk 1, Hoorn",
        "Zorg",
        "FG-0042",
        "Stichting X",
    ]


def test_other_supervisors_and_attachments_come_from_the_details_not_from_informed_parties():
    draft = compose(
        make_facts(details={"other_supervisors": "IGJ (calamiteit), Z-CERT", "attachments": "Logoverzicht"}), NOW
    )
    assert draft.answer("1.other_supervisors").value == "IGJ (calamiteit), Z-CERT"
    assert draft.answer("5.attachments").value == "Logoverzicht"
    assert not any(FIELD_SENTINELS["informed_parties"] in (a.value or "") for a in draft.answers)
    other = draft.answer("3.other_organisations").value
    assert "SENTINEL-PROCESSOR-NAME" in other and "sentinel-processor@proc.example" in other
    assert "VO-SENT-1, VO-SENT-2" in other


def test_controller_without_kvk_or_contact_name():
    draft = compose(make_facts(controller_kvk=None, controller_contact_name=""), NOW)
    assert draft.answer("3.kvk").gap
    assert draft.answer("3.reporter").gap and "naam" in draft.answer("3.reporter").hint
    assert draft.answer("3.contact_person").value == "sentinel-contact@ctl.example"


def test_processor_files_with_the_ap():
    facts = make_facts(filer="processor", ap_clause="SENTINEL-SOURCE, Art. 6.1-SENTINEL")
    draft = compose(facts, NOW)
    reporter = draft.answer("3.reporter")
    assert reporter.value == "SENTINEL-PROCESSOR-NAME: SENTINEL-PROCESSOR-NAME · sentinel-processor@proc.example"
    assert reporter.source == "settings.PROCESSOR_CONTACT"
    with_point = compose(
        make_facts(filer="processor", processor_contact_point="J. de Boer (FG) · p@x.example · 020"), NOW
    )
    assert with_point.answer("3.reporter").value == "SENTINEL-PROCESSOR-NAME: J. de Boer (FG) · p@x.example · 020"
    assert "SENTINEL-CONTACT-NAME" not in reporter.value
    assert draft.filer == "processor"
    assert "SENTINEL-SOURCE, Art. 6.1-SENTINEL" in draft.filer_note
    assert draft.filer_note.startswith("De verwerker meldt namens de verwerkingsverantwoordelijke")
    discovered = draft.answer("4.discovered_at")
    assert discovered.source == "incident.confirmed_at"
    assert discovered.value == (
        "Verwerker kreeg kennis op 15-05-2026 10:00 CEST; inbreuk vastgesteld op 15-05-2026 11:00 CEST."
    )


def test_processor_files_in_english():
    draft = compose(make_facts(filer="processor", ap_clause="CLAUSE-X"), NOW, "en")
    assert draft.filer_note == "The processor notifies on behalf of the controller (CLAUSE-X)."


@pytest.mark.parametrize(
    "key, detail, code, nl, en",
    [
        (
            "5.incident_kind",
            "incident_kind",
            "cc_not_bcc",
            "Ontvangers in cc in plaats van bcc",
            "Recipients in CC instead of BCC",
        ),
        (
            "5.incident_kind",
            "incident_kind",
            "hacking_malware_phishing",
            "Hacking, malware of phishing",
            "Hacking, malware or phishing",
        ),
        ("8.protection", "protection", "hashed", "Ja, gehasht", "Yes, hashed"),
        ("8.protection", "protection", "none", "Nee", "No"),
        ("2.cross_border", "cross_border", "yes", "Ja", "Yes"),
        ("2.cross_border", "cross_border", "unknown", "Onbekend", "Unknown"),
    ],
)
def test_choice_details(key, detail, code, nl, en):
    facts = make_facts(details={detail: code})
    for language, expected in (("nl", nl), ("en", en)):
        answer = compose(facts, NOW, language).answer(key)
        assert answer.value == expected
        assert answer.source == f"incident.details.{detail}"
    assert compose(make_facts(details={}), NOW).answer(key).gap


def test_subject_groups_from_the_controllers_scope():
    facts = make_facts(scope={"subject_groups": ["patients", "minors"]})
    answer = compose(facts, NOW).answer("7.groups")
    assert (answer.value, answer.source) == ("Patiënten, Minderjarigen", "scope.subject_groups")
    assert compose(facts, NOW, "en").answer("7.groups").value == "Patients, Minors"
    assert compose(make_facts(scope={}), NOW).answer("7.groups").gap
    # the incident's details hold the sums over every controller: never one controller's answer
    assert compose(make_facts(details={"subject_groups": ["patients"]}), NOW).answer("7.groups").gap


@pytest.mark.parametrize(
    "scope, nl, en",
    [
        ({"subjects_min": 40, "subjects_max": 40}, "exact 40", "exactly 40"),
        ({"subjects_min": 0, "subjects_max": 0}, "exact 0", "exactly 0"),
        (
            {"subjects_min": 1200, "subjects_max": 25000},
            "minimaal 1.200, maximaal 25.000",
            "at least 1,200, at most 25,000",
        ),
        ({"subjects_min": 70}, "minimaal 70", "at least 70"),
        ({"subjects_max": 900}, "maximaal 900", "at most 900"),
        ({}, None, None),
    ],
)
def test_number_of_data_subjects_from_the_controllers_scope(scope, nl, en):
    facts = make_facts(scope=scope, details={"subjects_min": 99999, "subjects_max": 99999})
    answer = compose(facts, NOW).answer("7.number")
    assert answer.value == nl
    assert answer.source == "scope.subjects_min"
    assert compose(facts, NOW, "en").answer("7.number").value == en


def test_records_from_the_scope_before_the_shared_text():
    answer = compose(make_facts(scope={"records_min": 10, "records_max": 20}), NOW).answer("6.records")
    assert (answer.value, answer.source) == ("minimaal 10, maximaal 20", "scope.records_min")


def test_categories_are_the_forms_checklist_and_special_categories_are_named():
    facts = make_facts(scope={"data_categories": ["name", "bsn", "health"], "special_categories": ["health"]})
    draft = compose(facts, NOW)
    categories = draft.answer("6.categories")
    assert categories.value == (
        "Naam, Burgerservicenummer (BSN), Gezondheidsgegevens\n\n" + FIELD_SENTINELS["affected_data"]
    )
    assert categories.source == "scope.data_categories"
    assert draft.answer("6.special_categories").value == "Ja: Gezondheidsgegevens"
    assert compose(facts, NOW, "en").answer("6.special_categories").value == "Yes: Health data"
    none = compose(make_facts(scope={"data_categories": ["name"]}), NOW).answer("6.special_categories")
    assert none.value == "Nee"


@pytest.mark.parametrize(
    "scope, details, cross, other",
    [
        ({"countries": ["NL", "BE", "DE"]}, {}, "Ja: België, Duitsland", None),
        (
            {"countries": ["NL"]},
            {},
            "Nee, alleen betrokkenen in Nederland",
            "Niet van toepassing: geen betrokkenen in andere landen",
        ),
        ({}, {"cross_border": "no"}, "Nee", "Niet van toepassing: geen betrokkenen in andere landen"),
        ({}, {}, None, None),
    ],
)
def test_countries_and_other_authorities(scope, details, cross, other):
    draft = compose(make_facts(scope=scope, details=details), NOW)
    assert draft.answer("2.cross_border").value == cross
    assert draft.answer("2.other_authorities").value == other


def test_start_and_end_in_amsterdam_time_summer_and_winter():
    facts = make_facts(
        details={
            "started_at": "2026-01-15T10:00:00Z",
            "ended_at": "2026-07-01T10:00:00Z",
            "discovery": "SENTINEL-DISCOVERY",
        }
    )
    draft = compose(facts, NOW)
    started, ended, discovery = (draft.answer(k) for k in ("4.started_at", "4.ended_at", "4.discovery"))
    assert (started.value, started.source) == ("15-01-2026 11:00 CET", "incident.details.started_at")
    assert (ended.value, ended.source) == ("01-07-2026 12:00 CEST", "incident.details.ended_at")
    assert (discovery.value, discovery.source) == ("SENTINEL-DISCOVERY", "incident.details.discovery")


def test_started_without_end_is_ongoing_and_nothing_is_a_gap():
    facts = make_facts(details={"started_at": "2026-05-14T22:30:00Z"})
    assert compose(facts, NOW).answer("4.started_at").value == "15-05-2026 00:30 CEST"
    assert compose(facts, NOW).answer("4.ended_at").value == "Nog niet beëindigd"
    assert compose(facts, NOW, "en").answer("4.ended_at").value == "Not ended yet"
    empty = compose(make_facts(details={}), NOW)
    assert empty.answer("4.started_at").gap and empty.answer("4.ended_at").gap and empty.answer("4.discovery").gap


def test_discovered_at_for_the_controller():
    draft = compose(make_facts(), NOW)
    answer = draft.answer("4.discovered_at")
    assert answer.source == "obligations.ap_notification.starts_at"
    assert answer.value == (
        "Verwerkingsverantwoordelijke geïnformeerd door de verwerker op 16-05-2026 11:00 CEST; "
        "de verwerker kreeg kennis op 15-05-2026 10:00 CEST."
    )
    waiting = compose(make_facts(ap_starts_at=None, ap_due_at=None, ap_status="pending"), NOW)
    assert waiting.answer("4.discovered_at").value == (
        "Verwerker kreeg kennis op 15-05-2026 10:00 CEST; de verwerkingsverantwoordelijke is nog niet geïnformeerd."
    )


# --- severity and decisions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "circumstances, nl, en",
    [
        (
            {"confidentiality": "unknown_recipients"},
            "Gegevens (mogelijk) ingezien door onbevoegden",
            "Data (possibly) seen by unauthorised people",
        ),
        (
            {"confidentiality": "known_recipients"},
            "Gegevens (mogelijk) ingezien door onbevoegden",
            "Data (possibly) seen by unauthorised people",
        ),
        ({"integrity": "recoverable"}, "Gegevens gewijzigd", "Data altered"),
        ({"availability": "full"}, "Gegevens blijvend niet beschikbaar", "Data permanently unavailable"),
        ({"availability": "temporary"}, "Gegevens tijdelijk niet beschikbaar", "Data temporarily unavailable"),
        (
            {"confidentiality": "unknown_recipients", "integrity": "not_recoverable", "availability": "temporary"},
            "Gegevens (mogelijk) ingezien door onbevoegden; Gegevens gewijzigd; Gegevens tijdelijk niet beschikbaar",
            "Data (possibly) seen by unauthorised people; Data altered; Data temporarily unavailable",
        ),
        (
            {},
            "Geen verlies van vertrouwelijkheid, integriteit of beschikbaarheid vastgesteld",
            "No loss of confidentiality, integrity or availability established",
        ),
    ],
)
def test_nature_from_the_severity_circumstances(circumstances, nl, en):
    facts = make_facts(severity=severity(**circumstances))
    answer = compose(facts, NOW).answer("5.nature")
    assert (answer.value, answer.source) == (nl, "severity.circumstances")
    assert FIELD_SENTINELS["nature"] not in answer.value
    assert compose(facts, NOW, "en").answer("5.nature").value == en


def test_sensitive_data_without_named_categories_is_a_gap_that_asks_which():
    answer = compose(make_facts(severity=severity(data_types=("sensitive",))), NOW).answer("6.special_categories")
    assert answer.gap and answer.hint.startswith("Volgens de ernstbeoordeling gaat het om gevoelige gegevens")
    plain = compose(make_facts(severity=severity(data_types=("simple",))), NOW).answer("6.special_categories")
    assert plain.gap and plain.hint is None


def test_without_severity_special_categories_and_severity_are_gaps():
    draft = compose(make_facts(severity=None), NOW)
    assert draft.answer("6.special_categories").gap and draft.answer("9.severity").gap


@pytest.mark.parametrize(
    "ap, band, se, nl, en",
    [
        (
            "verwaarloosbaar",
            "low",
            1.25,
            "verwaarloosbaar (ENISA-score 1.25, laag; beoordeeld op 17-05-2026 12:00 CEST)",
            "negligible (ENISA score 1.25, low; assessed on 17-05-2026 12:00 CEST)",
        ),
        (
            "beperkt",
            "medium",
            2.25,
            "beperkt (ENISA-score 2.25, gemiddeld; beoordeeld op 17-05-2026 12:00 CEST)",
            "limited (ENISA score 2.25, medium; assessed on 17-05-2026 12:00 CEST)",
        ),
        (
            "aanzienlijk",
            "high",
            3.5,
            "aanzienlijk (ENISA-score 3.5, hoog; beoordeeld op 17-05-2026 12:00 CEST)",
            "significant (ENISA score 3.5, high; assessed on 17-05-2026 12:00 CEST)",
        ),
        (
            "zeer groot",
            "very_high",
            4.0,
            "zeer groot (ENISA-score 4, zeer hoog; beoordeeld op 17-05-2026 12:00 CEST)",
            "very large (ENISA score 4, very high; assessed on 17-05-2026 12:00 CEST)",
        ),
    ],
)
def test_severity_answer(ap, band, se, nl, en):
    facts = make_facts(severity=severity(ap_severity=ap, band=band, se=se))
    answer = compose(facts, NOW).answer("9.severity")
    assert (answer.value, answer.source) == (nl, "severity.ap_severity")
    assert compose(facts, NOW, "en").answer("9.severity").value == en


def test_a_decision_to_inform_is_a_plan_not_a_yes():
    draft = compose(make_facts(decision=decision("yes")), NOW)
    answer = draft.answer("10.subjects_informed")
    assert (answer.value, answer.source) == (
        "Nog niet; de verwerkingsverantwoordelijke heeft op 18-05-2026 11:00 CEST besloten hen te informeren.",
        "decisions.inform_subjects",
    )
    assert draft.answer("10.subjects_channel").gap and draft.answer("10.subjects_number").gap
    english = compose(make_facts(decision=decision("yes")), NOW, "en").answer("10.subjects_informed").value
    assert english == "Not yet; the controller decided on 18-05-2026 11:00 CEST to inform them."


def test_yes_only_once_a_communication_was_filed():
    sent = [(datetime(2026, 5, 18, 14, 30, tzinfo=UTC), "letter")]
    draft = compose(make_facts(decision=decision("yes"), subject_communications=sent), NOW)
    answer = draft.answer("10.subjects_informed")
    assert (answer.value, answer.source) == ("Ja", "filings.data_subject_communication")
    assert draft.answer("10.subjects_number").gap and draft.answer("10.subjects_number").hint


@pytest.mark.parametrize(
    "ground, nl, en",
    [
        (
            "not_high_risk",
            "Nee, grond: geen hoog risico voor de betrokkenen",
            "No, ground: no high risk to the data subjects",
        ),
        (
            "unintelligible",
            "Nee, grond: gegevens onbegrijpelijk voor onbevoegden (art. 34 lid 3 sub a)",
            "No, ground: data unintelligible to unauthorised people (Art. 34(3)(a))",
        ),
        (
            "later_measures",
            "Nee, grond: hoog risico weggenomen door latere maatregelen (art. 34 lid 3 sub b)",
            "No, ground: high risk removed by later measures (Art. 34(3)(b))",
        ),
        (
            "disproportionate_effort",
            "Nee, grond: onevenredige inspanning: openbare mededeling (art. 34 lid 3 sub c)",
            "No, ground: disproportionate effort: public communication (Art. 34(3)(c))",
        ),
    ],
)
def test_subjects_not_informed_with_each_ground(ground, nl, en):
    facts = make_facts(decision=decision("no", ground))
    draft = compose(facts, NOW)
    assert draft.answer("10.subjects_informed").value == nl
    assert draft.answer("10.subjects_channel").value == (
        "Niet van toepassing: de betrokkenen worden niet geïnformeerd."
    )
    assert draft.answer("10.subjects_number").value == "0: de betrokkenen worden niet geïnformeerd"
    assert compose(facts, NOW, "en").answer("10.subjects_informed").value == en


def test_no_decision_leaves_the_subject_questions_open():
    draft = compose(make_facts(decision=None), NOW)
    assert draft.answer("10.subjects_informed").gap and draft.answer("10.subjects_channel").gap
    assert draft.decision is None


def test_subject_communications_name_the_channels_and_the_first_moment():
    sent = [
        (datetime(2026, 5, 19, 9, 0, tzinfo=UTC), "letter"),
        (datetime(2026, 5, 18, 14, 30, tzinfo=UTC), "email"),
        (datetime(2026, 5, 19, 10, 0, tzinfo=UTC), "letter"),
    ]
    facts = make_facts(decision=decision("yes"), subject_communications=sent)
    answer = compose(facts, NOW).answer("10.subjects_channel")
    assert (answer.value, answer.source) == (
        "brief, e-mail (op 18-05-2026 16:30 CEST)",
        "filings.data_subject_communication",
    )
    assert compose(facts, NOW, "en").answer("10.subjects_channel").value == "e-mail, letter (on 18-05-2026 16:30 CEST)"


# --- gaps ---------------------------------------------------------------------------------------------------


def test_gaps_are_exactly_the_answers_without_a_value():
    bare = make_facts(fields={}, details={}, controller_kvk=None, description="")
    draft = compose(bare, NOW)
    expected = [a.key for a in draft.answers if a.value is None or not a.value.strip()]
    assert [a.key for a in draft.gaps] == expected
    assert all(a.gap for a in draft.gaps)
    assert not any(a.gap for a in draft.answers if a not in draft.gaps)
    assert [a.key for a in draft.gaps] == [
        "1.other_supervisors",
        "2.cross_border",
        "2.other_authorities",
        "3.joint_controllers",
        "3.address",
        "3.kvk",
        "3.sector",
        "3.dpo_registration",
        "3.reporter",
        "4.started_at",
        "4.ended_at",
        "4.discovery",
        "5.nature",
        "5.incident_kind",
        "5.attachments",
        "6.categories",
        "6.special_categories",
        "6.records",
        "7.groups",
        "7.description",
        "7.number",
        "8.protection",
        "9.consequences_organisation",
        "9.consequences",
        "9.severity",
        "10.subjects_informed",
        "10.subjects_number",
        "10.subjects_channel",
        "10.measures",
    ]


def test_whitespace_only_answer_is_a_gap():
    draft = compose(make_facts(fields={**FIELD_SENTINELS, "measures": "   "}), NOW)
    assert "10.measures" in [a.key for a in draft.gaps]


def test_gaps_shrink_as_facts_are_known():
    full = make_facts(
        details={
            "incident_kind": "other",
            "protection": "none",
            "started_at": "2026-05-14T10:00:00Z",
            "ended_at": "2026-05-14T11:00:00Z",
            "discovery": "Log",
        },
        scope={"subject_groups": ["customers"], "subjects_min": 1, "countries": ["NL"]},
        severity=severity(),
        decision=decision("no", "not_high_risk"),
    )
    gaps = [a.key for a in compose(full, NOW).gaps]
    # what the application does not know about the controller stays open
    assert gaps == [
        "1.other_supervisors",
        "3.joint_controllers",
        "3.address",
        "3.sector",
        "3.dpo_registration",
        "3.reporter",
        "5.attachments",
        "6.special_categories",
    ]


def test_a_controllers_draft_can_be_complete():
    complete = make_facts(
        details={
            "incident_kind": "other",
            "protection": "none",
            "started_at": "2026-05-14T10:00:00Z",
            "ended_at": "2026-05-14T11:00:00Z",
            "discovery": "Log",
            "other_supervisors": "Geen",
            "attachments": "Geen",
        },
        scope={
            "subject_groups": ["customers"],
            "subjects_min": 1,
            "countries": ["NL"],
            "data_categories": ["name"],
            "records_min": 3,
        },
        controller_address="Dijk 1, Hoorn",
        controller_sector="Zorg",
        controller_dpo_registration="FG-1",
        controller_joint="Geen",
        controller_contact_function="FG",
        controller_contact_phone="020-1",
        severity=severity(),
        decision=decision("no", "not_high_risk"),
    )
    assert compose(complete, NOW).gaps == []


# --- late ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("offset, late", [(-1, False), (0, False), (1, True)])
def test_late_exactly_after_the_due_instant(offset, late):
    facts = make_facts()
    now = DUE + timedelta(seconds=offset)
    assert is_late(facts, now) is late
    draft = compose(facts, now)
    assert draft.late is late
    answer = draft.answer("4.late_reason")
    assert answer.highlight is late
    if late:
        assert answer.value is None and answer.gap
        assert answer.hint == (
            "De 72 uur zijn verstreken op 19-05-2026 11:00 CEST zonder melding aan de AP: geef "
            "de reden van de vertraging (AVG art. 33 lid 1)."
        )
        assert [a.key for a in draft.answers if a.highlight] == ["4.late_reason"]
        assert "4.late_reason" in [a.key for a in draft.gaps]
    else:
        assert answer.value == "Niet van toepassing: binnen de termijn van 72 uur (uiterlijk 19-05-2026 11:00 CEST)."
        assert answer.hint is None
        assert not any(a.highlight for a in draft.answers)


def test_late_hint_in_english():
    answer = compose(make_facts(), DUE + timedelta(hours=5), "en").answer("4.late_reason")
    assert answer.highlight and answer.hint == (
        "The 72 hours passed on 19-05-2026 11:00 CEST without a notification "
        "to the AP: give the reason for the delay (GDPR Art. 33(1))."
    )


def test_filed_on_time_is_never_late():
    filing = APFiling("ap_notification", DUE - timedelta(hours=1), "AP-ONTIME")
    facts = make_facts(ap_filings=[filing], ap_status="met")
    draft = compose(facts, DUE + timedelta(days=3))
    assert draft.late is False and is_late(facts, DUE + timedelta(days=3)) is False
    answer = draft.answer("4.late_reason")
    assert not answer.highlight
    assert answer.value == "Niet van toepassing: binnen de termijn van 72 uur (uiterlijk 19-05-2026 11:00 CEST)."


def test_filed_late_says_so_without_highlight():
    filing = APFiling("ap_notification", DUE + timedelta(hours=2), "AP-LATE")
    facts = make_facts(ap_filings=[filing], ap_status="missed")
    draft = compose(facts, DUE + timedelta(days=3))
    assert draft.late is False
    answer = draft.answer("4.late_reason")
    assert not answer.highlight and answer.hint is None
    assert answer.value == (
        "De melding is na de termijn gedaan (19-05-2026 13:00 CEST); de reden staat in die melding."
    )
    en = compose(facts, DUE + timedelta(days=3), "en").answer("4.late_reason")
    assert (
        en.value == "The notification was made after the deadline (19-05-2026 13:00 CEST); its reason is in that "
        "notification."
    )


def test_a_follow_up_alone_does_not_stop_the_clock():
    facts = make_facts(ap_filings=[APFiling("ap_follow_up", DUE - timedelta(hours=1), "AP-1", "supplement")])
    assert is_late(facts, DUE + timedelta(seconds=1)) is True


@pytest.mark.parametrize("status", ["not_required", "ended"])
def test_not_required_or_ended_is_never_late(status):
    facts = make_facts(ap_status=status)
    assert is_late(facts, DUE + timedelta(days=30)) is False
    draft = compose(facts, DUE + timedelta(days=30))
    assert draft.late is False and not draft.answer("4.late_reason").highlight


def test_no_due_is_never_late():
    facts = make_facts(ap_starts_at=None, ap_due_at=None, ap_status="pending")
    assert is_late(facts, NOW + timedelta(days=365)) is False
    answer = compose(facts, NOW + timedelta(days=365)).answer("4.late_reason")
    assert not answer.highlight
    assert answer.value == "Niet van toepassing: de termijn van 72 uur is nog niet gestart."


@settings(max_examples=300, deadline=None)
@given(
    due_offset=st.integers(-10 * 86400, 10 * 86400),
    now_offset=st.integers(-10 * 86400, 10 * 86400),
    filed=st.booleans(),
    filed_offset=st.integers(-10 * 86400, 10 * 86400),
)
def test_highlight_is_now_after_due_without_filing(due_offset, now_offset, filed, filed_offset):
    base = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)  # the range crosses the end of summer time
    due = base + timedelta(seconds=due_offset)
    now = base + timedelta(seconds=now_offset)
    filings = [APFiling("ap_notification", base + timedelta(seconds=filed_offset), "AP-P")] if filed else []
    facts = make_facts(ap_starts_at=due - timedelta(hours=72), ap_due_at=due, ap_filings=filings)
    draft = compose(facts, now)
    expected = now > due and not filed
    assert draft.answer("4.late_reason").highlight is expected
    assert draft.late is expected
    assert is_late(facts, now) is expected


# --- follow-up ----------------------------------------------------------------------------------------------


def test_new_notification_without_filing():
    draft = compose(make_facts(), NOW)
    assert draft.notification_type == "new" and draft.ap_reference is None
    answer = draft.answer("1.notification_type")
    assert (answer.value, answer.source) == ("Nieuwe melding", "filings.ap_notification")


def test_follow_up_names_the_ap_reference_of_the_first_notification():
    filings = [
        APFiling("ap_notification", DUE - timedelta(hours=2), "AP-2026-FIRST"),
        APFiling("ap_follow_up", DUE + timedelta(hours=5), "AP-2026-FIRST", "supplement"),
        APFiling("ap_notification", DUE - timedelta(hours=1), "AP-2026-SECOND"),
    ]
    draft = compose(make_facts(ap_filings=filings), NOW)
    assert draft.notification_type == "follow_up"
    assert draft.ap_reference == "AP-2026-FIRST"
    assert draft.answer("1.notification_type").value == (
        "Vervolgmelding bij meldnummer AP-2026-FIRST (aanvulling, wijziging of intrekking)"
    )
    en = compose(make_facts(ap_filings=filings), NOW, "en")
    assert en.answer("1.notification_type").value == (
        "Follow-up to notification number AP-2026-FIRST (supplement, change or withdrawal)"
    )


# --- English ------------------------------------------------------------------------------------------------


def test_english_labels_titles_and_wording():
    facts = make_facts(severity=severity(confidentiality="unknown_recipients"), decision=decision("yes"))
    en = compose(facts, NOW, "en")
    nl = compose(facts, NOW, "nl")
    assert en.language == "en" and nl.language == "nl"
    assert [c.title for c in en.chapters] == TITLES_EN
    assert [a.label for a in en.answers] == [q.en for q in QUESTIONS]
    assert [a.label for a in nl.answers] == [q.nl for q in QUESTIONS]
    assert en.answer("1.notification_type").label == "Kind of notification"
    assert en.answer("4.late_reason").label == "Reason for notifying later than 72 hours"
    assert en.answer("7.number").label == "Number of data subjects (exact or minimum–maximum)"
    assert en.answer("1.notification_type").value == "New notification"
    assert en.filer_note == "The controller notifies itself (GDPR Art. 33(1))."
    assert en.answer("3.other_organisations").value.startswith("Processor: SENTINEL-PROCESSOR-NAME")
    # the sources and keys do not depend on the language
    assert [(a.key, a.source) for a in en.answers] == [(a.key, a.source) for a in nl.answers]


def test_any_other_language_falls_back_to_dutch():
    draft = compose(make_facts(), NOW, "de")
    assert draft.language == "nl" and [c.title for c in draft.chapters] == TITLES_NL


def test_compose_does_not_change_its_facts():
    facts = make_facts(details={"subject_groups": ["patients"]})
    before = dataclasses.asdict(facts)
    compose(facts, NOW, "en")
    assert dataclasses.asdict(facts) == before
