"""The clocks of a statutory regime's stages (core/regimes.py): from the recorded classification, the filings of the
stages and the recipient's requests to each stage's start, deadline and status.

Pure. Hours are elapsed hours (24 hours across a DST change are 24 real hours). A term in months is a calendar term
on the Amsterdam wall clock: one month after 31 January 10:00 is 28 (or 29) February 10:00, and a month after a
winter time is the same wall time in summer time. A wall time that does not exist that day (the hour skipped in
March) gives the instant the clock jumps, and one that exists twice (October) its first occurrence: never the later
reading. A Dutch statute's term in days or months that ends on a Saturday, Sunday or public holiday is extended to
the end of the next working day (Algemene termijnenwet art. 1): that date is shown beside the deadline, from a
maintained holiday calendar (the `holidays` package) held to the days art. 3 names, and never replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pendulum

from .instants import add_elapsed_hours
from .regimes import Regime, Stage

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class ClassificationFact:
    answer: str  # yes | no | needs_info
    aware_at: datetime | None  # "yes": when we knew the incident to be significant (the stages' start)
    decided_at: datetime
    # "no" after an earlier "yes": that "yes"'s start. What was overdue when "no" was decided stays missed.
    earlier_yes_at: datetime | None = None


@dataclass(frozen=True)
class StageFiling:
    id: int
    stage: str
    at: datetime
    recorded_at: datetime | None = None
    request_id: int | None = None  # a report on request: the request it answers


@dataclass(frozen=True)
class StageRequest:
    """A recipient's request for a report (NIS2 art. 23 lid 4 onder c), with the deadline it set."""

    id: int
    stage: str
    at: datetime
    due_at: datetime


@dataclass
class StageDeadline:
    key: str  # stage key, or "<stage>:<request id>" for a report on request
    stage: Stage
    starts_at: datetime | None
    due_at: datetime | None
    status: str  # pending | running | met | missed | not_required
    met_at: datetime | None = None
    filing_id: int | None = None
    # The start is not yet a recorded fact: the final report counted from the latest moment the notification may be
    # filed, until it is filed (the deadline can then only move earlier).
    provisional: bool = False
    request_id: int | None = None
    # The end of the next working day where a term in days or months ends on a weekend or holiday (shown beside).
    extended_to: datetime | None = None
    backdated: bool = False


def add_months(start: datetime, months: int) -> datetime:
    """``months`` calendar months after ``start`` on the Amsterdam wall clock, as UTC (see the module docstring)."""
    local = pendulum.instance(start).in_timezone("Europe/Amsterdam")
    target = local.naive().add(months=months)  # pendulum: the last day of a shorter month, never an overflow
    return _wall_to_utc(target.date(), target.time())


def _wall_to_utc(day: date, at: time) -> datetime:
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=AMSTERDAM)  # fold 0: of a wall time that exists twice, the first occurrence
    if first.astimezone(UTC).astimezone(AMSTERDAM).replace(tzinfo=None) == naive:
        return first.astimezone(UTC)
    # skipped by the spring change: the instant the clock jumps, the first one whose wall time is not before it
    # read with the earlier offset it lies before the gap; from the whole minute, step to where the clock jumps
    moment = naive.replace(tzinfo=AMSTERDAM, fold=1).astimezone(UTC).replace(second=0, microsecond=0)
    while moment.astimezone(AMSTERDAM).replace(tzinfo=None) < naive:
        moment += timedelta(minutes=1)
    return moment


# The Algemene termijnenwet (art. 3) names its own days: the public holidays of the maintained calendar except Good
# Friday, which art. 3 does not list, and 5 May every year ("de vijfde mei"), which the calendar has only in lustrum
# years. The calendar gives the moveable feasts (Easter, Ascension, Whit Monday) and King's Day.
NOT_IN_ATW = frozenset({"Good Friday"})


def atw_holidays(years: range) -> set[date]:
    """The algemeen erkende feestdagen of the Algemene termijnenwet art. 3 in these years."""
    calendar = holidays.country_holidays("NL", years=years, language="en_US")
    days = {day for day, name in calendar.items() if name not in NOT_IN_ATW}
    return days | {date(year, 5, 5) for year in years}


def working_day_extension(due: datetime, rule: str) -> datetime | None:
    """The end of the next working day when ``due`` falls on a Saturday, Sunday or a feestdag of the Algemene
    termijnenwet (None: it does not, or no rule)."""
    if not rule:
        return None
    day = due.astimezone(AMSTERDAM).date()
    calendar = atw_holidays(range(day.year, day.year + 2))
    if day.weekday() < 5 and day not in calendar:
        return None
    while day.weekday() >= 5 or day in calendar:
        day += timedelta(days=1)
    return datetime.combine(day, time(23, 59, 59), tzinfo=AMSTERDAM).astimezone(UTC)


