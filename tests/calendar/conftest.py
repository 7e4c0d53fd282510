"""Fixtures for the calendar feeds: controllers with contracts, incidents made through the real services, users of
every role, and helpers that fetch a feed (without a session) and parse it back with icalendar."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from incidents.breaches.models import Obligation
from incidents.calendar import service as feeds
from incidents.core.instants import utcnow
from incidents.extensions import db

from ..support import people
from ..support.forms import log_in as log_in_with

PASSWORD = "lang genoeg wachtwoord"
TITLE = "Lek bij Jansen, BSN 123456782"  # stands for personal data in a title: must never reach a calendar
DESCRIPTION = "Patiënt Pietersen belde over zijn dossier"


def hours_ago(hours: float):
    return utcnow() - timedelta(hours=hours)


def to_second(value):
    """An instant as iCalendar carries it: UTC, whole seconds."""
    return value.astimezone(UTC).replace(microsecond=0)


def log_in(client, email, password=PASSWORD):
    """Log in through the real login page, in English."""
    log_in_with(client, email, password, token_from="/login?lang=en")
    return client


def fetch(app, url_or_token: str):
    """GET a feed as a calendar app does: a fresh client, no session, no cookies."""
    path = re.sub(r"^https?://[^/]+", "", url_or_token)
    if not path.startswith("/"):
        path = f"/calendar/{path}.ics"
    return app.test_client(use_cookies=False).get(path)


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    return Calendar.from_ical(response.data)


def text_of(response) -> str:
    """The feed's text with folded lines joined again (RFC 5545 3.1), so a search cannot miss a split word."""
    return response.get_data(as_text=True).replace("\r\n ", "")


def events(calendar: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def open_obligations(controller_id: int | None = None) -> list[Obligation]:
    """What a feed should show, read straight from the table: stored running, with a deadline."""
    db.session.expire_all()
    query = select(Obligation).where(Obligation.status == "running", Obligation.due_at.is_not(None))
    if controller_id is not None:
        query = query.where(Obligation.controller_id == controller_id)
    return list(db.session.scalars(query))


def uid(obligation: Obligation) -> str:
    return f"obligation-{obligation.id}@datalekdesk"


@pytest.fixture
def world(app, user, make_controller, make_contract):
    """Two controllers; open incidents that touch one or both; a suspected one (pending clocks), a dismissed one."""
    from incidents.breaches import service as breaches

    west = make_controller(name="Ziekenhuis West")
    noord = make_controller(name="Kliniek Noord")
    cw = make_contract("boz-72h", west, reference="VO-W-1")
    cw2 = make_contract("boz-24h", west, reference="VO-W-2")
    cn = make_contract("citodent", noord, reference="VO-N-1")
    cn2 = make_contract("gdpr-art33", noord, reference="VO-N-2")
    both = breaches.create_incident(
        title=TITLE,
        description=DESCRIPTION,
        aware_at=hours_ago(5),
        status="confirmed",
        contract_ids=[cw.id, cn.id],
        actor=user,
    )
    west_only = breaches.create_incident(
        title=TITLE,
        description=DESCRIPTION,
        aware_at=hours_ago(3),
        status="confirmed",
        contract_ids=[cw2.id],
        actor=user,
    )
    # citodent's clock starts on suspicion; gdpr-art33's waits for confirmation (pending: no time, not in a feed)
    suspected = breaches.create_incident(title=TITLE, aware_at=hours_ago(2), contract_ids=[cn.id, cn2.id], actor=user)
    dismissed = breaches.create_incident(
        title=TITLE, aware_at=hours_ago(4), status="confirmed", contract_ids=[cn2.id], actor=user
    )
    breaches.dismiss(dismissed, "Geen datalek", actor=user)
    db.session.commit()
    return {
        "west": west,
        "noord": noord,
        "cw": cw,
        "cw2": cw2,
        "cn": cn,
        "cn2": cn2,
        "both": both,
        "west_only": west_only,
        "suspected": suspected,
        "dismissed": dismissed,
    }


@pytest.fixture
def make_user(app):
    def make(email, role, controller=None, **kw):
        return people.make_user(email, role, password=PASSWORD, controller=controller, **kw)

    return make


@pytest.fixture
def user_feed(app):
    def make(for_user, name="Telefoon"):
        _feed, token = feeds.create_feed(name=name, user=for_user, actor=for_user)
        db.session.commit()
        return token

    return make


@pytest.fixture
def controller_feed(app, user):
    def make(controller, name="Voor de klant"):
        _feed, token = feeds.create_feed(name=name, controller=controller, actor=user)
        db.session.commit()
        return token

    return make
