"""The AP draft through the application: the JSON and PDF of the API, the web page and its PDF.

The incident is built through the API with past instants; the controller's own 72-hour AP clock starts at the
processor's notice to it (a controller_notice filing), so the draft is late exactly when that notice is more than
72 hours old and no AP notification is recorded.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from incidents.breaches.assessment import record_severity
from incidents.breaches.models import Incident
from incidents.core.instants import format_local, utcnow
from incidents.extensions import db
from tests.conftest import MAKER

from ..api.conftest import assert_error_shape
from ..api.openapi_check import check_response, check_schema
from .conftest import iso

PATH = "/incidents/{incident_id}/ap-draft"
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
FIELDS = {
    "nature": "Phishingmail leidde tot inlog op het beheeraccount.",
    "cause": "Geen tweefactorauthenticatie op het beheeraccount.",
    "affected_data": "Namen, geboortedata en BSN van patiënten.",
    "data_subjects": "Patiënten van de praktijk.",
    "records": 'Ongeveer 1.200 dossiers <b>niet vet</b> & "meer"; café ĳs',
    "consequences": "Mogelijke identiteitsfraude.",
    "measures": "Wachtwoorden gereset, 2FA ingeschakeld.",
    "informed_parties": "Politie (aangifte gedaan).",
    "contact_point": "FG: mr. J. de Vries, fg@praktijk.example",
}
DETAILS = {
    "incident_kind": "hacking_malware_phishing",
    "protection": "none",
    "cross_border": "no",
    "subject_groups": ["patients", "minors"],
    "subjects_min": 1100,
    "subjects_max": 1250,
    "discovery": "Melding van de leverancier van de mailfilter.",
}


def pdf_text(content: bytes) -> tuple[str, int]:
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]
    return " ".join(" ".join(pages).split()), len(pages)


def answers(body: dict) -> dict[str, dict]:
    return {a["key"]: a for c in body["chapters"] for a in c["answers"]}


@pytest.fixture
def breach(api, make_controller, make_contract):
    """A confirmed incident aware five days ago, affecting one controller on a boz-72h contract and another
    controller that is not affected; ``notify(hours_ago)`` records the processor's notice to the controller."""

    def build(profile: str = "boz-72h"):
        now = utcnow().replace(microsecond=0)
        controller = make_controller(
            name="Huisartsenpraktijk Zuid",
            kvk="12345678",
            contact_name="Mw. A. Jansen",
            contact_email="fg@zuid.example",
        )
        contract = make_contract(profile, controller, reference="VO-ZUID-1")
        bystander = make_controller(name="Niet Betrokken B.V.")
        make_contract("boz-72h", bystander, reference="VO-ANDER-1")
        started = now - timedelta(days=6)
        response = api.post(
            "/api/v1/incidents",
            json={
                "title": "Beheeraccount gehackt",
                "description": "Via een phishingmail kreeg een aanvaller toegang.",
                "aware_at": iso(now - timedelta(days=5)),
                "status": "confirmed",
                "confirmed_at": iso(now - timedelta(days=5) + timedelta(hours=1)),
                "contract_ids": [contract.id],
                "fields": FIELDS,
                "details": {**DETAILS, "started_at": iso(started), "ended_at": iso(started + timedelta(hours=20))},
            },
        )
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        world = SimpleNamespace(
            now=now,
            controller=controller,
            contract=contract,
            bystander=bystander,
            incident_id=body["id"],
            reference=body["reference"],
            started=started,
            url=f"/api/v1/incidents/{body['id']}/ap-draft?controller_id={controller.id}",
            page=f"/incidents/{body['id']}/ap-draft/{controller.id}",
        )

        def notify(hours_ago: float):
            at = now - timedelta(hours=hours_ago)
            filed = api.post(
                f"/api/v1/incidents/{world.incident_id}/filings",
                json={"kind": "controller_notice", "contract_id": contract.id, "at": iso(at), "channel": "email"},
            )
            assert filed.status_code == 201, filed.get_json()
            return at

        world.notify = notify
        return world

    return build


