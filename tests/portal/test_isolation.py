"""Tenant isolation: a controller user of organisation A reaches nothing of organisation B, through any page,
download or API endpoint.

The test walks the application's URL map, so a route added later is covered without anyone remembering to:
every path parameter is filled with an id of B's data (a parameter this test does not know fails the test until
it is taught here). Every method is tried: web forms with a valid CSRF token and API calls with bodies that
would succeed for B if authorisation were missing. A response may refuse (403/404/...), or answer 200 without a
trace of B; nothing may be written.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from incidents.auth.service import create_token, create_user
from incidents.breaches import service as breaches
from incidents.breaches.service import FilingInput
from incidents.calendar import service as calendar_feeds
from incidents.extensions import db
from incidents.notices import service as notices
from incidents.notices.batches import queue_batch
from incidents.notices.models import Document, OutboxMessage
from incidents.notices.outbox import deliver_due
from incidents.notifications.models import Notification
from incidents.regimes.models import RegimeFiling
from incidents.webhooks.models import Webhook
from tests.conftest import MAKER

from ..support.database import AUDIT_TRAIL
from ..support.forms import csrf_token
from ..support.intake import inbound_message_and_review
from ..support.regimes import regime_rows

SECRET = "GEHEIM"  # every text of organisation B carries it
B_MARKERS = (SECRET, "fg@b-geheim.example", "99887766")
# Routes that are not about anyone's data, or that act only on the logged-in user themselves.
SKIP = {
    "static",
    "auth.login",
    "auth.second_factor",
    "auth.logout",
    "auth.logout_everywhere",
    "notices.acknowledge",  # the e-mailed link is its own signed capability, checked in tests/notices
    "calendar.feed",
}  # the feed's secret token is its own capability, checked in tests/calendar


@pytest.fixture
def world(app, tmp_path, make_controller, make_contract):
    from incidents.parties.sub_processors import create_sub_processor

    app.config.update(MAIL_SERVER=None, MAIL_FOLDER=str(tmp_path / "mail"))
    # A is itself a processor: its portal may forward notices (portal.forward), only its own
    a = make_controller(name="Ziekenhuis Alfa", contact_email="fg@alfa.example", is_processor=True)
    b = make_controller(name=f"Kliniek {SECRET}", contact_email="fg@b-geheim.example", kvk="99887766")
    ca = make_contract("boz-72h", a, reference="VO-ALFA-1")
    cb = make_contract("boz-72h", b, reference=f"VO-{SECRET}-1")
    cb2 = make_contract("citodent", b, reference=f"VO-{SECRET}-2")
    staff = create_user("dpo@verwerker.example", "handler", "lang genoeg wachtwoord")
    # B only: an incident that does not touch A at all.
    only_b = breaches.create_incident(
        title=f"Lek {SECRET}",
        description=f"Beschrijving {SECRET}",
        aware_at=_past(30),
        status="confirmed",
        contract_ids=[cb.id, cb2.id],
        fields={"nature": f"Aard {SECRET}"},
        actor=staff,
    )
    # Shared: touches A and B; B's own rows on it must stay invisible to A.
    shared = breaches.create_incident(
        title="Storing berichtenbox", aware_at=_past(30), status="confirmed", contract_ids=[ca.id, cb.id], actor=staff
    )
    for incident in (only_b, shared):
        notices.issue_notices(incident, all_=True, actor=staff)
    db.session.commit()
    deliver_due()
    breaches.record_decision(
        only_b, controller_id=b.id, decision_maker=MAKER, notify_ap="no", reason=f"Besluit {SECRET}"
    )
    breaches.record_decision(
        shared, controller_id=b.id, decision_maker=MAKER, notify_ap="no", reason=f"Besluit {SECRET}"
    )
    breaches.record_filing(shared, FilingInput(kind="ap_notification", controller_id=b.id, reference=f"AP-{SECRET}"))
    b_user = create_user("fg@b-geheim.example", "controller", "lang genoeg wachtwoord", controller_id=b.id)
    a_user = create_user("fg@alfa.example", "controller", "nog een lang wachtwoord", controller_id=a.id)
    b_token, _ = create_token(b_user.email, f"token {SECRET}")
    b_feeds = [
        calendar_feeds.create_feed(name=f"Agenda {SECRET}", user=b_user)[0],
        calendar_feeds.create_feed(name=f"Klant {SECRET}", controller=b, actor=staff)[0],
    ]
    batch = queue_batch(only_b, [b.id], version="update", next_update=f"Batch {SECRET}", token="b" * 32, actor=staff)
    question = breaches.record_event(shared, "question", b_user, controller_id=b.id, text=f"Vraag {SECRET}")
    note = Notification(user_id=b_user.id, incident_id=only_b.id, kind="reminder", text=f"Herinnering {SECRET}")
    hook = Webhook(
        controller_id=b.id, name=f"Kanaal {SECRET}", url="https://b-geheim.example/hook", secret=f"{SECRET}-hook-secret"
    )
    sub_processor = create_sub_processor({"name": f"Subverwerker {SECRET}"})
    db.session.add_all([note, hook])
    regime_rows(only_b)  # the processor's own NIS2 reports of B's incident: staff only
    db.session.commit()
    inbound = inbound_message_and_review()  # a message to the breach address: staff only
    _, a_secret = create_token(a_user.email, "alfa")
    db.session.commit()
    b_documents = db.session.scalars(select(Document.id).where(Document.controller_id == b.id)).all()
    b_messages = db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.controller_id == b.id)).all()
    assert b_documents and b_messages
    return {
        "a": a,
        "b": b,
        "a_user": a_user,
        "a_token": a_secret,
        "shared": shared,
        "only_b": only_b,
        "values": {
            "incident_id": [only_b.id, shared.id],
            "controller_id": [b.id],
            "document_id": b_documents,
            "message_id": b_messages,
            "token_id": [b_token.id],
            "question_id": [question.id],
            "user_id": [b_user.id],
            "contract_id": [cb.id],
            "fmt": ["csv", "xlsx", "pdf"],
            "feed_id": [f.id for f in b_feeds],
            "notification_id": [note.id],
            "webhook_id": [hook.id],
            "batch_id": [batch.id],
            "sub_processor_id": [sub_processor.id],  # the processor's own list: no page of the portal
            "variant": ["letter", "email", "public"],  # a data-subject letter downloaded as text
            "regime_key": ["nis2"],
            "stage_key": ["early_warning", "final_report"],
            "filing_id": db.session.scalars(select(RegimeFiling.id)).all(),
            "inbound_id": [inbound.id],
        },
    }


def _past(hours: int):
    from datetime import timedelta

    from incidents.core.instants import utcnow

    return utcnow() - timedelta(hours=hours)


def _urls(rule, values) -> list[str]:
    names = sorted(rule.arguments)
    unknown = [n for n in names if n not in values]
    assert not unknown, (
        f"route {rule.rule} has a parameter this isolation test does not know: {unknown}; "
        "teach it which of organisation B's ids to use"
    )
    urls = [rule.rule]
    for name in names:
        urls = [re.sub(r"<(?:[a-z]+:)?" + name + r">", str(v), u) for u in urls for v in values[name]]
    return urls


def _snapshot(own_user_id: int) -> dict[str, list]:
    """Every row of every table, except the access log and the logged-in user's own account, tokens and sessions
    (which the account pages and every request may change); an update is caught as well as an insert or a delete."""
    db.session.expire_all()
    result = {}
    for table in db.metadata.sorted_tables:
        if table.name in AUDIT_TRAIL:
            continue
        query = select(table)
        if table.name == "users":
            query = query.where(table.c.id != own_user_id)
        elif table.name in ("api_tokens", "user_sessions"):  # the session's last request moves as it is used
            query = query.where(table.c.user_id != own_user_id)
        elif table.name == "calendar_feeds":  # the user's own feeds, made on the account page
            query = query.where(table.c.user_id.is_(None) | (table.c.user_id != own_user_id))
        result[table.name] = sorted(map(repr, db.session.execute(query).all()))
    return result


def _text(response) -> str:
    if response.mimetype == "application/pdf":
        return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


def _hostile_body(world) -> dict:
    """A body that would be accepted for organisation B if the route forgot to check who is asking."""
    b = world["b"]
    return {
        "controller_id": b.id,
        "controller_ids": [b.id],
        "contract_id": world["values"]["contract_id"][0],
        "contract_ids": world["values"]["contract_id"],
        "kind": "ap_notification",
        "reference": "AP-1",
        "decision_maker": MAKER,
        "notify_ap": "no",
        "reason": "x",
        "title": "x",
        "name": "x",
        "contact_email": "x@example.org",
        "profile": "boz-72h",
        "aware_at": "2026-11-01T10:00",
        "all": True,
        "version": "initial",
    }


def test_a_controller_user_reaches_nothing_of_another_controller(app, client, world):
    login = client.post(
        "/login",
        data={
            "email": "fg@alfa.example",
            "password": "nog een lang wachtwoord",
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    assert login.status_code == 302
    token = csrf_token(client, "/portal/")
    api_headers = {"Authorization": f"Bearer {world['a_token']}"}
    hostile = _hostile_body(world)
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP:
            continue
        for url in _urls(rule, world["values"]):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                before = _snapshot(world["a_user"].id)
                if rule.endpoint.startswith("api."):
                    response = client.open(
                        url, method=method, headers=api_headers, json=hostile if method in ("POST", "PATCH") else None
                    )
                else:
                    form = (
                        {**{k: str(v) for k, v in hostile.items() if not isinstance(v, list)}, "csrf_token": token}
                        if method == "POST"
                        else None
                    )
                    response = client.open(url, method=method, data=form)
                where = f"{method} {url} ({rule.endpoint}) -> {response.status_code}"
                assert response.status_code < 500, where
                if response.status_code == 200:
                    body = _text(response)
                    leaked = [m for m in B_MARKERS if m in body]
                    assert not leaked, f"{where} shows organisation B's data: {leaked}"
                elif response.status_code in (301, 302, 303, 307, 308):
                    assert "/login" not in response.headers["Location"], f"{where}: the session was lost"
                assert _snapshot(world["a_user"].id) == before, f"{where} changed something"
                checked += 1
    assert checked > 60  # the walk really ran over the application's routes


def test_the_same_walk_lets_a_see_their_own_shared_incident(client, world):
    """The walk above would pass for an application that refuses everything: A must still see A's own data."""
    client.post(
        "/login",
        data={
            "email": "fg@alfa.example",
            "password": "nog een lang wachtwoord",
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    shared = world["shared"]
    page = client.get(f"/portal/incidents/{shared.id}")
    assert page.status_code == 200 and shared.reference in page.get_data(as_text=True)
    assert client.get(f"/portal/incidents/{world['only_b'].id}").status_code == 404
    own = db.session.scalar(select(Document.id).where(Document.controller_id == world["a"].id))
    assert client.get(f"/portal/documents/{own}").status_code == 200
    listing = client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {world['a_token']}"}).get_json()
    assert [i["id"] for i in listing["incidents"]] == [shared.id]
