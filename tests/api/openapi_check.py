"""Validate real API bodies against the served OpenAPI document (/api/v1/openapi.json).

The document is fetched once from the running application under test, registered in a
``referencing`` registry, and every schema is reached through a JSON pointer into it, so that
``{"$ref": "#/components/schemas/X"}`` anywhere in the document resolves against its components.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:breach-desk:openapi-v1"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def _fetch() -> dict:
    response = current_app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@lru_cache(maxsize=1)
def _cached(_key: str) -> tuple[dict, Registry]:
    document = _fetch()
    registry = Registry().with_resource(DOCUMENT_URI, Resource(contents=document, specification=DRAFT202012))
    return document, registry


def document() -> dict:
    return _cached("v1")[0]


def _pointer(*parts: str) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _validate(pointer_parts: tuple[str, ...], body: object) -> None:
    _, registry = _cached("v1")
    validator = Draft202012Validator({"$ref": f"{DOCUMENT_URI}#{_pointer(*pointer_parts)}"}, registry=registry)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "body does not match the OpenAPI schema at {}:\n{}".format(
        "/".join(pointer_parts), "\n".join(f"- {list(e.absolute_path)}: {e.message}" for e in errors)
    )


def check_response(path_template: str, method: str, status: int, body: object) -> None:
    """Assert that ``status`` is documented for the operation and that ``body`` matches its schema.

    ``path_template`` is the document's key, e.g. ``/incidents/{incident_id}/filings``.
    """
    doc = document()
    method = method.lower()
    assert path_template in doc["paths"], f"{path_template} is not in the OpenAPI paths"
    operation = doc["paths"][path_template].get(method)
    assert operation is not None, f"{method.upper()} {path_template} is not documented"
    responses = operation["responses"]
    assert str(status) in responses, (
        f"{method.upper()} {path_template} does not document status {status} (documents {sorted(responses)})"
    )
    content = responses[str(status)].get("content", {})
    assert "application/json" in content, f"{method.upper()} {path_template} {status}: no JSON schema"
    _validate(("paths", path_template, method, "responses", str(status), "content", "application/json", "schema"), body)


def check_request(path_template: str, method: str, body: object) -> None:
    """Assert that a request body the API accepted is valid for the documented request schema."""
    operation = document()["paths"][path_template][method.lower()]
    assert "requestBody" in operation, f"{method.upper()} {path_template} documents no request body"
    _validate(("paths", path_template, method.lower(), "requestBody", "content", "application/json", "schema"), body)


def check_schema(name: str, body: object) -> None:
    """Validate against a named component schema (e.g. ``Error`` for routes the document cannot list)."""
    assert name in document()["components"]["schemas"], f"no component schema {name}"
    _validate(("components", "schemas", name), body)