def draft(api, world, **params) -> dict:
    query = "".join(f"&{k}={v}" for k, v in params.items())
    response = api.get(world.url + query)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    check_schema("APDraft", body)
    check_response(PATH, "get", 200, body)
    return body


# --- late or not ----------------------------------------------------------------------------------------------


def test_notice_71_hours_ago_is_not_late(api, logged_in, breach, page_of):
    world = breach()
    notified = world.notify(71)
    body = draft(api, world)
    assert body["late"] is False
    assert body["ap_due_at"] == iso(notified + timedelta(hours=72))
    assert body["notification_type"] == "new" and body["ap_reference"] is None
    late_reason = answers(body)["4.late_reason"]
    assert late_reason["highlight"] is False
    assert late_reason["answer"].startswith("Niet van toepassing: binnen de termijn van 72 uur")
    assert format_local(notified + timedelta(hours=72)) in late_reason["answer"]

    page = page_of(logged_in.get(world.page))
    assert page.by_id("late-warning") is None
    assert "highlight" not in page.by_id("q-4-late_reason")["class"].split()
    assert not page.with_class("highlight")


def test_notice_73_hours_ago_is_late_until_the_ap_notification(api, logged_in, breach, page_of, deadlines_of):
    world = breach()
    notified = world.notify(73)
    body = draft(api, world)
    assert body["late"] is True
    assert body["ap_due_at"] == iso(notified + timedelta(hours=72))
    late_reason = answers(body)["4.late_reason"]
    assert late_reason["highlight"] is True and late_reason["gap"] is True and late_reason["answer"] is None
    assert format_local(notified + timedelta(hours=72)) in late_reason["hint"]
    assert "4.late_reason" in body["gaps"]
    assert [a["key"] for a in answers(body).values() if a["highlight"]] == ["4.late_reason"]

    page = page_of(logged_in.get(world.page))
    assert page.by_id("late-warning") is not None
    assert "highlight" in page.by_id("q-4-late_reason")["class"].split()
    assert late_reason["hint"] in page.text("q-4-late_reason")

    # the controller files with the AP now: no longer late; the draft becomes a follow-up to that number
    before = deadlines_of(world.incident_id)
    filed = api.post(
        f"/api/v1/incidents/{world.incident_id}/filings",
        json={"kind": "ap_notification", "controller_id": world.controller.id, "reference": "AP-2026-000123"},
    )
    assert filed.status_code == 201, filed.get_json()
    after = deadlines_of(world.incident_id)
    assert [d["status"] for d in after if d["kind"] == "ap_notification"] == ["missed"]
    assert [d["due_at"] for d in after if d["kind"] == "ap_notification"] == [
        d["due_at"] for d in before if d["kind"] == "ap_notification"
    ]

    body = draft(api, world)
    assert body["late"] is False
    assert body["notification_type"] == "follow_up" and body["ap_reference"] == "AP-2026-000123"
    assert "AP-2026-000123" in answers(body)["1.notification_type"]["answer"]
    late_reason = answers(body)["4.late_reason"]
    assert late_reason["highlight"] is False
    assert late_reason["answer"].startswith("De melding is na de termijn gedaan")
    assert "4.late_reason" not in body["gaps"]

    page = page_of(logged_in.get(world.page))
    assert page.by_id("late-warning") is None
    assert not page.with_class("highlight")
    assert "AP-2026-000123" in page.text("answer-1-notification_type")


def test_before_the_controller_is_informed_there_is_no_due(api, breach):
    world = breach()
    body = draft(api, world)
    assert body["late"] is False and body["ap_due_at"] is None
    assert answers(body)["4.late_reason"]["answer"] == "Niet van toepassing: de termijn van 72 uur is nog niet gestart."


