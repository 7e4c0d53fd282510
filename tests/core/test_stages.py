"""The clocks of a regime's stages (core/stages.py): NIS2's 24 h, 72 h and one month, per stage, across DST and the
end of a month; a stage on request; the Algemene termijnenwet shown beside, never instead."""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents.core.regimes import load_regimes
from incidents.core.stages import (
    ClassificationFact,
    StageFiling,
    StageRequest,
    add_months,
    stage_deadlines,
    working_day_extension,
)

AMS = ZoneInfo("Europe/Amsterdam")
REGIMES = load_regimes(Path(__file__).resolve().parents[2] / "config" / "regimes")
NIS2 = REGIMES["nis2"]


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMS).astimezone(UTC)


def significant(at: datetime) -> ClassificationFact:
    return ClassificationFact("yes", at, at)


def by_key(deadlines):
    return {d.key: d for d in deadlines}


def test_nothing_runs_before_a_classification_and_no_makes_them_not_required():
    assert {d.status for d in stage_deadlines(NIS2, None)} == {"pending"}
    maybe = ClassificationFact("needs_info", None, ams(2027, 1, 5, 9))
    assert {d.status for d in stage_deadlines(NIS2, maybe)} == {"pending"}
    no = ClassificationFact("no", None, ams(2027, 1, 5, 9))
    assert {d.status for d in stage_deadlines(NIS2, no)} == {"not_required"}


def test_early_warning_and_notification_count_elapsed_hours_across_the_spring_change():
    # Saturday 27 March 2027 10:00 CET; the clocks go forward in the night to Sunday
    since = ams(2027, 3, 27, 10)
    found = by_key(stage_deadlines(NIS2, significant(since)))
    assert found["early_warning"].due_at == since + timedelta(hours=24)
    assert found["early_warning"].due_at.astimezone(AMS).hour == 11  # 24 real hours: 11:00 summer time
    assert found["notification"].due_at == since + timedelta(hours=72)
    assert found["early_warning"].status == found["notification"].status == "running"


def test_the_final_report_runs_provisionally_from_the_notification_deadline_until_it_is_filed():
    since = ams(2027, 1, 28, 9)  # notification due 31 January 09:00
    found = by_key(stage_deadlines(NIS2, significant(since)))
    final = found["final_report"]
    assert final.provisional and final.starts_at == ams(2027, 1, 31, 9)
    assert final.due_at == ams(2027, 2, 28, 9)  # 31 January + one month: the last day of February
    filed = StageFiling(7, "notification", ams(2027, 1, 29, 16, 30))
    found = by_key(stage_deadlines(NIS2, significant(since), [filed]))
    assert found["notification"].status == "met" and found["notification"].filing_id == 7
    final = found["final_report"]
    assert not final.provisional and final.starts_at == filed.at
    assert final.due_at == ams(2027, 2, 28, 16, 30)  # 29 January + one month: 28 February (2027 is no leap year)


def test_a_month_in_a_leap_year_and_across_the_summer_time_change():
    assert add_months(ams(2028, 1, 31, 9), 1) == ams(2028, 2, 29, 9)
    assert add_months(ams(2027, 3, 15, 9), 1) == ams(2027, 4, 15, 9)  # the wall time: 743 real hours, not 744
    assert add_months(ams(2027, 10, 15, 9), 1) == ams(2027, 11, 15, 9)


def test_a_month_ending_in_the_skipped_hour_ends_when_the_clock_jumps_and_in_the_doubled_hour_at_the_first():
    # 28 February 2027 02:30 CET + one month = 28 March 02:30, which does not exist: the clocks jump at 02:00 CET
    assert add_months(ams(2027, 2, 28, 2, 30), 1) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    # 25 September 2026 02:30 CEST + one month = 25 October 02:30, which happens twice: the first (summer time)
    assert add_months(ams(2026, 9, 25, 2, 30), 1) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_late_filing_is_missed_and_the_status_never_claims_more():
    since = ams(2027, 2, 1, 9)
    late = StageFiling(1, "early_warning", since + timedelta(hours=24, seconds=1))
    found = by_key(stage_deadlines(NIS2, significant(since), [late]))
    assert found["early_warning"].status == "missed"
    on_time = StageFiling(2, "early_warning", since + timedelta(hours=24))
    found = by_key(stage_deadlines(NIS2, significant(since), [on_time, late]))
    assert found["early_warning"].status == "met" and found["early_warning"].filing_id == 2


