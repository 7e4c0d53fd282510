"""An incident still "suspected" SUSPECTED_ALERT_HOURS after the processor became aware of it is reminded of once:
the EDPB (Guidelines 9/2022) allows only a short investigation before a processor must treat a suspicion as a breach,
and confirmed-trigger clocks have not started while it is suspected (issue 13, item 10).

Once per incident with any number of workers: the conditional UPDATE of ``incidents.suspicion_reminded_at`` decides
which worker sends, in the same transaction as everything it sends. The words name the reference and the times
only (no title: it may hold personal data).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..breaches.models import Incident
from ..core.instants import format_local
from ..extensions import db
from ..links import base_url
from .staff import StaffMessage, staff_members, tell_staff

BATCH = 200


def remind_long_suspected(now: datetime) -> int:
    """Remind the processor's staff (and its DPO by e-mail) of every incident suspected for too long; commits per
    batch and returns how many incidents were reminded of."""
    since = now - timedelta(hours=float(current_app.config["SUSPECTED_ALERT_HOURS"]))
    reminded = 0
    while True:
        due = db.session.execute(
            select(Incident.id, Incident.reference, Incident.aware_at)
            .where(Incident.status == "suspected", Incident.aware_at <= since, Incident.suspicion_reminded_at.is_(None))
            .order_by(Incident.aware_at, Incident.id)
            .limit(BATCH)
        ).all()
        if not due:
            db.session.rollback()
            return reminded
        staff = staff_members()
        for incident in due:
            won = db.session.execute(  # type: ignore[attr-defined]  # a DML result has rowcount
                update(Incident.__table__)
                .where(
                    Incident.__table__.c.id == incident.id,
                    Incident.__table__.c.suspicion_reminded_at.is_(None),
                    Incident.__table__.c.status == "suspected",
                )
                .values(suspicion_reminded_at=now)
            ).rowcount
            if won:
                _send(incident, staff, now)
                reminded += 1
        db.session.commit()


def _send(incident, staff, now: datetime) -> None:
    hours = current_app.config["SUSPECTED_ALERT_HOURS"]
    aware = format_local(incident.aware_at)
    link = f"{base_url()}/incidents/{incident.id}"
    dutch = (
        f"Incident {incident.reference} is nog steeds een vermoeden, {hours} uur of langer nadat de verwerker er "
        f"kennis van nam ({aware}). Stel vast of er een inbreuk is, of seponeer het met een reden: termijnen die "
        "lopen vanaf het vaststellen van de inbreuk zijn nog niet begonnen."
    )
    english = (
        f"Incident {incident.reference} is still a suspicion, {hours} hours or more after the processor became aware "
        f"of it ({aware}). Establish whether there is a breach, or dismiss it with a reason: deadlines that run from "
        "the establishment of the breach have not started yet."
    )
    message = StaffMessage(
        incident_id=incident.id,
        dedupe_key=f"suspected-too-long:{incident.id}",
        subject=f"{incident.reference}: nog steeds een vermoeden / still a suspicion",
        dutch=dutch,
        english=english,
        link=link,
        about="suspected_too_long",
    )
    tell_staff(message, staff, now, current_app.config["DPO_EMAIL"])
