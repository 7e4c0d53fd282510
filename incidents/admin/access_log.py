"""The access log as administrators read it: filters from a query string, one page of rows, and a CSV export with
the same filters and the same columns.

Rows name the incident by its reference (a join), never by its title or text. Times are Europe/Amsterdam; the
date filters select whole Amsterdam days, as the register's do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Select, func, select

from ..audit.log import LISTS, REFUSED_READ, REFUSED_WRITE
from ..audit.models import AccessEntry
from ..auth.models import User
from ..breaches.models import Incident
from ..core.instants import to_local
from ..core.spreadsheet import spreadsheet_safe
from ..extensions import db
from ..filters import N_, FilterError, InvalidFilters, bounds, parse_period, shown
from ..listing import Page, count
from ..parties.models import Controller
from ..validation import parse_id

PAGE_SIZE = 100
# The page counts the entries of a selection up to here (a count of millions of rows costs more than the page):
# beyond, it says "more than 100,000" and sorting oldest first or a narrower selection reaches the rest.
COUNT_CAP = 100_000
ACTIONS = ("open_incident", "open_document", *dict.fromkeys(LISTS.values()), REFUSED_READ, REFUSED_WRITE)
# What the page and the export say for the stored codes (msgids; the filter still takes the codes).
WORDS = {
    "open_incident": N_("opened an incident"),
    "open_document": N_("opened a document"),
    "view_register": N_("viewed the register"),
    "export_register": N_("exported the register"),
    "view_access_log": N_("viewed the access log"),
    "export_access_log": N_("exported the access log"),
    REFUSED_READ: N_("access refused (read)"),
    REFUSED_WRITE: N_("access refused (change)"),
    "admin": N_("administrator"),
    "handler": N_("handler"),
    "viewer": N_("viewer (read-only)"),
    "controller": N_("controller user"),
    "web": N_("web"),
    "api": N_("API"),
}

# (key, header msgid): one list for the page and the CSV, so both show the same values.
COLUMNS = (
    ("at", N_("Time (Amsterdam)")),
    ("email", N_("User")),
    ("role", N_("Role")),
    ("channel", N_("Channel")),
    ("action", N_("Action")),
    ("route", N_("Route")),
    ("incident", N_("Incident")),
    ("document", N_("Document")),
    ("controller", N_("Controller")),
    ("ip", N_("IP address")),
    ("outcome", N_("Outcome")),
    ("path", N_("Path")),
)


@dataclass(frozen=True)
class AccessFilters:
    user_id: int | None = None
    incident_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    oldest_first: bool = False

    def query_args(self, page: int | None = None) -> dict[str, str]:
        """The filters as query-string arguments, for links that carry them (the page only when asked)."""
        values = {
            "user_id": self.user_id,
            "incident_id": self.incident_id,
            "action": self.action,
            "from": self.date_from,
            "to": self.date_to,
            "order": "asc" if self.oldest_first else None,
            "page": page if page and page > 1 else None,
        }
        return {k: str(v) for k, v in values.items() if v is not None}

    # What the list macros (templates/layout/lists.html) ask of a list: links to a page and to the other order.

    def args(self, page: int | None = None) -> dict[str, str]:
        return self.query_args(page)

    def sorted_by(self, key: str) -> dict[str, str]:
        return replace(self, oldest_first=not self.oldest_first).query_args()

    def aria_sort(self, key: str) -> str | None:
        return ("ascending" if self.oldest_first else "descending") if key == "at" else None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) in UTC: the start of the first Amsterdam day up to the start of the day after the last."""
        return bounds(self.date_from, self.date_to)


def _incident(raw: str, errors: list[FilterError]) -> int | None:
    """An incident id, or a reference such as DL-2026-0001."""
    incident_id = parse_id(raw)
    if incident_id is None:
        incident_id = db.session.scalar(select(Incident.id).where(func.upper(Incident.reference) == raw.upper()))
    elif db.session.get(Incident, incident_id) is None:
        incident_id = None
    if incident_id is None:
        errors.append(
            FilterError(
                "incident_id", "unknown_incident", N_("There is no incident '%(value)s'."), {"value": shown(raw)}
            )
        )
    return incident_id


def parse_filters(args: Mapping[str, str]) -> AccessFilters:
    """Filters from query-string arguments; empty values mean "no filter". Raises InvalidFilters."""
    errors: list[FilterError] = []
    user_id = None
    raw = (args.get("user_id") or "").strip()
    if raw:
        user_id = parse_id(raw)
        if user_id is None or db.session.get(User, user_id) is None:
            errors.append(
                FilterError(
                    "user_id", "unknown_user", N_("There is no user with id '%(value)s'."), {"value": shown(raw)}
                )
            )
            user_id = None
    raw = (args.get("incident_id") or "").strip()
    incident_id = _incident(raw, errors) if raw else None
    action = (args.get("action") or "").strip() or None
    if action is not None and action not in ACTIONS:
        errors.append(
            FilterError(
                "action",
                "invalid_choice",
                N_("Unknown action '%(value)s'; choose one of: %(choices)s."),
                {"value": shown(action), "choices": ", ".join(ACTIONS)},
            )
        )
        action = None
    date_from, date_to = parse_period(args, errors)
    page = 1
    raw = (args.get("page") or "").strip()
    if raw:
        page = parse_id(raw) or 0
        if not page:
            errors.append(
                FilterError("page", "invalid_page", N_("'%(value)s' is not a page number."), {"value": shown(raw)})
            )
    order = (args.get("order") or "").strip()
    if order not in ("", "asc", "desc"):
        errors.append(
            FilterError(
                "order",
                "invalid_order",
                N_("Sort order '%(value)s' is unknown; choose asc or desc."),
                {"value": shown(order)},
            )
        )
    if errors:
        raise InvalidFilters(errors)
    return AccessFilters(user_id, incident_id, action, date_from, date_to, page, order == "asc")