@pytest.fixture
def deadlines_of(api):
    def get(incident_id: int) -> list[dict]:
        response = api.get(f"/api/v1/incidents/{incident_id}/deadlines")
        assert response.status_code == 200
        return response.get_json()["deadlines"]

    return get


@pytest.mark.parametrize("how", ["decision_no", "dismissed"])
def test_not_late_when_not_required_but_a_dismissal_keeps_a_missed_deadline_missed(
    api, logged_in, breach, page_of, how
):
    world = breach()
    world.notify(80)
    assert draft(api, world)["late"] is True
    if how == "decision_no":
        response = api.post(
            f"/api/v1/incidents/{world.incident_id}/decisions",
            json={
                "controller_id": world.controller.id,
                "decision_maker": MAKER,
                "notify_ap": "no",
                "reason": "Geen risico: versleuteld",
            },
        )
        assert response.status_code == 201
    else:
        response = api.post(f"/api/v1/incidents/{world.incident_id}/dismiss", json={"reason": "Geen datalek"})
        assert response.status_code == 200
    body = draft(api, world)
    if how == "dismissed":
        # the AP deadline had passed before the dismissal: a missed duty stays missed (issue 13, item 4)
        assert body["late"] is True
        return
    assert body["late"] is False
    assert not any(a["highlight"] for a in answers(body).values())
    assert page_of(logged_in.get(world.page)).by_id("late-warning") is None


# --- the JSON -------------------------------------------------------------------------------------------------


def test_json_is_prefilled_from_the_incident(api, breach, app):
    world = breach()
    notified = world.notify(10)
    incident = db.session.get(Incident, world.incident_id)
    record_severity(
        incident,
        {
            "data_types": ["simple", "sensitive"],
            "identification": "significant",
            "confidentiality": "unknown_recipients",
            "malicious": True,
        },
    )
    db.session.commit()
    decided = api.post(
        f"/api/v1/incidents/{world.incident_id}/decisions",
        json={
            "controller_id": world.controller.id,
            "decision_maker": MAKER,
            "notify_ap": "yes",
            "reason": "BSN gelekt",
            "inform_data_subjects": "no",
            "data_subjects_ground": "later_measures",
        },
    )
    assert decided.status_code == 201, decided.get_json()

    body = draft(api, world)
    assert body["incident_id"] == world.incident_id and body["incident_reference"] == world.reference
    assert body["controller_id"] == world.controller.id and body["controller_name"] == "Huisartsenpraktijk Zuid"
    assert body["filer"] == "controller" and body["language"] == "nl"
    assert [c["number"] for c in body["chapters"]] == list(range(1, 11))
    assert [c["title"] for c in body["chapters"]] == TITLES_NL
    assert body["decision"]["notify_ap"] == "yes" and body["decision"]["data_subjects_ground"] == "later_measures"
    found = answers(body)
    value = {k: a["answer"] for k, a in found.items()}
    # 1.3 asks for other supervisors, not the contract's "who has been informed"; 3.2.2 is the controller's
    # contact, not the processor's contact point
    assert value["1.other_supervisors"] is None
    assert value["3.contact_person"] == "Mw. A. Jansen · fg@zuid.example"
    assert value["6.categories"] == FIELDS["affected_data"]
    assert value["6.records"] == FIELDS["records"]
    assert value["7.description"] == FIELDS["data_subjects"]
    assert value["9.consequences"] == FIELDS["consequences"]
    assert value["10.measures"] == FIELDS["measures"]
    assert value["5.description"] == "\n\n".join(
        [
            "Beheeraccount gehackt",
            "Via een phishingmail kreeg een aanvaller toegang.",
            FIELDS["nature"],
            FIELDS["cause"],
        ]
    )
    assert value["3.organisation"] == "Huisartsenpraktijk Zuid"
    assert value["3.kvk"] == "12345678"
    assert value["3.reporter"] is None  # the AP needs the reporter's function and phone as well
    assert found["3.reporter"]["hint"] == (
        "Bekend: Mw. A. Jansen · fg@zuid.example. Nog invullen: functie, telefoonnummer."
    )
    assert value["3.other_organisations"] == (
        "Verwerker: Voorbeeld Verwerker B.V. (privacy@verwerker.example); overeenkomst(en): VO-ZUID-1."
    )
    assert value["5.incident_kind"] == "Hacking, malware of phishing"
    assert value["8.protection"] == "Nee"
    assert value["2.cross_border"] == "Nee"
    # one affected controller: the incident's figures are its own
    assert value["7.groups"] == "Patiënten, Minderjarigen"
    assert value["7.number"] == "minimaal 1.100, maximaal 1.250"
    assert found["7.number"]["number"] == "7.3" and found["3.reporter"]["number"] == "3.2.1"
    assert value["4.discovery"] == DETAILS["discovery"]
    assert value["4.started_at"] == format_local(world.started)
    assert value["4.ended_at"] == format_local(world.started + timedelta(hours=20))
    assert format_local(notified) in value["4.discovered_at"]
    # severity: sensitive 4 × 0.75 + 0.5 + 0.5 = 4 → very high
    assert value["5.nature"] == "Gegevens (mogelijk) ingezien door onbevoegden"
    assert value["6.special_categories"] is None  # sensitive, but which Art. 9 categories is not recorded
    assert found["6.special_categories"]["hint"].startswith("Volgens de ernstbeoordeling")
    assert value["9.severity"].startswith("zeer groot (ENISA-score 4, zeer hoog")
    assert value["10.subjects_informed"] == (
        "Nee, grond: hoog risico weggenomen door latere maatregelen (art. 34 lid 3 sub b)"
    )
    assert found["6.categories"]["source"] == "incident.fields.affected_data"
    # what the application cannot know stays a gap, and gaps are exactly the empty answers
    assert body["gaps"] == [k for k, a in found.items() if a["answer"] is None]
    assert body["gaps"] == [
        "1.other_supervisors",
        "3.joint_controllers",
        "3.address",
        "3.sector",
        "3.dpo_registration",
        "3.reporter",
        "5.attachments",
        "6.special_categories",
    ]
    assert body["decision"]["decision_maker"] == MAKER
    assert body["decision"]["decided_by"] is not None and body["decision"]["recorded_by"] == "Hanna Handler"
    assert all(a["gap"] == (a["key"] in body["gaps"]) for a in found.values())


