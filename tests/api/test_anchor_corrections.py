"""Correcting aware_at or confirmed_at (issue 13, item 1): with a reason kept in the timeline, and only earlier, so
that a correction never hides lateness; an earlier anchor moves the deadlines earlier and can make a filing late."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from incidents.breaches.models import TimelineEvent
from incidents.extensions import db

from .conftest import one
from .openapi_check import check_request, check_response

CORRECTIONS = "/incidents/{incident_id}/corrections"


def correct(api, iid: int, **data):
    return api.post(f"/api/v1/incidents/{iid}/corrections", json=data)


def test_an_earlier_confirmation_moves_the_deadlines_and_makes_a_filed_notice_late(
    api, logged_in, make_contract, new_incident, deadlines
):
    contract = make_contract("boz-24h")
    incident = new_incident(status="confirmed", aware_at="2026-09-01T10:00:00Z", contract_ids=[contract.id])
    iid = incident["id"]
    assert api.post(f"/api/v1/incidents/{iid}/confirm", json={}).status_code in (200, 409)
    # confirmed when created (at aware_at); the notice went out 20 h later: on time
    api.post(
        f"/api/v1/incidents/{iid}/filings",
        json={"kind": "controller_notice", "contract_id": contract.id, "at": "2026-09-02T06:00:00Z"},
    )
    assert one(deadlines(iid), kind="controller_notice")["status"] == "met"

    data = {"field": "aware_at", "value": "2026-08-31T08:00:00Z", "reason": "Logboek toont eerdere melding"}
    response = correct(api, iid, **data)
    assert response.status_code == 200, response.get_json()
    check_request(CORRECTIONS, "post", data)
    check_response(CORRECTIONS, "post", 200, response.get_json())
    assert response.get_json()["aware_at"] == "2026-08-31T08:00:00Z"
    data = {"field": "confirmed_at", "value": "2026-08-31T09:00:00Z", "reason": "Vastgesteld bij eerste analyse"}
    assert correct(api, iid, **data).status_code == 200
    notice = one(deadlines(iid), kind="controller_notice")
    # the 24 h ran from 31-08 09:00: the notice of 02-09 came late, and freezing does not hide it
    assert (notice["due_at"], notice["status"]) == ("2026-09-01T09:00:00Z", "missed")

    events = db.session.scalars(
        select(TimelineEvent).where(TimelineEvent.incident_id == iid, TimelineEvent.kind == "anchor_corrected")
    ).all()
    assert [(e.details["field"], e.details["reason"]) for e in events] == [
        ("aware_at", "Logboek toont eerdere melding"),
        ("confirmed_at", "Vastgesteld bij eerste analyse"),
    ]
    page = " ".join(logged_in.get(f"/incidents/{iid}/timeline").get_data(as_text=True).split())
    assert (
        "Tijdstip gecorrigeerd (vervroegd) : kennisname op 01-09-2026 12:00 CEST → 31-08-2026 10:00 CEST — "
        "Logboek toont eerdere melding" in page
    )
    assert "Logboek toont eerdere melding" in page


@pytest.mark.parametrize(
    ("data", "status", "code", "field"),
    [
        ({"field": "aware_at", "value": "2026-09-01T11:00:00Z", "reason": "later"}, 422, "not_earlier", "value"),
        ({"field": "aware_at", "value": "2026-09-01T10:00:00Z", "reason": "the same"}, 422, "not_earlier", "value"),
        ({"field": "aware_at", "value": "2026-08-01T10:00:00Z"}, 422, "required", "reason"),
        ({"field": "title", "value": "2026-08-01T10:00:00Z", "reason": "x"}, 422, "invalid_choice", "field"),
        ({"field": "aware_at", "reason": "x"}, 422, "required", "value"),
        ({"field": "aware_at", "value": "2999-01-01T10:00:00Z", "reason": "x"}, 422, "in_future", "value"),
        ({"field": "confirmed_at", "value": "2026-08-01T10:00:00Z", "reason": "x"}, 409, "not_confirmed", None),
    ],
)
def test_refused_corrections_change_nothing(api, make_contract, new_incident, refused, data, status, code, field):
    incident = new_incident(aware_at="2026-09-01T10:00:00Z", contract_ids=[make_contract("boz-72h").id])
    refused(lambda: correct(api, incident["id"], **data), status, code, field, op=(CORRECTIONS, "post"))  # no rows
    assert api.get(f"/api/v1/incidents/{incident['id']}").get_json()["aware_at"] == "2026-09-01T10:00:00Z"
