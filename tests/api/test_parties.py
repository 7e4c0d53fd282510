"""GET /profiles, GET/POST /controllers, GET/POST /contracts."""

from __future__ import annotations

import pytest

from .conftest import one
from .openapi_check import check_request, check_response

PROFILE_KEYS = {"doctolib", "addendum-gegevensbescherming", "citodent", "boz-72h", "boz-24h", "gdpr-art33"}


def rules(profile: dict) -> list[dict]:
    return [{k: r[k] for k in ("kind", "mode", "hours", "trigger", "clause")} for r in profile["obligations"]]


def test_profiles(api):
    response = api.get("/api/v1/profiles")
    assert response.status_code == 200
    body = response.get_json()
    check_response("/profiles", "get", 200, body)
    profiles = {p["key"]: p for p in body["profiles"]}
    assert set(profiles) == PROFILE_KEYS
    assert len(body["profiles"]) == 6

    boz72 = profiles["boz-72h"]
    assert rules(boz72) == [
        {"kind": "controller_notice", "mode": "within", "hours": 72, "trigger": "confirmed", "clause": "Art. 5.2"},
        {
            "kind": "controller_consultation",
            "mode": "within",
            "hours": 72,
            "trigger": "confirmed",
            "clause": "Art. 5.3",
        },
        {
            "kind": "investigation_report",
            "mode": "immediate",
            "hours": 72,
            "trigger": "confirmed",
            "clause": "Art. 5.4",
        },
        {
            "kind": "authority_contact_notice",
            "mode": "immediate",
            "hours": 24,
            "trigger": "authority_contact",
            "clause": "Art. 5.7",
        },
    ]
    assert boz72["required_fields"] == ["nature", "affected_data", "consequences", "measures"]
    assert boz72["processor_files_with_ap"] is False
    assert boz72["processor_may_inform_data_subjects"] is False
    assert boz72["title"] and boz72["source"]

    assert rules(profiles["boz-24h"]) == [
        {"kind": "controller_notice", "mode": "within", "hours": 24, "trigger": "confirmed", "clause": "Art. 5.2"},
        {
            "kind": "controller_consultation",
            "mode": "within",
            "hours": 24,
            "trigger": "confirmed",
            "clause": "Art. 5.3",
        },
        {
            "kind": "investigation_report",
            "mode": "immediate",
            "hours": 72,
            "trigger": "confirmed",
            "clause": "Art. 5.4",
        },
        {
            "kind": "authority_contact_notice",
            "mode": "immediate",
            "hours": 24,
            "trigger": "authority_contact",
            "clause": "Art. 5.7",
        },
    ]
    citodent = profiles["citodent"]
    assert rules(citodent) == [
        {"kind": "controller_notice", "mode": "immediate", "hours": 24, "trigger": "confirmed", "clause": "Art. 6.1"},
        {"kind": "awareness_notice", "mode": "immediate", "hours": 24, "trigger": "suspected", "clause": "Art. 6.2"},
    ]
    assert citodent["processor_files_with_ap"] is True
    assert citodent["processor_may_inform_data_subjects"] is True
    assert citodent["required_fields"] == ["cause", "measures", "informed_parties"]
    assert rules(profiles["doctolib"]) == [
        {"kind": "controller_notice", "mode": "immediate", "hours": 24, "trigger": "confirmed", "clause": "Art. 4.1"},
        {"kind": "awareness_notice", "mode": "immediate", "hours": 24, "trigger": "suspected", "clause": "Art. 3.2"},
        {
            "kind": "authority_contact_notice",
            "mode": "immediate",
            "hours": 24,
            "trigger": "authority_contact",
            "clause": "Art. 7.2",
        },
    ]
    assert rules(profiles["addendum-gegevensbescherming"]) == [
        {"kind": "controller_notice", "mode": "immediate", "hours": 24, "trigger": "confirmed", "clause": "Art. 13.1"},
        {
            "kind": "investigation_report",
            "mode": "immediate",
            "hours": 72,
            "trigger": "confirmed",
            "clause": "Art. 13.1 (2)",
        },
        {
            "kind": "authority_contact_notice",
            "mode": "immediate",
            "hours": 24,
            "trigger": "authority_contact",
            "clause": "Art. 6.2",
        },
    ]
    assert rules(profiles["gdpr-art33"]) == [
        {
            "kind": "controller_notice",
            "mode": "immediate",
            "hours": 24,
            "trigger": "confirmed",
            "clause": "AVG art. 33 lid 2",
        },
    ]


# --- controllers ---