def test_english_json(api, breach):
    world = breach()
    world.notify(5)
    body = draft(api, world, language="en")
    assert body["language"] == "en"
    assert [c["title"] for c in body["chapters"]] == TITLES_EN
    found = answers(body)
    assert found["1.notification_type"]["question"] == "Kind of notification"
    assert found["1.notification_type"]["answer"] == "New notification"
    assert found["7.number"]["answer"] == "at least 1,100, at most 1,250"
    assert found["6.categories"]["answer"] == FIELDS["affected_data"]  # the user's own text is not translated


def test_processor_files_with_ap_profile(api, breach):
    world = breach("citodent")
    body = draft(api, world)
    assert body["filer"] == "processor"
    assert "Citodent Imaging B.V. Verwerkersovereenkomst, artikel 6 Meldplicht, Art. 6.1" in body["filer_note"]
    found = answers(body)
    assert found["3.reporter"]["answer"] == (
        "Voorbeeld Verwerker B.V.: mr. J. de Boer (Functionaris "
        "gegevensbescherming) · privacy@verwerker.example · 020-1234567"
    )
    assert found["3.reporter"]["source"] == "settings.PROCESSOR_CONTACT"
    # the processor's clock runs from the confirmation, no notice to the controller needed
    confirmed = world.now - timedelta(days=5) + timedelta(hours=1)
    assert body["ap_due_at"] == iso(confirmed + timedelta(hours=72))
    assert body["late"] is True