def test_a_filing_recorded_after_the_deadline_with_a_time_before_it_is_flagged():
    since = ams(2027, 2, 1, 9)
    backdated = StageFiling(1, "early_warning", since + timedelta(hours=2), recorded_at=since + timedelta(hours=30))
    found = by_key(stage_deadlines(NIS2, significant(since), [backdated]))
    assert found["early_warning"].status == "met" and found["early_warning"].backdated


def test_an_intermediate_report_runs_per_request_to_the_deadline_the_request_set():
    since = ams(2027, 2, 1, 9)
    first = StageRequest(3, "intermediate_report", ams(2027, 2, 5, 10), ams(2027, 2, 8, 17))
    second = StageRequest(4, "intermediate_report", ams(2027, 2, 10, 10), ams(2027, 2, 12, 17))
    report = StageFiling(9, "intermediate_report", ams(2027, 2, 8, 12))
    found = by_key(stage_deadlines(NIS2, significant(since), [report], [second, first]))
    assert found["intermediate_report:3"].status == "met" and found["intermediate_report:3"].filing_id == 9
    assert found["intermediate_report:4"].status == "running"
    assert found["intermediate_report:4"].due_at == ams(2027, 2, 12, 17)
    assert "intermediate_report" not in found  # no request, no duty


def test_the_telecom_supplement_runs_three_days_from_the_first_notification():
    telecom = REGIMES["telecommunicatiewet"]
    since = ams(2027, 6, 1, 8)
    filed = StageFiling(1, "notification", ams(2027, 6, 1, 20))
    found = by_key(stage_deadlines(telecom, significant(since), [filed]))
    assert found["notification"].due_at == since + timedelta(hours=24)
    assert found["supplement"].starts_at == filed.at and found["supplement"].due_at == filed.at + timedelta(hours=72)


def test_the_algemene_termijnenwet_is_shown_beside_a_month_ending_on_a_weekend_or_holiday():
    rule = "algemene-termijnenwet"
    # Sunday 28 March 2027 is Easter Sunday and Monday 29 March Easter Monday: the next working day is Tuesday
    assert working_day_extension(ams(2027, 3, 28, 9), rule) == ams(2027, 3, 30, 23, 59, 59)
    assert working_day_extension(ams(2027, 4, 27, 9), rule) == ams(2027, 4, 28, 23, 59, 59)  # Koningsdag
    assert working_day_extension(ams(2027, 3, 31, 9), rule) is None  # a Wednesday
    assert working_day_extension(ams(2027, 3, 28, 9), "") is None
    since = ams(2027, 2, 25, 9)  # notification filed Sunday 28 February: the report due Sunday 28 March
    filed = StageFiling(1, "notification", ams(2027, 2, 28, 9))
    final = by_key(stage_deadlines(NIS2, significant(since), [filed]))["final_report"]
    assert final.due_at == ams(2027, 3, 28, 9)  # the deadline itself does not move
    assert final.extended_to == ams(2027, 3, 30, 23, 59, 59)


instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 1), timezones=st.just(UTC)).map(
    lambda d: d.replace(microsecond=0)
)


@settings(max_examples=300, deadline=None)
@given(start=instants, months=st.integers(min_value=1, max_value=24))
def test_a_month_keeps_the_wall_clock_and_the_day_or_the_month_s_last_day(start, months):
    due = add_months(start, months)
    local, due_local = start.astimezone(AMS), due.astimezone(AMS)
    index = local.year * 12 + local.month - 1 + months
    year, month = divmod(index, 12)
    assert (due_local.year, due_local.month) == (year, month + 1)
    assert due_local.day == min(local.day, monthrange(year, month + 1)[1])
    # the same wall time, unless it does not exist that day (then never later than the hour the clock skipped)
    wall, due_wall = local.time().replace(tzinfo=None), due_local.time().replace(tzinfo=None)
    assert due_wall == wall or (due_wall.hour == 3 and wall.hour == 2 and due_wall.minute == 0)
    assert due > start


