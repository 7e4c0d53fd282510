"""Classify an incident as significant under NIS2, see the three stages counting down, open the early-warning draft
and record its filing — Chromium against the live application."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from incidents.core.instants import local_input_value, utcnow
from incidents.extensions import db
from incidents.regimes.models import RegimeClassification, RegimeFiling

from .conftest import login

pytestmark = pytest.mark.browser


def assert_accessible(page) -> None:
    """axe-core (an independent checker) finds no WCAG 2 A or AA violation on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
    assert results.violations_count == 0, results.generate_report()


def test_classify_significant_see_the_stages_count_down_and_file_the_early_warning(page, user, make_contract, api):
    contract = make_contract("boz-72h", reference="VO-Z-1")
    aware = utcnow().replace(microsecond=0) - timedelta(hours=3)
    incident = api.post(
        "/api/v1/incidents",
        json={
            "title": "Ransomware in het zorgportaal",
            "aware_at": aware.isoformat(),
            "status": "confirmed",
            "contract_ids": [contract.id],
            "fields": {"cause": "Misbruik van een gestolen VPN-account", "measures": "Accounts geblokkeerd"},
        },
    ).get_json()

    login(page)
    page.goto(f"{page.base}/incidents/{incident['id']}")
    section = page.locator("#regimes [data-regime=nis2]")
    assert "Nog niet geclassificeerd" in section.inner_text()
    section.get_by_role("link", name="Classificeren").click()

    # 1. Significant, known since the incident's awareness (the form's default), with a reason.
    page.wait_for_selector("#classification-form")
    assert_accessible(page)
    assert page.input_value("#aware_at") == local_input_value(aware)
    page.check("input[name=answer][value=yes]")
    page.fill("#reason", "Zorgportaal voor 40 ziekenhuizen urenlang onbereikbaar")
    page.click("#classification-form button[type=submit]")
    page.wait_for_selector(".flash-success")
    db.session.expire_all()
    assert db.session.scalar(select(RegimeClassification)).aware_at == aware

    # 2. The three stages count down in the browser (the script turns each deadline into the time left).
    for stage in ("early_warning", "notification", "final_report"):
        countdown = page.locator(f"tr.stage[data-stage={stage}] time.countdown")
        page.wait_for_function("el => el.getAttribute('data-urgency') === 'running'", arg=countdown.element_handle())
        assert countdown.inner_text().strip().startswith("nog")
    early = page.locator("tr.stage[data-stage=early_warning] time.countdown")
    first = early.inner_text()
    page.wait_for_timeout(1_200)
    assert early.inner_text() != first  # it counts
    left = re.search(r"(\d+):(\d\d):(\d\d)", first)
    assert left is not None and left.group(1) == "20"  # 24 h from three hours ago: 20:59:.. left
    assert page.locator("tr.stage[data-stage=final_report] .provisional").count() == 1

    # 3. The early warning's draft: its questions, the recipient, and a gap where nothing is known yet.
    page.locator("tr.stage[data-stage=early_warning]").get_by_role("link", name="Concept openen").click()
    page.wait_for_selector("#stage-draft")
    assert_accessible(page)
    assert "Z-CERT" in page.inner_text("main")
    assert page.locator("#stage-draft .ap-answer.gap").count() == 2  # malicious acts? cross-border?

    # 4. Record its filing with the CSIRT's reference: the stage is met, and the content as filed is kept.
    page.select_option("#channel", "portal")
    page.fill("#reference", "ZC-2026-0042")
    page.click("#stage-filing-form button[type=submit]")
    page.wait_for_selector(".flash-success")
    row = page.locator("tr.stage[data-stage=early_warning]")
    assert row.get_attribute("data-status") == "met"
    assert page.locator("tr.regime-filing").first.inner_text().count("ZC-2026-0042") == 1
    db.session.expire_all()
    filing = db.session.scalar(select(RegimeFiling))
    assert (filing.stage, filing.reference, filing.channel) == ("early_warning", "ZC-2026-0042", "portal")
    assert len(filing.sha256) == 64 and '"stage": "early_warning"' in filing.content
