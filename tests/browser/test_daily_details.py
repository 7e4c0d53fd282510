"""Small things of the daily work, in Chromium: the skip link, the language switch that keeps the query string,
number and date inputs styled and at least 24 px high, stacked tables that keep their column names on a phone, and
the 2FA enrolment's QR code."""

from __future__ import annotations

import pytest

from .conftest import login

pytestmark = pytest.mark.browser


def test_skip_link_leads_to_the_content(page, user):
    login(page)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0  # visible once it has the focus
    assert skip.inner_text() == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("fetch('/favicon.ico').then(r => r.ok)")  # no 404 in the console for the icon


def test_the_language_switch_keeps_the_filters(page, user):
    login(page)
    page.goto(page.base + "/register/?status=confirmed&from=2026-01-01")
    page.click("#language-switch")
    page.wait_for_load_state()
    url = page.url
    assert "status=confirmed" in url and "from=2026-01-01" in url and url.endswith("lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("input[name=from]").input_value() == "2026-01-01"
    page.click("#language-switch")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nl" and "status=confirmed" in page.url


def test_number_and_date_inputs_are_styled_like_the_others(page, user):
    login(page)
    page.goto(page.base + "/register/")
    date = page.locator("input[type=date]").first
    text_like = page.evaluate(
        "() => { const i = document.createElement('input'); i.type = 'text'; document.querySelector('main').append(i);"
        " const s = getComputedStyle(i); return [s.borderTopColor, s.borderRadius, s.paddingTop]; }"
    )
    style = date.evaluate(
        "el => { const s = getComputedStyle(el); return [s.borderTopColor, s.borderRadius, s.paddingTop]; }"
    )
    assert style == text_like
    assert date.bounding_box()["height"] >= 24


def test_stacked_tables_keep_their_column_names_on_a_phone(browser, live_server, user, make_contract, api):
    contract = make_contract("boz-72h")
    api.post(
        "/api/v1/incidents",
        json={"title": "Storing", "aware_at": "2026-11-21T09:00", "status": "confirmed", "contract_ids": [contract.id]},
    )
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL", is_mobile=True)
    page = context.new_page()
    page.base = live_server
    login(page)
    cell = page.locator("#dashboard td[data-label]").first
    label = cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert label.strip('"').endswith(": ") and len(label) > 4
    context.close()


def test_the_notice_e_mail_fits_a_phone(browser, user, make_controller, make_contract):
    from datetime import timedelta

    from sqlalchemy import select

    from incidents.breaches import service as breaches
    from incidents.core.instants import utcnow
    from incidents.extensions import db
    from incidents.notices import service as notices
    from incidents.notices.models import OutboxMessage

    controller = make_controller(name="Huisartsenpraktijk Verwerkingsverantwoordelijkheidsdomein")
    incident = breaches.create_incident(
        title="Storing",
        description="Een heel lange omschrijving zonder spaties: " + "x" * 120,
        aware_at=utcnow() - timedelta(hours=2),
        status="confirmed",
        contract_ids=[make_contract("boz-72h", controller).id],
        actor=user,
    )
    notices.issue_notices(incident, all_=True, actor=user)
    db.session.commit()
    html = db.session.scalar(select(OutboxMessage.body_html))
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_content(html)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_the_users_table_has_short_rows_and_opens_the_actions_on_demand(page, app):
    import pyotp

    from incidents.auth import twofactor
    from incidents.auth.service import create_user
    from incidents.extensions import db

    admin = create_user("beheer@verwerker.example", "admin", "zeven paarse olifanten")
    secret = twofactor.start_enrolment(admin)
    twofactor.confirm_enrolment(admin, pyotp.TOTP(secret).now())
    admin.totp_last_step = None
    for n in range(3):
        create_user(f"medewerker{n}@verwerker.example", "handler", "een lang wachtwoord")
    db.session.commit()
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(page.base + "/login")
    page.fill("#email", "beheer@verwerker.example")
    page.fill("#password", "zeven paarse olifanten")
    page.click("button[type=submit]")
    page.wait_for_url("**/login/2fa")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("#second-factor button[type=submit]")
    page.goto(page.base + "/admin/users")
    heights = page.eval_on_selector_all("tr[data-user]", "rows => rows.map(r => r.getBoundingClientRect().height)")
    assert len(heights) == 4 and max(heights) < 110  # 161 px with the forms open in every row
    form = page.locator("form[id^=role-form-]").last
    assert not form.is_visible()
    page.locator("details[id^=actions-] > summary").last.click()
    assert form.is_visible()
