"""The breach register on a phone (390 px wide) in a real Chromium: no sideways scrolling, every incident a card
whose values carry their Dutch labels, the details open in place, and the search and the pages work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incidents.breaches import service
from incidents.core.instants import utcnow
from incidents.extensions import db

from .conftest import login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_the_register_is_readable_on_a_phone(browser, live_server, user, make_controller, make_contract):
    contracts = [
        make_contract("boz-72h", make_controller(name=f"Stichting Verwerkingsverantwoordelijke Zorggroep {n}"))
        for n in range(3)
    ]
    made = []
    for n in range(53):  # more than a page
        made.append(
            service.create_incident(
                title=f"Onbevoegde toegang tot het patiëntendossier via een gedeeld account, melding {n:02d}",
                aware_at=utcnow() - timedelta(days=60 - n),
                status="confirmed",
                contract_ids=[contracts[n % 3].id],
                actor=user,
            )
        )
    db.session.commit()
    context = browser.new_context(viewport=PHONE, locale="nl-NL", timezone_id="Europe/Amsterdam", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base = live_server
    try:
        login(page)
        page.goto(page.base + "/register/")

        def wide() -> int:
            return page.evaluate("document.documentElement.scrollWidth")

        assert wide() <= PHONE["width"]
        assert page.locator("#register thead").is_hidden()  # labels come with the values instead
        cards = page.locator("#register tbody.register-incident")
        assert cards.count() == 50
        first = cards.first
        cell = first.locator("td[data-key=aware_at]")
        label = page.evaluate("el => getComputedStyle(el, '::before').content", cell.element_handle())
        assert label == '"Kennisname (Amsterdamse tijd): "'
        assert cell.bounding_box()["width"] <= PHONE["width"]
        # the details open in place, within the width of the phone
        first.locator("summary").click()
        assert first.locator("dd[data-key=controllers]").is_visible()
        assert wide() <= PHONE["width"]
        assert "Rijen 1–50 van 53" in page.locator("#register-pages").inner_text()

        # the next page, then a search for one incident by its reference
        page.click("#register-pages a[rel=next]")
        assert cards.count() == 3 and wide() <= PHONE["width"]
        page.fill("#q", made[7].reference)
        page.click(".register-filters button[type=submit]")
        assert cards.count() == 1
        assert first.get_attribute("data-reference") == made[7].reference
        text = page.locator("main").inner_text()
        for english in ("Search", "Reference", "Rows", "Next page", "incident(s)", "Per page"):
            assert english not in text, english
    finally:
        context.close()
