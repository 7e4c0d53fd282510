"""When to remind people of a running deadline. Pure: no Flask, no database.

Default points (configurable): half the window gone, three quarters gone, 2 hours before, at the deadline, then
every 4 hours while it is missed. Points are counted in elapsed time, like the windows themselves. Each point has
a stable key, so a reminder is recorded once per obligation, point and deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache


@dataclass(frozen=True)
class Plan:
    fractions: tuple[float, ...] = (0.5, 0.75)
    hours_before: tuple[float, ...] = (2.0,)
    repeat_hours: float = 4.0


@dataclass(frozen=True)
class Point:
    key: str
    fire_at: datetime
    escalate: bool  # from the deadline on, the DPO and the administrators are told as well


def before_due(starts_at: datetime, due_at: datetime, plan: Plan) -> list[Point]:
    """The points up to and including the deadline, in time order; points at or before the start are dropped."""
    window = due_at - starts_at
    points: dict[datetime, str] = {}
    for fraction in plan.fractions:
        points.setdefault(starts_at + window * fraction, f"pct{round(fraction * 100)}")
    for hours in plan.hours_before:
        points.setdefault(due_at - timedelta(hours=hours), f"h{hours:g}_before")
    result = [Point(key, at, False) for at, key in sorted(points.items()) if starts_at < at < due_at]
    return [*result, Point("due", due_at, True)]


def missed_point(due_at: datetime, k: int, plan: Plan) -> Point:
    return Point(f"missed{k}", due_at + timedelta(hours=plan.repeat_hours * k), True)


def current(starts_at: datetime, due_at: datetime, now: datetime, plan: Plan) -> Point | None:
    """The latest point that has come (at most one reminder per tick: a worker that was down sends the newest)."""
    if now < due_at:
        passed = [p for p in before_due(starts_at, due_at, plan) if p.fire_at <= now]
        return passed[-1] if passed else None
    k = int((now - due_at) / timedelta(hours=plan.repeat_hours))
    return missed_point(due_at, k, plan) if k >= 1 else Point("due", due_at, True)


def following(starts_at: datetime, due_at: datetime, now: datetime, plan: Plan) -> datetime:
    """When the next point after `now` comes; while missed, reminders repeat for as long as it stays running."""
    for point in before_due(starts_at, due_at, plan):
        if point.fire_at > now:
            return point.fire_at
    k = int((now - due_at) / timedelta(hours=plan.repeat_hours)) + 1
    return missed_point(due_at, max(k, 1), plan).fire_at


def first(starts_at: datetime, due_at: datetime, plan: Plan) -> datetime:
    return before_due(starts_at, due_at, plan)[0].fire_at


@lru_cache(maxsize=4096)
def _first(starts_at: datetime, due_at: datetime, plan: Plan) -> datetime:
    # Memoised: an incident with thousands of contracts has only a few distinct windows.
    return first(starts_at, due_at, plan)


def first_reminder(status: str, starts_at: datetime | None, due_at: datetime | None, plan: Plan) -> datetime | None:
    """When a deadline is first reminded of; None for one that is not running (met, missed, ended, waiting)."""
    if status != "running" or starts_at is None or due_at is None:
        return None
    return _first(starts_at, due_at, plan)


def reminder_key(obligation_id: int, point: Point, due_at: datetime) -> str:
    """Unique per obligation, point and deadline: a deadline that moves gets its reminders again."""
    return f"{obligation_id}:{int(due_at.timestamp())}:{point.key}"
