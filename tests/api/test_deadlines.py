"""GET /incidents/{id}/deadlines: the shape of docs/API.md and the clock rules."""

from __future__ import annotations

from incidents.auth.service import create_token, create_user
from incidents.extensions import db

from .conftest import one

API_KEYS = {"kind", "contract_id", "controller_id", "owner", "clause", "status", "starts_at", "due_at", "met_at"}


def test_deadlines_shape(api, make_contract, new_incident):
    contract = make_contract("boz-72h")
    incident = new_incident(status="confirmed", aware_at="2026-03-27T14:00:00+01:00", contract_ids=[contract.id])
    response = api.get(f"/api/v1/incidents/{incident['id']}/deadlines")
    assert response.status_code == 200
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"deadlines"}
    found = body["deadlines"]
    assert [d["kind"] for d in found] == [
        "controller_notice",
        "controller_consultation",
        "ap_notification",
        "investigation_report",  # BOZ 5.4, bounded by the controller's AP deadline
    ]
    for d in found:
        assert set(d) >= API_KEYS, d
        assert isinstance(d["controller_id"], int)
        assert d["owner"] in ("processor", "controller")
        assert d["status"] in ("pending", "running", "met", "missed", "not_required", "ended")
        for key in ("starts_at", "due_at", "met_at"):
            assert d[key] is None or (isinstance(d[key], str) and d[key].endswith("Z")), d
    assert {k: found[0][k] for k in API_KEYS} == {
        "kind": "controller_notice",
        "contract_id": contract.id,
        "controller_id": contract.controller_id,
        "owner": "processor",
        "clause": "Art. 5.2",
        "status": "missed",
        "starts_at": "2026-03-27T13:00:00Z",
        "due_at": "2026-03-30T13:00:00Z",
        "met_at": None,
    }
    assert {k: found[1][k] for k in API_KEYS} == {
        "kind": "controller_consultation",
        "contract_id": contract.id,
        "controller_id": contract.controller_id,
        "owner": "processor",
        "clause": "Art. 5.3",
        "status": "missed",
        "starts_at": "2026-03-27T13:00:00Z",
        "due_at": "2026-03-30T13:00:00Z",
        "met_at": None,
    }
    assert {k: found[2][k] for k in API_KEYS} == {
        "kind": "ap_notification",
        "contract_id": None,
        "controller_id": contract.controller_id,
        "owner": "controller",
        "clause": "AVG art. 33 lid 1",
        "status": "pending",
        "starts_at": None,
        "due_at": None,
        "met_at": None,
    }


def test_no_contracts_no_deadlines(api, new_incident, deadlines):
    assert deadlines(new_incident()["id"]) == []


def test_suspected_incident_on_a_confirmed_trigger_profile_is_pending(make_contract, new_incident, deadlines):
    c1, c2 = make_contract("boz-24h"), make_contract("gdpr-art33")
    incident = new_incident(aware_at="2026-09-01T12:00", contract_ids=[c1.id, c2.id])
    found = deadlines(incident["id"])
    assert len(found) == 6  # boz-24h notice + consultation + report, gdpr notice, two ap_notifications
    for d in found:
        assert (d["status"], d["starts_at"], d["due_at"], d["met_at"]) == ("pending", None, None, None), d
    assert one(found, kind="controller_notice", contract_id=c2.id)["clause"] == "AVG art. 33 lid 2"


