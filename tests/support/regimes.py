"""Rows of issue 15's append-only tables (the regimes, a forwarded notice) for tests that need one in each."""

from __future__ import annotations

from datetime import timedelta

from incidents.core.instants import utcnow
from incidents.regimes import service as regimes


def regime_rows(incident) -> None:
    """A classification under NIS2 and a request of the CSIRT: rows in the regimes' append-only tables."""
    now = utcnow()
    regimes.classify(incident, "nis2", "yes", "Dienst urenlang onbereikbaar", incident.aware_at, None, now)
    regimes.record_request(
        incident, "nis2", "intermediate_report", now, now + timedelta(days=2), "Stand van zaken", None, now
    )


def a_forward(incident) -> None:
    """A notice of the incident forwarded by its controller to its own controllers (needs an issued notice)."""
    from sqlalchemy import select

    from incidents.auth.models import User
    from incidents.extensions import db
    from incidents.notices.forwards import forward_notice
    from incidents.notices.models import Document

    document = db.session.scalars(select(Document).where(Document.incident_id == incident.id)).first()
    assert document is not None, "issue a notice first"
    someone = db.session.scalars(select(User).order_by(User.id)).first()
    assert someone is not None, "a user forwards it"
    forward_notice(document, "fg@eigen-klant.example", someone, now=utcnow())
