"""Two forms side by side on the incident page: saving one while the other holds typed input asks first (and
keeps the input when the answer is no), and the confirmation of a save appears in the section the user saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from incidents.breaches.service import create_incident
from incidents.core.instants import utcnow
from incidents.extensions import db

from .conftest import login

pytestmark = pytest.mark.browser


def test_saving_one_form_warns_about_the_other_and_confirms_in_place(page, user, make_contract):
    contract = make_contract("boz-72h")
    incident = create_incident(title="Test", aware_at=utcnow() - timedelta(hours=1), contract_ids=[contract.id])
    db.session.commit()
    login(page)
    page.goto(f"{page.base}/incidents/{incident.id}")
    page.fill("#d-discovery", "Melding van een medewerker")
    page.fill("#f-nature", "Phishing")

    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.click("#fields_form button[type=submit]")
    page.wait_for_timeout(300)
    assert questions and "niet zijn opgeslagen" in questions[0]
    # nothing was sent, nothing typed is lost
    assert page.input_value("#d-discovery") == "Melding van een medewerker"
    assert page.input_value("#f-nature") == "Phishing"

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.click("#fields_form button[type=submit]")
    page.wait_for_url("**#fields_form")
    # the confirmation stands in the section that was saved, not far above it
    expect(page.locator("#fields_form .flash-success")).to_have_count(1)
    assert page.input_value("#f-nature") == "Phishing"
