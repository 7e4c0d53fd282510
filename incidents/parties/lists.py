"""The lists of controllers and of contracts: searched, filtered, sorted and paged in the database, so that a page
costs the same with ten contracts or ten thousand. Read-only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from ..extensions import db
from ..listing import ListQuery, Page, contains, fetch_page, parse_list
from ..profiles import all_profiles
from .models import Contract, Controller

PAGE_SIZE = 50
# Sort keys, and whether a first click sorts downwards (the most contracts, the newest first).
CONTROLLER_SORTS = {"name": False, "kvk": False, "language": False, "contracts": True}
CONTRACT_SORTS = {"reference": False, "controller": False, "profile": False, "created_at": True}


@dataclass(frozen=True)
class ControllerRow:
    id: int
    name: str
    kvk: str | None
    contact_name: str
    contact_email: str
    language: str
    contracts: int


@dataclass(frozen=True)
class ContractRow:
    id: int
    reference: str
    profile_key: str
    services: str
    controller_id: int
    controller_name: str
    controller_kvk: str | None


def _controller_exists(controller_id: int) -> bool:
    return db.session.get(Controller, controller_id) is not None


def parse_controllers(args: Mapping[str, str]) -> ListQuery:
    """The controllers list's query string (search, profile, sort, page). Raises InvalidFilters."""
    return parse_list(args, sorts=CONTROLLER_SORTS, default="name", choices={"profile": tuple(all_profiles())})


def parse_contracts(args: Mapping[str, str]) -> ListQuery:
    """The contracts list's query string (search, profile, controller, sort, page). Raises InvalidFilters."""
    return parse_list(
        args,
        sorts=CONTRACT_SORTS,
        default="controller",
        choices={"profile": tuple(all_profiles())},
        ids={"controller_id": _controller_exists},
    )


def profiles_matching(text: str) -> list[str]:
    """The clause profiles whose key or title holds the text (any case)."""
    wanted = text.casefold()
    return [key for key, p in all_profiles().items() if wanted in key.casefold() or wanted in p.title.casefold()]


def _ordered(column: Any, tiebreak: Any, descending: bool) -> list[Any]:
    return [column.desc(), tiebreak.desc()] if descending else [column.asc(), tiebreak.asc()]


# --- controllers ---


def _controller_conditions(listing: ListQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text = listing.search
    if text:
        # A controller by its own particulars, or by a contract of its: the reference, the clause profile.
        by_contract = select(Contract.controller_id).where(
            or_(contains(Contract.reference, text), Contract.profile_key.in_(profiles_matching(text)))
        )
        conditions.append(
            or_(
                contains(Controller.name, text),
                contains(Controller.kvk, text),
                contains(Controller.contact_name, text),
                contains(Controller.contact_email, text),
                Controller.id.in_(by_contract),
            )
        )
    if "profile" in listing.filters:
        conditions.append(
            Controller.id.in_(select(Contract.controller_id).where(Contract.profile_key == listing.filters["profile"]))
        )
    return conditions


def controllers_page(listing: ListQuery) -> Page:
    """The page of controllers the query string asks for, each with its number of contracts."""
    conditions = _controller_conditions(listing)
    total = db.session.scalar(select(func.count()).select_from(Controller).where(*conditions)) or 0
    contracts = (
        select(func.count(Contract.id)).where(Contract.controller_id == Controller.id).scalar_subquery()
    ).label("contracts")
    column: Any = {
        "name": func.lower(Controller.name),
        "kvk": Controller.kvk,
        "language": Controller.language,
        "contracts": contracts,
    }[listing.sort]
    query = select(
        Controller.id,
        Controller.name,
        Controller.kvk,
        Controller.contact_name,
        Controller.contact_email,
        Controller.language,
        contracts,
    ).where(*conditions)
    order = [column.desc() if listing.descending else column.asc(), func.lower(Controller.name), Controller.id]
    if listing.sort == "kvk":  # those without a KvK number last, either way and on either database
        order = [Controller.kvk.is_(None), *order]
    found = fetch_page(query, listing.page, PAGE_SIZE, total=total, order=order)
    return Page([ControllerRow(*row) for row in found.rows], found.number, found.size, found.total)


# --- contracts ---


def _contract_conditions(listing: ListQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text = listing.search
    if text:
        conditions.append(
            or_(
                contains(Contract.reference, text),
                Contract.profile_key.in_(profiles_matching(text)),
                contains(Contract.services, text),
                contains(Controller.name, text),
                contains(Controller.kvk, text),
            )
        )
    if "profile" in listing.filters:
        conditions.append(Contract.profile_key == listing.filters["profile"])
    if "controller_id" in listing.filters:
        conditions.append(Contract.controller_id == int(listing.filters["controller_id"]))
    return conditions


def contracts_page(listing: ListQuery) -> Page:
    """The page of contracts the query string asks for, each with its controller's name and KvK number."""
    conditions = _contract_conditions(listing)
    total = (
        db.session.scalar(
            select(func.count())
            .select_from(Contract)
            .join(Controller, Controller.id == Contract.controller_id)
            .where(*conditions)
        )
        or 0
    )
    column: Any = {
        "reference": Contract.reference,
        "controller": func.lower(Controller.name),
        "profile": Contract.profile_key,
        "created_at": Contract.created_at,
    }[listing.sort]
    order = _ordered(column, Contract.id, listing.descending)
    if listing.sort == "controller":  # a controller's contracts by reference, whichever way the controllers go
        order = [order[0], Controller.id, Contract.reference, Contract.id]
    query = (
        select(
            Contract.id,
            Contract.reference,
            Contract.profile_key,
            Contract.services,
            Controller.id,
            Controller.name,
            Controller.kvk,
        )
        .join(Controller, Controller.id == Contract.controller_id)
        .where(*conditions)
    )
    found = fetch_page(query, listing.page, PAGE_SIZE, total=total, order=order)
    return Page([ContractRow(*row) for row in found.rows], found.number, found.size, found.total)


def controller_name(controller_id: int) -> str | None:
    return db.session.scalar(select(Controller.name).where(Controller.id == controller_id))
