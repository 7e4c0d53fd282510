"""GET /incidents/{id}/regimes: the regimes that bind us for one incident (additive, December 2026), valid against
the served OpenAPI document; a controller user's token does not reach the processor's own duties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from incidents.auth.service import create_token
from incidents.breaches.models import Incident
from incidents.extensions import db
from incidents.regimes import service as regimes
from tests.conftest import Api

from ..support.people import make_user
from .openapi_check import check_response


def test_the_regimes_of_an_incident_with_their_stages_and_filings(api, make_contract):
    contract = make_contract("boz-72h")
    created = api.post(
        "/api/v1/incidents",
        json={
            "title": "Storing",
            "aware_at": "2026-11-20T09:00:00+01:00",
            "status": "confirmed",
            "contract_ids": [contract.id],
        },
    )
    iid = created.get_json()["id"]
    empty = api.get(f"/api/v1/incidents/{iid}/regimes")
    assert empty.status_code == 200
    check_response("/incidents/{incident_id}/regimes", "get", 200, empty.get_json())
    (nis2,) = empty.get_json()["regimes"]  # telecommunicatiewet does not bind us (config/defaults.py)
    assert nis2["key"] == "nis2" and nis2["classification"] is None
    assert {s["status"] for s in nis2["stages"]} == {"pending"}

    incident = db.session.get(Incident, iid)
    since = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    now = since + timedelta(hours=5)
    regimes.classify(incident, "nis2", "yes", "Dienst 6 uur onbereikbaar", since, None, now)
    stage = regimes.regime_or_refuse("nis2").stage("early_warning")
    draft = regimes.draft(incident, regimes.regime_or_refuse("nis2"), stage, "nl", now)
    regimes.record_filing(
        incident, "nis2", regimes.StageFilingInput("early_warning", now, "portal", "ZC-7"), draft, None, now
    )
    db.session.commit()
    body = api.get(f"/api/v1/incidents/{iid}/regimes").get_json()
    check_response("/incidents/{incident_id}/regimes", "get", 200, body)
    (nis2,) = body["regimes"]
    assert nis2["classification"]["answer"] == "yes"
    assert nis2["classification"]["aware_at"] == "2026-11-20T10:00:00Z"
    stages = {s["key"]: s for s in nis2["stages"]}
    assert stages["early_warning"]["status"] == "met" and stages["early_warning"]["met_at"] == "2026-11-20T15:00:00Z"
    assert stages["notification"]["due_at"] == "2026-11-23T10:00:00Z"
    assert stages["final_report"]["due_is_provisional"]
    (filing,) = nis2["filings"]
    assert (filing["reference"], filing["recipient"]) == ("ZC-7", "Z-CERT") and len(filing["sha256"]) == 64


def test_a_controller_user_s_token_cannot_read_the_processor_s_own_reports(client, api, make_contract):
    contract = make_contract("boz-72h")
    iid = api.post(
        "/api/v1/incidents",
        json={
            "title": "Storing",
            "aware_at": "2026-11-20T09:00:00+01:00",
            "status": "confirmed",
            "contract_ids": [contract.id],
        },
    ).get_json()["id"]
    portal_user = make_user(
        "fg@klant.example", "controller", password="correct horse battery", controller=contract.controller
    )
    _, secret = create_token(portal_user.email, "tests")
    db.session.commit()
    answer = Api(client, secret).get(f"/api/v1/incidents/{iid}/regimes")
    assert answer.status_code == 403
    assert db.session.scalar(select(Incident.id)) == iid
