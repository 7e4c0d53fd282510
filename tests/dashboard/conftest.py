"""Helpers for the dashboard metrics tests: incidents built through the real services, at a pinned `now`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incidents.breaches import service
from incidents.breaches.service import FilingInput
from incidents.extensions import db


@pytest.fixture
def log_incident(app):
    """Log an incident through service.create_incident and commit, as a request would.

    ``at`` is aware_at (and confirmed_at when confirmed); ``now`` defaults to a day after ``at``.
    """

    def log(contracts, at, *, status="confirmed", kind=None, now=None):
        incident = service.create_incident(
            title="Datalek",
            aware_at=at,
            status=status,
            contract_ids=[c.id for c in contracts],
            details={"incident_kind": kind} if kind else None,
            now=now or at + timedelta(days=1),
        )
        db.session.commit()
        return incident

    return log


@pytest.fixture
def notify(app):
    """Record a controller notice for one contract at ``at`` (service.record_filing) and commit."""

    def record(incident, contract, at, *, now=None):
        filing = service.record_filing(
            incident, FilingInput(kind="controller_notice", at=at, contract_id=contract.id), now=now or at
        )
        db.session.commit()
        return filing

    return record
