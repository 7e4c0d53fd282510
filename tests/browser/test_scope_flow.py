"""Each controller told its own truth, as people use the desk in Chromium: the handler uploads the scopes of a
three-controller incident as a CSV, sends the notices, opens one controller's notice and AP draft and finds only
that controller's numbers; a controller user records its decision in the portal, and the register names them."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from incidents.auth.service import create_user
from incidents.breaches.models import Decision
from incidents.extensions import db
from incidents.notices.models import Document
from incidents.notices.outbox import deliver_due

from .conftest import login

pytestmark = pytest.mark.browser

NUMBERS = {"Alfa": (4111, 4199), "Beta": (5222, 5288), "Gamma": (6333, 6377)}


def dutch(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_scopes_by_csv_notices_and_a_decision_in_the_portal(
    page, browser, user, app, tmp_path, make_controller, make_contract, api
):
    app.config.update(MAIL_SERVER=None, MAIL_FOLDER=str(tmp_path / "mail"))
    controllers = {
        name: make_controller(name=f"Kliniek {name}", contact_email=f"fg@{name.lower()}.example", kvk=f"4444000{n}")
        for n, name in enumerate(NUMBERS, 1)
    }
    contracts = [make_contract("boz-72h", c, reference=f"VO-{name.upper()}") for name, c in controllers.items()]
    incident = api.post(
        "/api/v1/incidents",
        json={
            "title": "Storing beeldopslag",
            "aware_at": "2026-11-30T09:00",
            "status": "confirmed",
            "contract_ids": [c.id for c in contracts],
        },
    ).get_json()
    login(page)

    # 1. Upload the three scopes as one CSV file.
    page.goto(page.base + f"/incidents/{incident['id']}")
    page.click("#scopes a[href$='/scopes']")
    lines = ["kvk,subjects_min,subjects_max,data_categories,note"]
    lines += [
        f"{controllers[name].kvk},{low},{high},name;bsn,Notitie voor {name}" for name, (low, high) in NUMBERS.items()
    ]
    page.set_input_files(
        "#csv-file",
        files=[{"name": "scopes.csv", "mimeType": "text/csv", "buffer": ("\n".join(lines) + "\n").encode()}],
    )
    page.click("#scopes-form button[type=submit]")
    page.wait_for_selector(".flash-success")
    totals = page.locator("#scope-totals").inner_text()
    assert dutch(sum(low for low, _ in NUMBERS.values())) in totals
    page.click(f"tr[data-controller='{controllers['Beta'].id}'] a")
    beta_card = page.locator(f"#scope-{controllers['Beta'].id}").inner_text()
    assert dutch(5222) in beta_card and "Notitie voor Beta" in beta_card and dutch(4111) not in beta_card

    # 2. Send the notices to all three.
    page.goto(page.base + f"/incidents/{incident['id']}")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#notify-all button[type=submit]")
    page.wait_for_url("**/notices/batches/**")
    deliver_due()

    # 3. Beta's notice and AP draft hold Beta's numbers only.
    page.goto(page.base + f"/incidents/{incident['id']}/controllers/{controllers['Beta'].id}")
    link = page.locator(f"table.notices[data-controller='{controllers['Beta'].id}'] a").first
    response = page.request.get(page.base + link.get_attribute("href"))
    assert response.ok
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).split())
    assert "Kliniek Beta" in text and "minimaal 5.222, maximaal 5.288" in text and "Notitie voor Beta" in text
    for other in ("Alfa", "Gamma"):
        assert f"Kliniek {other}" not in text and f"Notitie voor {other}" not in text
        assert dutch(NUMBERS[other][0]) not in text and dutch(NUMBERS[other][1]) not in text
    page.goto(page.base + f"/incidents/{incident['id']}/ap-draft/{controllers['Beta'].id}")
    number = page.locator("#answer-7-number").inner_text()
    assert number == "minimaal 5.222, maximaal 5.288"
    draft = page.locator("#ap-draft").inner_text()
    assert "Gezondheidsgegevens" not in draft and "Burgerservicenummer (BSN)" in draft
    for other in ("Alfa", "Gamma"):
        assert dutch(NUMBERS[other][0]) not in draft and f"Kliniek {other}" not in draft
    db.session.expire_all()
    assert len(db.session.scalars(select(Document)).all()) == 3

    # 4. Beta's privacy officer decides in the portal; the register names her as the decision maker.
    create_user(
        "fg@beta.example",
        "controller",
        "veilig lang wachtwoord",
        controller_id=controllers["Beta"].id,
        name="Drs. B. Bakker",
    )
    db.session.commit()
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
    portal = context.new_page()
    portal.set_default_timeout(10_000)
    portal.goto(page.base + "/login")
    portal.fill("#email", "fg@beta.example")
    portal.fill("#password", "veilig lang wachtwoord")
    portal.click("button[type=submit]")
    portal.wait_for_url(page.base + "/portal/")
    portal.goto(page.base + f"/portal/incidents/{incident['id']}")
    own = portal.locator("#own-facts").inner_text()
    assert "minimaal 5.222, maximaal 5.288" in own and dutch(4111) not in own
    portal.check("#decision_form input[name=decision-notify_ap][value=no]")
    portal.fill("#decision_form textarea[name=decision-reason]", "Beelden waren versleuteld; geen risico.")
    portal.fill("#decision_form input[name=decision-maker_function]", "Functionaris gegevensbescherming")
    portal.click("#decision_form button[type=submit]")
    portal.wait_for_selector(".flash-success")
    assert "Drs. B. Bakker" in portal.locator("#decision_form").inner_text()
    context.close()
    db.session.expire_all()
    decision = db.session.scalar(select(Decision))
    assert (decision.maker_name, decision.maker_function, decision.maker_via) == (
        "Drs. B. Bakker",
        "Functionaris gegevensbescherming",
        "portal",
    )

    page.goto(page.base + "/register")
    row = page.locator(f"#register tbody[data-reference='{incident['reference']}']")
    row.locator("details summary").first.click()
    register_text = row.inner_text()
    assert "Drs. B. Bakker" in register_text and "Beelden waren versleuteld; geen risico." in register_text
