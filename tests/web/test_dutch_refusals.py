"""What a service refuses reaches a Dutch page in Dutch (and an English page in English), and the API keeps its
English message with its code: the error carries an English msgid with named values, translated where it is shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from incidents.breaches.models import Incident
from incidents.extensions import db
from tests.conftest import MAKER_FORM

from ..support.forms import csrf_token, log_incident


@pytest.fixture
def incident(logged_in, make_controller, make_contract):
    west = make_controller(name="Ziekenhuis West")
    make_contract("boz-72h", west, reference="VO-1")
    response = log_incident(
        logged_in, {"title": "Ransomware", "aware_at": "2026-11-20T09:15", "status": "confirmed", "references": "VO-1"}
    )
    assert response.status_code == 302
    return db.session.scalar(select(Incident)), west


def decide_without_reason(client, incident, west, lang=None):
    url = f"/incidents/{incident.id}" + (f"?lang={lang}" if lang else "")
    return client.post(
        f"/incidents/{incident.id}/decisions",
        data={
            "csrf_token": csrf_token(client, url),
            "decision-controller_id": str(west.id),
            **MAKER_FORM,
            "decision-notify_ap": "no",
        },
    )


def test_a_decision_refused_by_the_service_is_explained_in_dutch(logged_in, incident, row_counts):
    found, west = incident
    before = row_counts()
    response = decide_without_reason(logged_in, found, west)
    assert response.status_code == 422 and row_counts() == before
    html = response.get_data(as_text=True)
    assert "een besluit om niet bij de AP te melden heeft een reden nodig" in html
    assert "needs its reason" not in html

    english = decide_without_reason(logged_in, found, west, lang="en").get_data(as_text=True)
    assert "a decision not to notify the AP needs its reason" in english


def test_the_api_keeps_its_english_message_and_code(api, incident):
    found, west = incident
    response = api.post(
        f"/api/v1/incidents/{found.id}/decisions",
        json={"controller_id": west.id, "notify_ap": "no", "decision_maker": {"name": "X", "via": "email"}},
    )
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "required",
        "message": "a decision not to notify the AP needs its reason",
        "field": "reason",
    }
    future = api.post("/api/v1/incidents", json={"title": "T", "aware_at": "2099-01-01T10:00", "status": "suspected"})
    assert future.get_json()["error"]["message"] == "aware_at (01-01-2099 10:00 CET) lies in the future"


def test_a_weak_password_is_refused_in_dutch(logged_in):
    response = logged_in.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(logged_in, "/account/"),
            "pw-current": "correct horse battery",
            "pw-new": "kort",
            "pw-repeat": "kort",
        },
    )
    html = response.get_data(as_text=True)
    assert "het wachtwoord heeft ten minste 12 tekens nodig" in html and "needs at least" not in html


def test_the_timeline_names_the_document_and_the_controller_in_dutch(logged_in, incident, user):
    from incidents.notices import service as notices

    found, _west = incident
    notices.issue_notices(found, all_=True, actor=user)
    db.session.commit()
    page = logged_in.get(f"/incidents/{found.id}").get_data(as_text=True)
    assert "melding (eerste) · SHA-256" in page and "voor Ziekenhuis West" in page
    assert "notice initial" not in page
