"""POST /incidents/{id}/contracts, /confirm and /dismiss."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest.mock import ANY

import pytest

from .conftest import one
from .openapi_check import check_request, check_response
from .test_incidents import parse_z

# --- POST /incidents/{id}/contracts ---


def test_add_contracts(api, make_controller, make_contract, new_incident, deadlines, row_counts):
    first_controller, second_controller = make_controller(), make_controller()
    c1 = make_contract("boz-72h", controller=first_controller)
    c2 = make_contract("doctolib", controller=second_controller)
    c3 = make_contract("boz-24h", controller=first_controller)
    incident = new_incident(status="confirmed", aware_at="2026-09-01T12:00", contract_ids=[c1.id])
    iid = incident["id"]
    assert len(deadlines(iid)) == 4  # notice, consultation, report (5.4), AP

    before = row_counts()
    # established for them when the incident was confirmed (by default: when they are added, see
    # test_contracts_added_later.py)
    data = {"contract_ids": [c2.id, c3.id, c1.id], "established_at": "2026-09-01T12:00"}
    response = api.post(f"/api/v1/incidents/{iid}/contracts", json=data)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    check_request("/incidents/{incident_id}/contracts", "post", data)
    check_response("/incidents/{incident_id}/contracts", "post", 200, body)
    assert sorted(body["added_contract_ids"]) == sorted([c2.id, c3.id])
    assert [c["id"] for c in body["contracts"]] == sorted([c1.id, c2.id, c3.id])
    after = row_counts()
    assert after["affected_contracts"] == before["affected_contracts"] + 2
    # c2 notices (Doctolib 4.1 and 3.2), c2's controller ap, c3 notice + consultation + report
    assert after["obligations"] == before["obligations"] + 6
    assert after["timeline_events"] == before["timeline_events"] + 1

    found = deadlines(iid)
    assert len(found) == 10
    assert one(found, kind="controller_notice", contract_id=c2.id) == {
        "kind": "controller_notice",
        "contract_id": c2.id,
        "controller_id": second_controller.id,
        "owner": "processor",
        "clause": "Art. 4.1",
        "status": "missed",
        "starts_at": "2026-09-01T10:00:00Z",
        "due_at": "2026-09-02T10:00:00Z",
        "met_at": None,
        "hours": 24,
        "filing_id": None,
        "met_recorded_at": None,
        "backdated": False,
        "profile_version": ANY,
        "norm": "internal",  # Doctolib 4.1 "onverwijld": 24 h is our own target
        "limited_by_ap": False,
        "owner_basis": None,
        "owner_conflict": [],
    }
    c3_consultation = one(found, kind="controller_consultation", contract_id=c3.id)
    assert (c3_consultation["clause"], c3_consultation["starts_at"], c3_consultation["due_at"]) == (
        "Art. 5.3",
        "2026-09-01T10:00:00Z",
        "2026-09-02T10:00:00Z",
    )
    second_ap = one(found, kind="ap_notification", controller_id=second_controller.id)
    assert (second_ap["owner"], second_ap["status"], second_ap["starts_at"]) == ("controller", "pending", None)
    assert len([d for d in found if d["kind"] == "ap_notification"]) == 2  # one per controller, not per contract

    # adding what is already attached is accepted and writes nothing
    unchanged = row_counts()
    again = api.post(f"/api/v1/incidents/{iid}/contracts", json={"contract_ids": [c1.id, c2.id]})
    assert again.status_code == 200
    assert again.get_json()["added_contract_ids"] == []
    assert row_counts() == unchanged


def test_add_contracts_to_a_suspected_incident(api, make_contract, new_incident, deadlines):
    c1, c2 = make_contract("boz-72h"), make_contract("citodent")
    incident = new_incident(aware_at="2026-09-01T12:00", contract_ids=[c1.id])
    assert api.post(f"/api/v1/incidents/{incident['id']}/contracts", json={"contract_ids": [c2.id]}).status_code == 200
    notice = one(deadlines(incident["id"]), kind="awareness_notice", contract_id=c2.id)
    # citodent 6.2 runs from the suspicion
    assert (notice["starts_at"], notice["due_at"]) == ("2026-09-01T10:00:00Z", "2026-09-02T10:00:00Z")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (lambda known: {"contract_ids": [999]}, "unknown_contract"),
        (lambda known: {"contract_ids": [known, 999]}, "unknown_contract"),
        (lambda known: {}, "required"),
        (lambda known: {"contract_ids": []}, "required"),
        (lambda known: {"contract_ids": None}, "required"),
        (lambda known: {"contract_ids": str(known)}, "invalid_type"),
        (lambda known: {"contract_ids": [known + 0.5]}, "invalid_type"),
    ],
    ids=["unknown", "known and unknown", "missing", "empty", "null", "text", "fraction"],
)
def test_add_contracts_refused(api, make_contract, new_incident, refused, data, code):
    c1, c2 = make_contract(), make_contract()
    incident = new_incident(contract_ids=[c1.id])
    refused(
        lambda: api.post(f"/api/v1/incidents/{incident['id']}/contracts", json=data(c2.id)),
        422,
        code,
        "contract_ids",
        op=("/incidents/{incident_id}/contracts", "post"),
    )
    assert api.get(f"/api/v1/incidents/{incident['id']}").get_json()["contracts"] == incident["contracts"]


def test_add_contracts_to_a_dismissed_incident_is_409(api, make_contract, new_incident, refused):
    c1, c2 = make_contract(), make_contract()
    incident = new_incident(contract_ids=[c1.id])
    assert api.post(f"/api/v1/incidents/{incident['id']}/dismiss", json={"reason": "test"}).status_code == 200
    refused(
        lambda: api.post(f"/api/v1/incidents/{incident['id']}/contracts", json={"contract_ids": [c2.id]}),
        409,
        "incident_dismissed",
        op=("/incidents/{incident_id}/contracts", "post"),
    )


# --- POST /incidents/{id}/confirm ---


def test_confirm_defaults_to_now(api, make_contract, new_incident, deadlines):
    contract = make_contract("boz-72h")
    incident = new_incident(aware_at="2026-09-01T12:00", contract_ids=[contract.id])
    assert one(deadlines(incident["id"]), kind="controller_notice")["status"] == "pending"
    started = datetime.now(UTC).replace(microsecond=0)
    response = api.post(f"/api/v1/incidents/{incident['id']}/confirm")
    finished = datetime.now(UTC)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    check_response("/incidents/{incident_id}/confirm", "post", 200, body)
    assert body["status"] == "confirmed"
    confirmed_at = parse_z(body["confirmed_at"])
    assert started <= confirmed_at <= finished
    assert body["aware_at"] == "2026-09-01T10:00:00Z"

    notice = one(deadlines(incident["id"]), kind="controller_notice")
    assert notice["status"] == "running"
    assert notice["starts_at"] == body["confirmed_at"]
    assert parse_z(notice["due_at"]) - confirmed_at == timedelta(hours=72)


def test_confirm_with_an_explicit_time(api, make_contract, new_incident, deadlines):
    contract = make_contract("boz-72h")
    incident = new_incident(aware_at="2026-09-01T12:00", contract_ids=[contract.id])
    data = {"confirmed_at": "2026-09-02T14:00"}
    response = api.post(f"/api/v1/incidents/{incident['id']}/confirm", json=data)
    assert response.status_code == 200, response.get_json()
    check_request("/incidents/{incident_id}/confirm", "post", data)
    check_response("/incidents/{incident_id}/confirm", "post", 200, response.get_json())
    assert response.get_json()["confirmed_at"] == "2026-09-02T12:00:00Z"
    found = deadlines(incident["id"])
    assert one(found, kind="controller_notice") == {
        "kind": "controller_notice",
        "contract_id": contract.id,
        "controller_id": contract.controller_id,
        "owner": "processor",
        "clause": "Art. 5.2",
        "status": "missed",
        "starts_at": "2026-09-02T12:00:00Z",
        "due_at": "2026-09-05T12:00:00Z",
        "met_at": None,
        "hours": 72,
        "filing_id": None,
        "met_recorded_at": None,
        "backdated": False,
        "profile_version": ANY,
        "norm": "outer_limit",
        "limited_by_ap": False,
        "owner_basis": None,
        "owner_conflict": [],
    }
    assert one(found, kind="controller_consultation")["due_at"] == "2026-09-05T12:00:00Z"


def test_confirm_across_the_dst_change_counts_elapsed_hours(api, make_contract, new_incident, deadlines):
    contract = make_contract("boz-72h")
    incident = new_incident(aware_at="2026-10-23T12:00:00+02:00", contract_ids=[contract.id])
    assert (
        api.post(
            f"/api/v1/incidents/{incident['id']}/confirm", json={"confirmed_at": "2026-10-24T12:00:00+02:00"}
        ).status_code
        == 200
    )
    notice = one(deadlines(incident["id"]), kind="controller_notice")
    # 72 elapsed hours: 10:00Z + 72 h, i.e. 11:00 CET on the 27th (not 12:00)
    assert (notice["starts_at"], notice["due_at"]) == ("2026-10-24T10:00:00Z", "2026-10-27T10:00:00Z")


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"confirmed_at": "2026-09-01T09:59:59Z"}, "before_aware_at", "confirmed_at"),
        ({"confirmed_at": "2099-01-01T00:00:00Z"}, "in_future", "confirmed_at"),
        ({"confirmed_at": "2026-10-25T02:30"}, "ambiguous_local_time", "confirmed_at"),
        ({"confirmed_at": "2027-03-28T02:30"}, "nonexistent_local_time", "confirmed_at"),
        ({"confirmed_at": "soon"}, "invalid_instant", "confirmed_at"),
    ],
)
def test_confirm_refused(api, make_contract, new_incident, refused, data, code, field):
    incident = new_incident(aware_at="2026-09-01T12:00", contract_ids=[make_contract().id])
    refused(
        lambda: api.post(f"/api/v1/incidents/{incident['id']}/confirm", json=data),
        422,
        code,
        field,
        op=("/incidents/{incident_id}/confirm", "post"),
    )
    assert api.get(f"/api/v1/incidents/{incident['id']}").get_json() == incident


def test_confirm_twice_is_409(api, new_incident, refused):
    incident = new_incident(status="confirmed")
    refused(
        lambda: api.post(f"/api/v1/incidents/{incident['id']}/confirm", json={}),
        409,
        "already_confirmed",
        op=("/incidents/{incident_id}/confirm", "post"),
    )
    refused(
        lambda: api.post(f"/api/v1/incidents/{incident['id']}/confirm", json={"confirmed_at": "2026-04-01T10:00:00Z"}),
        409,
        "already_confirmed",
        op=("/incidents/{incident_id}/confirm", "post"),
    )
    assert api.get(f"/api/v1/incidents/{incident['id']}").get_json()["confirmed_at"] == "2026-03-27T13:00:00Z"


def test_confirm_a_dismissed_incident_is_409(api, new_incident, refused):
    incident = new_incident()
    assert api.post(f"/api/v1/incidents/{incident['id']}/dismiss", json={"reason": "vals alarm"}).status_code == 200
    refused(
        lambda: api.post(f"/api/v1/incidents/{incident['id']}/confirm", json={}),
        409,
        "incident_dismissed",
        op=("/incidents/{incident_id}/confirm", "post"),
    )


# --- POST /incidents/{id}/dismiss ---


@pytest.mark.parametrize(
    "data", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}], ids=["missing", "empty", "blank", "null"]
)
def test_dismiss_needs_a_reason(api, new_incident, refused, data):
    incident = new_incident()
    refused(
        lambda: api.post(f"/api/v1/incidents/{incident['id']}/dismiss", json=data),
        422,
        "required",
        "reason",
        op=("/incidents/{incident_id}/dismiss", "post"),
    )
    assert api.get(f"/api/v1/incidents/{incident['id']}").get_json()["status"] == "suspected"


def test_dismiss_refuses_a_reason_that_is_not_text(api, new_incident, refused):
    incident = new_incident()
    refused(
        lambda: api.post(f"/api/v1/incidents/{incident['id']}/dismiss", json={"reason": 1}),
        422,
        "invalid_type",
        "reason",
        op=("/incidents/{incident_id}/dismiss", "post"),
    )


def test_dismiss_ends_open_obligations_and_keeps_the_record(api, make_contract, new_incident, deadlines, refused):
    contract = make_contract("boz-72h")
    incident = new_incident(status="confirmed", aware_at="2026-09-01T12:00", contract_ids=[contract.id])
    iid = incident["id"]
    assert (
        api.post(
            f"/api/v1/incidents/{iid}/filings",
            json={"kind": "controller_notice", "contract_id": contract.id, "at": "2026-09-02T09:00"},
        ).status_code
        == 201
    )
    # before the dismissal the consultation's deadline has passed: missed
    assert one(deadlines(iid), kind="controller_consultation")["status"] == "missed"

    started = datetime.now(UTC).replace(microsecond=0)
    data = {"reason": "Geen persoonsgegevens: testomgeving met synthetische data"}
    response = api.post(f"/api/v1/incidents/{iid}/dismiss", json=data)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    check_request("/incidents/{incident_id}/dismiss", "post", data)
    check_response("/incidents/{incident_id}/dismiss", "post", 200, body)
    assert body["status"] == "dismissed"
    assert body["dismiss_reason"] == "Geen persoonsgegevens: testomgeving met synthetische data"
    assert started <= parse_z(body["dismissed_at"]) <= datetime.now(UTC)
    assert body["confirmed_at"] == "2026-09-01T10:00:00Z"
    assert [c["id"] for c in body["contracts"]] == [contract.id]

    found = deadlines(iid)
    notice = one(found, kind="controller_notice")
    assert (notice["status"], notice["met_at"]) == ("met", "2026-09-02T07:00:00Z")
    consultation = one(found, kind="controller_consultation")
    assert consultation["status"] == "missed"  # overdue when dismissed: a dismissal does not undo a missed duty
    assert (consultation["starts_at"], consultation["due_at"]) == ("2026-09-01T10:00:00Z", "2026-09-04T10:00:00Z")
    ap = one(found, kind="ap_notification")
    assert ap["status"] == "missed"  # the controller's clock had run out too
    assert (ap["starts_at"], ap["due_at"]) == ("2026-09-02T07:00:00Z", "2026-09-05T07:00:00Z")

    assert api.get(f"/api/v1/incidents/{iid}").get_json() == body
    refused(
        lambda: api.post(f"/api/v1/incidents/{iid}/dismiss", json={"reason": "nogmaals"}),
        409,
        "incident_dismissed",
        op=("/incidents/{incident_id}/dismiss", "post"),
    )
    assert api.get(f"/api/v1/incidents/{iid}").get_json()["dismiss_reason"] == data["reason"]


def test_dismiss_a_suspected_incident_ends_pending_obligations(api, make_contract, new_incident, deadlines):
    c1, c2 = make_contract("boz-24h"), make_contract("citodent")
    incident = new_incident(contract_ids=[c1.id, c2.id])
    response = api.post(f"/api/v1/incidents/{incident['id']}/dismiss", json={"reason": "vals alarm"})
    assert response.status_code == 200
    dismissed_at = response.get_json()["dismissed_at"]
    found = deadlines(incident["id"])
    assert len(found) == 7  # boz-24h notice + consultation + report, citodent 6.1 + 6.2, two AP clocks
    # Citodent 6.2's notice of the suspicion ran from awareness: overdue at the dismissal it stays missed (the
    # suspicion had to be reported "als zodanig"); everything still open then has ended
    for d in found:
        overdue = d["due_at"] is not None and d["due_at"] < dismissed_at
        assert d["status"] == ("missed" if overdue else "ended"), d
    assert any(d["status"] == "missed" for d in found) and any(d["status"] == "ended" for d in found)
