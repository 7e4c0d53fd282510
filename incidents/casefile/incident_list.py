"""The list of all incidents for processor staff: searched, filtered, sorted and paged in the database, so that one
page costs the same with a hundred incidents or a hundred thousand. Read-only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select, union

from ..breaches.models import INCIDENT_STATUSES, AffectedContract, Incident
from ..extensions import db
from ..listing import ListQuery, Page, contains, fetch_page, parse_list
from ..parties.lists import profiles_matching
from ..parties.models import Contract, Controller
from ..profiles import all_profiles

PAGE_SIZE = 50
# Sort keys, and whether a first click sorts downwards (the newest first).
SORTS = {"reference": False, "title": False, "status": False, "aware_at": True}
DEFAULT_SORT = "aware_at"
# The status column sorts in the order an incident goes through them, not alphabetically in either language.
STATUS_ORDER = ("suspected", "confirmed", "closed", "dismissed")


@dataclass(frozen=True)
class IncidentRow:
    id: int
    reference: str
    title: str
    status: str
    aware_at: datetime
    controllers: int = 0
    contracts: int = 0


def parse(args: Mapping[str, str]) -> ListQuery:
    """The list's query string (search, status, profile, controller, sort, page). Raises InvalidFilters."""
    return parse_list(
        args,
        sorts=SORTS,
        default=DEFAULT_SORT,
        choices={"status": INCIDENT_STATUSES, "profile": tuple(all_profiles())},
        ids={"controller_id": lambda i: db.session.get(Controller, i) is not None},
    )


def _search(text: str) -> ColumnElement[bool]:
    """Incidents by what people know of them: the reference or title, or a controller (name or KvK) or contract
    (reference or clause profile) it touches. One set of ids: the page then walks the sort's index and tests ids
    only, instead of reading every incident row in the sort's order when few match."""
    controllers = select(Controller.id).where(or_(contains(Controller.name, text), contains(Controller.kvk, text)))
    contracts = select(Contract.id).where(
        or_(contains(Contract.reference, text), Contract.profile_key.in_(profiles_matching(text)))
    )
    matching = union(
        select(Incident.id).where(or_(contains(Incident.reference, text), contains(Incident.title, text))),
        select(AffectedContract.incident_id).where(AffectedContract.controller_id.in_(controllers)),
        select(AffectedContract.incident_id).where(AffectedContract.contract_id.in_(contracts)),
    )
    return Incident.id.in_(matching)


def _conditions(listing: ListQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if listing.search:
        conditions.append(_search(listing.search))
    if "status" in listing.filters:
        conditions.append(Incident.status == listing.filters["status"])
    if "profile" in listing.filters:
        of_profile = select(Contract.id).where(Contract.profile_key == listing.filters["profile"])
        conditions.append(
            Incident.id.in_(select(AffectedContract.incident_id).where(AffectedContract.contract_id.in_(of_profile)))
        )
    if "controller_id" in listing.filters:
        controller_id = int(listing.filters["controller_id"])
        conditions.append(
            Incident.id.in_(select(AffectedContract.incident_id).where(AffectedContract.controller_id == controller_id))
        )
    return conditions


def _order(listing: ListQuery) -> list[Any]:
    column: Any = {
        "reference": Incident.reference,
        "title": func.lower(Incident.title),
        "status": case({s: i for i, s in enumerate(STATUS_ORDER)}, value=Incident.status, else_=len(STATUS_ORDER)),
        "aware_at": Incident.aware_at,
    }[listing.sort]
    if listing.descending:
        return [column.desc(), Incident.id.desc()]
    return [column.asc(), Incident.id.asc()]


def page(listing: ListQuery) -> Page:
    """The page the query string asks for, each row with how many controllers and contracts the incident touches."""
    conditions = _conditions(listing)
    total = db.session.scalar(select(func.count()).select_from(Incident).where(*conditions)) or 0
    query = select(Incident.id, Incident.reference, Incident.title, Incident.status, Incident.aware_at).where(
        *conditions
    )
    found = fetch_page(query, listing.page, PAGE_SIZE, total=total, order=_order(listing))
    ids = [row.id for row in found.rows]
    sizes = {
        incident_id: (controllers, contracts)
        for incident_id, controllers, contracts in db.session.execute(
            select(
                AffectedContract.incident_id,
                func.count(func.distinct(AffectedContract.controller_id)),
                func.count(AffectedContract.contract_id),
            )
            .where(AffectedContract.incident_id.in_(ids))
            .group_by(AffectedContract.incident_id)
        )
    }
    rows = [
        IncidentRow(row.id, row.reference, row.title, row.status, row.aware_at, *sizes.get(row.id, (0, 0)))
        for row in found.rows
    ]
    return Page(rows, found.number, found.size, found.total)
