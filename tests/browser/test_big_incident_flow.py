"""An incident on 300 controllers, as a handler meets it in Chromium: the summary and one page of the list, a filter,
notices to every controller matching it (queued at once, made and sent by the real background sender to a real
SMTP server), the progress page followed across a reload, and the list afterwards."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from incidents.breaches.service import create_incident
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.models import Document, OutboxMessage

from ..support.parties import bulk_parties
from .conftest import login

pytestmark = pytest.mark.browser


def test_notify_a_filtered_selection_of_a_300_controller_incident(page, user, smtp, pump):
    contract_ids = bulk_parties(300, lambda i: "doctolib" if i % 10 == 0 else "boz-72h")
    incident = create_incident(
        title="Storing afsprakenportaal",
        aware_at=utcnow() - timedelta(hours=5),
        status="confirmed",
        contract_ids=contract_ids,
        fields={"nature": "Portaal open", "affected_data": "Namen", "consequences": "Inzage", "measures": "Dicht"},
    )
    db.session.commit()

    login(page)
    page.goto(f"{page.base}/incidents/{incident.id}")
    expect(page.locator("#summary-states [data-state=not_notified]")).to_have_text("300")
    assert page.locator("#controller-list tbody tr").count() == 50
    # the actions are near the top of the page, not 500,000 px down
    assert page.locator("#bulk-actions").bounding_box()["y"] < 6000

    page.select_option("#cf-profile", "doctolib")
    page.click("#controller-filter button[type=submit]")
    expect(page.locator("#controller-count")).to_contain_text("1–30 van 30")
    page.on("dialog", lambda dialog: dialog.accept())
    started = time.monotonic()
    page.click("button[data-bulk=matching]")
    page.wait_for_url("**/notices/batches/**")
    assert time.monotonic() - started < 10  # the request only queues (the sending is the worker's)
    page.reload()  # the progress survives a reload
    expect(page.locator("[data-batch-sent]")).to_have_text("30", timeout=60_000)
    expect(page.locator("[data-batch-total]")).to_have_text("30")

    deadline = time.monotonic() + 15
    while len(smtp.messages) < 30 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(smtp.messages) == 30
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 30
    assert db.session.scalar(select(func.count()).select_from(Document)) == 30

    page.goto(f"{page.base}/incidents/{incident.id}?state=notified")
    expect(page.locator("#controller-count")).to_contain_text("van 30")
    expect(page.locator("#summary-states [data-state=not_notified]")).to_have_text("270")
