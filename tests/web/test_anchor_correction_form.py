"""The incident page's correction of a time: earlier only, with a reason; a refusal shows at the form and writes
nothing."""

from __future__ import annotations

from sqlalchemy import select

from incidents.breaches import service as breaches
from incidents.breaches.models import Incident, TimelineEvent
from incidents.core.instants import parse_instant
from incidents.extensions import db

from ..admin.test_refused_writes import snapshot
from ..support.forms import csrf_token


def _incident(make_contract) -> Incident:
    incident = breaches.create_incident(
        title="Lek",
        aware_at=parse_instant("2026-09-01T12:00"),
        status="confirmed",
        contract_ids=[make_contract("boz-72h").id],
    )
    db.session.commit()
    return incident


def test_a_time_is_corrected_earlier_with_its_reason(logged_in, make_contract):
    incident = _incident(make_contract)
    url = f"/incidents/{incident.id}"
    page = logged_in.get(url).get_data(as_text=True)
    assert 'id="correction_form"' in page and "Tijdstip corrigeren (alleen vervroegen)" in page
    response = logged_in.post(
        f"{url}/corrections",
        data={
            "csrf_token": csrf_token(logged_in, url),
            "correct-field": "aware_at",
            "correct-value": "2026-09-01T09:30",
            "correct-reason": "De monitoring sloeg om 09:30 alarm",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).aware_at == parse_instant("2026-09-01T09:30")
    [event] = db.session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "anchor_corrected")).all()
    assert event.details["reason"] == "De monitoring sloeg om 09:30 alarm"


def test_a_later_time_is_refused_at_the_form_and_writes_nothing(logged_in, make_contract):
    incident = _incident(make_contract)
    url = f"/incidents/{incident.id}"
    token = csrf_token(logged_in, url)  # reading the page writes the access log: before the snapshot
    before = snapshot()
    response = logged_in.post(
        f"{url}/corrections",
        data={
            "csrf_token": token,
            "correct-field": "aware_at",
            "correct-value": "2026-09-01T15:00",
            "correct-reason": "later",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "een correctie mag aware_at alleen vervroegen (nu 01-09-2026 12:00" in page
    assert snapshot() == before


def test_an_investigation_or_seizure_by_authorities_is_recorded_once_from_the_incident_page(logged_in, make_contract):
    incident = _incident(make_contract)
    url = f"/incidents/{incident.id}"
    page = logged_in.get(url).get_data(as_text=True)
    assert 'id="authority_action_form"' in page
    assert "Onderzoek of beslaglegging door overheidsfunctionarissen (of een vermoeden daarvan)" in page
    token = csrf_token(logged_in, url)  # (reading a page writes the access log: before the snapshot)
    before = snapshot()
    refused = logged_in.post(
        f"{url}/authority-action",
        data={"csrf_token": token, "authority-at": "2026-08-01T09:00"},  # before awareness
    )
    assert refused.status_code in (302, 422) and snapshot() == before
    response = logged_in.post(
        f"{url}/authority-action",
        data={"csrf_token": csrf_token(logged_in, url), "authority-at": "2026-09-02T09:00"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).authority_action_at == parse_instant("2026-09-02T09:00")
    page = logged_in.get(url).get_data(as_text=True)
    assert 'id="authority-action-at"' in page and 'id="authority_action_form"' not in page
