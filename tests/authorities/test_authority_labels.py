"""The controller's AP clock is its authority clock, named after its own authority wherever staff or the controller
see it: the incident's controller page, the portal, the reminders and the calendar feed. A Dutch controller's words
stay those of the AP."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incidents.auth.service import create_user
from incidents.breaches import service as breaches
from incidents.calendar.feed import FeedEntry, description, summary
from incidents.core.instants import utcnow
from incidents.core.reminders import Point
from incidents.extensions import db
from incidents.notices import service as notices
from incidents.notices.outbox import deliver_due
from incidents.parties.models import Controller
from incidents.reminders.texts import message_for

from ..support.forms import log_in

PASSWORD = "lang genoeg wachtwoord"


@pytest.fixture
def world(app, tmp_path, user, make_controller, make_contract):
    app.config.update(MAIL_SERVER=None, MAIL_FOLDER=str(tmp_path / "mail"))
    gent = make_controller(name="Tandarts Gent", country="BE")
    west = make_controller(name="Ziekenhuis West")
    contracts = [make_contract("boz-72h", gent).id, make_contract("boz-72h", west).id]
    incident = breaches.create_incident(
        title="Storing", aware_at=utcnow() - timedelta(hours=5), status="confirmed", contract_ids=contracts, actor=user
    )
    notices.issue_notices(incident, all_=True, actor=user)
    db.session.commit()
    deliver_due()
    create_user("fg@gent.example", "controller", PASSWORD, controller_id=gent.id)
    db.session.commit()
    return incident, gent, west


def test_the_staff_page_names_each_controllers_authority(logged_in, world):
    incident, gent, west = world
    page = logged_in.get(f"/incidents/{incident.id}/controllers/{gent.id}").get_data(as_text=True)
    assert "Melding aan de GBA/APD" in page and "Melding aan de AP" not in page
    assert 'data-authority="BE"' in page and "Bevoegde toezichthouder" in page
    assert (
        "Concept in het EDPB-sjabloon" in page
        and "Concept in de structuur van het Nederlandse AP-meldformulier" in page
    )
    dutch = logged_in.get(f"/incidents/{incident.id}/controllers/{west.id}").get_data(as_text=True)
    assert "Melding aan de AP" in dutch and "Concept melding aan de AP" in dutch


def test_the_portal_names_the_controllers_own_authority(client, world):
    incident, _gent, _west = world
    log_in(client, "fg@gent.example", PASSWORD)
    page = client.get(f"/portal/incidents/{incident.id}").get_data(as_text=True)
    assert "Uw melding aan de GBA/APD" in page and 'data-authority="BE"' in page
    assert "Melden aan de GBA/APD uiterlijk" in page
    assert "Uw melding aan de AP" not in page and "Melden aan de AP" not in page
    edpb = client.get(f"/portal/incidents/{incident.id}/edpb-draft")
    assert edpb.status_code == 200 and "GBA/APD" in edpb.get_data(as_text=True)


def test_reminders_and_calendar_name_the_authority(world):
    incident, gent, west = world
    from incidents.breaches.models import Obligation

    clock = db.session.scalars(
        db.select(Obligation).where(Obligation.controller_id == gent.id, Obligation.kind == "ap_notification")
    ).one()
    point = Point("24h", utcnow(), escalate=False)
    text = message_for(incident, clock, db.session.get(Controller, gent.id), point, utcnow())
    assert "Gegevensbeschermingsautoriteit" in text.body and "Autoriteit Persoonsgegevens" not in text.body
    dutch_clock = db.session.scalars(
        db.select(Obligation).where(Obligation.controller_id == west.id, Obligation.kind == "ap_notification")
    ).one()
    dutch_text = message_for(incident, dutch_clock, db.session.get(Controller, west.id), point, utcnow())
    assert "Autoriteit Persoonsgegevens" in dutch_text.body
    entry = FeedEntry(
        obligation_id=1,
        kind="ap_notification",
        due_at=utcnow(),
        incident_reference="DL-2026-0001",
        controller_name="Tandarts Gent",
        clause="AVG art. 33 lid 1",
        owner="controller",
        sequence=1,
        url="https://desk.example/",
        authority=("Gegevensbeschermingsautoriteit (GBA/APD)", "Belgian Data Protection Authority (GBA/APD)"),
    )
    assert "Melding aan de Gegevensbeschermingsautoriteit (GBA/APD)" in summary(entry)
    assert "Notification to the Belgian Data Protection Authority (GBA/APD)" in description(entry, "en")
    dutch = FeedEntry(**{**entry.__dict__, "authority": None})
    assert "Melding aan de AP" in summary(dutch)


def test_the_letter_to_data_subjects_names_the_controllers_authority(logged_in, world):
    incident, gent, west = world
    belgian = logged_in.get(f"/incidents/{incident.id}/subjects-letter/{gent.id}").get_data(as_text=True)
    assert "U kunt een klacht indienen bij de Gegevensbeschermingsautoriteit" in belgian
    assert "Autoriteit Persoonsgegevens" not in belgian
    dutch = logged_in.get(f"/incidents/{incident.id}/subjects-letter/{west.id}").get_data(as_text=True)
    assert "U kunt een klacht indienen bij de Autoriteit Persoonsgegevens." in dutch


def test_the_register_names_each_controllers_authority(logged_in, world, user):
    from incidents.breaches.service import FilingInput

    incident, gent, west = world
    for controller, reference in ((gent, "GBA-2026-1"), (west, "AP-2026-1")):
        breaches.record_filing(
            incident,
            FilingInput(kind="ap_notification", controller_id=controller.id, at=utcnow(), reference=reference),
            actor=user,
        )
    db.session.commit()
    exported = logged_in.get("/register/export.csv").data.decode("utf-8-sig")
    assert "Melding aan de GBA/APD" in exported and "(GBA-2026-1)" in exported
    assert "Melding aan de AP " in exported and "(AP-2026-1)" in exported  # the Dutch controller's words stay
