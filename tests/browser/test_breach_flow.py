"""Log a suspected breach on three contracts of different profiles, watch the clocks, confirm it,
record a notice, and see the obligation turn to met — in a real Chromium."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from incidents.breaches.models import Incident, Obligation
from incidents.core.instants import to_local, utcnow
from incidents.extensions import db

from .conftest import login

pytestmark = pytest.mark.browser


def test_log_confirm_and_notify(page, user, make_controller, make_contract):
    hospital = make_controller(name="Ziekenhuis Zuid")
    dentist = make_controller(name="Tandarts Centrum")
    clinic = make_controller(name="Kliniek Oost")
    boz = make_contract("boz-72h", hospital, reference="VO-BOZ-1")
    make_contract("doctolib", clinic, reference="VO-DOC-1")
    make_contract("citodent", dentist, reference="VO-CIT-1")
    make_contract("gdpr-art33", clinic, reference="VO-OTHER")  # present but not picked

    login(page)
    page.click("text=Log a breach") if page.locator("text=Log a breach").count() else page.click(".primary-link")
    page.wait_for_url(page.base + "/incidents/new")
    aware = to_local(utcnow() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#title", "Phishing op helpdeskaccount")
    page.fill("#description", "Inloggegevens van een helpdeskmedewerker zijn buitgemaakt.")
    page.fill("#aware_at", aware)
    page.check("input[name=status][value=suspected]")
    for reference in ("VO-BOZ-1", "VO-DOC-1", "VO-CIT-1"):
        page.fill("[data-picker-q]", reference.lower())
        expect(page.locator("[data-picker-results] li")).to_have_count(1)
        page.locator("[data-picker-results] li", has_text=reference).locator("[data-add]").click()
    expect(page.locator("[data-picker-count]")).to_have_text("3 contracten een voor een gekozen.")
    page.click("[data-picker-review]")
    expect(page.locator("[data-confirm-total]")).to_have_attribute("data-confirm-total", "3")
    page.click("[data-confirm-save]")
    page.wait_for_url(re.compile(r"/incidents/\d+$"))

    incident_url = page.url

    # Suspected: only the clocks owed from awareness (Citodent 6.2, Doctolib 3.2) run and tick, in the controller list.
    countdowns = page.locator("#controller-list time.countdown")
    assert countdowns.count() == 2
    first = countdowns.first.inner_text()
    page.wait_for_timeout(1500)
    assert countdowns.first.inner_text() != first
    assert page.locator(f"tr[data-controller='{dentist.id}'] time.countdown").count() == 1
    page.click(f"tr[data-controller='{dentist.id}'] a")
    citodent_row = page.locator("tr[data-kind=awareness_notice][data-contract='VO-CIT-1']")
    assert citodent_row.locator(".badge").get_attribute("class").endswith("status-running")
    page.goto(incident_url)
    page.click(f"tr[data-controller='{hospital.id}'] a")
    boz_row = page.locator("tr[data-kind=controller_notice][data-contract='VO-BOZ-1']")
    assert "status-pending" in boz_row.locator(".badge").get_attribute("class")

    # Confirm: the contract clocks that wait for confirmation start, for all three controllers.
    page.goto(incident_url)
    page.click("#confirm_form button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert page.locator("#controller-list time.countdown").count() == 3
    page.click(f"tr[data-controller='{hospital.id}'] a")
    assert "status-running" in boz_row.locator(".badge").get_attribute("class")

    # Record the notice to the BOZ controller on its page: its obligation turns to met.
    page.select_option("#filing-kind", "controller_notice")
    page.select_option("#filing-contract_id", str(boz.id))
    page.click("#filing_form button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert f"/controllers/{hospital.id}" in page.url
    assert "status-met" in boz_row.locator(".badge").get_attribute("class")
    assert boz_row.locator("time.countdown").count() == 0
    assert page.locator("#filings tbody tr").count() == 1
    page.goto(incident_url)
    assert page.locator(f"tr[data-controller='{hospital.id}']").get_attribute("data-state") == "notified"

    # What the browser showed is what the database holds.
    db.session.expire_all()
    incident = db.session.scalar(select(Incident))
    assert incident.status == "confirmed"
    assert db.session.scalar(select(func.count()).select_from(Obligation).where(Obligation.status == "met")) == 1

    # The dashboard lists the incident with a ticking countdown.
    page.click("a[href='/']")
    row = page.locator(f"tr[data-reference='{incident.reference}']")
    assert row.locator("time.countdown").count() == 1


def test_impossible_local_time_is_refused(page, user, make_contract):
    make_contract("boz-72h", reference="VO-1")
    login(page)
    page.goto(page.base + "/incidents/new")
    page.fill("#title", "Test")
    page.fill("#aware_at", "2026-03-29T02:30")  # skipped when summer time began
    page.click("[data-picker-review]")
    assert page.locator(".field.has-error #aware_at").count() == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 0
