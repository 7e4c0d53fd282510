"""Helpers for the API tests: endpoint list, refusal checks, incident creation."""

from __future__ import annotations

import re
from functools import partial

import pytest

from ..support.database import count_rows, every_table_but_the_audit_trail
from ..support.live import live_server  # noqa: F401 (a fixture: the app served on loopback)
from .openapi_check import check_response, check_schema

PREFIX = "/api/v1"

# Every operation of API v1 as (method, path template in the OpenAPI document).
ENDPOINTS = [
    ("GET", "/profiles"),
    ("GET", "/controllers"),
    ("POST", "/controllers"),
    ("GET", "/contracts"),
    ("POST", "/contracts"),
    ("GET", "/incidents"),
    ("POST", "/incidents"),
    ("GET", "/incidents/{incident_id}"),
    ("PATCH", "/incidents/{incident_id}"),
    ("POST", "/incidents/{incident_id}/contracts"),
    ("POST", "/incidents/{incident_id}/confirm"),
    ("POST", "/incidents/{incident_id}/corrections"),
    ("POST", "/incidents/{incident_id}/dismiss"),
    ("POST", "/incidents/{incident_id}/filings"),
    ("POST", "/incidents/{incident_id}/decisions"),
    ("GET", "/incidents/{incident_id}/deadlines"),
    ("GET", "/incidents/{incident_id}/controllers/{controller_id}/scope"),
    ("PUT", "/incidents/{incident_id}/controllers/{controller_id}/scope"),
    ("PUT", "/incidents/{incident_id}/scopes"),
    ("GET", "/incidents/{incident_id}/ap-draft"),
    ("GET", "/incidents/{incident_id}/regimes"),
    ("GET", "/incidents/{incident_id}/edpb-draft"),
    ("GET", "/register"),
    ("POST", "/incidents/{incident_id}/notices"),
    ("GET", "/outbox/{message_id}"),
    ("GET", "/documents/{document_id}"),
    ("GET", "/inbound-messages"),
    ("GET", "/inbound-messages/{inbound_id}"),
    ("GET", "/inbound-messages/{inbound_id}/original"),
    ("POST", "/inbound-messages/{inbound_id}/accept"),
    ("POST", "/inbound-messages/{inbound_id}/reject"),
    ("GET", "/openapi.json"),
]
PROTECTED = [e for e in ENDPOINTS if e[1] != "/openapi.json"]
JSON_BODY = [e for e in ENDPOINTS if e[0] in ("POST", "PATCH")]
INCIDENT_ROUTES = [e for e in ENDPOINTS if "{incident_id}" in e[1]]


def url(template: str, incident_id: int | None = None) -> str:
    """The request path of a template; the id fills every path parameter ({incident_id}, {message_id}, ...)."""
    return PREFIX + (re.sub(r"\{[a-z_]+_id\}", str(incident_id), template) if incident_id is not None else template)


@pytest.fixture
def row_counts(app):
    """Counts of every mapped table, the issued documents and the outbox included (the session-wide
    fixture lists the foundation's tables only), to prove that a refused request wrote nothing."""

    return partial(count_rows, every_table_but_the_audit_trail())


def assert_error_shape(response, status: int, code: str, field: str | None = None) -> dict:
    """The exact error body of docs/API.md: {"error": {"code", "message", "field"?}}."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.is_json, f"not JSON: {response.content_type}: {response.get_data(as_text=True)[:200]}"
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == ({"code", "message", "field"} if field else {"code", "message"}), error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    if field:
        assert error["field"] == field, error
    check_schema("Error", body)
    return error


@pytest.fixture
def refused(row_counts):
    """refused(send, status, code, field=None, op=(path_template, method)) -> the error object.

    Calls ``send()`` (a request), asserts the status, the exact error shape, the field at fault, that every
    table has the same row count before and after, and (with ``op``) that the documented schema matches.
    """

    def check(send, status: int, code: str, field: str | None = None, op: tuple[str, str] | None = None):
        before = row_counts()
        response = send()
        error = assert_error_shape(response, status, code, field)
        assert row_counts() == before, "a refused request wrote rows"
        if op is not None:
            check_response(op[0], op[1], status, response.get_json())
        return error

    return check


@pytest.fixture
def new_incident(api):
    """POST /incidents with sensible defaults; returns the 201 body."""

    def create(**values):
        data = {"title": "Phishing op het beheeraccount", "aware_at": "2026-03-27T14:00:00+01:00"}
        data.update(values)
        response = api.post("/api/v1/incidents", json=data)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def deadlines(api):
    """GET /incidents/{id}/deadlines, validated; returns the list."""

    def get(incident_id: int) -> list[dict]:
        response = api.get(f"/api/v1/incidents/{incident_id}/deadlines")
        assert response.status_code == 200, response.get_json()
        check_response("/incidents/{incident_id}/deadlines", "get", 200, response.get_json())
        return response.get_json()["deadlines"]

    return get


def one(items: list[dict], **match) -> dict:
    """The single item whose keys equal ``match``."""
    found = [i for i in items if all(i.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, items)
    return found[0]