def _due(stage: Stage, starts: datetime) -> datetime:
    if stage.months is not None:
        return add_months(starts, stage.months)
    assert stage.hours is not None, "a regime file gives hours or months (core/regimes.py)"
    return add_elapsed_hours(starts, stage.hours)


def _settle(deadline: StageDeadline, candidates: list[StageFiling]) -> StageDeadline:
    """The earliest filing at or after the stage's start meets it (in time or late); a filing before the start, or
    a start that is not yet a recorded fact (provisional), fulfils nothing."""
    if deadline.starts_at is None:
        return deadline
    starts = deadline.starts_at
    filing = None if deadline.provisional else next((f for f in candidates if f.at >= starts), None)
    if filing is not None:
        deadline.met_at, deadline.filing_id = filing.at, filing.id
        on_time = deadline.due_at is None or filing.at <= deadline.due_at
        deadline.status = "met" if on_time else "missed"
        deadline.backdated = bool(
            on_time and deadline.due_at and filing.recorded_at and filing.recorded_at > deadline.due_at
        )
    else:
        deadline.status = "running"
    return deadline


def stage_deadlines(
    regime: Regime,
    classification: ClassificationFact | None,
    filings: Iterable[StageFiling] = (),
    requests: Iterable[StageRequest] = (),
    not_needed: Iterable[str] = (),
) -> list[StageDeadline]:
    """Every stage of an organisation's regime for one incident, in the regime's order; a stage on request once per
    request, whatever the classification (the recipient set its deadline). Without a classification "yes" nothing
    else runs. "No" makes the stages not required, except that one overdue when "no" was decided after an earlier
    "yes" stays missed: a later "no" does not undo a deadline that had passed."""
    by_stage: dict[str, list[StageFiling]] = {}
    for filing in sorted(filings, key=lambda f: (f.at, f.id)):
        by_stage.setdefault(filing.stage, []).append(filing)
    waived = set(not_needed)
    answer = classification.answer if classification is not None else None
    anchor = None
    if classification is not None:
        anchor = (
            classification.aware_at if answer == "yes" else classification.earlier_yes_at if answer == "no" else None
        )
    out: list[StageDeadline] = []
    done: dict[str, StageDeadline] = {}
    for stage in regime.stages:
        if stage.start == "request":
            out.extend(_requested(stage, requests, by_stage.get(stage.key, [])))
            continue
        deadline = StageDeadline(key=stage.key, stage=stage, starts_at=None, due_at=None, status="pending")
        if anchor is not None:
            starts, provisional = _start(stage, anchor, done, by_stage)
            if starts is not None:
                deadline.starts_at, deadline.provisional = starts, provisional
                deadline.due_at = _due(stage, starts)
                deadline.extended_to = working_day_extension(deadline.due_at, stage.working_days)
            _settle(deadline, by_stage.get(stage.key, []))
        if stage.key in waived and stage.conditional and deadline.status not in ("met", "missed"):
            deadline.status = "not_required"  # its condition did not arise: recorded with the reason
        if answer == "no" and classification is not None and deadline.status not in ("met", "missed"):
            overdue = deadline.due_at is not None and deadline.due_at < classification.decided_at
            deadline.status = "missed" if overdue else "not_required"
        done[stage.key] = deadline
        out.append(deadline)
    return out


def _start(
    stage: Stage, anchor: datetime, done: dict[str, StageDeadline], by_stage: dict[str, list[StageFiling]]
) -> tuple[datetime | None, bool]:
    after = stage.after
    if after is None:
        return anchor, False
    earlier = done.get(after)
    filed = [
        f for f in by_stage.get(after, []) if earlier is None or earlier.starts_at is None or f.at >= earlier.starts_at
    ]
    if filed:
        return filed[0].at, False
    # not filed yet: counted from the latest moment it may be filed, and marked provisional
    return (earlier.due_at, True) if earlier is not None and earlier.due_at is not None else (None, False)


def _requested(stage: Stage, requests: Iterable[StageRequest], filings: list[StageFiling]) -> list[StageDeadline]:
    """One deadline per request, in request order. A report answers the request it names; one that names none
    answers the earliest request still open when it was filed."""
    out = []
    unused = list(filings)
    for request in sorted((r for r in requests if r.stage == stage.key), key=lambda r: (r.at, r.id)):
        deadline = StageDeadline(
            key=f"{stage.key}:{request.id}",
            stage=stage,
            starts_at=request.at,
            due_at=request.due_at,
            status="pending",
            request_id=request.id,
        )
        named = [f for f in unused if f.request_id == request.id and f.at >= request.at]
        filing = named[0] if named else next((f for f in unused if f.request_id is None and f.at >= request.at), None)
        if filing is not None:
            unused.remove(filing)
        out.append(_settle(deadline, [filing] if filing is not None else []))
    return out
