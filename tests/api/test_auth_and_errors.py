"""Cross-cutting refusals: 401, 400, 404, 405 and unexpected input that must not become a 500."""

from __future__ import annotations

import pytest

from incidents.extensions import db
from tests.conftest import MAKER

from .conftest import INCIDENT_ROUTES, JSON_BODY, PROTECTED, url

BAD_AUTH = {
    "no header": {},
    "empty header": {"Authorization": ""},
    "basic scheme": {"Authorization": "Basic aGFuZGxlcjpzZWNyZXQ="},
    "token scheme": {"Authorization": "Token bd_abc"},
    "bearer without token": {"Authorization": "Bearer "},
    "unknown token": {"Authorization": "Bearer bd_this-token-was-never-issued"},
}


@pytest.mark.parametrize(("method", "template"), PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_401_without_a_valid_bearer_token(client, token, refused, subtests, method, template):
    for case, headers in BAD_AUTH.items():
        with subtests.test(case=case):

            def send(headers=headers):
                return client.open(url(template, 1), method=method, headers=headers, json={})

            refused(send, 401, "unauthorized", op=(template, method))
            assert send().headers["WWW-Authenticate"].startswith("Bearer")


def test_401_for_a_revoked_token(client, user, refused):
    from incidents.auth.models import ApiToken
    from incidents.auth.service import create_token, revoke_token

    _, secret = create_token(user.email, "revoked")
    db.session.commit()
    assert client.get("/api/v1/profiles", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    revoke_token(db.session.scalars(db.select(ApiToken).where(ApiToken.name == "revoked")).one())
    db.session.commit()
    refused(
        lambda: client.get("/api/v1/profiles", headers={"Authorization": f"Bearer {secret}"}),
        401,
        "unauthorized",
        op=("/profiles", "get"),
    )


def test_bearer_scheme_is_case_insensitive(client, token):
    assert client.get("/api/v1/profiles", headers={"Authorization": f"bearer {token}"}).status_code == 200


MALFORMED = [b"{not json", b'{"title": "x",}', b'{"title": "\xff"}', b"\x00", b"{'title': 'x'}", b" ", b"\r\n "]
NOT_AN_OBJECT = [b"[]", b'[{"title": "x"}]', b'"text"', b"42", b"null", b"true"]


@pytest.mark.parametrize(("method", "template"), JSON_BODY, ids=[f"{m} {p}" for m, p in JSON_BODY])
def test_400_malformed_json_and_json_that_is_not_an_object(api, new_incident, refused, subtests, method, template):
    incident = new_incident()
    for raw in MALFORMED + NOT_AN_OBJECT:
        with subtests.test(body=raw):
            refused(
                lambda raw=raw: api.client.open(
                    url(template, incident["id"]),
                    method=method,
                    data=raw,
                    headers={**api.headers, "Content-Type": "application/json"},
                ),
                400,
                "malformed_json",
                op=(template, method),
            )
    # the incident is untouched by the refused requests
    assert api.get(url("/incidents/{incident_id}", incident["id"])).get_json() == incident


BODIES = {
    "PATCH": {"title": "Nieuw"},
    "POST": {
        "contract_ids": [1],
        "reason": "x",
        "kind": "controller_notice",
        "contract_id": 1,
        "controller_id": 1,
        "decision_maker": MAKER,
        "notify_ap": "no",
    },
}


@pytest.mark.parametrize(("method", "template"), INCIDENT_ROUTES, ids=[f"{m} {p}" for m, p in INCIDENT_ROUTES])
def test_404_unknown_incident(api, new_incident, refused, method, template):
    new_incident()  # an incident exists, but not this one
    error = refused(
        lambda: api.client.open(url(template, 999), method=method, headers=api.headers, json=BODIES.get(method)),
        404,
        "not_found",
        op=(template, method),
    )
    assert "999" in error["message"]


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/incidents/abc", "/api/v1/incidents/1/nope"])
def test_404_unknown_api_path_is_a_json_error(api, refused, path):
    refused(lambda: api.get(path), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/v1/incidents/1"),
        ("PUT", "/api/v1/incidents/1"),
        ("POST", "/api/v1/profiles"),
        ("GET", "/api/v1/incidents/1/filings"),
        ("PATCH", "/api/v1/controllers"),
    ],
)
def test_405_wrong_method_is_a_json_error(api, new_incident, refused, method, path):
    new_incident()
    refused(lambda: api.client.open(path, method=method, headers=api.headers, json={}), 405, "method_not_allowed")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/api/v1/incidents/1", "GET, HEAD, OPTIONS, PATCH"),
        ("TRACE", "/api/v1/incidents/1", "GET, HEAD, OPTIONS, PATCH"),
        ("POST", "/api/v1/profiles", "GET, HEAD, OPTIONS"),
        ("GET", "/api/v1/incidents/1/filings", "OPTIONS, POST"),
        ("PATCH", "/api/v1/controllers", "GET, HEAD, OPTIONS, POST"),
        ("DELETE", "/api/v1/incidents/1/controllers/1/scope", "GET, HEAD, OPTIONS, PUT"),
        ("POST", "/api/v1/openapi.json", "GET, HEAD, OPTIONS"),
    ],
)
def test_405_says_which_methods_are_allowed(api, new_incident, method, path, allow):
    """RFC 9110 15.5.6: a 405 carries Allow, listing the methods the resource supports (docs/API.md)."""
    new_incident()
    for headers in (api.headers, {}):  # with or without a token: the method is wrong either way
        response = api.client.open(path, method=method, headers=headers)
        assert response.status_code == 405, (method, path, response.status_code)
        assert response.headers["Allow"] == allow, (method, path)
        assert response.get_json()["error"]["code"] == "method_not_allowed"


