"""What the intake says once an incident is logged: whether its clocks run, wait for confirmation, or have nothing to
run on yet (no contract chosen), rather than always 'the clocks are running'."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..breaches.models import Incident, Obligation
from ..extensions import db


def logged_message(incident: Incident) -> str:
    statuses = set(db.session.scalars(select(Obligation.status).where(Obligation.incident_id == incident.id)))
    if "running" in statuses:
        return _("Incident %(ref)s logged; the clocks are running.", ref=incident.reference)
    if "pending" in statuses:
        return _(
            "Incident %(ref)s logged; the contracts' clocks wait until the breach is confirmed.", ref=incident.reference
        )
    return _(
        "Incident %(ref)s logged; no contract is affected yet, so no clock runs. Add the affected contracts.",
        ref=incident.reference,
    )
