"""Dashboard metrics: read-only aggregate queries, a fixed number of them whatever the data size.

Every function takes ``now`` (an aware UTC datetime) so that the figures are reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from ..breaches.models import Filing, Incident, Obligation
from ..core.ap_form import INCIDENT_KINDS
from ..core.instants import LOCAL_ZONE, ensure_utc
from ..extensions import db
from .urgency import OpenByUrgency

OPEN_INCIDENTS = ("suspected", "confirmed")
NOTICE = "controller_notice"
UNKNOWN_KIND = "unknown"


@dataclass(frozen=True)
class MonthOnTime:
    month: date  # the first day of the calendar month in Amsterdam
    met: int
    missed: int

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def share(self) -> float | None:
        """Percentage of decided notices that were on time; None when nothing was decided."""
        return 100 * self.met / self.decided if self.decided else None

    @property
    def share_percent(self) -> int | None:
        """The share as a whole percentage, half a percent rounded up."""
        return None if self.share is None else int(self.share + 0.5)


@dataclass(frozen=True)
class MedianNotice:
    median: timedelta | None
    pairs: int

    @property
    def hours_minutes(self) -> tuple[int, int] | None:
        """The median as (hours, minutes), rounded to the nearest minute (half a minute rounds up)."""
        if self.median is None:
            return None
        minutes = int((self.median + timedelta(seconds=30)) // timedelta(minutes=1))
        return divmod(minutes, 60)


@dataclass(frozen=True)
class KindCounts:
    counts: dict[str, int]  # every kind code plus "unknown", in INCIDENT_KINDS order; dismissed excluded
    dismissed: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def month_starts(now: datetime, months: int = 12) -> list[datetime]:
    """UTC instants of Amsterdam midnight on the first day of the last ``months`` months, plus the next one."""
    local = ensure_utc(now).astimezone(LOCAL_ZONE)
    index = local.year * 12 + local.month - 1
    return [
        datetime(i // 12, i % 12 + 1, 1, tzinfo=LOCAL_ZONE).astimezone(UTC)
        for i in range(index - months + 1, index + 2)
    ]


def notices_on_time(now: datetime, months: int = 12) -> list[MonthOnTime]:
    """Decided controller notices per Amsterdam month of their due date: met on time versus missed.

    Missed means stored 'missed' (filed late) or still 'running' after its deadline. One query.
    """
    bounds = month_starts(now, months)
    bucket = case(*((Obligation.due_at < edge, i) for i, edge in enumerate(bounds[1:])))
    late = or_(Obligation.status == "missed", and_(Obligation.status == "running", Obligation.due_at < now))
    rows = db.session.execute(
        select(
            bucket.label("bucket"),
            func.sum(case((Obligation.status == "met", 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
        )
        .where(Obligation.kind == NOTICE, Obligation.due_at >= bounds[0], Obligation.due_at < bounds[-1])
        .group_by("bucket")
    ).all()
    found = {index: (met or 0, missed or 0) for index, met, missed in rows}
    result = []
    for i, start in enumerate(bounds[:-1]):
        local = start.astimezone(LOCAL_ZONE)
        met, missed = found.get(i, (0, 0))
        result.append(MonthOnTime(date(local.year, local.month, 1), met, missed))
    return result


def median_notice_time(now: datetime, since: datetime | None = None, until: datetime | None = None) -> MedianNotice:
    """Median time from an incident's aware_at to its first controller notice per (incident, controller).

    Only incidents aware within [since, until) (both optional) and no later than ``now`` count. One query;
    it returns one row per pair, the median itself is taken in Python (SQLite has no median).
    """
    # The incidents first (by the aware_at index), then only their filings: not every notice ever filed.
    aware = [Incident.aware_at <= now]
    if since is not None:
        aware.append(Incident.aware_at >= since)
    if until is not None:
        aware.append(Incident.aware_at < until)
    query = (
        select(Incident.aware_at, func.min(Filing.at))
        .join(Filing, Filing.incident_id == Incident.id)
        .where(*aware, Filing.kind == NOTICE, Filing.at <= now)
        .group_by(Incident.id, Incident.aware_at, Filing.controller_id)
    )
    elapsed = sorted(first_at - aware_at for aware_at, first_at in db.session.execute(query))
    if not elapsed:
        return MedianNotice(None, 0)
    middle = len(elapsed) // 2
    median = elapsed[middle] if len(elapsed) % 2 else (elapsed[middle - 1] + elapsed[middle]) / 2
    return MedianNotice(median, len(elapsed))


def open_by_urgency(now: datetime) -> OpenByUrgency:
    """Obligations of open incidents: running ones by clock.urgency() (missed, due within 4 h, later)
    and pending ones (waiting for their start). Part of the dashboard's one statement over open incidents."""
    from .queries import summary

    return summary(now)["urgency"]


def incidents_by_kind(now: datetime, since: datetime | None = None) -> KindCounts:
    """Incidents logged up to ``now`` (and, with ``since``, aware from then on) by details.incident_kind (missing
    or unknown codes: "unknown"). Dismissed incidents are left out of the kinds and counted as one number. One
    query."""
    kind = Incident.details["incident_kind"].as_string()
    dismissed = Incident.status == "dismissed"
    query = select(case((dismissed, None), else_=kind).label("kind"), dismissed.label("dismissed"), func.count())
    if since is not None:  # by the aware_at index: a year of incidents, not every one ever logged
        query = query.where(Incident.aware_at >= since)
    rows = db.session.execute(query.where(Incident.created_at <= now).group_by("kind", "dismissed")).all()
    counts = dict.fromkeys((*INCIDENT_KINDS, UNKNOWN_KIND), 0)
    gone = 0
    for code, is_dismissed, n in rows:
        if is_dismissed:
            gone += n
        else:
            counts[code if code in INCIDENT_KINDS else UNKNOWN_KIND] += n
    return KindCounts(counts, gone)