@pytest.fixture
def no_propagation(app):
    """Let an unexpected exception become the 500 response a real client would see."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield
    db.session.rollback()


HUGE = 10**25  # a JSON integer larger than any SQL INTEGER


def test_page_with_a_superscript_digit_is_422(api, no_propagation, refused):
    refused(lambda: api.get("/api/v1/incidents?page=%C2%B2"), 422, "invalid_page", "page")


@pytest.mark.parametrize(
    "case",
    [
        "page",
        "incident path id",
        "contracts controller_id query",
        "incident contract_ids",
        "contract controller_id",
        "filing contract_id",
    ],
)
def test_huge_integers_are_refused_not_500(api, make_contract, new_incident, no_propagation, refused, case):
    contract = make_contract()
    incident = new_incident(contract_ids=[contract.id], status="confirmed")
    iid = incident["id"]
    cases = {
        "page": (lambda: api.get(f"/api/v1/incidents?page={HUGE}"), 422, "invalid_page", "page"),
        "incident path id": (lambda: api.get(f"/api/v1/incidents/{HUGE}"), 404, "not_found", None),
        "contracts controller_id query": (
            lambda: api.get(f"/api/v1/contracts?controller_id={HUGE}"),
            422,
            "invalid_type",
            "controller_id",
        ),
        "incident contract_ids": (
            lambda: api.post(
                "/api/v1/incidents", json={"title": "x", "aware_at": "2026-07-01T12:00", "contract_ids": [HUGE]}
            ),
            422,
            "unknown_contract",
            "contract_ids",
        ),
        "contract controller_id": (
            lambda: api.post(
                "/api/v1/contracts", json={"controller_id": HUGE, "profile": "boz-72h", "reference": "VO-HUGE"}
            ),
            422,
            "unknown_controller",
            "controller_id",
        ),
        "filing contract_id": (
            lambda: api.post(
                f"/api/v1/incidents/{iid}/filings", json={"kind": "controller_notice", "contract_id": HUGE}
            ),
            422,
            "not_affected",
            "contract_id",
        ),
    }
    send, status, code, field = cases[case]
    refused(send, status, code, field)


def test_a_whole_number_with_a_fraction_or_exponent_is_an_integer(api, make_contract):
    """JSON Schema (and so the document) reads 2.0 and 2e0 as the integer 2; so does the API. A fraction is not."""
    contract = make_contract()
    for written in (f"{contract.id}.0", f"{contract.id}e0", f"{contract.id}0e-1"):
        raw = f'{{"title": "Lek", "aware_at": "2026-07-01T12:00", "contract_ids": [{written}]}}'
        response = api.client.post(
            "/api/v1/incidents", data=raw, headers={**api.headers, "Content-Type": "application/json"}
        )
        assert response.status_code == 201, (written, response.get_json())
        assert [c["id"] for c in response.get_json()["contracts"]] == [contract.id]
    raw = '{"title": "Lek", "aware_at": "2026-07-01T12:00", "contract_ids": [1.5]}'
    response = api.client.post(
        "/api/v1/incidents", data=raw, headers={**api.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_type"
    for huge in ("1e400", "1e999999999", "-1e400"):  # never built as an integer (nor a 500)
        raw = f'{{"title": "Lek", "aware_at": "2026-07-01T12:00", "contract_ids": [{huge}]}}'
        response = api.client.post(
            "/api/v1/incidents", data=raw, headers={**api.headers, "Content-Type": "application/json"}
        )
        assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_type", huge


@pytest.mark.parametrize(
    "raw",
    [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000],
    ids=["nested arrays", "nested objects"],
)
def test_deeply_nested_json_is_400(api, no_propagation, refused, raw):
    refused(
        lambda: api.client.post(
            "/api/v1/incidents", data=raw, headers={**api.headers, "Content-Type": "application/json"}
        ),
        400,
        "malformed_json",
        op=("/incidents", "post"),
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("aware_at", "0001-01-01T00:00"),
        ("aware_at", "0001-01-01T00:30:00+01:00"),
        ("confirmed_at", "9999-12-31T23:59:59-01:00"),
    ],
)
def test_instants_outside_the_datetime_range_are_422(api, no_propagation, row_counts, field, value):
    data = {"title": "x", "aware_at": "2026-07-01T12:00", "status": "confirmed", field: value}
    before = row_counts()
    response = api.post("/api/v1/incidents", json=data)
    assert response.status_code == 422, response.get_data(as_text=True)[:200]
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "field"}
    assert error["field"] == field
    assert error["code"] in ("invalid_instant", "in_future")
    assert row_counts() == before
