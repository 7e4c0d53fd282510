"""Fixtures for the notices tests: real SMTP servers on loopback (accepting, refusing, down) and an
incident that affects contracts of several controllers on different profiles."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from incidents.core.instants import utcnow
from incidents.extensions import db

from ..support.live import live_server  # noqa: F401 (a fixture: the app served on loopback)
from ..support.mail import Inbox, MailLab


@pytest.fixture
def mail(app):
    lab = MailLab(app)
    lab.use("working")
    yield lab
    lab.stop()


@pytest.fixture
def inbox(mail) -> Inbox:
    return mail.inbox


@pytest.fixture
def all_counts(row_counts):
    """Counts of the foundation's tables, the documents and the outbox among them."""
    return row_counts


SPECIAL = "Zeeuws-Vlaanderen: ë ĳ € <b>vet</b> & co"


@pytest.fixture
def world(app, make_controller, make_contract):
    """A confirmed incident affecting:
    - controller A (Dutch): a boz-72h contract and a doctolib contract;
    - controller B (English): a gdpr-art33 contract.
    Known fields: nature and affected_data; consequences and measures (required by all three) are missing."""
    from incidents.breaches.service import create_incident

    a = make_controller(
        name="Huisartsenpraktijk De Eëndracht", contact_name="Mw. Ĳsselmeer", contact_email="fg@eendracht.example"
    )
    b = make_controller(
        name="Riverside Clinic Ltd", contact_name="Ms. Dee Pio", contact_email="dpo@riverside.example", language="en"
    )
    a_boz = make_contract("boz-72h", a, reference="VO-A-BOZ")
    a_doc = make_contract("doctolib", a, reference="VO-A-DOC")
    b_gdpr = make_contract("gdpr-art33", b, reference="VO-B-GDPR")
    now = utcnow()
    incident = create_incident(
        title="Verkeerd verzonden röntgenfoto's",
        description="Een medewerker verstuurde een map naar de verkeerde praktijk.",
        aware_at=now - timedelta(hours=3),
        status="confirmed",
        confirmed_at=now - timedelta(hours=2),
        contract_ids=[a_boz.id, a_doc.id, b_gdpr.id],
        fields={"nature": SPECIAL, "affected_data": "Namen, geboortedata en röntgenbeelden"},
    )
    db.session.commit()
    return SimpleNamespace(
        a=a,
        b=b,
        a_boz=a_boz,
        a_doc=a_doc,
        b_gdpr=b_gdpr,
        incident=incident,
        reference=incident.reference,
        aware_at=incident.aware_at,
        confirmed_at=incident.confirmed_at,
    )
