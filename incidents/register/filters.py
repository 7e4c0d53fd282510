"""The register's filters, parsed from a query string (web page, exports and API alike).

Every problem is reported, none is guessed: a bad date, a start after the end, an unknown controller,
status or severity (the errors and the date range are incidents/filters.py's).
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
        values = {
            "from": self.date_from,
            "to": self.date_to,
            "controller_id": self.controller_id,
            "status": self.status,
            "severity": self.severity,
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
    if errors:
        raise InvalidFilters(errors)
    return RegisterFilters(date_from, date_to, controller_id, status, severity, controller_name)
