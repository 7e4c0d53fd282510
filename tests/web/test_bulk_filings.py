"""Controllers told another way, recorded from the incident page's list for many at once: one controller_notice
filing per contract that has none yet (a second click records nothing more), for the ticked controllers or for all
that match the filter; only their deadlines change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from incidents.breaches.models import Filing, Obligation, TimelineEvent
from incidents.breaches.obligations import recompute
from incidents.breaches.service import create_incident
from incidents.core.instants import utcnow
from incidents.extensions import db

from ..support.forms import csrf_from


@pytest.fixture
def many(app, make_controller, make_contract):
    controllers = [make_controller(name=f"{'Apotheek' if n % 2 else 'Kliniek'} {n}") for n in range(6)]
    contracts = [make_contract(p, c) for c in controllers for p in ("boz-72h", "doctolib")]
    incident = create_incident(
        title="Storing",
        aware_at=utcnow() - timedelta(hours=3),
        status="confirmed",
        contract_ids=[c.id for c in contracts],
    )
    db.session.commit()
    return incident, controllers


def filings() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Filing).where(Filing.kind == "controller_notice"))


def post(client, incident, **data):
    page = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    return client.post(
        f"/incidents/{incident.id}/bulk-filings",
        data={"csrf_token": csrf_from(page), "filing_channel": "phone", "filing_at": "", **data},
    )


def test_the_ticked_controllers_notices_are_recorded_once(many, logged_in):
    incident, controllers = many
    chosen = [str(controllers[0].id), str(controllers[2].id)]
    response = post(logged_in, incident, target="selected", controller_ids=chosen, filing_note="Gebeld door FG")
    assert response.status_code == 302 and response.headers["Location"].endswith("#controllers")
    assert filings() == 4  # two contracts each
    rows = db.session.scalars(select(Filing).where(Filing.kind == "controller_notice")).all()
    assert {r.channel for r in rows} == {"phone"} and {r.note for r in rows} == {"Gebeld door FG"}
    met = db.session.scalars(
        select(Obligation.controller_id).where(Obligation.kind == "controller_notice", Obligation.status == "met")
    ).all()
    assert sorted(set(met)) == sorted({controllers[0].id, controllers[2].id})
    assert recompute(incident) == 0  # the scoped recompute left nothing for a full one
    [event] = db.session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "notice_filings")).all()
    assert (event.details["count"], event.details["controllers"]) == (4, 2)
    # the same form again: nothing more
    again = post(logged_in, incident, target="selected", controller_ids=chosen)
    assert again.status_code == 302 and filings() == 4
    assert "niets nieuws" in logged_in.get(again.headers["Location"]).get_data(as_text=True)


def test_all_matching_the_filter(many, logged_in):
    incident, controllers = many
    response = post(logged_in, incident, target="matching", q="apotheek")
    assert response.status_code == 302
    pharmacies = {c.id for c in controllers if c.name.startswith("Apotheek")}
    db.session.expire_all()
    assert set(db.session.scalars(select(Filing.controller_id).where(Filing.kind == "controller_notice"))) == pharmacies


def test_refusals_write_nothing(many, logged_in, make_controller):
    incident, controllers = many
    stranger = make_controller(name="Niet betrokken")
    future = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for data in (
        {"target": "selected"},  # nobody ticked
        {"target": "selected", "controller_ids": [str(stranger.id)]},
        {"target": "selected", "controller_ids": [str(controllers[0].id)], "filing_channel": "pigeon"},
        {"target": "selected", "controller_ids": [str(controllers[0].id)], "filing_at": future},
    ):
        response = post(logged_in, incident, **data)
        assert response.status_code == 302, data
        assert filings() == 0, data
