"""Fixtures for the processor chain: a real SMTP server on loopback, a sub-processor, a customer that is itself a
processor with a portal user, and an ordinary customer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from incidents.extensions import db
from incidents.parties.sub_processors import create_sub_processor

from ..support.mail import MailLab
from ..support.people import make_user

PASSWORD = "een lang genoeg wachtwoord"


@pytest.fixture
def mail(app):
    lab = MailLab(app)
    lab.use("working")
    yield lab
    lab.stop()


@pytest.fixture
def chain(app, make_controller, make_contract):
    """MessageBird (one of our sub-processors, BOZ Bijlage 1); Zorggroep West-Friesland, a customer that is itself a
    processor for GP practices (its portal user fg@zorggroep.example); Apotheek Centraal, an ordinary customer."""
    sub = create_sub_processor({"name": "MessageBird", "services": "Verzenden sms-authenticatieberichten"})
    group = make_controller(
        name="Zorggroep West-Friesland", contact_email="fg@zorggroep.example", contact_name="E. de Boer",
        is_processor=True,
    )  # fmt: skip
    pharmacy = make_controller(name="Apotheek Centraal", contact_email="fg@apotheek.example")
    group_contract = make_contract("boz-72h", group, reference="VO-WF-1")
    pharmacy_contract = make_contract("boz-72h", pharmacy, reference="VO-AC-1")
    db.session.commit()
    portal_user = make_user(
        "portaal@zorggroep.example", "controller", password=PASSWORD, controller=group, name="Eva de Boer"
    )
    return SimpleNamespace(
        sub=sub,
        group=group,
        pharmacy=pharmacy,
        group_contract=group_contract,
        pharmacy_contract=pharmacy_contract,
        portal_user=portal_user,
    )
