"""The signed, expiring acknowledgement link from the delivered e-mail: the controller confirms receipt
without logging in; forged, expired, foreign and reused links get a clear page and record nothing."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from incidents.breaches.models import Filing, TimelineEvent
from incidents.extensions import db
from incidents.notices.outbox import deliver_due
from incidents.notices.service import issue_notices

from ..support.forms import csrf_from
from .helpers import ack_path, parse

SECRET = "test-secret"  # the app fixture's SECRET_KEY
SALT = "notice-acknowledgement"
DAY = 86400
# the pages are in Dutch (the default locale)
INVALID = "Deze link is ongeldig"
EXPIRED = "Deze link is verlopen"


def token(outbox_id: int, nonce: str, age_seconds: int = 0) -> str:
    """A correctly signed link token, optionally signed age_seconds ago."""

    class Backdated(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age_seconds

    return URLSafeTimedSerializer(SECRET, salt=SALT, signer=Backdated).dumps({"o": outbox_id, "n": nonce})


@pytest.fixture
def delivered(world, inbox):
    """Both controllers notified; the e-mails as received; the acknowledgement paths from their text."""
    messages = {m.controller_id: m for m in issue_notices(world.incident, all_=True)}
    db.session.commit()
    assert deliver_due() == {"sent": 2}
    mails = {r.rcpt_tos[0]: parse(r.content) for r in inbox.received}
    return {
        "a": messages[world.a.id],
        "b": messages[world.b.id],
        "path_a": ack_path(mails["fg@eendracht.example"]),
        "path_b": ack_path(mails["dpo@riverside.example"]),
    }


def acknowledgements() -> list[Filing]:
    db.session.expire_all()
    return db.session.scalars(select(Filing).where(Filing.kind == "controller_acknowledgement")).all()


def test_controller_confirms_receipt_and_the_dashboard_shows_it(world, delivered, app, logged_in, all_counts):
    controller = app.test_client()  # a second browser: the controller, no login
    page = controller.get(delivered["path_a"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<form" in html and 'name="name"' in html
    assert world.reference in html and f"{world.reference}-melding-eerste-Huisartsenpraktijk-De-Eendracht.pdf" in html

    before = all_counts()
    done = controller.post(delivered["path_a"], data={"csrf_token": csrf_from(html), "name": "Mw. Ĳsselmeer"})
    assert done.status_code == 200
    assert "Mw. Ĳsselmeer" in done.get_data(as_text=True)
    # it reminds the controller of its own AP deadline (72 h from the notice) and leads to the portal
    from incidents.breaches.models import Obligation
    from incidents.core.instants import format_local

    due = db.session.scalar(
        select(Obligation.due_at).where(
            Obligation.incident_id == world.incident.id,
            Obligation.controller_id == world.a.id,
            Obligation.kind == "ap_notification",
        )
    )
    assert due is not None
    text = done.get_data(as_text=True)
    assert "Uw eigen termijn voor melding aan de Autoriteit Persoonsgegevens" in text and format_local(due) in text
    assert f'href="/portal/incidents/{world.incident.id}"' in text
    after = all_counts()
    assert after["filings"] == before["filings"] + 1
    assert after["timeline_events"] == before["timeline_events"] + 1
    assert {k: v for k, v in after.items() if k not in ("filings", "timeline_events")} == {
        k: v for k, v in before.items() if k not in ("filings", "timeline_events")
    }

    [filing] = acknowledgements()
    assert filing.note == "Mw. Ĳsselmeer"
    assert filing.controller_id == world.a.id and filing.incident_id == world.incident.id
    assert filing.document_id == delivered["a"].document_id
    assert filing.channel == "link"
    [event] = db.session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "acknowledged")).all()
    assert event.details["name"] == "Mw. Ĳsselmeer" and event.details["filing_id"] == filing.id
    assert event.actor_id is None

    dashboard = logged_in.get("/").get_data(as_text=True)
    row = re.search(r'data-reference="' + re.escape(world.reference) + r'".*?</tr>', dashboard, re.S)
    assert row, dashboard
    assert 'data-acknowledged="1"' in row.group(0)
    assert 'data-sent="2"' in row.group(0)

    # the incident page shows who confirmed
    incident_page = logged_in.get(f"/incidents/{world.incident.id}").get_data(as_text=True)
    assert "Mw. Ĳsselmeer" in incident_page

    # the link, opened again, shows the receipt and offers no form
    again = controller.get(delivered["path_a"])
    assert again.status_code == 200 and "<form" not in again.get_data(as_text=True)


def test_a_reused_link_records_nothing(world, delivered, app, all_counts):
    controller = app.test_client()
    csrf = csrf_from(controller.get(delivered["path_a"]).get_data(as_text=True))
    assert controller.post(delivered["path_a"], data={"csrf_token": csrf, "name": "Eerste"}).status_code == 200
    before = all_counts()
    reused = controller.post(delivered["path_a"], data={"csrf_token": csrf, "name": "Tweede"})
    assert reused.status_code == 409
    assert "Deze link is al gebruikt" in reused.get_data(as_text=True)
    assert all_counts() == before
    assert [f.note for f in acknowledgements()] == ["Eerste"]


def forged(path: str) -> str:
    """Change one character of the signature (its first, so every bit of it counts)."""
    head, signature = path.rsplit(".", 1)
    return f"{head}.{('B' if signature[0] == 'A' else 'A')}{signature[1:]}"


def test_forged_expired_and_foreign_links_record_nothing(world, delivered, app, all_counts):
    a, b = delivered["a"], delivered["b"]
    assert a.ack_nonce != b.ack_nonce
    controller = app.test_client()
    # a token signed 29 days ago still works (ACK_MAX_AGE_DAYS = 30): the backdating itself is sound
    assert controller.get(f"/ack/{token(a.id, a.ack_nonce, age_seconds=29 * DAY)}").status_code == 200

    cases = {
        "forged signature": (forged(delivered["path_a"]), 404, INVALID),
        "signed with another key": (
            "/ack/" + URLSafeTimedSerializer("other-secret", salt=SALT).dumps({"o": a.id, "n": a.ack_nonce}),
            404,
            INVALID,
        ),
        "expired": (f"/ack/{token(a.id, a.ack_nonce, age_seconds=31 * DAY)}", 410, EXPIRED),
        "wrong nonce": (f"/ack/{token(a.id, 'f' * 32)}", 404, INVALID),
        "another notice's nonce": (f"/ack/{token(a.id, b.ack_nonce)}", 404, INVALID),
        "unknown outbox id": (f"/ack/{token(999999, a.ack_nonce)}", 404, INVALID),
        "not a token": ("/ack/not-a-token", 404, INVALID),
    }
    csrf = csrf_from(controller.get(delivered["path_b"]).get_data(as_text=True))
    before = all_counts()
    for name, (path, status, words) in cases.items():
        shown = controller.get(path)
        assert shown.status_code == status, name
        assert words in shown.get_data(as_text=True), name
        assert "<form" not in shown.get_data(as_text=True), name
        posted = controller.post(path, data={"csrf_token": csrf, "name": "Iemand"})
        assert posted.status_code == status, name
        assert words in posted.get_data(as_text=True), name
    assert all_counts() == before
    assert acknowledgements() == []


def test_an_expired_link_by_configuration_records_nothing(world, delivered, app, all_counts):
    controller = app.test_client()
    csrf = csrf_from(controller.get(delivered["path_a"]).get_data(as_text=True))
    app.config["ACK_MAX_AGE_DAYS"] = -1
    before = all_counts()
    response = controller.post(delivered["path_a"], data={"csrf_token": csrf, "name": "Te laat"})
    assert response.status_code == 410
    assert EXPIRED in response.get_data(as_text=True)
    assert all_counts() == before


def _before_delivery(world, app):
    """A notice issued but not yet sent, and its (correctly signed) acknowledgement link opened."""
    [message] = issue_notices(world.incident, controller_ids=[world.a.id])
    db.session.commit()
    path = f"/ack/{token(message.id, message.ack_nonce)}"
    controller = app.test_client()
    page = controller.get(path)
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "name": "Te vroeg"}
    return lambda: controller.post(path, data=data)


def test_acknowledging_before_delivery_records_nothing(world, app, inbox, all_counts):
    post = _before_delivery(world, app)
    before = all_counts()
    refused = post()
    assert "deze melding is nog niet afgeleverd" in refused.get_data(as_text=True)  # the controller's language
    assert all_counts() == before
    assert acknowledgements() == []


def test_acknowledging_before_delivery_answers_with_an_error_status(world, app, inbox):
    refused = _before_delivery(world, app)()
    assert refused.status_code in (409, 422), refused.status_code


def test_an_empty_name_is_refused(world, delivered, app, all_counts):
    controller = app.test_client()
    csrf = csrf_from(controller.get(delivered["path_a"]).get_data(as_text=True))
    before = all_counts()
    response = controller.post(delivered["path_a"], data={"csrf_token": csrf, "name": "  "})
    assert response.status_code == 422
    assert all_counts() == before


def test_posting_without_csrf_token_records_nothing(world, delivered, app, all_counts):
    controller = app.test_client()
    before = all_counts()
    response = controller.post(delivered["path_a"], data={"name": "Zonder token"})
    assert response.status_code in (400, 422)
    assert all_counts() == before