def test_create_controller(api, row_counts):
    before = row_counts()
    data = {
        "name": "Tandartspraktijk De Kies",
        "contact_email": "fg@dekies.example",
        "kvk": "1234 5678",
        "contact_name": "Fien Gerritsen",
        "language": "en",
    }
    response = api.post("/api/v1/controllers", json=data)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    check_request("/controllers", "post", {**data, "kvk": "12345678"})
    check_response("/controllers", "post", 201, body)
    assert isinstance(body["id"], int)
    assert body["name"] == "Tandartspraktijk De Kies"
    assert body["contact_email"] == "fg@dekies.example"
    assert body["kvk"] == "12345678"
    assert body["contact_name"] == "Fien Gerritsen"
    assert body["language"] == "en"
    assert body["created_at"].endswith("Z")
    assert row_counts() == {**before, "controllers": before["controllers"] + 1}

    minimal = api.post("/api/v1/controllers", json={"name": "Huisarts Noord", "contact_email": "fg@noord.example"})
    assert minimal.status_code == 201
    assert minimal.get_json()["kvk"] is None
    assert minimal.get_json()["language"] == "nl"

    listed = api.get("/api/v1/controllers")
    assert listed.status_code == 200
    check_response("/controllers", "get", 200, listed.get_json())
    names = [c["name"] for c in listed.get_json()["controllers"]]
    assert names == ["Huisarts Noord", "Tandartspraktijk De Kies"]  # ordered by name
    assert one(listed.get_json()["controllers"], id=body["id"]) == body


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"contact_email": "fg@zorg.example"}, "required", "name"),
        ({"name": "   ", "contact_email": "fg@zorg.example"}, "required", "name"),
        ({"name": "x" * 201, "contact_email": "fg@zorg.example"}, "too_long", "name"),
        ({"name": 42, "contact_email": "fg@zorg.example"}, "invalid_type", "name"),
        ({"name": "Zorg"}, "required", "contact_email"),
        ({"name": "Zorg", "contact_email": "not-an-address"}, "invalid_email", "contact_email"),
        ({"name": "Zorg", "contact_email": "fg@@zorg.example"}, "invalid_email", "contact_email"),
        ({"name": "Zorg", "contact_email": "fg@zorg.example", "kvk": "1234567"}, "invalid_kvk", "kvk"),
        ({"name": "Zorg", "contact_email": "fg@zorg.example", "kvk": "123456789"}, "invalid_kvk", "kvk"),
        ({"name": "Zorg", "contact_email": "fg@zorg.example", "kvk": "1234567a"}, "invalid_kvk", "kvk"),
        ({"name": "Zorg", "contact_email": "fg@zorg.example", "language": "de"}, "invalid_language", "language"),
    ],
    ids=[
        "missing name",
        "blank name",
        "long name",
        "name not text",
        "missing e-mail",
        "bad e-mail",
        "double at",
        "kvk 7 digits",
        "kvk 9 digits",
        "kvk letter",
        "bad language",
    ],
)
def test_create_controller_refused(api, refused, data, code, field):
    refused(lambda: api.post("/api/v1/controllers", json=data), 422, code, field, op=("/controllers", "post"))


def test_empty_body_is_a_missing_name(api, refused):
    refused(lambda: api.post("/api/v1/controllers"), 422, "required", "name", op=("/controllers", "post"))


# --- contracts ---


def test_create_and_list_contracts(api, make_controller, row_counts):
    a, b = make_controller(), make_controller()
    before = row_counts()
    data = {
        "controller_id": a.id,
        "profile": "citodent",
        "reference": "VO-2026-001",
        "services": "VisiQuick",
        "data_categories": "röntgenbeelden",
    }
    response = api.post("/api/v1/contracts", json=data)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    check_request("/contracts", "post", data)
    check_response("/contracts", "post", 201, body)
    assert isinstance(body["id"], int)
    assert {k: body[k] for k in data} == data
    assert row_counts() == {**before, "contracts": before["contracts"] + 1}

    other = api.post(
        "/api/v1/contracts", json={"controller_id": b.id, "profile": "boz-72h", "reference": "VO-2026-002"}
    ).get_json()
    listed = api.get("/api/v1/contracts")
    assert listed.status_code == 200
    check_response("/contracts", "get", 200, listed.get_json())
    assert [c["id"] for c in listed.get_json()["contracts"]] == [body["id"], other["id"]]
    by_controller = api.get(f"/api/v1/contracts?controller_id={b.id}").get_json()["contracts"]
    assert [c["id"] for c in by_controller] == [other["id"]]
    by_reference = api.get("/api/v1/contracts?reference=VO-2026-001").get_json()["contracts"]
    assert by_reference == [body]
    assert api.get("/api/v1/contracts?reference=VO-none").get_json() == {"contracts": []}


def test_list_contracts_refuses_a_non_integer_controller_id(api, refused):
    refused(
        lambda: api.get("/api/v1/contracts?controller_id=abc"),
        422,
        "invalid_type",
        "controller_id",
        op=("/contracts", "get"),
    )


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"profile": "boz-48h"}, "unknown_profile", "profile"),
        ({"profile": None}, "required", "profile"),
        ({"controller_id": 999}, "unknown_controller", "controller_id"),
        ({"controller_id": "1"}, "invalid_type", "controller_id"),
        ({"controller_id": None}, "invalid_type", "controller_id"),
        ({"controller_id": True}, "invalid_type", "controller_id"),
        ({"reference": ""}, "required", "reference"),
        ({"reference": "x" * 65}, "too_long", "reference"),
    ],
    ids=[
        "unknown profile",
        "missing profile",
        "unknown controller",
        "controller id as text",
        "missing controller",
        "controller id as bool",
        "empty reference",
        "long reference",
    ],
)
def test_create_contract_refused(api, make_controller, refused, change, code, field):
    controller = make_controller()
    data = {"controller_id": controller.id, "profile": "boz-72h", "reference": "VO-1", **change}
    refused(lambda: api.post("/api/v1/contracts", json=data), 422, code, field, op=("/contracts", "post"))


def test_create_contract_refuses_a_duplicate_reference(api, make_contract, make_controller, refused):
    existing = make_contract(reference="VO-DUP")
    other = make_controller()
    refused(
        lambda: api.post(
            "/api/v1/contracts", json={"controller_id": other.id, "profile": "doctolib", "reference": "VO-DUP"}
        ),
        422,
        "duplicate",
        "reference",
        op=("/contracts", "post"),
    )
    assert existing.reference == "VO-DUP"
