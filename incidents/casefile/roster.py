"""The incident's controllers as one list: how far each one is (not yet notified, notice queued, notified,
acknowledged, AP filed), its contracts and profiles, its most urgent open deadline; and the incident's summary.
A handful of set-based queries whatever the number of controllers; filtering, sorting and paging happen on the
server, so the page holds one page of rows. Read-only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..breaches.models import ACKNOWLEDGEMENT, AffectedContract, Filing, Incident, Obligation
from ..core.clock import urgency
from ..extensions import db
from ..notices.keys import initial_notice_pattern
from ..notices.models import OutboxMessage
from ..parties.models import Contract, Controller

# How far a controller is, in order: each state includes the ones before it.
STATES = ("not_notified", "queued", "notified", "acknowledged", "ap_filed")
SORTS = ("name", "deadline", "contracts", "state")
PER_PAGE = 50
OPEN = ("pending", "running")
URGENCY_ORDER = ("missed", "due_soon", "running", "pending", "met", "not_required", "ended")


@dataclass
class Row:
    id: int
    name: str
    kvk: str | None
    email: str
    language: str
    contracts: int = 0
    profiles: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    state: str = "not_notified"
    next_due: datetime | None = None
    next_kind: str | None = None
    next_urgency: str | None = None  # of the deadline at next_due
    urgency: str | None = None  # of the most urgent open obligation
    counts: Counter = field(default_factory=Counter)  # obligations per urgency
    backdated: int = 0  # deadlines met by a filing recorded after them with an earlier time
    conflict: bool = False  # its contracts disagree about who notifies the AP (the AP clock's owner_conflict)


@dataclass
class Filter:
    q: str = ""
    state: str = ""
    profile: str = ""
    urgency: str = ""
    sort: str = "deadline"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Filter:
        """From the query string; anything unknown falls back to the default (a list never fails to show)."""
        state = args.get("state", "")
        urgency_arg = args.get("urgency", "")
        sort = args.get("sort", "deadline")
        try:
            page = max(1, min(int(args.get("page", "1")), 100_000))
        except ValueError:
            page = 1
        return cls(
            q=(args.get("q") or "").strip()[:100],
            state=state if state in STATES else "",
            profile=(args.get("profile") or "").strip()[:40],
            urgency=urgency_arg if urgency_arg in URGENCY_ORDER else "",
            sort=sort if sort in SORTS else "deadline",
            page=page,
        )

    def args(self, **change) -> dict:
        """The query string of this filter with some values changed (for links), without defaults."""
        values = {
            "q": self.q,
            "state": self.state,
            "profile": self.profile,
            "urgency": self.urgency,
            "sort": self.sort,
            "page": self.page,
            **change,
        }
        return {k: v for k, v in values.items() if v and not (k == "page" and v == 1)}


@dataclass
class Summary:
    controllers: int
    contracts: int
    by_state: Counter
    by_urgency: Counter
    most_urgent: Row | None


def roster(incident: Incident, now: datetime) -> list[Row]:
    """Every affected controller of the incident with its state and deadlines (a few queries in all)."""
    rows: dict[int, Row] = {}
    for controller_id, name, kvk, email, language, reference, profile in db.session.execute(
        select(
            Controller.id,
            Controller.name,
            Controller.kvk,
            Controller.contact_email,
            Controller.language,
            Contract.reference,
            Contract.profile_key,
        )
        .join(AffectedContract, AffectedContract.controller_id == Controller.id)
        .join(Contract, Contract.id == AffectedContract.contract_id)
        .where(AffectedContract.incident_id == incident.id, AffectedContract.withdrawn_at.is_(None))
    ):
        row = rows.get(controller_id)
        if row is None:
            row = rows[controller_id] = Row(controller_id, name, kvk, email, language)
        row.contracts += 1
        row.profiles.add(profile)
        row.references.append(reference)
    _add_states(incident, rows)
    _add_deadlines(incident, rows, now)
    return list(rows.values())


def _add_states(incident: Incident, rows: dict[int, Row]) -> None:
    queued = db.session.scalars(
        select(OutboxMessage.controller_id).where(
            OutboxMessage.incident_id == incident.id,
            OutboxMessage.dedupe_key.like(initial_notice_pattern(incident.id)),
        )
    )
    for controller_id in queued:
        if controller_id in rows:
            rows[controller_id].state = "queued"
    rank = {"controller_notice": "notified", ACKNOWLEDGEMENT: "acknowledged", "ap_notification": "ap_filed"}
    for controller_id, kind in db.session.execute(
        select(Filing.controller_id, Filing.kind)
        .where(Filing.incident_id == incident.id, Filing.kind.in_(tuple(rank)))
        .group_by(Filing.controller_id, Filing.kind)
    ):
        row = rows.get(controller_id)
        if row is not None and STATES.index(rank[kind]) > STATES.index(row.state):
            row.state = rank[kind]


def _add_deadlines(incident: Incident, rows: dict[int, Row], now: datetime) -> None:
    for controller_id, status, due_at, kind, backdated in db.session.execute(
        select(
            Obligation.controller_id, Obligation.status, Obligation.due_at, Obligation.kind, Obligation.backdated
        ).where(Obligation.incident_id == incident.id)
    ):
        row = rows.get(controller_id)
        if row is None:
            continue
        level = urgency(status, due_at, now)
        row.counts[level] += 1
        row.backdated += bool(backdated)
        if status in OPEN and due_at is not None and (row.next_due is None or due_at < row.next_due):
            row.next_due, row.next_kind, row.next_urgency = due_at, kind, level
    for row in rows.values():
        present = [u for u in URGENCY_ORDER if row.counts.get(u)]
        row.urgency = present[0] if present else None
    # one AP clock per controller: whose contracts disagree about who files
    for controller_id, conflict in db.session.execute(
        select(Obligation.controller_id, Obligation.owner_conflict).where(
            Obligation.incident_id == incident.id, Obligation.kind == "ap_notification"
        )
    ):
        if conflict and controller_id in rows:
            rows[controller_id].conflict = True


def summary(rows: list[Row]) -> Summary:
    by_urgency: Counter = Counter()
    for row in rows:
        by_urgency.update(row.counts)
    open_rows = [r for r in rows if r.next_due is not None]
    return Summary(
        controllers=len(rows),
        contracts=sum(r.contracts for r in rows),
        by_state=Counter(r.state for r in rows),
        by_urgency=by_urgency,
        most_urgent=min(open_rows, key=lambda r: (r.next_due, r.name.casefold(), r.id)) if open_rows else None,
    )


def matching(rows: list[Row], chosen: Filter) -> list[Row]:
    """The rows the filter selects, sorted as it says."""
    needle = chosen.q.casefold()
    found = [
        r
        for r in rows
        if (
            not needle
            or needle in r.name.casefold()
            or needle in (r.kvk or "")
            or any(needle in ref.casefold() for ref in r.references)
        )
        and (not chosen.state or r.state == chosen.state)
        and (not chosen.profile or chosen.profile in r.profiles)
        and (not chosen.urgency or r.counts.get(chosen.urgency))
    ]
    keys = {
        "name": lambda r: (r.name.casefold(), r.id),
        "deadline": lambda r: (r.next_due.timestamp() if r.next_due else float("inf"), r.name.casefold(), r.id),
        "contracts": lambda r: (-r.contracts, r.name.casefold(), r.id),
        "state": lambda r: (STATES.index(r.state), r.name.casefold(), r.id),
    }
    return sorted(found, key=keys[chosen.sort])


def page_of(rows: list[Row], page: int, per_page: int = PER_PAGE) -> tuple[list[Row], int, int]:
    """One page of rows, the page actually shown (the last one if asked beyond it) and the number of pages."""
    pages = max(1, -(-len(rows) // per_page))
    page = min(page, pages)
    return rows[(page - 1) * per_page : page * per_page], page, pages


def controller_ids_matching(incident: Incident, chosen: Filter, now: datetime) -> list[int]:
    """For an action on "all that match": the same rows the list shows, on every page."""
    return [r.id for r in matching(roster(incident, now), chosen)]