def test_data_subject_communication_names_the_channel(api, breach):
    world = breach("citodent")  # this contract lets the processor inform the data subjects itself
    sent = world.now - timedelta(hours=3)
    response = api.post(
        f"/api/v1/incidents/{world.incident_id}/filings",
        json={
            "kind": "data_subject_communication",
            "contract_id": world.contract.id,
            "at": iso(sent),
            "channel": "letter",
        },
    )
    assert response.status_code == 201, response.get_json()
    decided = api.post(
        f"/api/v1/incidents/{world.incident_id}/decisions",
        json={
            "controller_id": world.controller.id,
            "decision_maker": MAKER,
            "notify_ap": "yes",
            "inform_data_subjects": "yes",
        },
    )
    assert decided.status_code == 201
    found = answers(draft(api, world))
    assert found["10.subjects_informed"]["answer"] == "Ja"
    assert found["10.subjects_channel"]["answer"] == f"brief (op {format_local(sent)})"


# --- errors ---------------------------------------------------------------------------------------------------


def test_errors(api, breach, row_counts):
    world = breach()
    base = f"/api/v1/incidents/{world.incident_id}/ap-draft"
    before = row_counts()
    cases = [
        (base, 422, "required", "controller_id"),
        (base + "?controller_id=", 422, "empty_parameter", "controller_id"),
        (
            f"{base}?controller_id={world.controller.id}&controller_id={world.controller.id}",
            422,
            "repeated_parameter",
            "controller_id",
        ),
        (base + "?controller_id=abc", 422, "invalid_id", "controller_id"),
        (base + "?controller_id=-3", 422, "invalid_id", "controller_id"),
        (base + "?controller_id=1.5", 422, "invalid_id", "controller_id"),
        (f"{base}?controller_id={world.controller.id}&language=xx", 422, "invalid_choice", "language"),
        (f"{base}?controller_id={world.controller.id}&format=docx", 422, "invalid_choice", "format"),
        (f"{base}?controller_id={world.bystander.id}", 404, "not_found", None),
        (f"{base}?controller_id=999999", 404, "not_found", None),
        (f"/api/v1/incidents/999999/ap-draft?controller_id={world.controller.id}", 404, "not_found", None),
    ]
    for url, status, code, field in cases:
        response = api.get(url)
        assert_error_shape(response, status, code, field)
        check_response(PATH, "get", status, response.get_json())
    assert row_counts() == before


def test_needs_a_token(client, breach):
    world = breach()
    response = client.get(world.url)
    assert_error_shape(response, 401, "unauthorized")


# --- the PDF --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language, titles, page_word", [("nl", TITLES_NL, "Pagina"), ("en", TITLES_EN, "Page")])
def test_api_pdf(api, breach, language, titles, page_word):
    world = breach()
    world.notify(73)
    response = api.get(f"{world.url}&format=pdf&language={language}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert (
        f'filename="{world.reference}-AP-concept-Huisartsenpraktijk-Zuid.pdf"'
        in response.headers["Content-Disposition"]
    )
    text, pages = pdf_text(response.data)
    assert pages >= 1
    for number, title in enumerate(titles, start=1):
        assert f"{number}. {title}" in text, title
    assert world.reference in text
    assert re.search(rf"{page_word} 1 (van|of) {pages}", text), text[:300]
    assert FIELDS["measures"] in text
    assert FIELDS["records"] in text and "&amp;" not in text and "&lt;" not in text
    if language == "nl":
        assert "Te laat:" in text and "NOG INVULLEN" in text
    else:
        assert "Late:" in text and "TO FILL IN" in text and "Pagina 1 van" not in text


