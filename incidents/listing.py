"""What the long lists of the web pages share (incidents, controllers, contracts, the access log): the query string
that says what to show (search text, the list's own filters, sort column and direction, page) and one page of rows
with where it stands in the whole ("51–100 of 2,340").

Every problem with the query string is reported, none is guessed (see filters.py); a page number past the end
shows the last page. The search and the sort run in the database: a page costs the same however long the list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, func, select

from .extensions import db
from .filters import N_, FilterError, InvalidFilters, shown
from .validation import parse_id

SEARCH_MAX = 100  # characters of search text; more is refused
MAX_PAGE = 1_000_000
ORDERS = ("asc", "desc")


@dataclass(frozen=True)
class ListQuery:
    """One list's query string, parsed. ``filters`` holds the list's own filters (status, profile, …) as given."""

    search: str
    sort: str
    descending: bool
    page: int
    filters: dict[str, str] = field(default_factory=dict)
    default_sort: str = ""
    # The columns whose first click sorts them downwards (dates: newest first); the default sort's direction too.
    downwards: frozenset[str] = frozenset()

    def args(self, **changes: Any) -> dict[str, str]:
        """The query-string arguments that show this list (defaults left out), with ``changes`` applied; a change
        to None removes the argument. A change of search, filter or sort starts again at page 1."""
        values: dict[str, Any] = {"q": self.search, **self.filters}
        if (self.sort, self.descending) != (self.default_sort, self.default_sort in self.downwards):
            values["sort"], values["order"] = self.sort, "desc" if self.descending else "asc"
        values["page"] = self.page if self.page > 1 else None
        if changes and "page" not in changes:
            values["page"] = None
        values.update(changes)
        if str(values.get("page")) == "1":
            values["page"] = None
        return {key: str(value) for key, value in values.items() if value not in (None, "")}

    def sorted_by(self, key: str) -> dict[str, str]:
        """The arguments of a column header's link: sort by ``key``, the other way round when it is the sort now."""
        descending = not self.descending if key == self.sort else key in self.downwards
        return self.args(sort=key, order="desc" if descending else "asc")

    def aria_sort(self, key: str) -> str | None:
        """The header's aria-sort value: only the column the list is sorted by has one."""
        if key != self.sort:
            return None
        return "descending" if self.descending else "ascending"


def _search(args: Mapping[str, str], errors: list[FilterError]) -> str:
    text = " ".join((args.get("q") or "").split())
    if len(text) > SEARCH_MAX:
        errors.append(
            FilterError(
                "q", "too_long", N_("Search for at most %(max)d characters."), {"max": SEARCH_MAX, "value": shown(text)}
            )
        )
        return ""
    if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in text):
        errors.append(FilterError("q", "invalid_text", N_("The search text contains characters that are not text.")))
        return ""
    return text


def _page(args: Mapping[str, str], errors: list[FilterError]) -> int:
    raw = (args.get("page") or "").strip()
    if not raw:
        return 1
    page = parse_id(raw)
    if page is None or page > MAX_PAGE:
        errors.append(
            FilterError("page", "invalid_page", N_("'%(value)s' is not a page number."), {"value": shown(raw)})
        )
        return 1
    return page


def parse_page(args: Mapping[str, str]) -> int:
    """Only a page number (a list without search or sort of its own). Raises InvalidFilters."""
    errors: list[FilterError] = []
    number = _page(args, errors)
    if errors:
        raise InvalidFilters(errors)
    return number


def _sort(
    args: Mapping[str, str], sorts: Mapping[str, bool], default: str, errors: list[FilterError]
) -> tuple[str, bool]:
    key = (args.get("sort") or "").strip() or default
    if key not in sorts:
        errors.append(
            FilterError(
                "sort",
                "invalid_sort",
                N_("The list cannot be sorted by '%(value)s'; choose one of: %(choices)s."),
                {"value": shown(key), "choices": ", ".join(sorts)},
            )
        )
        key = default
    order = (args.get("order") or "").strip()
    if order and order not in ORDERS:
        errors.append(
            FilterError(
                "order",
                "invalid_order",
                N_("Sort order '%(value)s' is unknown; choose asc or desc."),
                {"value": shown(order)},
            )
        )
        order = ""
    return key, order == "desc" if order else sorts[key]


