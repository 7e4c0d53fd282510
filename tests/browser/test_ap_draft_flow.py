"""Assess severity, record a decision, open the AP draft, copy an answer to the clipboard and export the
breach register — Chromium against the live application."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from incidents.breaches.models import Decision, SeverityAssessment
from incidents.extensions import db

from .conftest import login

pytestmark = pytest.mark.browser


def test_severity_decision_ap_draft_and_register(page, user, make_controller, make_contract, api, tmp_path):
    hospital = make_controller(name="Ziekenhuis West", contact_email="fg@west.example")
    make_contract("boz-72h", hospital, reference="VO-W-1")
    incident = api.post(
        "/api/v1/incidents",
        json={
            "title": "Patiëntgegevens in verkeerde mailbox",
            "aware_at": "2026-11-20T09:00",
            "status": "confirmed",
            "contract_ids": [c["id"] for c in api.get("/api/v1/contracts").get_json()["contracts"]],
            "fields": {
                "affected_data": "Namen, geboortedata en diagnoses van 40 patiënten.",
                "consequences": "Inzage door een onbevoegde zorgverlener.",
                "measures": "Ontvanger heeft het bericht aantoonbaar verwijderd.",
            },
            "details": {"incident_kind": "email_wrong_recipient", "subjects_min": 40, "subjects_max": 40},
        },
    ).get_json()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.base)

    login(page)
    page.goto(f"{page.base}/incidents/{incident['id']}")

    # 1. Severity: sensitive (4) × limited (0.5) + known recipient (0.25) = 2.25 → medium → "beperkt".
    page.check("input[name=sev-data_types][value=sensitive]")
    page.select_option("#sev-identification", "limited")
    page.select_option("#sev-confidentiality", "known_recipients")
    page.click("#severity_form button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert page.locator("#severity_form .severity").get_attribute("data-se") == "2.25"

    # 2. Decision relying on that assessment, on the hospital's own page of the incident.
    page.click(f"tr[data-controller='{hospital.id}'] a")
    page.wait_for_selector("#decision_form")
    page.check("input[name=decision-notify_ap][value=yes]")
    page.fill("#decision-reason", "Gezondheidsgegevens bij een onbevoegde.")
    page.check("input[name=decision-inform_subjects][value=no]")
    page.select_option("#decision-subjects_ground", "later_measures")
    page.fill("#decision-maker_name", "Dr. H. Hofman")
    page.fill("#decision-maker_function", "Functionaris gegevensbescherming")
    page.select_option("#decision-maker_via", "phone")
    page.click("#decision_form button[type=submit]")
    page.wait_for_selector(".flash-success")
    db.session.expire_all()
    decision = db.session.scalar(select(Decision))
    assessment = db.session.scalar(select(SeverityAssessment))
    assert decision.severity_id == assessment.id and decision.subjects_ground == "later_measures"
    assert (decision.maker_name, decision.maker_via) == ("Dr. H. Hofman", "phone")

    # 3. The AP draft for this controller, prefilled from the incident, the assessment and the decision.
    page.click(f"#controller-{hospital.id} a[href$='/ap-draft/{hospital.id}']")  # on the hospital's page
    page.wait_for_selector("#ap-draft")
    assert page.locator(".ap-chapter").count() == 10
    severity = page.locator("#answer-9-severity").inner_text()
    assert severity.startswith("beperkt") and "2.25" in severity
    assert page.locator("#answer-7-number").inner_text() == "exact 40"
    assert "later" in page.locator("#answer-10-subjects_informed").inner_text()
    assert page.locator("#late-warning").count() == 0

    # 4. Copy one answer: the clipboard holds exactly that answer.
    page.click("#q-6-categories button.copy")
    page.wait_for_selector("#q-6-categories button.copy[data-copied]")
    assert page.evaluate("navigator.clipboard.readText()") == "Namen, geboortedata en diagnoses van 40 patiënten."
    # "Copy all" puts every answer under the AP form's own question number, never our keys.
    page.click("button.copy-all")
    page.wait_for_function("navigator.clipboard.readText().then(t => t.startsWith('1.1 '))")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("1.1 Soort melding: Nieuwe melding") and "\n7.3 Aantal betrokkenen" in copied
    assert "notification_type" not in copied and "7.number" not in copied

    # 5. Export the breach register as CSV from its page; it holds this incident with its severity.
    page.click("nav.mainnav a[href='/register/']")
    page.wait_for_selector("#register")
    assert page.locator(f"#register tbody[data-reference='{incident['reference']}']").count() == 1
    with page.expect_download() as download_info:
        page.click("#register-exports a:text('CSV')")
    target = tmp_path / "register.csv"
    download_info.value.save_as(target)
    text = target.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert any(incident["reference"] in row for row in rows[1:])
    assert any("beperkt" in cell for row in rows[1:] for cell in row)
