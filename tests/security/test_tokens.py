"""API tokens: made and revoked on /account/tokens (shown once, only a hash stored), expiry, deactivated users,
and what viewer and controller users' tokens may do."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from incidents.auth.models import ApiToken
from incidents.auth.service import create_token, update_user
from incidents.core.instants import utcnow
from incidents.extensions import db
from tests.conftest import MAKER

from ..api.openapi_check import check_schema
from ..support.database import AUDIT_TRAIL
from ..support.forms import csrf_token
from .conftest import location, login

EMAIL = "handler@verwerker.example"
OTHER = "collega@verwerker.example"
PREFIX = "/api/v1"


class Bearer:
    """Requests with a bearer token and JSON."""

    def __init__(self, client, secret: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {secret}"}

    def open(self, path: str, method: str = "GET", json=None, **kw):
        return self.client.open(PREFIX + path, method=method, headers=self.headers, json=json, **kw)

    def get(self, path: str, **kw):
        return self.open(path, "GET", **kw)

    def post(self, path: str, json=None):
        return self.open(path, "POST", json=json if json is not None else {})


def assert_error(response, status: int, code: str) -> dict:
    """The API's error shape, exactly: {"error": {"code", "message", "field"?}}."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.is_json, response.content_type
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]) <= {"code", "message", "field"}
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    check_schema("Error", body)
    return body["error"]


def _token_for(email: str, **kw) -> str:
    _, secret = create_token(email, "tests", **kw)
    db.session.commit()
    return secret


def _counts() -> dict[str, int]:
    db.session.expire_all()
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in db.metadata.sorted_tables
        if t.name not in AUDIT_TRAIL
    }


# --- the token page --------------------------------------------------------------------------------------------


def test_token_page_makes_lists_and_revokes_a_token(client, make_user):
    user = make_user(EMAIL)
    login(client, EMAIL)
    assert client.get("/account/tokens").status_code == 200

    before = utcnow()
    page = client.post(
        "/account/tokens",
        data={"name": "SIEM koppeling", "expires_days": "30", "csrf_token": csrf_token(client, "/account/tokens")},
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    match = re.search(r'id="token-secret"[^>]*>([^<]+)<', html)
    assert match, "the new token is shown"
    secret = match.group(1).strip()
    assert secret.startswith("bd_") and len(secret) > 40

    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert len(rows) == 1
    row = rows[0]
    assert row.name == "SIEM koppeling"
    assert row.token_hash == ApiToken.hash(secret) and re.fullmatch(r"[0-9a-f]{64}", row.token_hash)
    assert row.expires_at - row.created_at == timedelta(days=30)
    assert before - timedelta(seconds=5) <= row.created_at <= utcnow() + timedelta(seconds=5)
    # the token itself is stored nowhere
    for table in db.metadata.sorted_tables:
        for record in db.session.execute(select(table)).all():
            assert not any(isinstance(v, str) and secret in v for v in record), table.name

    # listed, and shown only once
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in listing
    assert f'data-token="{row.id}" data-state="active"' in listing
    assert "SIEM koppeling" in listing

    api = Bearer(client, secret)
    assert api.get("/profiles").status_code == 200

    response = client.post(
        f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(client, "/account/tokens")}
    )
    assert location(response) == "/account/tokens"
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is not None
    assert f'data-token="{row.id}" data-state="revoked"' in client.get("/account/tokens").get_data(as_text=True)
    assert_error(api.get("/profiles"), 401, "unauthorized")


@pytest.mark.parametrize("days", ["0", "3651", "-1", "abc"])
def test_token_page_refuses_a_bad_expiry(client, make_user, days):
    make_user(EMAIL)
    login(client, EMAIL)
    before = _counts()
    page = client.post(
        "/account/tokens", data={"name": "x", "expires_days": days, "csrf_token": csrf_token(client, "/account/tokens")}
    )
    assert page.status_code == 422
    assert 'id="token-secret"' not in page.get_data(as_text=True)
    assert _counts()["api_tokens"] == before["api_tokens"]


def test_a_token_without_expiry_lives_until_revoked(client, make_user):
    user = make_user(EMAIL)
    login(client, EMAIL)
    client.post(
        "/account/tokens",
        data={"name": "cron", "expires_days": "", "csrf_token": csrf_token(client, "/account/tokens")},
    )
    row = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert row.expires_at is None


def test_expired_token_is_refused(client, make_user):
    make_user(EMAIL)
    valid = _token_for(EMAIL, expires_days=1)
    expired = _token_for(EMAIL, expires_days=1, now=utcnow() - timedelta(days=1, seconds=1))
    assert Bearer(client, valid).get("/profiles").status_code == 200
    assert_error(Bearer(client, expired).get("/profiles"), 401, "unauthorized")
    # moved into the past in the database: refused from then on
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(valid))).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert_error(Bearer(client, valid).get("/profiles"), 401, "unauthorized")


