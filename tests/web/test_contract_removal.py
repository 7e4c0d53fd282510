"""A contract added to an incident by mistake: removed while nothing was sent about it (with the reason on the
timeline), afterwards only withdrawn by a recorded correction that keeps the history. Through the incident page's
forms; refusals write nothing."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from incidents.breaches import service as breaches
from incidents.breaches.models import AffectedContract, Filing, Obligation, TimelineEvent
from incidents.breaches.service import FilingInput
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.content import affected_contracts
from incidents.notices.models import Document, OutboxMessage
from incidents.notices.service import issue_notices

from ..admin.test_refused_writes import snapshot
from ..api.openapi_check import check_schema
from ..support.forms import csrf_token, log_in, log_incident
from ..support.people import make_user


@pytest.fixture
def world(make_controller, make_contract):
    """A confirmed incident on three contracts: two of the hospital's, one of the pharmacy's."""
    hospital, pharmacy = make_controller(name="Ziekenhuis Oost"), make_controller(name="Apotheek West")
    ward = make_contract("boz-24h", hospital, reference="VO-ZH-1")
    lab = make_contract("boz-72h", hospital, reference="VO-ZH-2")
    shop = make_contract("boz-72h", pharmacy, reference="VO-AP-1")
    incident = breaches.create_incident(
        title="Lek",
        aware_at=utcnow() - timedelta(hours=2),
        status="confirmed",
        contract_ids=[ward.id, lab.id, shop.id],
    )
    db.session.commit()
    return {"incident": incident, "hospital": hospital, "pharmacy": pharmacy, "ward": ward, "lab": lab, "shop": shop}


def _post(client, incident, contract, action: str, reason: str = "Verkeerde klant aangeklikt"):
    url = f"/incidents/{incident.id}"
    return client.post(
        f"{url}/contracts/{contract.id}/{action}", data={"csrf_token": csrf_token(client, url), "reason": reason}
    )


def _events(incident, kind: str) -> list[TimelineEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(TimelineEvent).where(TimelineEvent.incident_id == incident.id, TimelineEvent.kind == kind)
        )
    )


def _obligation_keys(incident) -> set[str]:
    return set(db.session.scalars(select(Obligation.key).where(Obligation.incident_id == incident.id)))


def _notice(incident, contract) -> None:
    breaches.record_filing(incident, FilingInput(kind="controller_notice", contract_id=contract.id, channel="phone"))
    db.session.commit()


def test_the_page_offers_removal_beside_each_contract(logged_in, world):
    # beside each contract on its controller's page of the incident
    base = f"/incidents/{world['incident'].id}/controllers"
    page = "".join(
        logged_in.get(f"{base}/{c.id}").get_data(as_text=True) for c in (world["hospital"], world["pharmacy"])
    )
    assert page.count('data-removal="removable"') == 3
    assert f"/contracts/{world['shop'].id}/remove" in page
    assert "Verwijderen (per vergissing toegevoegd)" in page


def test_a_contract_is_removed_with_its_reason_on_the_timeline(logged_in, world):
    incident, shop = world["incident"], world["shop"]
    response = _post(logged_in, incident, shop, "remove")
    assert response.status_code == 302
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Contract VO-AP-1 uit het incident verwijderd." in page
    assert "Contract verwijderd (per vergissing toegevoegd)" in page and "Verkeerde klant aangeklikt" in page
    db.session.expire_all()
    assert db.session.get(AffectedContract, (incident.id, shop.id)) is None
    # Its deadlines, and the pharmacy's AP clock (its only contract), are gone; the hospital's stay.
    keys = _obligation_keys(incident)
    assert not any(k.endswith(f":contract:{shop.id}") for k in keys)
    assert f"ap_notification:controller:{world['pharmacy'].id}" not in keys
    assert f"ap_notification:controller:{world['hospital'].id}" in keys
    [event] = _events(incident, "contract_removed")
    assert event.details["reason"] == "Verkeerde klant aangeklikt"
    assert (event.details["reference"], event.details["controller_id"]) == ("VO-AP-1", world["pharmacy"].id)
    assert event.actor_id is not None


def test_one_contract_of_a_controller_leaves_its_ap_clock_to_the_others(logged_in, world):
    incident = world["incident"]
    assert _post(logged_in, incident, world["lab"], "remove").status_code == 302
    db.session.expire_all()
    keys = _obligation_keys(incident)
    assert f"ap_notification:controller:{world['hospital'].id}" in keys
    assert not any(k.endswith(f":contract:{world['lab'].id}") for k in keys)
    assert any(k.endswith(f":contract:{world['ward'].id}") for k in keys)


def test_a_removal_needs_its_reason_and_writes_nothing_without(logged_in, world):
    url = f"/incidents/{world['incident'].id}"
    token = csrf_token(logged_in, url)
    before = snapshot()
    response = logged_in.post(f"{url}/contracts/{world['shop'].id}/remove", data={"csrf_token": token, "reason": "   "})
    assert response.status_code == 302
    assert snapshot() == before
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Waarom dit contract niet betrokken is: Dit veld is vereist." in page


@pytest.mark.parametrize("what", ["filing", "notice", "decision"])
def test_once_something_was_sent_removal_is_refused_and_writes_nothing(logged_in, world, what):
    incident, shop, pharmacy = world["incident"], world["shop"], world["pharmacy"]
    if what == "filing":
        _notice(incident, shop)
    elif what == "notice":
        issue_notices(incident, controller_ids=[pharmacy.id])
        db.session.commit()
    else:
        breaches.record_decision(
            incident,
            controller_id=pharmacy.id,
            notify_ap="yes",
            reason="",
            decision_maker={"name": "F. de Graaf", "via": "email"},
        )
        db.session.commit()
    page = logged_in.get(f"/incidents/{incident.id}/controllers/{pharmacy.id}").get_data(as_text=True)
    assert 'data-removal="correctable" data-removal-contract="VO-AP-1"' in page
    token = csrf_token(logged_in, f"/incidents/{incident.id}")
    before = snapshot()
    response = logged_in.post(
        f"/incidents/{incident.id}/contracts/{shop.id}/remove", data={"csrf_token": token, "reason": "Vergissing"}
    )
    assert response.status_code == 302
    assert snapshot() == before
    message = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Over contract VO-AP-1 is al iets verstuurd of vastgelegd" in message


def test_a_correction_withdraws_the_contract_and_keeps_the_history(logged_in, world):
    incident, ward, lab = world["incident"], world["ward"], world["lab"]
    issue_notices(incident, controller_ids=[world["hospital"].id])
    db.session.commit()
    _notice(incident, ward)  # the ward's notice deadline is met; the lab's is still running
    counts = {
        model: db.session.scalar(select(func.count()).select_from(model))
        for model in (Filing, Document, OutboxMessage, TimelineEvent)
    }
    response = _post(logged_in, incident, ward, "withdraw", reason="Afdeling was niet getroffen")
    assert response.status_code == 302
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Contract VO-ZH-1 ingetrokken met een correctie" in page
    page = logged_in.get(f"/incidents/{incident.id}/controllers/{world['hospital'].id}").get_data(as_text=True)
    assert 'data-removal="withdrawn" data-removal-contract="VO-ZH-1"' in page
    assert "Afdeling was niet getroffen" in page
    db.session.expire_all()
    row = db.session.get(AffectedContract, (incident.id, ward.id))
    assert row.withdrawn_reason == "Afdeling was niet getroffen" and row.withdrawn_at is not None
    assert row.withdrawn_by_id is not None
    statuses = dict(
        db.session.execute(select(Obligation.key, Obligation.status).where(Obligation.incident_id == incident.id)).all()
    )
    assert statuses[f"controller_notice:contract:{ward.id}"] == "met"  # history kept
    assert statuses[f"controller_notice:contract:{lab.id}"] == "running"  # the other contract is unchanged
    assert statuses[f"ap_notification:controller:{world['hospital'].id}"] in ("pending", "running")
    # Nothing was deleted: every filing, document, e-mail and timeline entry stays; one event was added.
    assert db.session.scalar(select(func.count()).select_from(Filing)) == counts[Filing]
    assert db.session.scalar(select(func.count()).select_from(Document)) == counts[Document]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == counts[OutboxMessage]
    assert db.session.scalar(select(func.count()).select_from(TimelineEvent)) == counts[TimelineEvent] + 1
    [event] = _events(incident, "contract_withdrawn")
    assert event.details["reason"] == "Afdeling was niet getroffen"
    assert event.details["sent"] == ["document", "email", "filing"]
    # New notices to the hospital no longer list it.
    assert [c.reference for c in affected_contracts(incident.id, world["hospital"].id)] == ["VO-ZH-2"]


def test_a_withdrawn_controllers_open_deadlines_end(logged_in, world):
    incident, shop = world["incident"], world["shop"]
    issue_notices(incident, controller_ids=[world["pharmacy"].id])
    db.session.commit()
    assert _post(logged_in, incident, shop, "withdraw").status_code == 302
    db.session.expire_all()
    rows = db.session.execute(
        select(Obligation.status, Obligation.next_reminder_at).where(
            Obligation.incident_id == incident.id, Obligation.controller_id == world["pharmacy"].id
        )
    ).all()
    assert rows and all(status == "ended" and reminder is None for status, reminder in rows)
    # The dashboard's and the register's "open" counts read status: ended counts for neither.
    assert db.session.get(AffectedContract, (incident.id, shop.id)) is not None


def test_a_withdrawn_contract_cannot_be_removed_or_withdrawn_again(logged_in, world):
    incident, shop = world["incident"], world["shop"]
    _notice(incident, shop)
    assert _post(logged_in, incident, shop, "withdraw").status_code == 302
    for action in ("withdraw", "remove"):
        token = csrf_token(logged_in, f"/incidents/{incident.id}")
        before = snapshot()
        response = logged_in.post(
            f"/incidents/{incident.id}/contracts/{shop.id}/{action}", data={"csrf_token": token, "reason": "Nogmaals"}
        )
        assert snapshot() == before
        page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
        assert "Dit contract is al uit het incident ingetrokken." in page


def test_adding_a_withdrawn_contract_again_reinstates_it(logged_in, world):
    incident, shop = world["incident"], world["shop"]
    _notice(incident, shop)
    assert _post(logged_in, incident, shop, "withdraw").status_code == 302
    response = log_incident(logged_in, {"references": "VO-AP-1"}, url=f"/incidents/{incident.id}/contracts")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AffectedContract, (incident.id, shop.id)).withdrawn_at is None
    [added] = [e for e in _events(incident, "contracts_added") if e.details.get("reinstated")]
    assert added.details["reinstated"] == [shop.id]


def test_a_dismissed_incident_keeps_its_contracts(logged_in, world):
    incident = world["incident"]
    breaches.dismiss(incident, "Geen persoonsgegevens")
    db.session.commit()
    own_page = f"/incidents/{incident.id}/controllers/{world['pharmacy'].id}"
    assert 'data-removal="removable"' in logged_in.get(own_page).get_data(as_text=True)
    token = csrf_token(logged_in, f"/incidents/{incident.id}")
    before = snapshot()
    response = logged_in.post(
        f"/incidents/{incident.id}/contracts/{world['shop'].id}/remove", data={"csrf_token": token, "reason": "x"}
    )
    assert snapshot() == before
    assert "Het incident is afgewezen" in logged_in.get(response.headers["Location"]).get_data(as_text=True)


def test_viewers_and_controller_users_cannot_remove(client, world):
    incident = world["incident"]
    make_user("kijker@verwerker.example", "viewer", password="correct horse battery")
    log_in(client, "kijker@verwerker.example", "correct horse battery")
    page = client.get(f"/incidents/{incident.id}/controllers/{world['pharmacy'].id}").get_data(as_text=True)
    assert 'data-removal="removable"' in page and "/remove" not in page
    token = csrf_token(client, f"/incidents/{incident.id}")
    url = f"/incidents/{incident.id}/contracts/{world['shop'].id}/remove"
    before = snapshot(audit=False)
    assert client.post(url, data={"csrf_token": token, "reason": "x"}).status_code == 403
    assert snapshot(audit=False) == before
    client.post("/logout", data={"csrf_token": token})
    make_user("fg@apotheek.example", "controller", password="correct horse battery", controller=world["pharmacy"])
    log_in(client, "fg@apotheek.example", "correct horse battery")
    token = csrf_token(client, "/portal/")
    before = snapshot(audit=False)
    assert client.post(url, data={"csrf_token": token, "reason": "x"}).status_code == 403
    assert snapshot(audit=False) == before


def test_the_back_address_stays_on_this_incident(logged_in, world):
    incident = world["incident"]
    url = f"/incidents/{incident.id}"
    response = logged_in.post(
        f"{url}/contracts/{world['shop'].id}/remove",
        data={"csrf_token": csrf_token(logged_in, url), "reason": "Vergissing", "back": "https://evil.example/x"},
    )
    assert response.headers["Location"] == url


def test_a_correction_is_for_after_something_was_sent(logged_in, world):
    """Withdrawn contracts keep their controller in the incident; with nothing sent, removal is the way."""
    incident, shop = world["incident"], world["shop"]
    token = csrf_token(logged_in, f"/incidents/{incident.id}")
    before = snapshot(audit=False)
    response = logged_in.post(
        f"/incidents/{incident.id}/contracts/{shop.id}/withdraw", data={"csrf_token": token, "reason": "Vergissing"}
    )
    assert snapshot(audit=False) == before
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Over dit contract is nog niets verstuurd: verwijder het in plaats van het in te trekken." in page


def test_a_withdrawn_contract_is_marked_in_the_api_the_register_and_the_controllers_portal(
    client, logged_in, api, world
):
    incident, shop = world["incident"], world["shop"]
    issue_notices(incident, controller_ids=[world["pharmacy"].id])
    db.session.commit()
    assert _post(logged_in, incident, shop, "withdraw", reason="Apotheek valt buiten het platform").status_code == 302

    body = api.get(f"/api/v1/incidents/{incident.id}").get_json()
    marks = {c["reference"]: (c["withdrawn_at"], c["withdrawn_reason"]) for c in body["contracts"]}
    assert marks["VO-ZH-1"] == marks["VO-ZH-2"] == (None, None)
    assert marks["VO-AP-1"][0].endswith("Z") and marks["VO-AP-1"][1] == "Apotheek valt buiten het platform"
    assert sorted(c["reference"] for c in body["completeness"]) == ["VO-ZH-1", "VO-ZH-2"]  # it asks for no facts
    check_schema("Incident", body)
    register = api.get("/api/v1/register").get_json()
    check_schema("Register", register)
    [entry] = register["register"]
    assert entry["controllers"] == ["Apotheek West", "Ziekenhuis Oost"]
    assert entry["withdrawn_controllers"] == ["Apotheek West"]
    header, row = csv.reader(io.StringIO(logged_in.get("/register/export.csv").data.decode("utf-8-sig")), delimiter=";")
    assert row[header.index("Verwerkingsverantwoordelijken")] == (
        "Apotheek West (ingetrokken met een correctie); Ziekenhuis Oost"
    )

    client.post("/logout", data={"csrf_token": csrf_token(client, f"/incidents/{incident.id}")})
    make_user("fg@apotheek.example", "controller", password="correct horse battery", controller=world["pharmacy"])
    log_in(client, "fg@apotheek.example", "correct horse battery")
    page = client.get(f"/portal/incidents/{incident.id}").get_data(as_text=True)
    assert '<li data-contract="VO-AP-1">Contract VO-AP-1 is op ' in page
    assert "met een correctie uit dit incident gehaald: Apotheek valt buiten het platform</li>" in page
