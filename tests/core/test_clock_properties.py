"""Property tests: elapsed-hour windows over DST changes, and Amsterdam wall-clock input.

The oracle is the standard library (zoneinfo, timedelta on UTC datetimes), never the code under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from incidents.core.clock import AffectedContract, IncidentFacts, compute_deadlines
from incidents.core.instants import InstantError, add_elapsed_hours, parse_instant
from incidents.core.profiles import ClauseProfile, ObligationRule

AMS = ZoneInfo("Europe/Amsterdam")
FIXED = [timezone(timedelta(hours=h, minutes=m)) for h, m in ((-11, 0), (-4, -30), (0, 0), (1, 0), (2, 0), (5, 45))]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

years = st.integers(min_value=2000, max_value=2100)
hours = st.integers(min_value=1, max_value=8760)


def last_sunday(year: int, month: int) -> date:
    last = date(year, month, 31)  # March and October both have 31 days
    return last - timedelta(days=(last.weekday() + 1) % 7)


def gap_or_fold(naive: datetime) -> str:
    """'gap', 'fold' or 'plain', decided by zoneinfo alone (PEP 495: fold=0 uses the earlier offset)."""
    early = naive.replace(tzinfo=AMS, fold=0).utcoffset()
    late = naive.replace(tzinfo=AMS, fold=1).utcoffset()
    if early == late:
        return "plain"
    return "gap" if early < late else "fold"


# --- strategies -----------------------------------------------------------------------------------------


@st.composite
def near_dst_instants(draw) -> datetime:
    """An aware instant within +-3 days of an EU transition (01:00 UTC, last Sunday of March/October)."""
    year = draw(years)
    month = draw(st.sampled_from([3, 10]))
    transition = datetime.combine(last_sunday(year, month), time(1, 0), tzinfo=UTC)
    offset = draw(st.integers(min_value=-3 * 86400 * 1_000_000, max_value=3 * 86400 * 1_000_000))
    instant = transition + timedelta(microseconds=offset)
    zone = draw(st.sampled_from([UTC, AMS, *FIXED]))
    return instant.astimezone(zone)


any_instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.sampled_from([UTC, AMS, *FIXED])
)
instants = st.one_of(near_dst_instants(), any_instants)


@st.composite
def near_dst_wall_times(draw) -> datetime:
    """A naive Amsterdam wall-clock time within +-3 days of a DST change, to the second or microsecond."""
    year = draw(years)
    month = draw(st.sampled_from([3, 10]))
    midnight = datetime.combine(last_sunday(year, month), time(0, 0))
    seconds = draw(st.integers(min_value=-3 * 86400, max_value=4 * 86400 - 1))
    micro = draw(st.one_of(st.just(0), st.integers(min_value=0, max_value=999_999)))
    return midnight + timedelta(seconds=seconds, microseconds=micro)


wall_times = st.one_of(
    near_dst_wall_times(), st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31))
)


@st.composite
def transition_hour(draw, month: int) -> datetime:
    """A naive wall time from 02:00:00 to 02:59:59.999999 on the last Sunday of ``month``."""
    day = last_sunday(draw(years), month)
    return datetime.combine(
        day,
        time(2, draw(st.integers(0, 59)), draw(st.integers(0, 59)), draw(st.sampled_from([0, 1, 500_000, 999_999]))),
    )


def within_profile(h: int) -> ClauseProfile:
    return ClauseProfile(
        key="prop",
        title="Property",
        source="test",
        article="art. 1",
        obligations=(ObligationRule("controller_notice", "within", h, "confirmed", "Art. 1", "binnen"),),
        required_fields=(),
        processor_files_with_ap=False,
        processor_may_inform_data_subjects=False,
    )


# --- elapsed hours ----------------------------------------------------------------------------------------


@SETTINGS
@given(start=instants, h=hours)
def test_add_elapsed_hours_is_exactly_h_real_hours(start, h):
    end = add_elapsed_hours(start, h)
    assert end - start == timedelta(hours=h)
    assert end.utcoffset() == timedelta(0)
    # oracle: plain timedelta arithmetic on the UTC instant
    assert end == start.astimezone(UTC) + timedelta(hours=h)


@SETTINGS
@given(start=near_dst_instants(), h=hours)
def test_within_rule_deadline_is_start_plus_elapsed_hours(start, h):
    incident = IncidentFacts(status="confirmed", aware_at=start - timedelta(hours=1), confirmed_at=start)
    affected = AffectedContract(contract_id=1, controller_id=1, profile=within_profile(h))
    [notice] = [d for d in compute_deadlines(incident, [affected]) if d.kind == "controller_notice"]
    assert notice.starts_at == start
    assert notice.due_at == start.astimezone(UTC) + timedelta(hours=h)
    assert notice.due_at - notice.starts_at == timedelta(hours=h)
    assert notice.status == "running"


@SETTINGS
@given(start=near_dst_instants(), h=st.sampled_from([24, 72]))
def test_day_multiples_do_not_follow_the_wall_clock_over_dst(start, h):
    end = add_elapsed_hours(start, h)
    local_start, local_end = start.astimezone(AMS), end.astimezone(AMS)
    shift = local_start.utcoffset() - local_end.utcoffset()
    # the wall clock moves by h hours plus the change in offset, never silently by whole days
    wall = local_end.replace(tzinfo=None) - local_start.replace(tzinfo=None)
    assert wall == timedelta(hours=h) - shift


# --- local input ------------------------------------------------------------------------------------------


@SETTINGS
@given(naive=wall_times)
def test_plain_local_times_round_trip(naive):
    assume(gap_or_fold(naive) == "plain")
    for text in (naive.isoformat(), naive.isoformat(sep=" ")):
        parsed = parse_instant(text)
        assert parsed.utcoffset() == timedelta(0)
        whole = naive.replace(microsecond=0)  # instants are kept to the whole second: a fraction is dropped
        assert parsed.astimezone(AMS).replace(tzinfo=None) == whole
        # oracle: the unique offset zoneinfo gives that wall time
        assert parsed == (whole - naive.replace(tzinfo=AMS).utcoffset()).replace(tzinfo=UTC)


@SETTINGS
@given(naive=transition_hour(3))
def test_every_spring_forward_gap_time_is_nonexistent(naive):
    assert gap_or_fold(naive) == "gap"  # the oracle agrees this wall time was skipped
    with pytest.raises(InstantError) as info:
        parse_instant(naive.isoformat())
    assert info.value.code == "nonexistent_local_time"


@SETTINGS
@given(naive=transition_hour(10))
def test_every_fall_back_overlap_time_is_ambiguous(naive):
    assert gap_or_fold(naive) == "fold"  # the oracle agrees this wall time occurred twice
    with pytest.raises(InstantError) as info:
        parse_instant(naive.isoformat())
    assert info.value.code == "ambiguous_local_time"


@SETTINGS
@given(naive=near_dst_wall_times())
def test_local_time_is_refused_exactly_when_zoneinfo_says_gap_or_fold(naive):
    kind = gap_or_fold(naive)
    if kind == "plain":
        parse_instant(naive.isoformat())
        return
    with pytest.raises(InstantError) as info:
        parse_instant(naive.isoformat())
    assert info.value.code == {"gap": "nonexistent_local_time", "fold": "ambiguous_local_time"}[kind]


@pytest.mark.parametrize("year", [2000, 2026, 2037, 2038, 2099, 2100])
def test_every_minute_of_the_transition_hours_is_refused(year):
    for minute in range(60):
        spring = datetime.combine(last_sunday(year, 3), time(2, minute)).isoformat()
        autumn = datetime.combine(last_sunday(year, 10), time(2, minute)).isoformat()
        with pytest.raises(InstantError) as info:
            parse_instant(spring)
        assert info.value.code == "nonexistent_local_time"
        with pytest.raises(InstantError) as info:
            parse_instant(autumn)
        assert info.value.code == "ambiguous_local_time"
    # and the minutes either side are fine
    for month in (3, 10):
        day = last_sunday(year, month)
        parse_instant(datetime.combine(day, time(1, 59, 59)).isoformat())
        parse_instant(datetime.combine(day, time(3, 0)).isoformat())


@SETTINGS
@given(
    naive=st.one_of(transition_hour(3), transition_hour(10)),
    offset=st.sampled_from([timedelta(0), timedelta(hours=1), timedelta(hours=2), timedelta(hours=-5)]),
    zulu=st.booleans(),
)
def test_explicit_offsets_are_accepted_at_gap_and_fold_wall_times(naive, offset, zulu):
    if zulu and offset == timedelta(0):
        text = naive.isoformat() + "Z"
    else:
        text = naive.replace(tzinfo=timezone(offset)).isoformat()
    assert parse_instant(text) == (naive.replace(microsecond=0) - offset).replace(tzinfo=UTC)
