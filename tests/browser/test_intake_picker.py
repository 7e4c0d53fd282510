"""The contract picker in a real Chromium: the search shows only what matches, the selection that is shown is what is
submitted, Enter never submits, "all N matching" is confirmed with its counts, and a contract added by mistake is
taken out of the incident again."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from incidents.breaches import service as breaches
from incidents.breaches.models import AffectedContract, Incident, TimelineEvent
from incidents.core.instants import to_local, utcnow
from incidents.extensions import db
from incidents.parties.models import Contract

from .conftest import login

pytestmark = pytest.mark.browser


@pytest.fixture
def many(make_controller, make_contract):
    """30 contracts of 10 controllers; two of them in Noordwest, under two profiles."""
    for n in range(8):
        clinic = make_controller(name=f"Kliniek {n}")
        for m in range(3):
            make_contract("boz-72h" if m else "boz-24h", clinic, reference=f"VO-K{n}-{m}")
    north = make_controller(name="Zorggroep Noordwest")
    west = make_controller(name="Zorggroep Noordwest-Friesland")
    for controller, prefix in ((north, "NW"), (west, "NWF")):
        make_contract("boz-72h", controller, reference=f"VO-{prefix}-1")
        make_contract("boz-24h", controller, reference=f"VO-{prefix}-2")


def _fill_incident(page):
    page.goto(page.base + "/incidents/new")
    page.fill("#title", "Storing bij de hostingpartij")
    page.fill("#aware_at", to_local(utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))


def _results(page) -> list[str]:
    return [t.strip() for t in page.locator("[data-picker-results] li").all_inner_texts()]


def _incidents() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Incident)) or 0


def _affected() -> set[str]:
    db.session.expire_all()
    return set(
        db.session.scalars(
            select(Contract.reference).join(AffectedContract, AffectedContract.contract_id == Contract.id)
        )
    )


def test_the_search_shows_only_matches_and_the_shown_selection_is_what_is_saved(page, user, many):
    login(page)
    _fill_incident(page)
    page.fill("[data-picker-q]", "noordwest")
    expect(page.locator("[data-picker-status]")).to_have_text("4 contracten gevonden.")
    rows = page.locator("[data-picker-results] li")
    expect(rows).to_have_count(4)
    for n in range(4):
        expect(rows.nth(n)).to_be_visible()
        assert "Noordwest" in rows.nth(n).inner_text()
    page.fill("[data-picker-q]", "friesland 2")
    expect(rows).to_have_count(1)
    rows.first.locator("[data-add]").click()
    page.fill("[data-picker-q]", "xyz-niets")
    expect(page.locator("[data-picker-status]")).to_have_text("Niets gevonden voor deze zoekopdracht.")
    expect(rows).to_have_count(0)
    page.fill("[data-picker-q]", "kliniek 3")
    expect(rows).to_have_count(3)
    for n in range(3):
        rows.nth(n).locator("[data-add]").click()
    # A contract picked by mistake is taken off the selection before anything is sent.
    page.locator("[data-chip]", has_text="VO-K3-1").locator(".chip-remove").click()
    expect(page.locator("[data-picker-count]")).to_have_text("3 contracten een voor een gekozen.")
    shown = {re.sub(r".* · ", "", t.strip()) for t in page.locator("[data-chip] span").all_inner_texts()}
    assert shown == {"VO-NWF-2", "VO-K3-0", "VO-K3-2"}
    submitted = set(page.locator("input[name=contract_ids]").evaluate_all("els => els.map(e => e.value)"))
    assert len(submitted) == 3
    page.click("[data-picker-review]")
    expect(page.locator("[data-confirm-total]")).to_have_attribute("data-confirm-total", "3")
    assert set(page.locator("#confirm-contracts li").evaluate_all("els => els.map(e => e.dataset.reference)")) == shown
    assert _incidents() == 0  # nothing saved before the confirmation
    page.click("[data-confirm-save]")
    page.wait_for_url(re.compile(r"/incidents/\d+$"))
    assert _affected() == shown


def test_enter_in_the_search_box_or_another_field_does_not_submit(page, user, many):
    login(page)
    _fill_incident(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.method) if r.method == "POST" else None)
    page.fill("[data-picker-q]", "noordwest-friesland")
    page.press("[data-picker-q]", "Enter")
    expect(page.locator("[data-picker-results] li")).to_have_count(2)
    page.press("#title", "Enter")
    page.wait_for_timeout(500)
    assert page.url == page.base + "/incidents/new"
    assert requests == []
    assert page.locator("[data-confirm-total]").count() == 0
    assert _incidents() == 0


def test_all_matching_is_said_in_words_and_confirmed_with_the_counts(page, user, many):
    login(page)
    _fill_incident(page)
    page.fill("[data-picker-q]", "zorggroep")
    page.select_option("[data-picker-profile]", "boz-72h")
    expect(page.locator("[data-picker-status]")).to_have_text("2 contracten gevonden.")
    add_all = page.locator("[data-picker-add-matching]")
    expect(add_all).to_have_text("Voeg alle 2 gevonden contracten toe")
    add_all.click()
    chip = page.locator("[data-match-chip]")
    expect(chip).to_contain_text("Alle 2 contracten bij “zorggroep”, profiel boz-72h")
    expect(page.locator("[data-picker-count]")).to_contain_text("Plus hele zoekopdrachten: 2 contracten.")
    # The filter is submitted, not the ids: the server resolves it.
    assert page.locator("input[name=match]").input_value() == "q=zorggroep&profile=boz-72h"
    assert page.locator("input[name=contract_ids]").count() == 0
    page.click("[data-picker-review]")
    expect(page.locator("[data-confirm-total]")).to_have_attribute("data-confirm-total", "2")
    assert page.locator("#per-profile tr[data-profile='boz-72h'] td.num").inner_text() == "2"
    assert page.locator("#per-profile tr[data-profile]").count() == 1
    assert page.locator("#per-controller tr[data-controller]").count() == 2
    # Back keeps everything; the same confirmation, then save.
    page.click("button[value=back]")
    expect(page.locator("#title")).to_have_value("Storing bij de hostingpartij")
    expect(page.locator("[data-match-chip]")).to_contain_text("Alle 2 contracten")
    page.click("[data-picker-review]")
    expect(page.locator("[data-confirm-total]")).to_have_attribute("data-confirm-total", "2")
    page.click("[data-confirm-save]")
    page.wait_for_url(re.compile(r"/incidents/\d+$"))
    assert _affected() == {"VO-NW-1", "VO-NWF-1"}


def test_a_mistaken_contract_is_removed_from_the_incident(page, user, make_controller, make_contract):
    right = make_contract("boz-72h", make_controller(name="Ziekenhuis Oost"), reference="VO-GOED")
    wrong = make_contract("boz-72h", make_controller(name="Apotheek West"), reference="VO-FOUT")
    incident = breaches.create_incident(
        title="Lek", aware_at=utcnow() - timedelta(hours=1), status="confirmed", contract_ids=[right.id, wrong.id]
    )
    db.session.commit()
    login(page)
    page.goto(page.base + f"/incidents/{incident.id}/controllers/{wrong.controller_id}")
    removal = page.locator("[data-removal-contract='VO-FOUT']")
    removal.locator("summary").click()
    removal.locator("textarea[name=reason]").fill("Verkeerde klant gekozen bij het melden")
    removal.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_have_text("Contract VO-FOUT uit het incident verwijderd.")
    # the pharmacy's only contract is gone: back on the incident page, which lists only the hospital now
    expect(page.locator("#controller-list tbody tr")).to_have_count(1)
    expect(page.locator("#controller-list")).to_contain_text("Ziekenhuis Oost")
    expect(page.locator("#timeline")).to_contain_text("Verkeerde klant gekozen bij het melden")
    assert _affected() == {"VO-GOED"}
    db.session.expire_all()
    [event] = db.session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "contract_removed")).all()
    assert event.details["reason"] == "Verkeerde klant gekozen bij het melden"


@pytest.fixture
def page_without_javascript(browser, live_server):
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": 1280, "height": 900},
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base = live_server
    yield page
    context.close()


def test_without_javascript_the_form_works_and_says_what_will_be_added(page_without_javascript, user, many):
    page = page_without_javascript
    login(page)
    _fill_incident(page)
    page.fill("[data-picker-q]", "noordwest-friesland")
    with page.expect_navigation():
        page.press("[data-picker-q]", "Enter")  # presses the first button of the form: the search, never a save
    assert _incidents() == 0
    expect(page.locator("#title")).to_have_value("Storing bij de hostingpartij")
    rows = page.locator("[data-picker-results] li")
    expect(rows).to_have_count(2)
    expect(page.locator("[data-picker-status]")).to_have_text("2 contracten gevonden.")
    with page.expect_navigation():
        rows.first.locator("[data-add]").click()
    expect(page.locator("[data-chip]")).to_have_count(1)
    expect(page.locator("[data-picker-count]")).to_contain_text("1 contract een voor een gekozen.")
    # The profile list is there only without JavaScript, says how many each profile adds, and is counted below.
    page.locator("details.picker-more summary").click()
    expect(page.locator("#profiles option[value='boz-24h']")).to_have_text("boz-24h — 10 contracten")
    page.select_option("#profiles", "boz-24h")
    with page.expect_navigation():
        page.click("[data-picker-review]")
    expect(page.locator("[data-confirm-total]")).to_have_attribute("data-confirm-total", "11")
    assert page.locator("#per-profile tr[data-profile='boz-24h'] td.num").inner_text() == "10"
    assert page.locator("#per-profile tr[data-profile='boz-72h'] td.num").inner_text() == "1"
    assert _incidents() == 0
    with page.expect_navigation():
        page.click("[data-confirm-save]")
    assert re.search(r"/incidents/\d+$", page.url)
    assert len(_affected()) == 11 and "VO-NWF-1" in _affected()
