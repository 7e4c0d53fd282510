"""The reminder points from the configuration, and the first reminder of a deadline (memoised: an incident with
thousands of contracts has only a few distinct windows)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from flask import current_app

from ..core.reminders import Plan, first


def plan() -> Plan:
    config = current_app.config
    return Plan(tuple(config["REMINDER_FRACTIONS"]), tuple(config["REMINDER_HOURS_BEFORE"]),
                float(config["REMINDER_REPEAT_HOURS"]))


@lru_cache(maxsize=4096)
def _first(starts_at: datetime, due_at: datetime, chosen: Plan) -> datetime:
    return first(starts_at, due_at, chosen)


def first_reminder(status: str, starts_at: datetime | None, due_at: datetime | None, chosen: Plan) -> datetime | None:
    if status != "running" or starts_at is None or due_at is None:
        return None
    return _first(starts_at, due_at, chosen)
