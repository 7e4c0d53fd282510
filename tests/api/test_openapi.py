"""The OpenAPI description: served without a token, and in step with the routes and the responses."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

from .conftest import ENDPOINTS, PREFIX
from .openapi_check import HTTP_METHODS, check_response, check_schema, document


def routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule[len(PREFIX) :])
        found |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def documented(doc) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in doc["paths"].items() for method in item if method in HTTP_METHODS}


def test_openapi_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    doc = response.get_json()
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["servers"] == [{"url": "/api/v1"}]
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert doc["paths"]["/openapi.json"]["get"]["security"] == []


def test_every_route_is_documented_and_every_documented_operation_exists(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    actual = routes(app)
    assert actual, "no /api/v1 routes found"
    assert actual - documented(doc) == set(), "routes missing from the OpenAPI document"
    assert documented(doc) - actual == set(), "documented operations without a route"


def test_the_tests_cover_every_route(app):
    assert set(ENDPOINTS) == routes(app)


def test_path_parameters_are_declared(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, item in doc["paths"].items():
        names = set(re.findall(r"{([a-z_]+)}", path))
        for method in (m for m in item if m in HTTP_METHODS):
            params = item.get("parameters", []) + item[method].get("parameters", [])
            declared = {p["name"] for p in params if p["in"] == "path"}
            assert declared == names, (path, method, declared)
            assert all(p["required"] for p in params if p["in"] == "path"), (path, method)


def test_every_protected_operation_documents_401_and_the_error_schema(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for method, path in documented(doc):
        if path == "/openapi.json":
            continue
        responses = doc["paths"][path][method.lower()]["responses"]
        assert "401" in responses, (method, path)
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_ref_resolves_and_every_schema_is_valid(app):
    doc = document()
    refs = set(_refs(doc))
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in doc["components"]["schemas"], f"dangling {ref}"
    for name, schema in doc["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
        assert name


def test_the_checker_rejects_a_wrong_body(app):
    """The helper really validates (a schema check that accepts anything would prove nothing)."""
    with pytest.raises(AssertionError, match="does not match"):
        check_response("/incidents", "get", 200, {"incidents": [{"id": "1"}], "page": 1, "pages": 1, "total": 1})
    with pytest.raises(AssertionError, match="does not match"):
        check_schema(
            "Deadline",
            {
                "kind": "controller_notice",
                "contract_id": 1,
                "controller_id": 1,
                "owner": "processor",
                "clause": "x",
                "status": "late",
                "starts_at": None,
                "due_at": None,
                "met_at": None,
            },
        )
    with pytest.raises(AssertionError, match="does not document status 409"):
        check_response("/incidents/{incident_id}/deadlines", "get", 409, {"error": {"code": "x", "message": "y"}})
    check_schema("Error", {"error": {"code": "x", "message": "y", "field": "z"}})