def test_web_pdf(logged_in, breach, app):
    world = breach()
    world.notify(2)
    response = logged_in.get(world.page + ".pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text, pages = pdf_text(response.data)
    assert pages >= 1
    for number, title in enumerate(TITLES_NL, start=1):
        assert f"{number}. {title}" in text, title
    assert world.reference in text and f"Pagina 1 van {pages}" in text
    assert "Te laat:" not in text

    english = logged_in.get(world.page + ".pdf?lang=en")
    assert english.status_code == 200
    text, pages = pdf_text(english.data)
    for number, title in enumerate(TITLES_EN, start=1):
        assert f"{number}. {title}" in text, title
    assert world.reference in text and f"Page 1 of {pages}" in text


# --- the web page ---------------------------------------------------------------------------------------------


def test_web_page_needs_a_login(app, breach):
    world = breach()
    anonymous = app.test_client()
    for url in (world.page, world.page + ".pdf"):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


def test_web_page_copy_buttons_and_gaps(api, logged_in, breach, page_of):
    world = breach()
    world.notify(73)
    body = draft(api, world)
    page = page_of(logged_in.get(world.page))
    assert len(page.with_class("ap-chapter", "section")) == 10
    for chapter in body["chapters"]:
        assert page.text(f"chapter-{chapter['number']}").strip().startswith(f"{chapter['number']}. {chapter['title']}")
    buttons = {b["data-copy"]: b for b in page.with_class("copy", "button")}
    found = answers(body)
    for key, answer in found.items():
        element = "answer-" + key.replace(".", "-")
        assert page.by_id("q-" + key.replace(".", "-"))["data-key"] == key
        if answer["gap"]:
            assert element not in buttons, key
            assert page.by_id(element) is None, key
        else:
            assert element in buttons, key
            assert page.text(element) == answer["answer"], key
    assert len(buttons) == len(found) - len(body["gaps"])
    gap_links = [a["href"] for a in page.elements_in("gaps", "a")]
    assert gap_links == ["#q-" + key.replace(".", "-") for key in body["gaps"]]
    assert [t.split(" ", 1)[0] for t in page.texts_in("gaps", "li")] == [
        found[k]["number"].split(" ")[0] for k in body["gaps"]
    ]
    for text, key in zip(page.texts_in("gaps", "li"), body["gaps"], strict=True):
        assert found[key]["question"] in text
    # the form's numbers are shown, never our keys or where an answer came from
    shown = " ".join(page.texts_in_class("ap-answer") + page.texts_in("gaps", "li"))
    for internal in (
        "incident.fields",
        "incident.details",
        "settings.",
        "scope.",
        "controller.",
        "late_reason",
        "source",
        "bron",
    ):
        assert internal not in shown, internal
    for key in body["gaps"]:
        assert "gap" in page.by_id("q-" + key.replace(".", "-"))["class"].split()


def test_web_page_for_an_unaffected_controller_or_unknown_incident(logged_in, breach):
    world = breach()
    assert logged_in.get(f"/incidents/{world.incident_id}/ap-draft/{world.bystander.id}").status_code == 404
    assert logged_in.get(f"/incidents/{world.incident_id}/ap-draft/999999").status_code == 404
    assert logged_in.get(f"/incidents/999999/ap-draft/{world.controller.id}").status_code == 404
    assert logged_in.get(f"/incidents/{world.incident_id}/ap-draft/{world.bystander.id}.pdf").status_code == 404


def test_web_page_processor_files(logged_in, breach, page_of):
    world = breach("citodent")
    page = page_of(logged_in.get(world.page))
    assert page.text("answer-3-reporter") == (
        "Voorbeeld Verwerker B.V.: mr. J. de Boer (Functionaris "
        "gegevensbescherming) · privacy@verwerker.example · 020-1234567"
    )


def test_dutch_page_has_no_english_interface_text(api, logged_in, breach):
    world = breach()
    world.notify(73)
    text = logged_in.get(world.page).get_data(as_text=True)
    for english in (
        "Download as PDF",
        "Copy all answers",
        "Still to fill in",
        "The 72 hours have passed",
        "Go to the question",
        ">Copy<",
    ):
        assert english not in text, english