@settings(max_examples=300, deadline=None)
@given(since=instants)
def test_early_warning_and_notification_are_24_and_72_real_hours_after_the_classification(since):
    found = by_key(stage_deadlines(NIS2, significant(since)))
    assert found["early_warning"].due_at - since == timedelta(hours=24)
    assert found["notification"].due_at - since == timedelta(hours=72)
    assert found["final_report"].due_at >= since + timedelta(hours=72 + 24 * 28 - 1)
    assert found["early_warning"].due_at < found["notification"].due_at < found["final_report"].due_at


@pytest.mark.parametrize("answer", ["no", "needs_info"])
def test_a_filing_without_a_classification_yes_meets_nothing(answer):
    fact = ClassificationFact(answer, None, ams(2027, 1, 5, 9))
    found = stage_deadlines(NIS2, fact, [StageFiling(1, "early_warning", ams(2027, 1, 5, 10))])
    assert all(d.status != "met" for d in found)


# --- what a filing can fulfil, and what a change of classification may do (the second review of issue 15) ---


def test_a_filing_before_the_stage_started_fulfils_nothing():
    since = ams(2027, 2, 3, 9)
    early = StageFiling(1, "early_warning", since - timedelta(hours=1))
    found = by_key(stage_deadlines(NIS2, significant(since), [early]))
    assert found["early_warning"].status == "running" and found["early_warning"].filing_id is None


def test_a_final_report_filed_before_the_notification_fulfils_nothing():
    since = ams(2027, 2, 3, 9)
    final = StageFiling(1, "final_report", ams(2027, 2, 4, 9))
    found = by_key(stage_deadlines(NIS2, significant(since), [final]))
    assert found["final_report"].provisional and found["final_report"].status == "running"
    notification = StageFiling(2, "notification", ams(2027, 2, 5, 9))  # filed after the "final report"
    found = by_key(stage_deadlines(NIS2, significant(since), [final, notification]))
    assert found["final_report"].starts_at == notification.at and found["final_report"].status == "running"


def test_no_after_yes_keeps_an_overdue_stage_missed_and_ends_the_others():
    since = ams(2027, 2, 3, 9)
    no = ClassificationFact("no", None, since + timedelta(hours=30), earlier_yes_at=since)
    found = by_key(stage_deadlines(NIS2, no))
    assert found["early_warning"].status == "missed"  # its 24 h had passed when "no" was decided
    assert found["notification"].status == "not_required" and found["final_report"].status == "not_required"
    filed = StageFiling(1, "early_warning", since + timedelta(hours=3))
    assert by_key(stage_deadlines(NIS2, no, [filed]))["early_warning"].status == "met"


def test_a_request_runs_whatever_the_classification_and_a_report_answers_the_request_it_names():
    first = StageRequest(3, "intermediate_report", ams(2027, 2, 5, 10), ams(2027, 2, 7, 17))
    second = StageRequest(4, "intermediate_report", ams(2027, 2, 8, 10), ams(2027, 2, 12, 17))
    report = StageFiling(9, "intermediate_report", ams(2027, 2, 11, 12), request_id=4)
    for fact in (None, ClassificationFact("needs_info", None, ams(2027, 2, 5, 9))):
        found = by_key(stage_deadlines(NIS2, fact, [report], [first, second]))
        assert found["intermediate_report:4"].status == "met"
        assert found["intermediate_report:3"].status == "running"  # unanswered: overdue once its deadline passed


def test_a_conditional_stage_recorded_as_not_needed_is_not_required():
    telecom = REGIMES["telecommunicatiewet"]
    since = ams(2027, 6, 1, 8)
    filed = StageFiling(1, "notification", ams(2027, 6, 1, 20))
    found = by_key(stage_deadlines(telecom, significant(since), [filed], not_needed=["supplement"]))
    assert found["supplement"].status == "not_required"
    # an unconditional stage cannot be waived
    assert (
        by_key(stage_deadlines(NIS2, significant(since), not_needed=["early_warning"]))["early_warning"].status
        == "running"
    )


def test_the_algemene_termijnenwet_days_are_its_own_not_the_calendar_s():
    rule = "algemene-termijnenwet"
    assert working_day_extension(ams(2027, 3, 26, 9), rule) is None  # Good Friday: not named in art. 3
    assert working_day_extension(ams(2026, 5, 5, 9), rule) == ams(2026, 5, 6, 23, 59, 59)  # 5 May, every year
