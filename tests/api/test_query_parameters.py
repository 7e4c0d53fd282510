"""Query parameters: each is given once and is not empty, on every operation that reads them (422 otherwise, with
nothing read as "no filter" and no value picked from two); the register takes its values as given."""

from __future__ import annotations

import pytest

from .conftest import assert_error_shape
from .openapi_check import check_response


@pytest.fixture
def world(api, make_contract, new_incident):
    contract = make_contract()
    incident = new_incident(contract_ids=[contract.id], status="confirmed")
    return {"incident_id": incident["id"], "controller_id": contract.controller_id}


# Every GET that takes query parameters: (template, path, a valid value for each parameter it takes).
def reading_operations(world) -> list[tuple[str, str, dict[str, str]]]:
    incident, controller = world["incident_id"], str(world["controller_id"])
    return [
        ("/incidents", "/api/v1/incidents", {"status": "confirmed", "page": "1"}),
        ("/contracts", "/api/v1/contracts", {"controller_id": controller, "reference": "VO-00001"}),
        (
            "/register",
            "/api/v1/register",
            {
                "from": "2026-01-01",
                "to": "2026-12-31",
                "controller_id": controller,
                "status": "confirmed",
                "severity": "none",
                "q": "DL",
                "format": "json",
            },
        ),
        (
            "/incidents/{incident_id}/ap-draft",
            f"/api/v1/incidents/{incident}/ap-draft",
            {"controller_id": controller, "language": "nl", "format": "json"},
        ),
        (
            "/incidents/{incident_id}/edpb-draft",
            f"/api/v1/incidents/{incident}/edpb-draft",
            {"controller_id": controller, "language": "nl", "format": "json"},
        ),
    ]


def required(template: str, values: dict[str, str], name: str) -> dict[str, str]:
    """The operation's required parameters other than ``name`` (the AP draft needs controller_id)."""
    return {"controller_id": values["controller_id"]} if template.endswith("-draft") and name != "controller_id" else {}


def test_each_valid_value_is_accepted(api, world):
    for template, path, values in reading_operations(world):
        for name, value in values.items():
            response = api.get(path, query_string={**required(template, values, name), name: value})
            assert response.status_code == 200, (template, name, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize("empty", ["", " ", "\t"])
def test_an_empty_parameter_is_refused(api, row_counts, world, empty):
    before = row_counts()
    for template, path, values in reading_operations(world):
        for name in values:
            response = api.get(path, query_string={**required(template, values, name), name: empty})
            error = assert_error_shape(response, 422, "empty_parameter", name)
            assert name in error["message"]
            check_response(template, "get", 422, response.get_json())
    assert row_counts() == before


def test_a_repeated_parameter_is_refused(api, row_counts, world):
    before = row_counts()
    for template, path, values in reading_operations(world):
        for name, value in values.items():
            for pair in ([value, value], [value, "other"]):
                query = list(required(template, values, name).items())
                response = api.get(path, query_string=[*query, *((name, v) for v in pair)])
                error = assert_error_shape(response, 422, "repeated_parameter", name)
                assert "2 times" in error["message"]
                check_response(template, "get", 422, response.get_json())
    assert row_counts() == before


def test_the_token_is_checked_first(client, world):
    response = client.get("/api/v1/incidents?status=&status=")
    assert_error_shape(response, 401, "unauthorized")


@pytest.mark.parametrize("name", ["from", "to", "controller_id", "status", "severity", "format"])
def test_the_register_refuses_white_space_around_a_value(api, world, name):
    """The web page trims its filters; the API takes each value as the document describes it."""
    valid = dict(reading_operations(world)[2][2])
    response = api.get("/api/v1/register", query_string={name: f" {valid[name]}"})
    assert_error_shape(response, 422, "invalid_value", name)
    check_response("/register", "get", 422, response.get_json())


def test_the_register_counts_the_search_text_as_given(api, world):
    assert api.get("/api/v1/register", query_string={"q": "x" * 100}).status_code == 200
    response = api.get("/api/v1/register", query_string={"q": "x" + " " * 100})  # 101 characters, 1 when collapsed
    assert_error_shape(response, 422, "too_long", "q")
