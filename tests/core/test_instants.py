"""Instants: ISO output with Z, refused input, Amsterdam display with CET/CEST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from incidents.core.instants import (
    InstantError,
    add_elapsed_hours,
    ensure_utc,
    format_local,
    iso_z,
    local_input_value,
    localize,
    not_in_future,
    parse_instant,
    utcnow,
)

AMS = ZoneInfo("Europe/Amsterdam")


# --- iso_z -----------------------------------------------------------------------------------------------


def test_iso_z_utc_to_the_second_with_z():
    assert iso_z(datetime(2026, 3, 30, 13, 0, tzinfo=UTC)) == "2026-03-30T13:00:00Z"


def test_iso_z_drops_microseconds():
    assert iso_z(datetime(2026, 1, 1, 1, 2, 3, 999_999, tzinfo=UTC)) == "2026-01-01T01:02:03Z"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 3, 27, 14, 0, tzinfo=AMS), "2026-03-27T13:00:00Z"),  # CET, +01:00
        (datetime(2026, 7, 1, 14, 0, tzinfo=AMS), "2026-07-01T12:00:00Z"),  # CEST, +02:00
        (datetime(2026, 3, 27, 14, 0, tzinfo=timezone(timedelta(hours=-5))), "2026-03-27T19:00:00Z"),
        (datetime(2026, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-1))), "2027-01-01T00:30:00Z"),
    ],
)
def test_iso_z_converts_any_offset_to_utc(value, expected):
    assert iso_z(value) == expected


def test_iso_z_none_is_none():
    assert iso_z(None) is None


def test_iso_z_refuses_naive():
    with pytest.raises(ValueError):
        iso_z(datetime(2026, 3, 27, 14, 0))


# --- parse_instant ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-27T14:00:00+01:00", datetime(2026, 3, 27, 13, 0, tzinfo=UTC)),
        ("2026-03-27T14:00:00Z", datetime(2026, 3, 27, 14, 0, tzinfo=UTC)),
        ("2026-03-27T14:00:00z", datetime(2026, 3, 27, 14, 0, tzinfo=UTC)),
        ("2026-03-27T14:00:00+00:00", datetime(2026, 3, 27, 14, 0, tzinfo=UTC)),
        ("2026-03-27T14:00:00-04:30", datetime(2026, 3, 27, 18, 30, tzinfo=UTC)),
        ("  2026-03-27T14:00Z  ", datetime(2026, 3, 27, 14, 0, tzinfo=UTC)),
        # no offset: Amsterdam wall clock, CET in winter and CEST in summer
        ("2026-03-27T14:00", datetime(2026, 3, 27, 13, 0, tzinfo=UTC)),
        ("2026-03-27T14:00:00", datetime(2026, 3, 27, 13, 0, tzinfo=UTC)),
        ("2026-03-27 14:00", datetime(2026, 3, 27, 13, 0, tzinfo=UTC)),
        ("2026-07-01T14:00", datetime(2026, 7, 1, 12, 0, tzinfo=UTC)),
        ("2026-03-29T01:59:59", datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC)),  # last second of CET
        ("2026-03-29T03:00", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # first second of CEST
        ("2026-10-25T01:59:59", datetime(2026, 10, 24, 23, 59, 59, tzinfo=UTC)),  # before the overlap
        ("2026-10-25T03:00", datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),  # after the overlap, CET
    ],
)
def test_parse_instant_accepts(text, expected):
    parsed = parse_instant(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


def test_parse_instant_returns_utc_tzinfo():
    assert parse_instant("2026-07-01T14:00+02:00").tzinfo == UTC


@pytest.mark.parametrize(
    "text",
    [
        "garbage",
        "yesterday at noon",
        "2026-13-01T10:00",
        "2026-02-30T10:00",
        "2026-03-27T25:00",
        "27-03-2026 14:00",
        "2026-03-27T",
        "2026/03/27 14:00",
        "14:00",
        "2026-03-27T14:00+25:00",
        "2026-03-27T14:00+01:60",  # (datetime.fromisoformat would read it as +02:00)
        "2026-03-27T14:00-00:99",
        "now",
    ],
)
def test_parse_instant_refuses_garbage(text):
    with pytest.raises(InstantError) as info:
        parse_instant(text)
    assert info.value.code == "invalid_instant"
    assert info.value.message
    assert str(info.value) == info.value.message


@pytest.mark.parametrize("text", ["2026-03-27", " 2026-03-27 ", "20260327", "2026-W13-5"])
def test_parse_instant_refuses_date_only(text):
    with pytest.raises(InstantError) as info:
        parse_instant(text)
    assert info.value.code == "invalid_instant"
    assert "time of day" in info.value.message


@pytest.mark.parametrize("text", ["2026-03-27Z", "20260327Z", "2026-03-27+01:00"])
def test_parse_instant_refuses_date_only_with_zone(text):
    with pytest.raises(InstantError) as info:
        parse_instant(text)
    assert info.value.code == "invalid_instant"


@pytest.mark.parametrize(
    "value",
    [
        None,
        0,
        1711540800,
        12.5,
        b"2026-03-27T14:00Z",
        ["2026-03-27T14:00Z"],
        datetime(2026, 3, 27, 14, tzinfo=UTC),
        date(2026, 3, 27),
        {},
    ],
)
def test_parse_instant_refuses_non_strings(value):
    with pytest.raises(InstantError) as info:
        parse_instant(value)
    assert info.value.code == "invalid_instant"


@pytest.mark.parametrize("text", ["", " ", "\t\n"])
def test_parse_instant_refuses_empty(text):
    with pytest.raises(InstantError) as info:
        parse_instant(text)
    assert info.value.code == "invalid_instant"


def test_instant_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_instant("garbage")


def test_parse_instant_refuses_spring_forward_gap():
    with pytest.raises(InstantError) as info:
        parse_instant("2026-03-29T02:30")
    assert info.value.code == "nonexistent_local_time"
    assert "29-03-2026 02:30" in info.value.message


def test_parse_instant_refuses_fall_back_overlap():
    with pytest.raises(InstantError) as info:
        parse_instant("2026-10-25T02:30")
    assert info.value.code == "ambiguous_local_time"
    assert "25-10-2026 02:30" in info.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-29T02:30+01:00", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        ("2026-03-29T02:30Z", datetime(2026, 3, 29, 2, 30, tzinfo=UTC)),
        ("2026-10-25T02:30+02:00", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("2026-10-25T02:30+01:00", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
    ],
)
def test_parse_instant_with_offset_is_fine_at_dst_wall_times(text, expected):
    assert parse_instant(text) == expected


# --- localize / ensure_utc / add_elapsed_hours -------------------------------------------------------------


def test_localize_refuses_aware_input():
    with pytest.raises(ValueError):
        localize(datetime(2026, 3, 27, 14, tzinfo=UTC))


def test_localize_winter_and_summer():
    assert localize(datetime(2026, 1, 15, 12, 0)) == datetime(2026, 1, 15, 11, 0, tzinfo=UTC)
    assert localize(datetime(2026, 8, 15, 12, 0)) == datetime(2026, 8, 15, 10, 0, tzinfo=UTC)


def test_ensure_utc_refuses_naive_and_converts_aware():
    with pytest.raises(ValueError):
        ensure_utc(datetime(2026, 3, 27, 14))
    converted = ensure_utc(datetime(2026, 3, 27, 14, tzinfo=AMS))
    assert converted == datetime(2026, 3, 27, 13, tzinfo=UTC)
    assert converted.utcoffset() == timedelta(0)


def test_add_elapsed_hours_refuses_naive():
    with pytest.raises(ValueError):
        add_elapsed_hours(datetime(2026, 3, 27, 14), 24)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        # 72 h over spring forward: 14:00 CET Friday -> 15:00 CEST Monday, i.e. 13:00Z both ends
        (datetime(2026, 3, 27, 14, tzinfo=AMS), 72, datetime(2026, 3, 30, 13, tzinfo=UTC)),
        # 24 h over fall back: 10:00 CEST Saturday -> 09:00 CET Sunday
        (datetime(2026, 10, 24, 10, tzinfo=AMS), 24, datetime(2026, 10, 25, 8, tzinfo=UTC)),
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), 1, datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), 1, datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        (datetime(2028, 2, 28, 12, tzinfo=UTC), 24, datetime(2028, 2, 29, 12, tzinfo=UTC)),  # leap day
        (datetime(2026, 1, 1, tzinfo=UTC), 8760, datetime(2027, 1, 1, tzinfo=UTC)),
    ],
)
def test_add_elapsed_hours_counts_real_hours(start, hours, expected):
    assert add_elapsed_hours(start, hours) == expected


# --- not_in_future ---------------------------------------------------------------------------------------


def test_not_in_future_tolerates_two_minutes_of_skew():
    now = datetime(2026, 3, 27, 14, 0, tzinfo=UTC)
    assert not_in_future(now - timedelta(days=3), now)
    assert not_in_future(now, now)
    assert not_in_future(now + timedelta(minutes=2), now)
    assert not not_in_future(now + timedelta(minutes=2, seconds=1), now)
    assert not not_in_future(now + timedelta(seconds=1), now, slack=timedelta(0))


# --- format_local / local_input_value -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 3, 27, 13, 0, tzinfo=UTC), "27-03-2026 14:00 CET"),
        (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "01-07-2026 14:00 CEST"),
        (datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC), "29-03-2026 01:59 CET"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29-03-2026 03:00 CEST"),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25-10-2026 02:30 CEST"),  # first 02:30
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25-10-2026 02:30 CET"),  # second 02:30
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "01-01-2027 00:30 CET"),
        (datetime(2026, 7, 1, 14, 0, tzinfo=AMS), "01-07-2026 14:00 CEST"),  # already local
    ],
)
def test_format_local_shows_cet_or_cest(value, expected):
    assert format_local(value) == expected


def test_format_local_without_zone_and_none():
    assert format_local(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), with_zone=False) == "01-07-2026 14:00"
    assert format_local(None) == "—"


def test_format_local_refuses_naive():
    with pytest.raises(ValueError):
        format_local(datetime(2026, 7, 1, 12, 0))


def test_local_input_value():
    assert local_input_value(datetime(2026, 3, 27, 13, 0, tzinfo=UTC)) == "2026-03-27T14:00"
    assert local_input_value(datetime(2026, 7, 1, 12, 0, 59, tzinfo=UTC)) == "2026-07-01T14:00"
    assert local_input_value(None) == ""


def test_instants_are_kept_to_the_whole_second():
    # legal review C11: a filing at .9 s and a deadline at .6 s showed the same second, yet the filing was late
    assert parse_instant("2026-03-27T10:00:00.9Z") == parse_instant("2026-03-27T10:00:00Z")
    assert parse_instant("2026-03-27T11:00:00.999999+01:00").microsecond == 0
    assert utcnow().microsecond == 0
