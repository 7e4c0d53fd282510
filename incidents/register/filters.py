"""The register's filters, parsed from a query string (web page, exports and API alike).

Every problem is reported, none is guessed: a bad date, a start after the end, an unknown controller,
status or severity. Messages are msgids (marked with N_ for extraction); the web translates them, the
API answers in English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..breaches.models import INCIDENT_STATUSES
from ..core.instants import localize
from ..core.severity import AP_SEVERITY
from ..extensions import db
from ..parties.models import Controller
from ..validation import parse_id

SEVERITIES = (*AP_SEVERITY.values(), "none")  # "none": no severity assessment recorded
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def N_(message: str) -> str:  # noqa: N802 (the conventional marker for babel extraction)
    return message


@dataclass(frozen=True)
class FilterError:
    field: str
    code: str
    message: str  # a msgid with %(name)s placeholders
    params: dict = field(default_factory=dict)

    def english(self) -> str:
        return self.message % self.params


class InvalidFilters(ValueError):
    def __init__(self, errors: list[FilterError]):
        super().__init__("; ".join(e.english() for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class RegisterFilters:
    date_from: date | None = None
    date_to: date | None = None
    controller_id: int | None = None
    status: str | None = None
    severity: str | None = None
    controller_name: str | None = field(default=None, compare=False)

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for links that carry them."""
        values = {"from": self.date_from, "to": self.date_to, "controller_id": self.controller_id,
                  "status": self.status, "severity": self.severity}
        return {k: str(v) for k, v in values.items() if v is not None}

    def aware_bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) in UTC: from the start of the first local day to the start of the day after the last."""
        start = localize(datetime.combine(self.date_from, time())) if self.date_from else None
        end = localize(datetime.combine(self.date_to + timedelta(days=1), time())) if self.date_to else None
        return start, end


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def _date(args: Mapping[str, str], name: str, errors: list[FilterError]) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    parsed = None
    if DATE_PATTERN.match(raw):
        try:
            parsed = date.fromisoformat(raw)
        except ValueError:
            parsed = None
    if parsed is None or not 1900 <= parsed.year <= 9998:
        errors.append(FilterError(name, "invalid_date", N_("'%(value)s' is not a date; use YYYY-MM-DD."),
                                  {"value": _shown(raw)}))
        return None
    return parsed


def _choice(args: Mapping[str, str], name: str, options: tuple[str, ...], message: str,
            errors: list[FilterError]) -> str | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if raw not in options:
        errors.append(FilterError(name, "invalid_choice", message,
                                  {"value": _shown(raw), "choices": ", ".join(options)}))
        return None
    return raw


def parse_filters(args: Mapping[str, str]) -> RegisterFilters:
    """Filters from query-string arguments; empty values mean "no filter". Raises InvalidFilters."""
    errors: list[FilterError] = []
    date_from, date_to = _date(args, "from", errors), _date(args, "to", errors)
    if date_from and date_to and date_from > date_to:
        message = N_("The start date %(start)s lies after the end date %(end)s.")
        errors.append(FilterError("from", "invalid_period", message,
                                  {"start": date_from.isoformat(), "end": date_to.isoformat()}))
    controller_id, controller_name = None, None
    raw = (args.get("controller_id") or "").strip()
    if raw:
        controller_id = parse_id(raw)
        controller = db.session.get(Controller, controller_id) if controller_id else None
        if controller is None:
            errors.append(FilterError("controller_id", "unknown_controller",
                                      N_("There is no controller with id '%(value)s'."), {"value": _shown(raw)}))
        else:
            controller_name = controller.name
    status = _choice(args, "status", INCIDENT_STATUSES,
                     N_("Unknown status '%(value)s'; choose one of: %(choices)s."), errors)
    severity = _choice(args, "severity", SEVERITIES,
                       N_("Unknown severity '%(value)s'; choose one of: %(choices)s."), errors)
    if errors:
        raise InvalidFilters(errors)
    return RegisterFilters(date_from, date_to, controller_id, status, severity, controller_name)
