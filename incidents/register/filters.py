"""The register's filters, parsed from a query string (web page, exports and API alike).

Every problem is reported, none is guessed: a bad date, a start after the end, an unknown controller,
status or severity, an over-long search text, and on the page an unknown sort order or a bad page number (the
errors and the date range are incidents/filters.py's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from ..breaches.models import INCIDENT_STATUSES
from ..core.severity import AP_SEVERITY
from ..extensions import db
from ..filters import N_, FilterError, InvalidFilters, bounds, parse_period, shown
from ..parties.models import Controller
from ..validation import parse_id

SEVERITIES = (*AP_SEVERITY.values(), "none")  # "none": no severity assessment recorded
MAX_SEARCH = 100


@dataclass(frozen=True)
class RegisterFilters:
    date_from: date | None = None
    date_to: date | None = None
    controller_id: int | None = None
    status: str | None = None
    severity: str | None = None
    controller_name: str | None = field(default=None, compare=False)
    search: str | None = None  # in the reference, the title or an affected controller's name

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for links that carry them."""
        values = {
            "from": self.date_from,
            "to": self.date_to,
            "controller_id": self.controller_id,
            "status": self.status,
            "severity": self.severity,
            "q": self.search,
        }
        return {k: str(v) for k, v in values.items() if v is not None}

    def aware_bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) in UTC: from the start of the first local day to the start of the day after the last."""
        return bounds(self.date_from, self.date_to)


def _choice(
    args: Mapping[str, str], name: str, options: tuple[str, ...], message: str, errors: list[FilterError]
) -> str | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if raw not in options:
        errors.append(
            FilterError(name, "invalid_choice", message, {"value": shown(raw), "choices": ", ".join(options)})
        )
        return None
    return raw


def parse_filters(args: Mapping[str, str]) -> RegisterFilters:
    """Filters from query-string arguments; empty values mean "no filter". Raises InvalidFilters."""
    errors: list[FilterError] = []
    date_from, date_to = parse_period(args, errors)
    controller_id, controller_name = None, None
    raw = (args.get("controller_id") or "").strip()
    if raw:
        controller_id = parse_id(raw)
        controller = db.session.get(Controller, controller_id) if controller_id else None
        if controller is None:
            errors.append(
                FilterError(
                    "controller_id",
                    "unknown_controller",
                    N_("There is no controller with id '%(value)s'."),
                    {"value": shown(raw)},
                )
            )
        else:
            controller_name = controller.name
    status = _choice(
        args, "status", INCIDENT_STATUSES, N_("Unknown status '%(value)s'; choose one of: %(choices)s."), errors
    )
    severity = _choice(
        args, "severity", SEVERITIES, N_("Unknown severity '%(value)s'; choose one of: %(choices)s."), errors
    )
    search = " ".join((args.get("q") or "").split()) or None
    if search is not None and len(search) > MAX_SEARCH:
        errors.append(
            FilterError(
                "q",
                "too_long",
                N_("The search text is longer than %(max)d characters."),
                {"max": MAX_SEARCH},
            )
        )
    if errors:
        raise InvalidFilters(errors)
    return RegisterFilters(date_from, date_to, controller_id, status, severity, controller_name, search)


# --- the page's order and paging (the exports are always in the register's own order: oldest awareness first) ---

SORT_KEYS = ("aware_at", "reference", "title", "status", "severity")
PER_PAGE = (50, 100)


@dataclass(frozen=True)
class Sort:
    key: str = "aware_at"
    descending: bool = False

    @property
    def arg(self) -> str:
        """As the query string carries it: "title", or "-title" for descending."""
        return f"-{self.key}" if self.descending else self.key


@dataclass(frozen=True)
class Paging:
    sort: Sort = Sort()
    page: int = 1
    per_page: int = PER_PAGE[0]


def _positive(args: Mapping[str, str], name: str, errors: list[FilterError]) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        errors.append(
            FilterError(name, "invalid_number", N_("'%(value)s' is not a page number."), {"value": shown(raw)})
        )
        return None
    return int(raw)


def parse_paging(args: Mapping[str, str]) -> Paging:
    """The page's sort order, page number and page size; raises InvalidFilters. A page past the last shows the
    last (the selection may have shrunk since the link was made)."""
    errors: list[FilterError] = []
    raw = (args.get("sort") or "").strip()
    sort = Sort()
    if raw:
        key = raw.removeprefix("-")
        if key not in SORT_KEYS:
            errors.append(
                FilterError(
                    "sort",
                    "invalid_choice",
                    N_("Unknown sort order '%(value)s'; choose one of: %(choices)s."),
                    {"value": shown(raw), "choices": ", ".join(SORT_KEYS)},
                )
            )
        else:
            sort = Sort(key, raw.startswith("-"))
    page = _positive(args, "page", errors) or 1
    per_page = _positive(args, "per_page", errors) or PER_PAGE[0]
    if per_page not in PER_PAGE and not any(e.argument == "per_page" for e in errors):
        errors.append(
            FilterError(
                "per_page",
                "invalid_choice",
                N_("Unknown page size '%(value)s'; choose one of: %(choices)s."),
                {"value": str(per_page), "choices": ", ".join(map(str, PER_PAGE))},
            )
        )
    if errors:
        raise InvalidFilters(errors)
    return Paging(sort, page, per_page)