def parse_list(
    args: Mapping[str, str],
    *,
    sorts: Mapping[str, bool],
    default: str,
    choices: Mapping[str, Sequence[str]] | None = None,
    ids: Mapping[str, Callable[[int], bool]] | None = None,
) -> ListQuery:
    """The list's query string: ``q``, ``sort`` (a key of ``sorts``, whose value says whether that column sorts
    downwards unless ``order`` says otherwise), ``order`` (asc or desc), ``page``; each
    argument of ``choices`` one of its values, each of ``ids`` an id that its check finds. Empty means no filter.
    Raises InvalidFilters with every problem found."""
    errors: list[FilterError] = []
    search = _search(args, errors)
    sort, descending = _sort(args, sorts, default, errors)
    page = _page(args, errors)
    filters: dict[str, str] = {}
    for name, allowed in (choices or {}).items():
        value = (args.get(name) or "").strip()
        if value and value not in allowed:
            errors.append(
                FilterError(
                    name,
                    "invalid_choice",
                    N_("Unknown value '%(value)s'; choose one of: %(choices)s."),
                    {"value": shown(value), "choices": ", ".join(allowed)},
                )
            )
        elif value:
            filters[name] = value
    for name, exists in (ids or {}).items():
        raw = (args.get(name) or "").strip()
        if raw:
            number = parse_id(raw)
            if number is None or not exists(number):
                errors.append(
                    FilterError(name, "not_found", N_("There is nothing with id '%(value)s'."), {"value": shown(raw)})
                )
            else:
                filters[name] = str(number)
    if errors:
        raise InvalidFilters(errors)
    downwards = frozenset(key for key, down in sorts.items() if down)
    return ListQuery(search, sort, descending, page, filters, default, downwards)


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows and where they stand among all that match."""

    rows: list[Any]
    number: int
    size: int
    total: int
    more: bool = False  # there are more than ``total`` (a list that counts only so far)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """The position of the page's first row (1-based); 0 on an empty list."""
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)

    def numbers(self, around: int = 2) -> list[int | None]:
        """The page numbers a pager links to: the first, the last, and ``around`` either side of this one; None
        where numbers are left out."""
        wanted = sorted({1, self.pages, *range(self.number - around, self.number + around + 1)})
        shown_numbers: list[int | None] = []
        for n in (n for n in wanted if 1 <= n <= self.pages):
            if shown_numbers and n - (shown_numbers[-1] or 0) > 1:
                shown_numbers.append(None)
            shown_numbers.append(n)
        return shown_numbers


def nothing(size: int) -> Page:
    """The page shown when the query string was refused: no rows."""
    return Page([], 1, size, 0)


def count(query: Select, cap: int | None = None) -> int:
    """How many rows a query selects (its columns are not fetched); with ``cap``, counted up to cap + 1 only."""
    query = query.order_by(None)
    if cap is not None:
        query = query.limit(cap + 1)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def fetch_page(
    query: Select,
    number: int,
    size: int,
    *,
    total: int | None = None,
    order: Sequence[Any] = (),
    cap: int | None = None,
) -> Page:
    """Page ``number`` of ``query`` (sorted by ``order``), and the total; a number past the end gives the last
    page. ``total`` when the caller counted already (a cheaper count than the query's own). With ``cap`` the count
    stops there: a list longer than that says "more than cap", and its pages reach as far as the cap."""
    total = count(query, cap) if total is None else total
    more = cap is not None and total > cap
    if more and cap is not None:
        total = cap
    number = min(number, max(1, -(-total // size)))
    rows = list(db.session.execute(query.order_by(*order).limit(size).offset((number - 1) * size)))
    return Page(rows, number, size, total, more)


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """The column holds the text, any case, with % and _ taken literally."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite's LIKE ignores the case of ASCII letters itself (and its lower() knows no others): no call per row.
        return column.contains(text, autoescape=True)
    return column.icontains(text, autoescape=True)


def error_messages(exc: InvalidFilters) -> list[str]:
    """The refused query string's problems, in the page's language."""
    return [_(error.message, **error.params) for error in exc.errors]
