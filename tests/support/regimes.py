"""Rows of the statutory regimes for tests that need one in every append-only table."""

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
