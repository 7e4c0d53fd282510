"""Reminders of the statutory regimes' stages (regime_obligations: an early warning, a notification, a final report):
at the points of the reminder plan, like the contract deadlines, to the processor's staff in the application and by
e-mail, from the deadline on also to the DPO's address.

Once per point with any number of workers: the conditional UPDATE of ``next_reminder_at`` (from the value read to
the next point) decides which worker sends, in the same transaction as what it sends, and the mail's dedupe key
names the stage, the point and the deadline. The words name the reference, the stage and the times only (no
title: it may hold personal data).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from ..breaches.models import Incident
from ..core.instants import format_local, iso_z
from ..core.reminders import current, following
from ..extensions import db
from ..links import base_url
from ..regimes import registry
from ..regimes.models import RegimeObligation
from ..settings import reminder_plan
from .staff import StaffMessage, staff_members, tell_staff

BATCH = 200


def remind_regime_stages(now: datetime) -> int:
    """Send every stage reminder that has come; commits per batch and returns how many were sent."""
    plan = reminder_plan()
    table = RegimeObligation.__table__
    sent = 0
    binding = [r.key for r in registry.binding()]  # a regime that no longer binds us reminds of nothing
    if not binding:
        return 0
    while True:
        due = db.session.execute(
            select(RegimeObligation, Incident.reference)
            .join(Incident, Incident.id == RegimeObligation.incident_id)
            .where(
                RegimeObligation.status == "running",
                RegimeObligation.next_reminder_at <= now,
                RegimeObligation.regime.in_(binding),
            )
            .order_by(RegimeObligation.next_reminder_at, RegimeObligation.id)
            .limit(BATCH)
        ).all()
        if not due:
            db.session.rollback()
            return sent
        staff = staff_members()
        for row, reference in due:
            assert row.starts_at is not None and row.due_at is not None, "a running stage has both (service.py)"
            nxt = following(row.starts_at, row.due_at, now, plan)
            won = db.session.execute(  # type: ignore[attr-defined]  # a DML result has rowcount
                update(table)
                .where(table.c.id == row.id, table.c.next_reminder_at == row.next_reminder_at)
                .values(next_reminder_at=nxt)
            ).rowcount
            point = current(row.starts_at, row.due_at, now, plan)
            if won and point is not None:
                _send(row, reference, point.key, point.escalate, staff, now)
                sent += 1
        db.session.commit()


def _send(row: RegimeObligation, reference: str, point: str, escalate: bool, staff, now: datetime) -> None:
    regime = registry.all_regimes().get(row.regime)
    stage = regime.stage(row.stage) if regime else None
    names = {
        "nl": f"{regime.name('nl')}: {stage.name('nl')}" if regime and stage else row.stage,
        "en": f"{regime.name('en')}: {stage.name('en')}" if regime and stage else row.stage,
    }
    due = format_local(row.due_at)
    late = row.due_at is not None and now > row.due_at
    dutch = f"{reference} — {names['nl']} aan {row.recipient}: " + (
        f"de termijn is verstreken ({due}). Dien alsnog in en leg de indiening vast." if late else f"uiterlijk {due}."
    )
    english = f"{reference} — {names['en']} to {row.recipient}: " + (
        f"the deadline has passed ({due}). File now and record the filing." if late else f"due by {due}."
    )
    link = f"{base_url()}/incidents/{row.incident_id}/regimes/{row.regime}"
    message = StaffMessage(
        incident_id=row.incident_id,
        dedupe_key=f"regime:{row.incident_id}:{row.regime}:{row.key}:{point}:{iso_z(row.due_at)}",
        subject=f"{reference}: {names['nl']} / {names['en']}",
        dutch=dutch,
        english=english,
        link=link,
        about="regime_stage",
    )
    tell_staff(message, staff, now, current_app.config["DPO_EMAIL"] if escalate else None)