@dataclass(frozen=True)
class Row:
    id: int
    at: datetime
    email: str
    role: str
    channel: str
    action: str
    route: str
    incident_id: int | None
    incident: str
    document_id: int | None
    controller: str
    ip: str
    status: int
    path: str

    def cells(self, translate: Callable[[str], str] = str) -> list[str]:
        """The text of each column, as the page and the CSV show it (role, channel and action through `translate`,
        e.g. gettext, so that they read as words in the page's language)."""
        local = to_local(self.at)

        def word(code: str) -> str:
            return translate(WORDS[code]) if code in WORDS else code

        return [
            f"{local.strftime('%Y-%m-%d %H:%M:%S')} {local.tzname()}",
            self.email,
            word(self.role),
            word(self.channel),
            word(self.action),
            self.route,
            self.incident,
            "" if self.document_id is None else str(self.document_id),
            self.controller,
            self.ip,
            translate(N_("allowed")) if self.status < 400 else f"{translate(N_('refused'))} ({self.status})",
            self.path,
        ]


def _where(query: Select, filters: AccessFilters) -> Select:
    if filters.user_id is not None:
        query = query.where(AccessEntry.user_id == filters.user_id)
    if filters.incident_id is not None:
        query = query.where(AccessEntry.incident_id == filters.incident_id)
    if filters.action is not None:
        query = query.where(AccessEntry.action == filters.action)
    start, end = filters.bounds()
    if start is not None:
        query = query.where(AccessEntry.at >= start)
    if end is not None:
        query = query.where(AccessEntry.at < end)
    return query


def _rows_query(filters: AccessFilters, up_to_id: int | None = None) -> Select:
    # Only the incident's reference is selected: never its title or text.
    query = (
        select(
            AccessEntry.id,
            AccessEntry.at,
            User.email,
            AccessEntry.role,
            AccessEntry.channel,
            AccessEntry.action,
            AccessEntry.route,
            AccessEntry.incident_id,
            Incident.reference,
            AccessEntry.document_id,
            Controller.name,
            AccessEntry.ip,
            AccessEntry.status,
            AccessEntry.path,
        )
        .outerjoin(User, User.id == AccessEntry.user_id)
        .outerjoin(Incident, Incident.id == AccessEntry.incident_id)
        .outerjoin(Controller, Controller.id == AccessEntry.controller_id)
    )
    if up_to_id is not None:
        query = query.where(AccessEntry.id <= up_to_id)
    return _where(query, filters).order_by(*_order(filters))


def _order(filters: AccessFilters) -> list:
    if filters.oldest_first:
        return [AccessEntry.at.asc(), AccessEntry.id.asc()]
    return [AccessEntry.at.desc(), AccessEntry.id.desc()]


def _row(values) -> Row:
    (
        id_,
        at,
        email,
        role,
        channel,
        action,
        route,
        incident_id,
        reference,
        document_id,
        controller,
        ip,
        status,
        path,
    ) = values
    return Row(
        id_,
        at,
        email or "",
        role,
        channel,
        action,
        route,
        incident_id,
        reference or "",
        document_id,
        controller or "",
        ip or "",
        status,
        path or "",
    )


def page(filters: AccessFilters) -> Page:
    """The page the filters ask for (a number past the end: the last), with the count up to COUNT_CAP."""
    total = count(_where(select(AccessEntry.id), filters), COUNT_CAP)
    more = total > COUNT_CAP
    total = min(total, COUNT_CAP)
    number = min(filters.page, max(1, -(-total // PAGE_SIZE)))
    # The page's ids first, by the time index alone: the joins then run for its rows only, not for every row an
    # OFFSET of thousands skips.
    ids = (
        _where(select(AccessEntry.id), filters)
        .order_by(*_order(filters))
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    )
    rows = db.session.execute(_rows_query(filters).where(AccessEntry.id.in_(ids)))
    return Page([_row(values) for values in rows], number, PAGE_SIZE, total, more)


def last_id() -> int:
    """The newest entry now: an export lists the log up to here, not the entry its own download adds."""
    return db.session.scalar(select(func.max(AccessEntry.id))) or 0


def all_rows(filters: AccessFilters, up_to_id: int) -> Iterator[Row]:
    result = db.session.execute(_rows_query(filters, up_to_id).execution_options(yield_per=1000))
    for values in result:
        yield _row(values)


def csv_separator(lang: str) -> str:
    """Dutch Excel expects a semicolon, English Excel a comma (as the register's export)."""
    return "," if lang == "en" else ";"


def csv_lines(
    headers: list[str], rows: Iterator[Row], lang: str, translate: Callable[[str], str] = str
) -> Iterator[str]:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8), CRLF line ends; yielded line by line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_separator(lang), lineterminator="\r\n")

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(headers)
    yield "\ufeff" + take()
    for row in rows:
        writer.writerow([spreadsheet_safe(text) for text in row.cells(translate)])
        yield take()
