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


# What a controller user's token may use (incidents/api CONTROLLER_ENDPOINTS), by the document's names.
CONTROLLER_OPERATIONS = {
    ("GET", "/profiles"),
    ("GET", "/controllers"),
    ("GET", "/contracts"),
    ("GET", "/incidents"),
    ("GET", "/incidents/{incident_id}"),
    ("GET", "/incidents/{incident_id}/deadlines"),
    ("GET", "/incidents/{incident_id}/ap-draft"),
    ("GET", "/incidents/{incident_id}/edpb-draft"),
    ("POST", "/incidents/{incident_id}/decisions"),
    ("POST", "/incidents/{incident_id}/filings"),
    ("GET", "/documents/{document_id}"),
    ("GET", "/outbox/{message_id}"),
    ("GET", "/incidents/{incident_id}/controllers/{controller_id}/scope"),
}
# Operations a controller user's token may use but where it is refused when it acts for another controller.
OWN_CONTROLLER_ONLY = {("POST", "/incidents/{incident_id}/decisions"), ("POST", "/incidents/{incident_id}/filings")}


def test_403_is_documented_where_a_viewer_or_a_controller_token_gets_it(client):
    """A viewer's token may only read; a controller user's token reaches only its own operations (and in two of
    them acts only for its own controller): tests/security/test_tokens.py shows the 403s, this the document."""
    doc = client.get("/api/v1/openapi.json").get_json()
    for method, path in documented(doc) - {("GET", "/openapi.json")}:
        responses = doc["paths"][path][method.lower()]["responses"]
        refused = (
            method != "GET" or (method, path) not in CONTROLLER_OPERATIONS or (method, path) in OWN_CONTROLLER_ONLY
        )
        assert ("403" in responses) == refused, (method, path)
        if refused:
            description = responses["403"]["description"]
            assert ("read_only" in description) == (method != "GET"), (method, path, description)
            assert "forbidden" in description, (method, path, description)


def test_413_is_documented_for_every_request_body(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for method, path in documented(doc):
        operation = doc["paths"][path][method.lower()]
        assert ("413" in operation["responses"]) == ("requestBody" in operation), (method, path)


def test_the_rules_beyond_the_schema_are_listed_on_the_422(client):
    """Each x-rules entry names the code and the field of the 422 a schema-valid request gets for it; the
    schemathesis test holds every such refusal to the list."""
    doc = client.get("/api/v1/openapi.json").get_json()
    listed = 0
    for method, path in documented(doc):
        response = doc["paths"][path][method.lower()]["responses"].get("422", {})
        for rule in response.get("x-rules", []):
            assert set(rule) == {"code", "field", "rule"} and all(rule.values()), (method, path, rule)
            assert rule["code"] in response["description"], (method, path, rule)
            listed += 1
    assert listed > 40


def test_the_profiles_are_the_desks_own(app, client):
    from incidents.profiles import all_profiles

    doc = client.get("/api/v1/openapi.json").get_json()
    pattern = doc["components"]["schemas"]["NewContract"]["properties"]["profile"]["pattern"]
    for key in all_profiles():
        assert re.search(pattern, key) and re.search(pattern, f" {key} "), key
    assert not re.search(pattern, "boz-72") and not re.search(pattern, "")


def test_links_point_at_operations_and_their_parameters(client):
    from urllib.parse import unquote

    doc = client.get("/api/v1/openapi.json").get_json()
    links = [
        link
        for item in doc["paths"].values()
        for method, operation in item.items()
        if method in HTTP_METHODS
        for response in operation["responses"].values()
        for link in response.get("links", {}).values()
    ]
    assert len(links) >= 10
    for link in links:
        pointer = unquote(link["operationRef"].removeprefix("#/paths/"))
        path, method = pointer.rsplit("/", 1)
        path = path.replace("~1", "/").replace("~0", "~")
        item = doc["paths"][path]
        names = {p["name"] for p in item.get("parameters", []) + item[method].get("parameters", [])}
        assert set(link["parameters"]) <= names, link
        assert all(v.startswith("$response.body#/") for v in link["parameters"].values()), link
