"""The register's reads: which incidents a selection holds, one page of them in a chosen order with the totals of
the whole selection (counted in SQL), or all of them in batches for the exports. It never writes.

Every read is a fixed number of statements per page or per batch: the incidents themselves (one indexed range on
``incidents.aware_at``, the current severity joined through ``incidents.current_severity_id``), then
details.py's particulars over that page's or batch's ids. Memory stays that of one batch, however many incidents
the register holds.

Besides AVG art. 33 lid 5 (facts, effects, remedial action) it holds what the Addendum's Annex B asks of a file of
breaches: the period of the breach, who reported it to the processor, to whom it was reported (each notice to a
controller with its recipient, channel and time) and the data-recovery procedure; and for every controller's latest
decision the reason, who at the controller decided and who recorded it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from ..breaches.models import INCIDENT_STATUSES, AffectedContract, Incident, SeverityAssessment
from ..core.instants import ensure_utc, utcnow
from ..extensions import db
from ..parties.models import Controller, SubProcessor
from .details import complete
from .filters import RegisterFilters, Sort
from .rows import (  # noqa: F401 (the register's row types, imported from here by the renderings and the API)
    EFFECT_FIELDS,
    FACT_FIELDS,
    REMEDIAL_FIELDS,
    DecisionEntry,
    FilingEntry,
    MissedEntry,
    NoticeEntry,
    RegisterRow,
)

BATCH = 500  # incidents per export batch: the statements of details.py take their ids as bound parameters

# The assessment that counts for the incident as a whole (breaches/assessment.py current_severity_id).
current = aliased(SeverityAssessment, name="current_severity")

_STATUS_ORDER = case(
    {s: n for n, s in enumerate(INCIDENT_STATUSES)}, value=Incident.status, else_=len(INCIDENT_STATUSES)
)
# Unassessed first, then by the ENISA score.
_SORT_KEYS: dict[str, tuple[Any, ...]] = {
    "aware_at": (Incident.aware_at,),
    "reference": (Incident.reference,),
    "title": (func.lower(Incident.title),),
    "status": (_STATUS_ORDER,),
    "severity": (case((current.se.is_(None), 0), else_=1), current.se),
}


def _instant(value: object) -> datetime | None:
    """An ISO instant from an incident's details (stored as "...Z"); anything else is None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return ensure_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _like(text: str) -> str:
    """A LIKE pattern that finds the text anywhere, its own % and _ taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _conditions(filters: RegisterFilters) -> list:
    conditions: list[Any] = []
    start, end = filters.aware_bounds()
    if start is not None:
        conditions.append(Incident.aware_at >= start)
    if end is not None:
        conditions.append(Incident.aware_at < end)
    if filters.status:
        conditions.append(Incident.status == filters.status)
    if filters.controller_id is not None:
        conditions.append(
            exists().where(
                AffectedContract.incident_id == Incident.id, AffectedContract.controller_id == filters.controller_id
            )
        )
    if filters.severity == "none":
        conditions.append(Incident.current_severity_id.is_(None))
    elif filters.severity:
        conditions.append(current.ap_severity == filters.severity)
    if filters.search:
        pattern = _like(filters.search)
        named = select(Controller.id).where(Controller.name.ilike(pattern, escape="\\"))
        conditions.append(
            or_(
                Incident.reference.ilike(pattern, escape="\\"),
                Incident.title.ilike(pattern, escape="\\"),
                Incident.id.in_(select(AffectedContract.incident_id).where(AffectedContract.controller_id.in_(named))),
            )
        )
    return conditions


def _selected(filters: RegisterFilters, *columns, with_severity: bool = True):
    """The selection's incidents with these columns; the current severity joined when they show it or the
    filters ask for it."""
    query = select(*columns).select_from(Incident)
    if with_severity or filters.severity not in (None, "none"):
        query = query.outerjoin(current, current.id == Incident.current_severity_id)
    return query.where(*_conditions(filters))


_ROW_COLUMNS = (
    Incident.id,
    Incident.reference,
    Incident.title,
    Incident.status,
    Incident.aware_at,
    Incident.confirmed_at,
    Incident.dismissed_at,
    Incident.dismiss_reason,
    Incident.description,
    Incident.fields,
    Incident.details,
    Incident.reported_by_kind,
    Incident.reported_by_name,
    Incident.sub_processor_aware_at,
    Incident.informed_at,
    select(SubProcessor.name)
    .where(SubProcessor.id == Incident.sub_processor_id)
    .scalar_subquery()
    .label("sub_processor_name"),
    current.band,
    current.ap_severity,
    current.se,
)


def _row(found) -> RegisterRow:
    details = found.details or {}
    return RegisterRow(
        id=found.id,
        reference=found.reference,
        title=found.title,
        status=found.status,
        aware_at=found.aware_at,
        confirmed_at=found.confirmed_at,
        dismissed_at=found.dismissed_at,
        dismiss_reason=found.dismiss_reason,
        description=found.description or "",
        fields=dict(found.fields or {}),
        incident_kind=details.get("incident_kind"),
        started_at=_instant(details.get("started_at")),
        ended_at=_instant(details.get("ended_at")),
        reporter_kind=_text(details.get("reporter_kind")),
        reported_by=_text(details.get("reported_by")),
        recorded_kind=found.reported_by_kind,
        recorded_name=found.reported_by_name,
        sub_processor=found.sub_processor_name,
        sub_processor_aware_at=found.sub_processor_aware_at,
        informed_at=found.informed_at,
        recovery=_text(details.get("recovery")),
        severity_band=found.band,
        ap_severity=found.ap_severity,
        se=found.se,
    )


def _completed(found, now: datetime) -> list[RegisterRow]:
    rows = {r.id: r for r in map(_row, found)}
    complete(rows, now)
    return list(rows.values())


# --- the page ---


@dataclass(frozen=True)
class Totals:
    """The whole selection, counted in SQL: how many incidents, per status, and how many were never assessed."""

    count: int
    by_status: dict[str, int]
    unassessed: int


def totals(filters: RegisterFilters) -> Totals:
    by_status: dict[str, int] = {}
    unassessed = 0
    for status, count, without in db.session.connection().execute(
        _selected(
            filters,
            Incident.status,
            func.count(),
            func.sum(case((Incident.current_severity_id.is_(None), 1), else_=0)),
            with_severity=False,
        ).group_by(Incident.status)
    ):
        by_status[status] = count
        unassessed += without or 0
    ordered = {s: by_status.pop(s) for s in INCIDENT_STATUSES if s in by_status} | by_status
    return Totals(sum(ordered.values()), ordered, unassessed)


@dataclass(frozen=True)
class Page:
    rows: list[RegisterRow]
    number: int  # 1-based; a page past the last shows the last
    pages: int  # at least 1, also for an empty selection
    per_page: int
    totals: Totals

    @property
    def first(self) -> int:
        """The position (1-based) of the page's first row in the selection; 0 when it is empty."""
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def register_page(filters: RegisterFilters, now: datetime, sort: Sort, page: int, per_page: int) -> Page:
    """One page of the selection in the chosen order (ties by id, in the same direction), with its totals."""
    counted = totals(filters)
    pages = max(1, -(-counted.count // per_page))
    number = min(max(page, 1), pages)
    keys = [*_SORT_KEYS[sort.key], Incident.id]
    order = [k.desc() for k in keys] if sort.descending else keys
    found = (
        db.session.connection()
        .execute(_selected(filters, *_ROW_COLUMNS).order_by(*order).limit(per_page).offset((number - 1) * per_page))
        .all()
    )
    return Page(_completed(found, now), number, pages, per_page, counted)


# --- every row, in batches (exports and the API) ---


def register_batches(
    filters: RegisterFilters | None = None, now: datetime | None = None, size: int | None = None
) -> Iterator[list[RegisterRow]]:
    """The whole selection, oldest awareness first, ``size`` incidents at a time. Each batch continues after the
    last (aware_at, id) of the one before (an indexed range, never an OFFSET), so a batch costs the same at the
    end of a register of 100,000 incidents as at its start, and an incident recorded meanwhile is never read
    twice."""
    filters = filters or RegisterFilters()
    now = now or utcnow()
    size = size or BATCH
    after: tuple[datetime, int] | None = None
    while True:
        query = _selected(filters, *_ROW_COLUMNS)
        if after is not None:
            aware_at, incident_id = after
            query = query.where(
                Incident.aware_at >= aware_at,
                or_(Incident.aware_at > aware_at, and_(Incident.aware_at == aware_at, Incident.id > incident_id)),
            )
        found = db.session.connection().execute(query.order_by(Incident.aware_at, Incident.id).limit(size)).all()
        if not found:
            return
        yield _completed(found, now)
        if len(found) < size:
            return
        after = (found[-1].aware_at, found[-1].id)


def iter_register_rows(filters: RegisterFilters | None = None, now: datetime | None = None) -> Iterator[RegisterRow]:
    for batch in register_batches(filters, now):
        yield from batch


def register_rows(filters: RegisterFilters | None = None, now: datetime | None = None) -> list[RegisterRow]:
    """Every incident matching the filters, oldest awareness first (all in memory: for small selections and
    tests; the exports use register_batches)."""
    return list(iter_register_rows(filters, now or utcnow()))
