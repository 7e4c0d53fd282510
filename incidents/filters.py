"""Filters read from a query string, as the register and the access log take them: the error they report, the
date range ("from" and "to", whole Europe/Amsterdam days) and its bounds in UTC.

Every problem is reported, none is guessed. Messages are msgids (marked with N_ for extraction); the web
translates them, the API answers in English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .core.instants import localize

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def N_(message: str) -> str:  # noqa: N802 (the conventional marker for babel extraction)
    return message


@dataclass(frozen=True)
class FilterError:
    argument: str  # the query-string argument it is about: "from", "status", …
    code: str
    message: str  # a msgid with %(name)s placeholders
    params: dict = field(default_factory=dict)

    def english(self) -> str:
        return self.message % self.params


class InvalidFilters(ValueError):
    def __init__(self, errors: list[FilterError]):
        super().__init__("; ".join(e.english() for e in errors))
        self.errors = errors


def shown(value: str) -> str:
    """A refused value as an error message quotes it: at most 40 characters."""
    return value if len(value) <= 40 else value[:40] + "…"


def parse_date(args: Mapping[str, str], name: str, errors: list[FilterError]) -> date | None:
    """The argument as a YYYY-MM-DD date, None when it is empty; a bad date is added to ``errors``."""
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
        errors.append(
            FilterError(name, "invalid_date", N_("'%(value)s' is not a date; use YYYY-MM-DD."), {"value": shown(raw)})
        )
        return None
    return parsed


def parse_period(args: Mapping[str, str], errors: list[FilterError]) -> tuple[date | None, date | None]:
    """The "from" and "to" dates; a start after the end is added to ``errors``."""
    date_from, date_to = parse_date(args, "from", errors), parse_date(args, "to", errors)
    if date_from and date_to and date_from > date_to:
        errors.append(
            FilterError(
                "from",
                "invalid_period",
                N_("The start date %(start)s lies after the end date %(end)s."),
                {"start": date_from.isoformat(), "end": date_to.isoformat()},
            )
        )
    return date_from, date_to


def bounds(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC: from the start of the first Amsterdam day to the start of the day after the last."""
    start = localize(datetime.combine(date_from, time())) if date_from else None
    end = localize(datetime.combine(date_to + timedelta(days=1), time())) if date_to else None
    return start, end
