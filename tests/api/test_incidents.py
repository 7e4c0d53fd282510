"""POST/GET /incidents, GET/PATCH /incidents/{id}."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from incidents.breaches.models import TimelineEvent
from incidents.extensions import db

from .openapi_check import check_request, check_response

REFERENCE = re.compile(r"^DL-(\d{4})-(\d{4})$")


def parse_z(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


# --- POST /incidents ---


def test_create_incident(api, make_contract, row_counts):
    c1, c2 = make_contract("boz-72h"), make_contract("doctolib")
    before = row_counts()
    data = {
        "title": "Phishing op het beheeraccount",
        "description": "Inlog vanaf onbekend IP.",
        "aware_at": "2026-03-27T14:00:00+01:00",
        "status": "suspected",
        "contract_ids": [c1.id, c2.id],
        "fields": {"nature": "Ongeautoriseerde toegang", "cause": "Phishing"},
    }
    started = datetime.now(UTC).replace(microsecond=0)
    response = api.post("/api/v1/incidents", json=data)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    check_request("/incidents", "post", data)
    check_response("/incidents", "post", 201, body)
    assert isinstance(body["id"], int)
    assert REFERENCE.match(body["reference"])
    assert body["title"] == "Phishing op het beheeraccount"
    assert body["description"] == "Inlog vanaf onbekend IP."
    assert body["status"] == "suspected"
    assert body["aware_at"] == "2026-03-27T13:00:00Z"
    assert body["confirmed_at"] is None
    assert body["dismissed_at"] is None
    assert body["fields"] == {"nature": "Ongeautoriseerde toegang", "cause": "Phishing"}
    assert [c["id"] for c in body["contracts"]] == [c1.id, c2.id]
    assert body["contracts"][0]["profile"] == "boz-72h"
    assert body["contracts"][1]["controller_id"] == c2.controller_id
    assert started <= parse_z(body["created_at"]) <= datetime.now(UTC)
    after = row_counts()
    assert after["incidents"] == before["incidents"] + 1
    assert after["affected_contracts"] == before["affected_contracts"] + 2
    # boz-72h: notice + consultation + report (5.4); doctolib: notices 4.1 and 3.2; one ap_notification per
    # controller (2)
    assert after["obligations"] == before["obligations"] + 7
    assert after["timeline_events"] > before["timeline_events"]


def test_references_are_consecutive(api, new_incident):
    first, second, third = new_incident(), new_incident(), new_incident()
    matches = [REFERENCE.match(i["reference"]) for i in (first, second, third)]
    assert all(matches), [first["reference"], second["reference"], third["reference"]]
    years = {m.group(1) for m in matches}
    assert len(years) == 1
    assert int(years.pop()) >= 2026
    assert [int(m.group(2)) for m in matches] == [1, 2, 3]


def test_references_continue_past_9999(app, api, new_incident):
    first = new_incident()
    prefix = first["reference"][:8]
    # As if 9,999 incidents had been made this year: the last reference, and the year's counter with it (the
    # numbers come from the counter: incidents/breaches/references.py).
    db.session.execute(db.update(db.metadata.tables["incidents"]).values(reference=f"{prefix}9999"))
    db.session.execute(db.update(db.metadata.tables["reference_counters"]).values(last=9999))
    db.session.commit()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert new_incident()["reference"] == f"{prefix}10000"
    response = api.post("/api/v1/incidents", json={"title": "x", "aware_at": "2026-07-01T12:00"})
    db.session.rollback()
    assert response.status_code == 201, response.get_data(as_text=True)[:200]
    assert response.get_json()["reference"] == f"{prefix}10001"


def test_confirmed_without_confirmed_at_is_confirmed_at_aware_at(new_incident):
    body = new_incident(status="confirmed", aware_at="2026-05-04T09:30:00+02:00")
    assert body["status"] == "confirmed"
    assert body["aware_at"] == "2026-05-04T07:30:00Z"
    assert body["confirmed_at"] == "2026-05-04T07:30:00Z"


def test_confirmed_with_its_own_confirmed_at(new_incident):
    body = new_incident(status="confirmed", aware_at="2026-05-04T09:30", confirmed_at="2026-05-05T08:00:00Z")
    assert body["aware_at"] == "2026-05-04T07:30:00Z"
    assert body["confirmed_at"] == "2026-05-05T08:00:00Z"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026-03-27T14:00:00+01:00", "2026-03-27T13:00:00Z"),
        ("2026-06-15T23:30:00-04:00", "2026-06-16T03:30:00Z"),
        ("2026-06-15T08:00:00Z", "2026-06-15T08:00:00Z"),
        ("2026-06-15T08:00:00z", "2026-06-15T08:00:00Z"),
        ("2026-06-15T08:00:00+00:00", "2026-06-15T08:00:00Z"),
        ("2026-06-15T08:00:59.900+05:30", "2026-06-15T02:30:59Z"),
        # no offset: Europe/Amsterdam wall-clock time
        ("2026-07-01T12:00", "2026-07-01T10:00:00Z"),
        ("2026-07-01T12:00:00", "2026-07-01T10:00:00Z"),
        ("2026-01-15T12:00", "2026-01-15T11:00:00Z"),
        ("2026-03-29T01:59", "2026-03-29T00:59:00Z"),
        ("2026-03-29T03:00", "2026-03-29T01:00:00Z"),
        ("2026-10-25T01:59", "2026-10-24T23:59:00Z"),
        ("2026-10-25T03:00", "2026-10-25T02:00:00Z"),
        # the ambiguous hour is fine when the offset says which one
        ("2026-10-25T02:30:00+02:00", "2026-10-25T00:30:00Z"),
        ("2026-10-25T02:30:00+01:00", "2026-10-25T01:30:00Z"),
    ],
)
def test_instants_are_returned_in_utc_with_z(new_incident, given, expected):
    assert new_incident(aware_at=given)["aware_at"] == expected


def test_confirmed_at_offset_less_is_amsterdam_time(new_incident):
    body = new_incident(status="confirmed", aware_at="2026-01-10T08:00", confirmed_at="2026-01-10T09:15")
    assert body["aware_at"] == "2026-01-10T07:00:00Z"
    assert body["confirmed_at"] == "2026-01-10T08:15:00Z"


def test_title_and_text_are_trimmed_and_limits_are_inclusive(new_incident):
    body = new_incident(title="  " + "t" * 200 + "  ", description="d" * 10000, fields={"measures": "m" * 5000})
    assert body["title"] == "t" * 200
    assert len(body["description"]) == 10000
    assert body["fields"] == {"measures": "m" * 5000}


CREATE_REFUSALS = {
    "aware_at in the future": ({"aware_at": "2099-01-01T12:00:00Z"}, "in_future", "aware_at"),
    "aware_at in two days, local": (
        {"aware_at": (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT12:00")},
        "in_future",
        "aware_at",
    ),
    "confirmed_at before aware_at": (
        {"status": "confirmed", "aware_at": "2026-06-02T10:00:00Z", "confirmed_at": "2026-06-02T09:59:00Z"},
        "before_aware_at",
        "confirmed_at",
    ),
    "confirmed_at in the future": (
        {"status": "confirmed", "confirmed_at": "2099-01-01T12:00:00Z"},
        "in_future",
        "confirmed_at",
    ),
    "confirmed_at on a suspected incident": (
        {"status": "suspected", "confirmed_at": "2026-06-02T10:00:00Z"},
        "not_confirmed",
        "confirmed_at",
    ),
    "unknown contract id": ({"contract_ids": [999]}, "unknown_contract", "contract_ids"),
    "contract ids not a list": ({"contract_ids": 1}, "invalid_type", "contract_ids"),
    "contract id as text": ({"contract_ids": ["1"]}, "invalid_type", "contract_ids"),
    "missing title": ({"title": None}, "required", "title"),
    "empty title": ({"title": ""}, "required", "title"),
    "blank title": ({"title": "   "}, "required", "title"),
    "title not text": ({"title": ["x"]}, "invalid_type", "title"),
    "title over 200": ({"title": "t" * 201}, "too_long", "title"),
    "description over 10000": ({"description": "d" * 10001}, "too_long", "description"),
    "field value over 5000": ({"fields": {"nature": "n" * 5001}}, "too_long", "fields.nature"),
    "field value not text": ({"fields": {"records": 120}}, "invalid_type", "fields.records"),
    "unknown field key": ({"fields": {"severity": "high"}}, "unknown_field", "fields.severity"),
    "fields not an object": ({"fields": ["nature"]}, "invalid_type", "fields"),
    "nonexistent local time": ({"aware_at": "2026-03-29T02:30"}, "nonexistent_local_time", "aware_at"),
    "ambiguous local time": ({"aware_at": "2026-10-25T02:30"}, "ambiguous_local_time", "aware_at"),
    "ambiguous confirmed_at": (
        {"status": "confirmed", "aware_at": "2026-10-24T12:00:00Z", "confirmed_at": "2026-10-25T02:30"},
        "ambiguous_local_time",
        "confirmed_at",
    ),
    "nonexistent confirmed_at": (
        {"status": "confirmed", "aware_at": "2026-03-28T12:00:00Z", "confirmed_at": "2026-03-29T02:00"},
        "nonexistent_local_time",
        "confirmed_at",
    ),
    "garbage instant": ({"aware_at": "gisteren om drie uur"}, "invalid_instant", "aware_at"),
    "date without time": ({"aware_at": "2026-07-01"}, "invalid_instant", "aware_at"),
    "impossible date": ({"aware_at": "2026-02-30T10:00"}, "invalid_instant", "aware_at"),
    "instant as number": ({"aware_at": 1780000000}, "invalid_instant", "aware_at"),
    "empty instant": ({"aware_at": ""}, "invalid_instant", "aware_at"),
    "missing aware_at": ({"aware_at": None}, "required", "aware_at"),
    "status dismissed": ({"status": "dismissed"}, "invalid_choice", "status"),
    "status closed": ({"status": "closed"}, "invalid_choice", "status"),
    "status unknown": ({"status": "maybe"}, "invalid_choice", "status"),
}


@pytest.mark.parametrize("case", CREATE_REFUSALS)
def test_create_incident_refused(api, make_contract, refused, case):
    contract = make_contract()
    change, code, field = CREATE_REFUSALS[case]
    data = {"title": "Verloren laptop", "aware_at": "2026-06-01T10:00:00Z", "contract_ids": [contract.id], **change}
    data = {k: v for k, v in data.items() if v is not None}
    refused(lambda: api.post("/api/v1/incidents", json=data), 422, code, field, op=("/incidents", "post"))


def test_unknown_contract_ids_are_refused_even_with_known_ones(api, make_contract, refused):
    contract = make_contract()
    error = refused(
        lambda: api.post(
            "/api/v1/incidents",
            json={"title": "x", "aware_at": "2026-06-01T10:00:00Z", "contract_ids": [contract.id, 998, 999]},
        ),
        422,
        "unknown_contract",
        "contract_ids",
        op=("/incidents", "post"),
    )
    assert "998" in error["message"] and "999" in error["message"]


# --- GET /incidents ---


def test_list_incidents_with_status_filter_and_pages(app, api, new_incident):
    app.config["API_PAGE_SIZE"] = 2
    made = [
        new_incident(title="een"),
        new_incident(title="twee", status="confirmed"),
        new_incident(title="drie"),
        new_incident(title="vier", status="confirmed"),
        new_incident(title="vijf"),
    ]
    dismissed = new_incident(title="zes")
    assert (
        api.post(f"/api/v1/incidents/{dismissed['id']}/dismiss", json={"reason": "geen persoonsgegevens"}).status_code
        == 200
    )
    ids = [i["id"] for i in made] + [dismissed["id"]]

    def page(query: str) -> dict:
        response = api.get(f"/api/v1/incidents{query}")
        assert response.status_code == 200, response.get_json()
        check_response("/incidents", "get", 200, response.get_json())
        return response.get_json()

    first = page("")
    assert (first["page"], first["pages"], first["total"]) == (1, 3, 6)
    assert [i["id"] for i in first["incidents"]] == [ids[5], ids[4]]  # newest first
    assert [i["id"] for i in page("?page=2")["incidents"]] == [ids[3], ids[2]]
    last = page("?page=3")
    assert (last["page"], last["pages"], last["total"]) == (3, 3, 6)
    assert [i["id"] for i in last["incidents"]] == [ids[1], ids[0]]
    beyond = page("?page=4")
    assert (beyond["incidents"], beyond["page"], beyond["pages"], beyond["total"]) == ([], 4, 3, 6)

    summary = first["incidents"][1]
    assert summary["title"] == "vijf"
    assert summary["status"] == "suspected"
    assert summary["aware_at"] == "2026-03-27T13:00:00Z"

    confirmed = page("?status=confirmed")
    assert (confirmed["page"], confirmed["pages"], confirmed["total"]) == (1, 1, 2)
    assert [i["id"] for i in confirmed["incidents"]] == [ids[3], ids[1]]
    suspected = page("?status=suspected")
    assert (suspected["pages"], suspected["total"]) == (2, 3)
    assert [i["id"] for i in page("?status=suspected&page=2")["incidents"]] == [ids[0]]
    assert [i["id"] for i in page("?status=dismissed")["incidents"]] == [ids[5]]
    assert page("?status=closed") == {"incidents": [], "page": 1, "pages": 1, "total": 0}


def test_list_incidents_when_there_are_none(api):
    response = api.get("/api/v1/incidents")
    assert response.status_code == 200
    assert response.get_json() == {"incidents": [], "page": 1, "pages": 1, "total": 0}
    check_response("/incidents", "get", 200, response.get_json())


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("?page=0", "invalid_page", "page"),
        ("?page=-1", "invalid_page", "page"),
        ("?page=abc", "invalid_page", "page"),
        ("?page=1.5", "invalid_page", "page"),
        ("?page=", "empty_parameter", "page"),
        ("?page=1000001", "invalid_page", "page"),
        ("?status=open", "invalid_choice", "status"),
        ("?status=", "empty_parameter", "status"),
        ("?status=confirmed&status=suspected", "repeated_parameter", "status"),
        ("?status=CONFIRMED", "invalid_choice", "status"),
    ],
)
def test_list_incidents_refused(api, new_incident, refused, query, code, field):
    new_incident()
    refused(lambda: api.get(f"/api/v1/incidents{query}"), 422, code, field, op=("/incidents", "get"))


# --- GET /incidents/{id} ---


def test_get_incident_with_its_contracts(api, make_controller, make_contract, new_incident):
    controller = make_controller(name="Mondzorg Centrum")
    c1 = make_contract("citodent", controller=controller, reference="VO-CITO")
    other = make_controller(name="Huisartsenpost West")
    c2 = make_contract("boz-24h", controller=other, reference="VO-BOZ")
    created = new_incident(contract_ids=[c2.id, c1.id], fields={"measures": "wachtwoorden gereset"})
    response = api.get(f"/api/v1/incidents/{created['id']}")
    assert response.status_code == 200
    body = response.get_json()
    check_response("/incidents/{incident_id}", "get", 200, body)
    assert body == created
    assert body["contracts"] == [
        {
            "id": c1.id,
            "reference": "VO-CITO",
            "controller_id": controller.id,
            "profile": "citodent",
            "controller_name": "Mondzorg Centrum",
            "withdrawn_at": None,
            "withdrawn_reason": None,
            "established_at": None,
        },
        {
            "id": c2.id,
            "reference": "VO-BOZ",
            "controller_id": other.id,
            "profile": "boz-24h",
            "controller_name": "Huisartsenpost West",
            "withdrawn_at": None,
            "withdrawn_reason": None,
            "established_at": None,
        },
    ]
    assert body["fields"] == {"measures": "wachtwoorden gereset"}


# --- PATCH /incidents/{id} ---


def events(incident_id: int) -> list[TimelineEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(TimelineEvent).where(TimelineEvent.incident_id == incident_id).order_by(TimelineEvent.id)
        )
    )


def test_patch_incident_edits_and_records_each_change(api, new_incident, row_counts):
    created = new_incident(title="Oud", description="eerst", fields={"nature": "phishing", "cause": "mail"})
    iid = created["id"]
    known = len(events(iid))
    before = row_counts()
    data = {
        "title": "Nieuw",
        "description": "daarna",
        "fields": {"nature": "phishing", "cause": "", "records": "ca. 1200", "measures": "MFA"},
    }
    response = api.patch(f"/api/v1/incidents/{iid}", json=data)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    check_request("/incidents/{incident_id}", "patch", data)
    check_response("/incidents/{incident_id}", "patch", 200, body)
    assert body["title"] == "Nieuw"
    assert body["description"] == "daarna"
    # unchanged key kept, emptied key removed, new keys added
    assert body["fields"] == {"nature": "phishing", "records": "ca. 1200", "measures": "MFA"}
    assert api.get(f"/api/v1/incidents/{iid}").get_json() == body

    new = events(iid)[known:]
    # title, description, and three field changes (cause cleared, records and measures set); nature unchanged
    assert len(new) == 5
    assert row_counts() == {**before, "timeline_events": before["timeline_events"] + 5}
    by_field = {e.details.get("field"): e for e in new}
    assert set(by_field) == {"title", "description", "cause", "records", "measures"}
    assert by_field["title"].kind == "edited"
    assert (by_field["title"].details["old"], by_field["title"].details["new"]) == ("Oud", "Nieuw")
    assert by_field["description"].kind == "edited"
    assert by_field["cause"].kind == "field_set"
    assert (by_field["cause"].details["old"], by_field["cause"].details["new"]) == ("mail", "")
    assert (by_field["records"].details["old"], by_field["records"].details["new"]) == ("", "ca. 1200")
    assert all(e.actor_id is not None for e in new)

    # the same values again change nothing and record nothing
    again = api.patch(f"/api/v1/incidents/{iid}", json=data)
    assert again.status_code == 200
    assert len(events(iid)) == known + 5


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"title": "Nieuw", "fields": {"severity": "hoog"}}, "unknown_field", "fields.severity"),
        ({"title": "Nieuw", "status": "confirmed"}, "unknown_field", "status"),
        ({"aware_at": "2026-01-01T10:00"}, "unknown_field", "aware_at"),
        ({"title": ""}, "required", "title"),
        ({"title": "t" * 201}, "too_long", "title"),
        ({"description": "x" * 10001, "title": "Nieuw"}, "too_long", "description"),
        ({"title": "Nieuw", "fields": {"nature": "n" * 5001}}, "too_long", "fields.nature"),
        ({"title": "Nieuw", "fields": "nature"}, "invalid_type", "fields"),
    ],
)
def test_patch_incident_refused_changes_nothing(api, new_incident, refused, data, code, field):
    created = new_incident(title="Oud", fields={"nature": "phishing"})
    refused(
        lambda: api.patch(f"/api/v1/incidents/{created['id']}", json=data),
        422,
        code,
        field,
        op=("/incidents/{incident_id}", "patch"),
    )
    assert api.get(f"/api/v1/incidents/{created['id']}").get_json() == created
