"""Who reported an incident to us, and when we were informed: the REST API and the intake form accept it, refuse
what cannot be (a time in the future, a sub-processor aware after it informed us, a wall time DST makes impossible),
and write nothing when they refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from incidents.breaches.models import Incident, TimelineEvent
from incidents.core.instants import utcnow
from incidents.extensions import db

from ..support.forms import csrf_token, log_incident

GOOD = {"title": "Lek bij subverwerker", "status": "confirmed"}


def _iso(delta_hours: float) -> str:
    return (utcnow() - timedelta(hours=delta_hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Incident)) or 0


@pytest.mark.parametrize(
    ("extra", "field", "code"),
    [
        ({"informed_at": "2099-01-01T10:00:00Z"}, "informed_at", "in_future"),
        ({"informed_at": _iso(2), "aware_at": _iso(3)}, "informed_at", "informed_at_differs"),
        ({"informed_at": _iso(2), "reporter_kind": "sub_processor"}, "sub_processor_id", "required"),
        ({"informed_at": _iso(2), "reporter_kind": "sub_processor", "sub_processor_id": 999}, "sub_processor_id",
         "unknown_sub_processor"),
        ({"informed_at": _iso(2), "reporter_kind": "sub_processor", "sub_processor_id": "{sub}",
          "sub_processor_aware_at": _iso(1)}, "sub_processor_aware_at", "after_informed_at"),
        ({"informed_at": _iso(2), "reporter_kind": "sub_processor", "sub_processor_id": "{sub}",
          "sub_processor_aware_at": "2099-01-01T10:00:00Z"}, "sub_processor_aware_at", "in_future"),
        ({"informed_at": _iso(2), "reporter_kind": "sub_processor", "sub_processor_id": "{sub}",
          "sub_processor_aware_at": "2026-03-29T02:30:00"}, "sub_processor_aware_at", "nonexistent_local_time"),
        ({"informed_at": "2026-10-25T02:30:00", "reporter_kind": "other", "reporter_name": "X"}, "informed_at",
         "ambiguous_local_time"),
        ({"informed_at": _iso(2), "reporter_kind": "controller"}, "reporter_name", "required"),
        ({"informed_at": _iso(2), "reporter_kind": "staff", "reporter_name": "A", "sub_processor_id": "{sub}"},
         "sub_processor_id", "not_sub_processor"),
        ({"informed_at": _iso(2), "reporter_kind": "customer"}, "reporter_kind", "invalid_choice"),
        ({"aware_at": _iso(2), "reporter_name": "A"}, "reporter_kind", "required"),
        ({"title": "Lek"}, "aware_at", "required"),
    ],
)  # fmt: skip
def test_api_refuses_a_bad_reporter_and_writes_nothing(api, chain, extra, field, code):
    body = {**GOOD, **{k: (chain.sub.id if v == "{sub}" else v) for k, v in extra.items()}}
    response = api.post("/api/v1/incidents", json=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert (error["field"], error["code"]) == (field, code), error
    assert _count() == 0


def test_api_informed_at_alone_is_aware_at_and_the_reporter_goes_to_the_timeline(api, chain):
    informed = _iso(5)
    response = api.post(
        "/api/v1/incidents",
        json={**GOOD, "informed_at": informed, "reporter_kind": "controller", "reporter_name": "FG Apotheek Centraal"},
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["aware_at"] == body["informed_at"] == informed and body["confirmed_at"] == informed
    assert body["reporter_kind"] == "controller" and body["reporter_name"] == "FG Apotheek Centraal"
    assert body["sub_processor_id"] is None and body["sub_processor_aware_at"] is None
    event = db.session.scalar(select(TimelineEvent).where(TimelineEvent.kind == "reported"))
    assert event.details["kind"] == "controller" and event.details["name"] == "FG Apotheek Centraal"
    # an incident without a reporter is as before: the new keys are null
    plain = api.post("/api/v1/incidents", json={**GOOD, "aware_at": _iso(1)}).get_json()
    assert plain["reporter_kind"] is None and plain["informed_at"] is None


def test_intake_form_records_a_sub_processors_report(logged_in, chain):
    response = log_incident(
        logged_in,
        {
            "title": "Sms naar verkeerde nummers",
            "aware_at": "2026-11-20T09:15",
            "status": "confirmed",
            "references": chain.group_contract.reference,
            "reporter_kind": "sub_processor",
            "reporter_name": "Incidentteam",
            "sub_processor_id": str(chain.sub.id),
            "sub_processor_aware_at": "2026-11-19T22:00",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    incident = db.session.scalar(select(Incident))
    assert incident.aware_at.isoformat() == "2026-11-20T08:15:00+00:00" == incident.informed_at.isoformat()
    assert incident.sub_processor_aware_at.isoformat() == "2026-11-19T21:00:00+00:00"
    assert (incident.reported_by_kind, incident.reported_by_name, incident.sub_processor_id) == (
        "sub_processor",
        "Incidentteam",
        chain.sub.id,
    )
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Aan ons gemeld door" in page and "MessageBird" in page
    assert "Wij werden geïnformeerd op 20-11-2026 09:15 CET" in page


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"sub_processor_aware_at": "2026-11-20T10:00"}, "de subverwerker kan niet later kennis hebben gekregen"),
        ({"sub_processor_id": ""}, "bij een melding door een subverwerker hoort de naam van de subverwerker"),
    ],
)
def test_intake_form_refuses_a_bad_report_and_writes_nothing(logged_in, chain, row_counts, values, says):
    before = row_counts()
    token = csrf_token(logged_in, "/incidents/new")
    response = logged_in.post(  # refused already at the check of the selection, before anything is saved
        "/incidents/new",
        data={
            "csrf_token": token,
            "step": "review",
            "title": "Sms naar verkeerde nummers",
            "aware_at": "2026-11-20T09:15",
            "status": "confirmed",
            "references": chain.group_contract.reference,
            "reporter_kind": "sub_processor",
            "sub_processor_id": str(chain.sub.id),
            **values,
        },
    )
    assert response.status_code == 422
    assert says in response.get_data(as_text=True)
    assert row_counts() == before and _count() == 0


def test_intake_form_refuses_an_impossible_wall_time_of_the_sub_processor(logged_in, chain):
    token = csrf_token(logged_in, "/incidents/new")
    response = logged_in.post(
        "/incidents/new",
        data={
            "csrf_token": token,
            "title": "Lek",
            "aware_at": "2026-03-29T09:00",
            "status": "suspected",
            "no_contracts": "y",
            "reporter_kind": "sub_processor",
            "sub_processor_id": str(chain.sub.id),
            "sub_processor_aware_at": "2026-03-29T02:30",  # the clocks skipped it
            "step": "review",
        },
    )
    assert response.status_code == 422
    assert _count() == 0


def test_intake_form_refuses_an_unknown_reporter_kind_in_dutch(logged_in, chain):
    token = csrf_token(logged_in, "/incidents/new")
    response = logged_in.post(
        "/incidents/new",
        data={
            "csrf_token": token,
            "step": "review",
            "title": "Lek",
            "aware_at": "2026-11-20T09:15",
            "status": "suspected",
            "no_contracts": "y",
            "reporter_kind": "customer",
            "sub_processor_id": "999999",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Aan ons gemeld door: Ongeldige keuze" in html and "Subverwerker: Ongeldige keuze" in html
    assert _count() == 0
