"""Finding contracts with their controller: by controller name, contract reference, KvK number and profile, one page
at a time. Read-only.

How it matches: the query is split into words and every word must occur in the controller's name or the contract's
reference (in any case: SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's ILIKE that of every letter;
LIKE wildcards in the words are taken literally), or, for a word of digits, begin the controller's KvK number. A
profile and a controller narrow by equality on indexed columns. A substring LIKE cannot use a B-tree index, so a
text search reads contracts joined to controllers once for the page and once for the count: with 10,000 contracts of
1,000 controllers that is tens of milliseconds per request on this machine (benchmarks/intake.py), well inside the
page budget; no normalised column or trigram index is needed at that size."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import ColumnElement, func, or_, select

from ..errors import ValidationFailed
from ..extensions import db
from ..profiles import all_profiles
from ..validation import parse_id
from .models import Contract, Controller

PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_QUERY = 100
MAX_PAGE = 100_000
CHUNK = 5000  # ids per IN (...): well below every database's limit on bound parameters


class BadSearch(ValidationFailed):
    """A search parameter that cannot be used; the page and the JSON answer name it."""

    status = 400


@dataclass(frozen=True)
class ContractFilter:
    """Which contracts: those matching every word of `q`, of `profile`, of the controller `controller_id`."""

    q: str = ""
    profile: str | None = None
    controller_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.q or self.profile or self.controller_id)

    def args(self) -> dict[str, str]:
        values = {"q": self.q, "profile": self.profile or "", "controller_id": str(self.controller_id or "")}
        return {k: v for k, v in values.items() if v}

    def encode(self) -> str:
        """As a query string: how a form carries "all contracts matching" until the server resolves it."""
        return urlencode(self.args())

    @classmethod
    def decode(cls, text: str) -> ContractFilter:
        return parse_filter(dict(parse_qsl(text or "", keep_blank_values=True)))


@dataclass(frozen=True)
class ContractHit:
    id: int
    reference: str
    profile_key: str
    controller_id: int
    controller_name: str
    kvk: str | None

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "reference": self.reference,
            "profile": self.profile_key,
            "controller": {"id": self.controller_id, "name": self.controller_name, "kvk": self.kvk},
        }


@dataclass
class SearchPage:
    filter: ContractFilter
    page: int
    per_page: int
    total: int
    hits: list[ContractHit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def parse_filter(args: Mapping[str, str]) -> ContractFilter:
    """The filter of a request's parameters; a parameter that cannot be used is refused, never ignored."""
    q = " ".join((args.get("q") or "").split())
    if len(q) > MAX_QUERY:
        raise BadSearch(f"q is longer than {MAX_QUERY} characters", "q", "too_long")
    profile = (args.get("profile") or "").strip() or None
    if profile is not None and profile not in all_profiles():
        raise BadSearch(f"unknown profile '{profile}'", "profile", "unknown_profile")
    raw = (args.get("controller_id") or "").strip()
    controller_id = parse_id(raw) if raw else None
    if raw and controller_id is None:
        raise BadSearch("controller_id must be a positive whole number", "controller_id", "invalid_id")
    return ContractFilter(q, profile, controller_id)


def parse_page(value: str | None, name: str = "page", default: int = 1, most: int = MAX_PAGE) -> int:
    if value is None or value == "":
        return default
    number = parse_id(value.strip())
    if number is None or number > most:
        raise BadSearch(f"{name} must be a whole number from 1 to {most}", name, "invalid_" + name)
    return number


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    """The column holds the text, any case, with % and _ taken literally."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite's LIKE ignores the case of ASCII letters itself (and its lower() knows no others): no call per row.
        return column.contains(text, autoescape=True)
    return column.icontains(text, autoescape=True)  # ILIKE: any case, in any script


def _word(word: str) -> ColumnElement[bool]:
    found = [_contains(Controller.name, word), _contains(Contract.reference, word)]
    if word.isascii() and word.isdigit():
        found.append(Controller.kvk.startswith(word, autoescape=True))
    return or_(*found)


def _where(wanted: ContractFilter) -> list[ColumnElement[bool]]:
    conditions = [_word(w) for w in wanted.q.split()]
    if wanted.profile:
        conditions.append(Contract.profile_key == wanted.profile)
    if wanted.controller_id:
        conditions.append(Contract.controller_id == wanted.controller_id)
    return conditions


COLUMNS = (
    Contract.id,
    Contract.reference,
    Contract.profile_key,
    Contract.controller_id,
    Controller.name,
    Controller.kvk,
)


def _hits(query) -> list[ContractHit]:
    return [ContractHit(*row) for row in db.session.execute(query)]


def search(wanted: ContractFilter, page: int = 1, per_page: int = PER_PAGE) -> SearchPage:
    """One page of the matching contracts, by controller name and reference, and how many match in all."""
    conditions = _where(wanted)
    total = db.session.scalar(select(func.count()).select_from(Contract).join(Controller).where(*conditions))
    query = (
        select(*COLUMNS)
        .join(Controller, Controller.id == Contract.controller_id)
        .where(*conditions)
        .order_by(Controller.name, Contract.reference, Contract.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return SearchPage(wanted, page, per_page, total or 0, _hits(query))


def matching(wanted: ContractFilter) -> list[ContractHit]:
    """Every contract matching: what "all N matching" adds once the server resolves it."""
    return _hits(
        select(*COLUMNS)
        .join(Controller, Controller.id == Contract.controller_id)
        .where(*_where(wanted))
        .order_by(Controller.name, Contract.reference, Contract.id)
    )


def count_matching(wanted: ContractFilter) -> int:
    return db.session.scalar(select(func.count()).select_from(Contract).join(Controller).where(*_where(wanted))) or 0


def hits_by_id(ids: Iterable[int]) -> dict[int, ContractHit]:
    wanted = list(dict.fromkeys(ids))
    found: dict[int, ContractHit] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for hit in _hits(
            select(*COLUMNS).join(Controller, Controller.id == Contract.controller_id).where(Contract.id.in_(chunk))
        ):
            found[hit.id] = hit
    return found


def hits_by_reference(references: Iterable[str]) -> dict[str, ContractHit]:
    wanted = list(dict.fromkeys(references))
    found: dict[str, ContractHit] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for hit in _hits(
            select(*COLUMNS)
            .join(Controller, Controller.id == Contract.controller_id)
            .where(Contract.reference.in_(chunk))
        ):
            found[hit.reference] = hit
    return found


def profile_counts() -> dict[str, int]:
    """How many contracts each profile has (one GROUP BY over the indexed profile_key)."""
    return dict(db.session.execute(select(Contract.profile_key, func.count()).group_by(Contract.profile_key)).all())


def controller_name(controller_id: int) -> str | None:
    return db.session.scalar(select(Controller.name).where(Controller.id == controller_id))