def test_citodent_runs_from_aware_at_and_the_processor_files_with_the_ap(api, make_contract, new_incident, deadlines):
    contract = make_contract("citodent")
    incident = new_incident(aware_at="2026-09-01T12:00", contract_ids=[contract.id])
    iid = incident["id"]
    found = deadlines(iid)
    # 6.2: the suspicion is owed from awareness; 6.1 once the leak is known (pending while suspected)
    assert one(found, kind="controller_notice")["status"] == "pending"
    assert {k: one(found, kind="awareness_notice")[k] for k in API_KEYS} == {
        "kind": "awareness_notice",
        "contract_id": contract.id,
        "controller_id": contract.controller_id,
        "owner": "processor",
        "clause": "Art. 6.2",
        "status": "missed",
        "starts_at": "2026-09-01T10:00:00Z",
        "due_at": "2026-09-02T10:00:00Z",
        "met_at": None,
    }
    assert {k: one(found, kind="ap_notification")[k] for k in API_KEYS} == {
        "kind": "ap_notification",
        "contract_id": None,
        "controller_id": contract.controller_id,
        "owner": "processor",
        "clause": "AVG art. 33 lid 1",  # the 72 hours are the law's; Citodent 6.1 is why the processor files
        "status": "pending",
        "starts_at": None,
        "due_at": None,
        "met_at": None,
    }
    assert one(found, kind="ap_notification")["owner_basis"] == "Art. 6.1"

    # the processor's AP clock starts at confirmed_at, without waiting for a notice to the controller
    assert api.post(f"/api/v1/incidents/{iid}/confirm", json={"confirmed_at": "2026-09-01T18:00"}).status_code == 200
    ap = one(deadlines(iid), kind="ap_notification")
    assert (ap["owner"], ap["status"], ap["starts_at"], ap["due_at"]) == (
        "processor",
        "missed",
        "2026-09-01T16:00:00Z",
        "2026-09-04T16:00:00Z",
    )
    filing = {
        "kind": "ap_notification",
        "controller_id": contract.controller_id,
        "at": "2026-09-03T09:00",
        "reference": "AP-77",
    }
    # the processor files for the controller on its recorded decision only (AVG art. 33(1) is the controller's duty)
    refused = api.post(f"/api/v1/incidents/{iid}/filings", json=filing)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "no_decision_to_notify")
    decision = {
        "controller_id": contract.controller_id,
        "notify_ap": "yes",
        "decision_maker": {"name": "Dr. Tand", "function": "Praktijkhouder", "via": "phone"},
    }
    assert api.post(f"/api/v1/incidents/{iid}/decisions", json=decision).status_code == 201
    assert api.post(f"/api/v1/incidents/{iid}/filings", json=filing).status_code == 201
    ap = one(deadlines(iid), kind="ap_notification")
    assert (ap["status"], ap["met_at"]) == ("met", "2026-09-03T07:00:00Z")


def test_contracts_that_disagree_about_who_files_leave_the_ap_clock_with_the_controller(
    api, logged_in, make_controller, make_contract, new_incident, deadlines
):
    controller = make_controller()
    boz = make_contract("boz-72h", controller=controller)
    cito = make_contract("citodent", controller=controller)
    incident = new_incident(status="confirmed", aware_at="2026-09-01T12:00", contract_ids=[boz.id, cito.id])
    found = deadlines(incident["id"])
    # boz notice + consultation + report, citodent 6.1 and 6.2 notices, one ap_notification for the controller
    assert len(found) == 6
    ap = one(found, kind="ap_notification")
    # Citodent 6.1: the processor reports to the AP; BOZ 5.4: only the controller can. The controller owns it: its
    # clock starts when it is told of the established breach, and the conflict is shown with both clauses.
    assert (ap["controller_id"], ap["owner"], ap["clause"], ap["starts_at"], ap["owner_basis"]) == (
        controller.id,
        "controller",
        "AVG art. 33 lid 1",
        None,
        None,
    )
    assert [(c["clause"], c["says"]) for c in ap["owner_conflict"]] == [
        ("Art. 6.1", "processor"),
        ("Art. 5.4", "controller"),
    ]
    assert ap["owner_conflict"][1]["wording"].startswith("Het melden van een Inbreuk aan de AP")
    page = logged_in.get(f"/incidents/{incident['id']}/controllers/{controller.id}").get_data(as_text=True)
    assert page.count("data-owner-conflict") == 1
    assert "De contracten spreken elkaar tegen over wie meldt aan de AP" in page
    assert "Art. 6.1 (de verwerker meldt)" in page and "Art. 5.4 (alleen de verwerkingsverantwoordelijke)" in page
    roster = logged_in.get(f"/incidents/{incident['id']}").get_data(as_text=True)
    assert roster.count("data-owner-conflict") == 1 and "contracten spreken elkaar tegen over wie aan de AP" in roster


def test_the_controller_itself_records_its_ap_notification_without_a_decision_first(
    app, client, make_contract, new_incident, deadlines
):
    contract = make_contract("citodent")
    incident = new_incident(status="confirmed", aware_at="2026-09-01T12:00", contract_ids=[contract.id])
    create_user("fg@tandarts.example", "controller", "correct horse battery", controller_id=contract.controller_id)
    db.session.commit()
    _, secret = create_token("fg@tandarts.example", "tests")
    db.session.commit()
    filing = {"kind": "ap_notification", "controller_id": contract.controller_id, "reference": "AP-9"}
    response = client.post(
        f"/api/v1/incidents/{incident['id']}/filings", json=filing, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 201, response.get_json()
    assert one(deadlines(incident["id"]), kind="ap_notification")["filing_id"] == response.get_json()["id"]
