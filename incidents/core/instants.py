"""Instants: parse input, refuse what DST makes impossible or ambiguous, format for output.

Everything inside the application is an aware UTC ``datetime``. Input without an offset is
Europe/Amsterdam wall-clock time; a wall-clock time that does not exist (spring forward) or
exists twice (fall back) is refused, never guessed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import pendulum

LOCAL_ZONE_NAME = "Europe/Amsterdam"
LOCAL_ZONE = ZoneInfo(LOCAL_ZONE_NAME)
# Held for the life of the process: pendulum (like zoneinfo) caches a zone only while something refers to it, and
# without this reference every conversion of a short-lived datetime read the zone file from disk again.
LOCAL_PENDULUM_ZONE = pendulum.timezone(LOCAL_ZONE_NAME)
# A date AND a time of day, separated by T or a space, with an optional offset. Anything looser
# (a date with only an offset, another separator) is refused rather than read creatively.
# (datetime.fromisoformat reads an offset's minutes past 59 as more hours, "+01:99" as 2:39: refused here.)
ISO_INSTANT = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:[0-5]\d)?$", re.IGNORECASE
)


class InstantError(ValueError):
    """An instant that cannot be accepted; ``code`` says why, the message says it to a person."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def utcnow() -> datetime:
    """Now, to the whole second: every instant the desk stores is whole seconds, so a status (met at or before the
    deadline) always agrees with the times it shows."""
    return datetime.now(UTC).replace(microsecond=0)


def ensure_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: every instant must carry its offset")
    return value.astimezone(UTC)


def localize(naive: datetime) -> datetime:
    """Attach Amsterdam time to a wall-clock time, refusing DST gaps and overlaps."""
    if naive.tzinfo is not None:
        raise ValueError("localize() takes a naive wall-clock time")
    early = naive.replace(tzinfo=LOCAL_ZONE, fold=0)
    late = naive.replace(tzinfo=LOCAL_ZONE, fold=1)
    shown = naive.strftime("%d-%m-%Y %H:%M")
    if early.utcoffset() != late.utcoffset():
        # Either the clock skipped this wall time or it occurred twice: tell which.
        round_trip = early.astimezone(UTC).astimezone(LOCAL_ZONE).replace(tzinfo=None)
        if round_trip != naive:
            raise InstantError(
                "nonexistent_local_time",
                f"{shown} does not exist in Amsterdam time (the clocks skipped it at the start of "
                "summer time); give the time with its UTC offset",
            )
        raise InstantError(
            "ambiguous_local_time",
            f"{shown} occurred twice in Amsterdam time (the clocks went back at the end of summer "
            "time); give the time with its UTC offset, +02:00 or +01:00",
        )
    return early.astimezone(UTC)


def parse_instant(text: object) -> datetime:
    """Parse ISO 8601 text into an aware UTC datetime (offset-less input is Amsterdam time)."""
    if not isinstance(text, str) or not text.strip():
        raise InstantError("invalid_instant", "expected an ISO 8601 date and time, e.g. 2026-03-27T14:00")
    raw = text.strip()
    if not ISO_INSTANT.match(raw):
        if re.match(r"^\d{4}[-W\d]*([Zz]|[+-]\d{2}(:?\d{2})?)?$", raw):
            raise InstantError("invalid_instant", "a time of day is required, not only a date")
        raise InstantError("invalid_instant", f"'{text[:40]}' is not an ISO 8601 date and time, e.g. 2026-03-27T14:00")
    if raw.endswith(("z", "Z")):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InstantError(
            "invalid_instant", f"'{text[:40]}' is not an ISO 8601 date and time, e.g. 2026-03-27T14:00"
        ) from None
    if not 1900 <= value.year <= 9998:
        raise InstantError("invalid_instant", "the year must lie between 1900 and 9998")
    value = value.replace(microsecond=0)  # to the whole second, as every stored instant (a fraction is dropped)
    if value.tzinfo is None:
        return localize(value)
    return value.astimezone(UTC)


def not_in_future(value: datetime, now: datetime, slack: timedelta = timedelta(minutes=2)) -> bool:
    """True when ``value`` does not lie in the future (a little clock skew is tolerated)."""
    return value <= now + slack


def add_elapsed_hours(start: datetime, hours: int) -> datetime:
    """The instant ``hours`` elapsed hours after ``start`` (DST changes do not stretch a window)."""
    return _add_elapsed(ensure_utc(start), hours)


@lru_cache(maxsize=4096)
def _add_elapsed(start: datetime, hours: int) -> datetime:
    # One incident fans out into thousands of obligations that share a handful of (start, hours)
    # pairs, so the pendulum arithmetic is memoised; the result is a plain UTC datetime.
    moved = pendulum.instance(start).add(hours=hours).in_timezone("UTC")
    return datetime(
        moved.year, moved.month, moved.day, moved.hour, moved.minute, moved.second, moved.microsecond, tzinfo=UTC
    )


def iso_z(value: datetime | None) -> str | None:
    """UTC ISO 8601 with a Z, to the second, as the API promises."""
    if value is None:
        return None
    return _iso_z(value)


@lru_cache(maxsize=4096)
def _iso_z(value: datetime) -> str:
    return ensure_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_local(value: datetime) -> pendulum.DateTime:
    return pendulum.instance(ensure_utc(value)).in_timezone(LOCAL_PENDULUM_ZONE)


def format_local(value: datetime | None, with_zone: bool = True) -> str:
    """Amsterdam wall-clock time for people: 27-03-2026 14:00 CET."""
    if value is None:
        return "—"
    return _format_local(value, with_zone)


@lru_cache(maxsize=4096)
def _format_local(value: datetime, with_zone: bool) -> str:
    local = ensure_utc(value).astimezone(LOCAL_ZONE)  # the standard library's zone: ten times pendulum's speed
    text = local.strftime("%d-%m-%Y %H:%M")
    return f"{text} {local.tzname()}" if with_zone else text


def local_input_value(value: datetime | None) -> str:
    """Value for an HTML datetime-local input, in Amsterdam time."""
    if value is None:
        return ""
    return to_local(value).strftime("%Y-%m-%dT%H:%M")