def test_token_of_a_deactivated_user_is_refused(client, make_user):
    user = make_user(EMAIL)
    secret = _token_for(EMAIL)
    assert Bearer(client, secret).get("/incidents").status_code == 200
    update_user(user, active=False)
    db.session.commit()
    assert_error(Bearer(client, secret).get("/incidents"), 401, "unauthorized")
    assert_error(
        Bearer(client, secret).post("/controllers", {"name": "X", "contact_email": "x@x.example"}), 401, "unauthorized"
    )


def test_another_users_token_cannot_be_revoked(client, make_user):
    make_user(EMAIL)
    make_user(OTHER)
    theirs = _token_for(OTHER)
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(theirs))).one()
    login(client, EMAIL)
    response = client.post(
        f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(client, "/account/tokens")}
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is None
    assert Bearer(client, theirs).get("/profiles").status_code == 200
    assert f'data-token="{row.id}"' not in client.get("/account/tokens").get_data(as_text=True)
    assert (
        client.post(
            "/account/tokens/999999/revoke", data={"csrf_token": csrf_token(client, "/account/tokens")}
        ).status_code
        == 404
    )


# --- what a token may do ----------------------------------------------------------------------------------------


def _operations(client) -> list[tuple[str, str]]:
    """Every (METHOD, path template) of the served OpenAPI document."""
    document = client.get(PREFIX + "/openapi.json").get_json()
    return sorted(
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "patch", "put", "delete")
    )


def _fill(template: str, world) -> str:
    values = {
        "incident_id": world.shared.id,
        "message_id": world.a_message.id,
        "document_id": world.a_document_id,
        "controller_id": world.a.id,
        "inbound_id": world.inbound.id,
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), template)


# A body that the handler's token could use for each writing operation (so a refusal is about the role).
def _bodies(world) -> dict[tuple[str, str], dict]:
    return {
        ("POST", "/controllers"): {"name": "Nieuwe kliniek", "contact_email": "fg@nieuw.example"},
        ("POST", "/contracts"): {"controller_id": world.a.id, "profile": "boz-72h", "reference": "VO-NIEUW"},
        ("POST", "/incidents"): {"title": "Nieuw", "aware_at": "2026-01-05T10:00"},
        ("PATCH", "/incidents/{incident_id}"): {"title": "Anders"},
        ("POST", "/incidents/{incident_id}/contracts"): {"contract_ids": [world.a_contract.id]},
        ("POST", "/incidents/{incident_id}/confirm"): {},
        ("POST", "/incidents/{incident_id}/dismiss"): {"reason": "geen datalek"},
        ("POST", "/incidents/{incident_id}/filings"): {
            "kind": "ap_notification",
            "controller_id": world.a.id,
            "reference": "M-1",
        },
        ("POST", "/incidents/{incident_id}/decisions"): {
            "controller_id": world.a.id,
            "decision_maker": MAKER,
            "notify_ap": "yes",
        },
        ("POST", "/incidents/{incident_id}/notices"): {"all": True, "version": "update"},
        ("PUT", "/incidents/{incident_id}/controllers/{controller_id}/scope"): {"subjects_min": 5},
    }


def test_viewer_token_reads_but_never_writes(client, make_user, world):
    make_user("kijker@verwerker.example", role="viewer")
    api = Bearer(client, _token_for("kijker@verwerker.example"))
    operations = _operations(client)
    writes = [op for op in operations if op[0] != "GET"]
    assert writes, "the document lists writing operations"
    bodies = _bodies(world)
    for method, template in operations:
        if method == "GET":
            query = {"controller_id": world.a.id} if template.endswith("-draft") else None
            response = api.open(_fill(template, world), method, query_string=query)
            assert response.status_code == 200, (template, response.status_code, response.get_data()[:200])
        else:
            before = _counts()
            response = api.open(_fill(template, world), method, json=bodies.get((method, template), {}))
            assert_error(response, 403, "read_only")
            assert _counts() == before, (method, template)


def _controller_api(client, make_user, world) -> Bearer:
    make_user("fg@alfa.example", role="controller", controller=world.a)
    return Bearer(client, _token_for("fg@alfa.example"))


# What a controller user's token may use; everything else answers 403.
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
    ("GET", "/openapi.json"),
    ("GET", "/incidents/{incident_id}/controllers/{controller_id}/scope"),
}


def test_controller_token_only_reaches_its_endpoints(client, make_user, world):
    api = _controller_api(client, make_user, world)
    bodies = _bodies(world)
    operations = _operations(client)
    assert set(operations) >= CONTROLLER_OPERATIONS
    for method, template in operations:
        if (method, template) in CONTROLLER_OPERATIONS:
            continue
        before = _counts()
        response = api.open(_fill(template, world), method, json=bodies.get((method, template)))
        assert_error(response, 403, "forbidden")
        assert _counts() == before, (method, template)


