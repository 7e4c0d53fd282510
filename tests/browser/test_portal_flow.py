"""A controller user logs in with two-step verification, sees only their own incident, confirms receipt of a
notice and records their AP filing; the processor's dashboard shows it — Chromium against the live app."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from incidents.auth import twofactor
from incidents.auth.service import create_user
from incidents.breaches.models import ACKNOWLEDGEMENT, Filing
from incidents.extensions import db
from incidents.notices import service as notices
from incidents.notices.outbox import deliver_due

from .conftest import login

pytestmark = pytest.mark.browser


def test_controller_user_with_two_factor(page, browser, user, app, tmp_path, make_controller, make_contract, api):
    app.config.update(MAIL_SERVER=None, MAIL_FOLDER=str(tmp_path / "mail"))
    west = make_controller(name="Ziekenhuis West", contact_email="fg@west.example")
    noord = make_controller(name="Kliniek Noord", contact_email="fg@noord.example")
    mine = make_contract("boz-72h", west, reference="VO-W-1")
    theirs = make_contract("boz-72h", noord, reference="VO-N-1")
    ours = api.post(
        "/api/v1/incidents",
        json={
            "title": "Storing berichtenbox",
            "aware_at": "2026-11-21T09:00",
            "status": "confirmed",
            "contract_ids": [mine.id],
        },
    ).get_json()
    other = api.post(
        "/api/v1/incidents",
        json={
            "title": "Lek bij Kliniek Noord",
            "aware_at": "2026-11-21T09:00",
            "status": "confirmed",
            "contract_ids": [theirs.id],
        },
    ).get_json()
    from incidents.breaches.models import Incident

    for incident_id in (ours["id"], other["id"]):
        notices.issue_notices(db.session.get(Incident, incident_id), all_=True, actor=user)
    db.session.commit()
    assert deliver_due() == {"sent": 2}
    controller_user = create_user("fg@west.example", "controller", "veilig lang wachtwoord", controller_id=west.id)
    secret = twofactor.start_enrolment(controller_user)
    twofactor.confirm_enrolment(controller_user, pyotp.TOTP(secret).now())
    controller_user.totp_last_step = None  # the enrolment code's step; a fresh login may use the current one
    db.session.commit()

    # 1. Password, then the code from the authenticator app.
    page.goto(page.base + "/login")
    page.fill("#email", "fg@west.example")
    page.fill("#password", "veilig lang wachtwoord")
    page.click("button[type=submit]")
    page.wait_for_url("**/login/2fa")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("#second-factor button[type=submit]")
    page.wait_for_url(page.base + "/portal/")

    # 2. Only their own incident, with their AP clock counting down.
    rows = page.locator("#portal-incidents tbody tr[data-reference]")
    assert rows.count() == 1 and rows.first.get_attribute("data-reference") == ours["reference"]
    assert "Kliniek Noord" not in page.content()
    assert page.locator("#portal-incidents time.countdown").count() == 1
    rows.first.locator("a").click()
    page.wait_for_selector("#ap-clock")

    # 3. Confirm receipt of the notice.
    page.click(".ack-form button[type=submit]")
    page.wait_for_selector("#notices [data-ack-at]")

    # 4. Record the AP filing with the AP's reference.
    page.select_option("#ap-kind", "ap_notification")
    page.fill("#ap-reference", "M-2026-555001")
    page.click("#filing_form button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert page.locator("#filing_form [data-filing]").count() == 1

    # A staff page is closed to them.
    response = page.goto(page.base + f"/incidents/{ours['id']}")
    assert response.status == 403

    db.session.expire_all()
    kinds = db.session.scalars(select(Filing.kind).where(Filing.controller_id == west.id)).all()
    assert ACKNOWLEDGEMENT in kinds and "ap_notification" in kinds

    # 5. The processor's dashboard shows the confirmation and the AP filing.
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL", timezone_id="Europe/Amsterdam")
    staff_page = staff.new_page()
    staff_page.base = page.base
    login(staff_page)
    row = staff_page.locator(f"tr[data-reference='{ours['reference']}']")
    assert row.locator("[data-acknowledged]").get_attribute("data-acknowledged") == "1"
    assert row.locator("[data-ap-filed]").get_attribute("data-ap-filed") == "1"
    staff.close()
