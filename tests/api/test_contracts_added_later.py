"""A contract added after the breach was established records when it was established for it (default: when it was
added), and its confirmed-trigger clocks start then, not at the incident's confirmed_at (issue 13, item 10)."""

from __future__ import annotations

from .conftest import one
from .openapi_check import check_request, check_schema


def test_a_contract_added_later_starts_its_clocks_when_established_for_it(
    api, logged_in, make_contract, new_incident, deadlines
):
    first, later = make_contract("doctolib"), make_contract("boz-72h")
    incident = new_incident(status="confirmed", aware_at="2026-09-01T10:00:00Z", contract_ids=[first.id])
    iid = incident["id"]
    data = {"contract_ids": [later.id], "established_at": "2026-09-05T10:00:00Z"}
    response = api.post(f"/api/v1/incidents/{iid}/contracts", json=data)
    assert response.status_code == 200, response.get_json()
    check_request("/incidents/{incident_id}/contracts", "post", data)
    body = response.get_json()
    check_schema("Incident", {k: v for k, v in body.items() if k != "added_contract_ids"})
    added = one(body["contracts"], id=later.id)
    assert added["established_at"] == "2026-09-05T10:00:00Z"
    assert one(body["contracts"], id=first.id)["established_at"] is None

    found = deadlines(iid)
    notice = one(found, kind="controller_notice", contract_id=later.id)
    assert (notice["starts_at"], notice["due_at"]) == ("2026-09-05T10:00:00Z", "2026-09-08T10:00:00Z")
    # the first contract keeps the incident's confirmed_at
    assert one(found, kind="controller_notice", contract_id=first.id)["starts_at"] == "2026-09-01T10:00:00Z"

    # a notice given before the breach was established for this contract did not tell of it
    before = {"kind": "controller_notice", "contract_id": later.id, "at": "2026-09-04T10:00:00Z"}
    assert api.post(f"/api/v1/incidents/{iid}/filings", json=before).status_code == 201
    notice = one(deadlines(iid), kind="controller_notice", contract_id=later.id)
    assert (notice["status"], notice["met_at"], notice["filing_id"]) == ("missed", None, None)  # (its due date passed)

    timeline = logged_in.get(f"/incidents/{iid}/timeline").get_data(as_text=True)
    assert "inbreuk voor deze contracten vastgesteld op 05-09-2026 12:00 CEST" in timeline


def test_by_default_it_is_established_when_added(api, make_contract, new_incident):
    first, later = make_contract("doctolib"), make_contract("boz-72h")
    incident = new_incident(status="confirmed", aware_at="2026-09-01T10:00:00Z", contract_ids=[first.id])
    body = api.post(f"/api/v1/incidents/{incident['id']}/contracts", json={"contract_ids": [later.id]}).get_json()
    assert one(body["contracts"], id=later.id)["established_at"] is not None


def test_established_at_is_refused_while_suspected_and_before_the_confirmation(
    api, make_contract, new_incident, row_counts
):
    first, later = make_contract("doctolib"), make_contract("boz-72h")
    suspected = new_incident(aware_at="2026-09-01T10:00:00Z", contract_ids=[first.id])
    before = row_counts()
    data = {"contract_ids": [later.id], "established_at": "2026-09-02T10:00:00Z"}
    response = api.post(f"/api/v1/incidents/{suspected['id']}/contracts", json=data)
    assert response.status_code == 422
    assert (response.get_json()["error"]["code"], response.get_json()["error"]["field"]) == (
        "not_confirmed",
        "established_at",
    )
    assert row_counts() == before
    confirmed = new_incident(status="confirmed", aware_at="2026-09-01T10:00:00Z", contract_ids=[first.id])
    before = row_counts()
    data = {"contract_ids": [later.id], "established_at": "2026-08-31T10:00:00Z"}
    response = api.post(f"/api/v1/incidents/{confirmed['id']}/contracts", json=data)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "before_confirmed_at"
    assert row_counts() == before


def test_an_investigation_or_seizure_by_authorities_starts_the_boz_clock(
    api, logged_in, make_contract, new_incident, deadlines
):
    boz, doctolib = make_contract("boz-72h"), make_contract("doctolib")
    incident = new_incident(aware_at="2026-11-30T10:00:00Z", contract_ids=[boz.id, doctolib.id])
    iid = incident["id"]
    assert one(deadlines(iid), kind="controller_notice", contract_id=boz.id)["starts_at"] is None
    response = api.patch(f"/api/v1/incidents/{iid}", json={"authority_action_at": "2026-12-01T08:00:00Z"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["authority_action_at"] == "2026-12-01T08:00:00Z"
    notice = one(deadlines(iid), kind="controller_notice", contract_id=boz.id)
    assert (notice["starts_at"], notice["due_at"]) == ("2026-12-01T08:00:00Z", "2026-12-04T08:00:00Z")
    assert one(deadlines(iid), kind="controller_notice", contract_id=doctolib.id)["starts_at"] is None
    # recorded once: a later change could hide lateness
    again = api.patch(f"/api/v1/incidents/{iid}", json={"authority_action_at": "2026-12-02T08:00:00Z"})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_recorded")
    timeline = logged_in.get(f"/incidents/{iid}/timeline").get_data(as_text=True)
    assert "Onderzoek of beslaglegging door overheidsfunctionarissen (of een vermoeden daarvan) vastgelegd" in timeline
