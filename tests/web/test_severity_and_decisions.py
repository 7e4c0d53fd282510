"""Severity assessment (ENISA) on the incident page, and decisions that rely on it."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from incidents.breaches.models import Decision, Incident, SeverityAssessment
from incidents.extensions import db
from tests.conftest import MAKER, MAKER_FORM

from ..support.database import REWRITE_REFUSED
from ..support.forms import csrf_token, log_incident


@pytest.fixture
def incident(logged_in, make_contract):
    contract = make_contract("boz-72h", reference="VO-1")
    response = log_incident(
        logged_in,
        {
            "title": "Ransomware",
            "aware_at": "2026-11-20T09:15",
            "status": "confirmed",
            "references": "VO-1",
        },
    )
    assert response.status_code == 302
    return db.session.scalar(select(Incident)), contract


def test_assess_severity_and_decide_relying_on_it(logged_in, incident, row_counts):
    found, contract = incident
    url = f"/incidents/{found.id}"
    token = csrf_token(logged_in, url)
    # sensitive (4) × significant (0.75) + unknown recipients 0.5 + temporary 0.25 + malicious 0.5 = 4.25
    response = logged_in.post(
        f"{url}/severity",
        data={
            "csrf_token": token,
            "sev-data_types": ["simple", "sensitive"],
            "sev-dpc_adjustment": "0",
            "sev-identification": "significant",
            "sev-confidentiality": "unknown_recipients",
            "sev-integrity": "none",
            "sev-availability": "temporary",
            "sev-malicious": "y",
            "sev-note": "Versleuteld en gelekt",
        },
    )
    assert response.status_code == 302
    stored = db.session.scalar(select(SeverityAssessment))
    assert (stored.dpc, stored.ei, stored.cb, stored.se, stored.band, stored.ap_severity) == (
        4,
        0.75,
        1.25,
        4.25,
        "very_high",
        "zeer groot",
    )
    page = logged_in.get(url).get_data(as_text=True)
    assert 'data-se="4.25"' in page and 'data-band="very_high"' in page

    before = row_counts()
    refused = logged_in.post(
        f"{url}/decisions",
        data={
            "csrf_token": token,
            "decision-controller_id": str(contract.controller_id),
            **MAKER_FORM,
            "decision-notify_ap": "yes",
            "decision-inform_subjects": "no",
        },
    )
    assert refused.status_code == 422 and "betrokkenen niet informeren vraagt een grond" in refused.get_data(
        as_text=True
    )
    assert row_counts() == before

    decided = logged_in.post(
        f"{url}/decisions",
        data={
            "csrf_token": token,
            "decision-controller_id": str(contract.controller_id),
            **MAKER_FORM,
            "decision-notify_ap": "yes",
            "decision-reason": "Bijzondere persoonsgegevens",
            "decision-inform_subjects": "no",
            "decision-subjects_ground": "unintelligible",
        },
    )
    assert decided.status_code == 302
    decision = db.session.scalar(select(Decision))
    assert (decision.inform_subjects, decision.subjects_ground, decision.severity_id) == (
        "no",
        "unintelligible",
        stored.id,
    )
    # Assessments, like decisions, are never edited.
    with pytest.raises(Exception, match=REWRITE_REFUSED):
        db.session.execute(text("UPDATE severity_assessments SET se = 0"))
    db.session.rollback()


def test_invalid_assessment_is_refused(logged_in, incident, row_counts):
    found, _ = incident
    url = f"/incidents/{found.id}"
    token = csrf_token(logged_in, url)
    before = row_counts()
    response = logged_in.post(
        f"{url}/severity",
        data={
            "csrf_token": token,
            "sev-identification": "maximum",
            "sev-confidentiality": "none",
            "sev-integrity": "none",
            "sev-availability": "none",
            "sev-dpc_adjustment": "0",
        },
    )
    assert response.status_code == 422
    assert row_counts() == before
    assert db.session.scalar(select(SeverityAssessment)) is None


def test_api_decision_with_data_subjects(api, make_contract, row_counts):
    contract = make_contract("boz-72h")
    incident = api.post(
        "/api/v1/incidents",
        json={"title": "T", "aware_at": "2026-11-01T10:00:00Z", "status": "confirmed", "contract_ids": [contract.id]},
    ).get_json()
    url = f"/api/v1/incidents/{incident['id']}/decisions"
    before = row_counts()
    missing = api.post(
        url,
        json={
            "controller_id": contract.controller_id,
            "decision_maker": MAKER,
            "notify_ap": "yes",
            "inform_data_subjects": "no",
        },
    )
    assert missing.status_code == 422
    assert missing.get_json()["error"]["field"] == "data_subjects_ground"
    stray = api.post(
        url,
        json={
            "controller_id": contract.controller_id,
            "decision_maker": MAKER,
            "notify_ap": "yes",
            "inform_data_subjects": "yes",
            "data_subjects_ground": "unintelligible",
        },
    )
    assert stray.status_code == 422 and stray.get_json()["error"]["code"] == "not_applicable"
    assert row_counts() == before
    ok = api.post(
        url,
        json={
            "controller_id": contract.controller_id,
            "decision_maker": MAKER,
            "notify_ap": "yes",
            "inform_data_subjects": "no",
            "data_subjects_ground": "disproportionate_effort",
        },
    )
    assert ok.status_code == 201
    body = ok.get_json()
    assert (body["inform_data_subjects"], body["data_subjects_ground"], body["severity"]) == (
        "no",
        "disproportionate_effort",
        None,
    )


def test_a_controller_with_other_data_gets_its_own_assessment(logged_in, make_controller, make_contract):
    """Severity is assessed per controller where its data differ: its AP draft and its decision rest on its own
    assessment, another controller's on the one for the whole incident."""
    from incidents.core.instants import utcnow
    from incidents.drafts.gather import draft_for

    hospital, staffing = make_controller(name="Ziekenhuis"), make_controller(name="Roosterbureau")
    make_contract("boz-72h", hospital, reference="VO-ZH")
    make_contract("boz-72h", staffing, reference="VO-RB")
    log_incident(
        logged_in,
        {
            "title": "Lek",
            "aware_at": "2026-11-20T09:15",
            "status": "confirmed",
            "references": "VO-ZH, VO-RB",
        },
    )
    found = db.session.scalar(select(Incident))
    url = f"/incidents/{found.id}"
    common = {
        "sev-dpc_adjustment": "0",
        "sev-identification": "significant",
        "sev-confidentiality": "unknown_recipients",
        "sev-integrity": "none",
        "sev-availability": "none",
    }
    for data_types, target in ((["sensitive"], ""), (["simple"], str(staffing.id))):
        response = logged_in.post(
            f"{url}/severity",
            data={
                "csrf_token": csrf_token(logged_in, url),
                "sev-data_types": data_types,
                "sev-controller_id": target,
                **common,
            },
        )
        assert response.status_code == 302
    page = logged_in.get(url).get_data(as_text=True)
    assert "voor Roosterbureau" in page and "voor het hele incident" in page
    whole, own = db.session.scalars(select(SeverityAssessment).order_by(SeverityAssessment.id)).all()
    assert (whole.controller_id, own.controller_id) == (None, staffing.id)
    assert draft_for(found, staffing, utcnow()).answer("9.severity").value.startswith(own.ap_severity)
    assert draft_for(found, hospital, utcnow()).answer("9.severity").value.startswith(whole.ap_severity)
    assert own.ap_severity != whole.ap_severity
    for controller, expected in ((staffing, own), (hospital, whole)):
        decided = logged_in.post(
            f"{url}/decisions",
            data={
                "csrf_token": csrf_token(logged_in, url),
                "decision-controller_id": str(controller.id),
                **MAKER_FORM,
                "decision-notify_ap": "yes",
            },
        )
        assert decided.status_code == 302
        decision = db.session.scalar(select(Decision).where(Decision.controller_id == controller.id))
        assert decision.severity_id == expected.id
    # an unaffected controller cannot have one
    stranger = make_controller(name="Vreemd")
    refused = logged_in.post(
        f"{url}/severity",
        data={
            "csrf_token": csrf_token(logged_in, url),
            "sev-data_types": ["simple"],
            "sev-controller_id": str(stranger.id),
            **common,
        },
    )
    assert refused.status_code == 422