def test_controller_token_sees_only_its_own_controller(client, make_user, world):
    api = _controller_api(client, make_user, world)

    listing = api.get("/incidents").get_json()
    assert [i["id"] for i in listing["incidents"]] == [world.shared.id]
    assert listing["total"] == 1
    assert_error(api.get(f"/incidents/{world.only_b.id}"), 404, "not_found")
    assert_error(api.get(f"/incidents/{world.only_b.id}/deadlines"), 404, "not_found")

    detail = api.get(f"/incidents/{world.shared.id}").get_json()
    assert [c["id"] for c in detail["contracts"]] == [world.a_contract.id]
    assert [c["contract_id"] for c in detail["completeness"]] == [world.a_contract.id]
    raw = api.get(f"/incidents/{world.shared.id}").get_data(as_text=True)
    assert "Kliniek Beta" not in raw and "VO-BETA" not in raw

    deadlines = api.get(f"/incidents/{world.shared.id}/deadlines").get_json()["deadlines"]
    assert deadlines and {d["controller_id"] for d in deadlines} == {world.a.id}
    assert world.b_contract.id not in {d["contract_id"] for d in deadlines}

    assert [c["id"] for c in api.get("/controllers").get_json()["controllers"]] == [world.a.id]
    assert [c["id"] for c in api.get("/contracts").get_json()["contracts"]] == [world.a_contract.id]
    assert api.get("/contracts", query_string={"controller_id": world.b.id}).get_json()["contracts"] == []


def test_controller_token_acts_only_for_its_own_controller(client, make_user, world):
    api = _controller_api(client, make_user, world)
    url = f"/incidents/{world.shared.id}"
    refused = [
        (
            "/decisions",
            {"controller_id": world.b.id, "decision_maker": MAKER, "notify_ap": "no", "reason": "laag risico"},
        ),
        ("/filings", {"kind": "ap_notification", "controller_id": world.b.id, "reference": "M-2026-1"}),
        (
            "/filings",
            {"kind": "ap_follow_up", "controller_id": world.b.id, "reference": "M-2026-1", "follow_up": "supplement"},
        ),
        ("/filings", {"kind": "controller_notice", "contract_id": world.a_contract.id}),
        ("/filings", {"kind": "controller_consultation", "contract_id": world.a_contract.id}),
        ("/filings", {"kind": "data_subject_communication", "contract_id": world.a_contract.id}),
        ("/filings", {"kind": "controller_notice", "contract_id": world.b_contract.id}),
    ]
    for suffix, body in refused:
        before = _counts()
        assert_error(api.post(url + suffix, body), 403, "forbidden")
        assert _counts() == before, body
    # the other controller's incident does not exist for them
    assert_error(
        api.post(
            f"/incidents/{world.only_b.id}/decisions",
            {"controller_id": world.a.id, "decision_maker": MAKER, "notify_ap": "yes"},
        ),
        404,
        "not_found",
    )

    # for their own controller, the same requests work
    decision = api.post(
        url + "/decisions",
        {"controller_id": world.a.id, "decision_maker": MAKER, "notify_ap": "no", "reason": "laag risico"},
    )
    assert decision.status_code == 201, decision.get_json()
    filing = api.post(
        url + "/filings", {"kind": "ap_notification", "controller_id": world.a.id, "reference": "M-2026-1"}
    )
    assert filing.status_code == 201, filing.get_json()
    assert filing.get_json()["controller_id"] == world.a.id


def test_controller_token_cannot_fetch_the_other_controllers_documents(client, make_user, world):
    api = _controller_api(client, make_user, world)
    assert api.get(f"/documents/{world.a_document_id}").status_code == 200
    assert api.get(f"/outbox/{world.a_message.id}").status_code == 200
    own_draft = api.get(f"/incidents/{world.shared.id}/ap-draft", query_string={"controller_id": world.a.id})
    assert own_draft.status_code == 200
    assert "Kliniek Beta" not in own_draft.get_data(as_text=True) and "VO-BETA" not in own_draft.get_data(as_text=True)

    assert_error(api.get(f"/documents/{world.b_document_id}"), 404, "not_found")
    assert_error(api.get(f"/outbox/{world.b_message.id}"), 404, "not_found")
    own_edpb = api.get(f"/incidents/{world.shared.id}/edpb-draft", query_string={"controller_id": world.a.id})
    assert own_edpb.status_code == 200
    assert "Kliniek Beta" not in own_edpb.get_data(as_text=True) and "VO-BETA" not in own_edpb.get_data(as_text=True)
    for draft in ("ap-draft", "edpb-draft"):
        for fmt in ("json", "pdf"):
            assert_error(
                api.get(
                    f"/incidents/{world.shared.id}/{draft}",
                    query_string={"controller_id": world.b.id, "format": fmt},
                ),
                404,
                "not_found",
            )
