"""The clock engine against every clock rule in docs/API.md. Expected instants are literal UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from incidents.core.clock import (
    DUE_SOON,
    AffectedContract,
    FilingFact,
    IncidentFacts,
    compute_deadlines,
    effective_status,
    obligation_key,
    urgency,
)
from incidents.core.profiles import ClauseProfile, ObligationRule, load_profiles

PROFILE_DIR = Path(__file__).resolve().parents[2] / "config" / "profiles"
AMS = ZoneInfo("Europe/Amsterdam")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


AWARE = utc(2026, 3, 27, 9, 0)  # 10:00 CET
CONFIRMED = utc(2026, 3, 27, 13, 0)  # 14:00 CET


@pytest.fixture(scope="module")
def profiles() -> dict[str, ClauseProfile]:
    return load_profiles(PROFILE_DIR)


def hand_profile(
    *rules: tuple[str, str, int, str],
    key: str = "hand",
    files_with_ap: bool = False,
    ap_clause: str = "AVG art. 33 lid 1",
) -> ClauseProfile:
    if not rules:
        rules = (("controller_notice", "within", 72, "confirmed"),)
    return ClauseProfile(
        key=key,
        title="Hand-built",
        source="test",
        article="art. 1",
        obligations=tuple(
            ObligationRule(kind=k, mode=m, hours=h, trigger=t, clause=f"Clause {i}", wording=f"wording {i}")
            for i, (k, m, h, t) in enumerate(rules, start=1)
        ),
        required_fields=("nature",),
        processor_files_with_ap=files_with_ap,
        processor_may_inform_data_subjects=files_with_ap,
        ap_clause=ap_clause,
    )


def confirmed(aware=AWARE, at=CONFIRMED) -> IncidentFacts:
    return IncidentFacts(status="confirmed", aware_at=aware, confirmed_at=at)


def suspected(aware=AWARE) -> IncidentFacts:
    return IncidentFacts(status="suspected", aware_at=aware, confirmed_at=None)


def dismissed(aware=AWARE, at=CONFIRMED) -> IncidentFacts:
    return IncidentFacts(status="dismissed", aware_at=aware, confirmed_at=at)


def contract(contract_id: int, controller_id: int, profile: ClauseProfile) -> AffectedContract:
    return AffectedContract(contract_id=contract_id, controller_id=controller_id, profile=profile)


def notice(fid: int, contract_id: int, at: datetime) -> FilingFact:
    return FilingFact(id=fid, kind="controller_notice", at=at, contract_id=contract_id)


def consultation(fid: int, contract_id: int, at: datetime) -> FilingFact:
    return FilingFact(id=fid, kind="controller_consultation", at=at, contract_id=contract_id)


def ap_filing(fid: int, controller_id: int, at: datetime) -> FilingFact:
    return FilingFact(id=fid, kind="ap_notification", at=at, controller_id=controller_id)


def by_key(deadlines) -> dict:
    result = {d.key: d for d in deadlines}
    assert len(result) == len(deadlines), "obligation keys must be unique"
    return result


# --- obligation keys and order ---------------------------------------------------------------------------


def test_obligation_key_format():
    assert obligation_key("controller_notice", 3, 2) == "controller_notice:contract:3"
    assert obligation_key("controller_consultation", 3, 2) == "controller_consultation:contract:3"
    assert obligation_key("ap_notification", None, 2) == "ap_notification:controller:2"


def test_one_set_of_obligations_per_contract_and_one_ap_per_controller(profiles):
    deadlines = compute_deadlines(
        confirmed(),
        [
            contract(1, 10, profiles["boz-72h"]),
            contract(2, 10, profiles["doctolib"]),
            contract(3, 20, profiles["gdpr-art33"]),
        ],
    )
    assert [d.key for d in deadlines] == [
        "controller_notice:contract:1",
        "controller_consultation:contract:1",
        "controller_notice:contract:2",
        "awareness_notice:contract:2",  # Doctolib 3.2
        "controller_notice:contract:3",
        "ap_notification:controller:10",
        "ap_notification:controller:20",
        "investigation_report:contract:1",  # BOZ 5.4: after its controller's AP clock, which bounds it
    ]
    d = by_key(deadlines)
    notice_2, ap_20 = d["controller_notice:contract:2"], d["ap_notification:controller:20"]
    assert (notice_2.contract_id, notice_2.controller_id) == (2, 10)
    assert (ap_20.contract_id, ap_20.controller_id) == (None, 20)


def test_no_contracts_no_obligations():
    assert compute_deadlines(confirmed(), []) == []


# --- controller_notice: start and due --------------------------------------------------------------------


def test_confirmed_trigger_starts_at_confirmed_at(profiles):
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["doctolib"])]))["controller_notice:contract:1"]
    assert d.kind == "controller_notice"
    assert d.owner == "processor"
    assert d.clause == "Art. 4.1"
    assert "onverwijld" in d.wording
    assert d.hours == 24
    assert d.starts_at == utc(2026, 3, 27, 13, 0)
    assert d.due_at == utc(2026, 3, 28, 13, 0)
    assert d.status == "running"
    assert d.met_at is None
    assert d.filing_id is None


@pytest.mark.parametrize("key", ["doctolib", "addendum-gegevensbescherming", "gdpr-art33", "boz-72h", "boz-24h"])
def test_confirmed_trigger_is_pending_with_null_times_while_suspected(profiles, key):
    deadlines = compute_deadlines(suspected(), [contract(1, 10, profiles[key])])
    # (a notice owed from awareness, Doctolib 3.2, runs: test_clock_truth.py)
    contract_obligations = [d for d in deadlines if d.contract_id == 1 and d.kind != "awareness_notice"]
    assert contract_obligations
    for d in contract_obligations:
        assert d.status == "pending"
        assert d.starts_at is None
        assert d.due_at is None


def test_suspected_trigger_starts_at_aware_at_while_suspected(profiles):
    d = by_key(compute_deadlines(suspected(), [contract(1, 10, profiles["citodent"])]))["awareness_notice:contract:1"]
    assert d.starts_at == utc(2026, 3, 27, 9, 0)
    assert d.due_at == utc(2026, 3, 28, 9, 0)
    assert d.status == "running"
    assert d.clause == "Art. 6.2"


def test_suspected_trigger_keeps_aware_at_after_confirmation(profiles):
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["citodent"])]))["awareness_notice:contract:1"]
    assert d.starts_at == utc(2026, 3, 27, 9, 0)
    assert d.due_at == utc(2026, 3, 28, 9, 0)


def test_per_rule_trigger_is_honoured():
    profile = hand_profile(
        ("controller_notice", "within", 10, "suspected"), ("controller_consultation", "within", 20, "confirmed")
    )
    d = by_key(compute_deadlines(suspected(), [contract(1, 10, profile)]))
    assert d["controller_notice:contract:1"].starts_at == utc(2026, 3, 27, 9, 0)
    assert d["controller_notice:contract:1"].due_at == utc(2026, 3, 27, 19, 0)
    assert d["controller_consultation:contract:1"].status == "pending"
    assert d["controller_consultation:contract:1"].due_at is None


@pytest.mark.parametrize(
    ("key", "confirmed_at", "due"),
    [
        # 72 h across spring forward (29-03-2026): 14:00 CET Friday -> 15:00 CEST Monday = 13:00Z
        ("boz-72h", datetime(2026, 3, 27, 14, 0, tzinfo=AMS), utc(2026, 3, 30, 13, 0)),
        # 24 h across spring forward: 12:00 CET Saturday -> 13:00 CEST Sunday
        ("boz-24h", datetime(2026, 3, 28, 12, 0, tzinfo=AMS), utc(2026, 3, 29, 11, 0)),
        # 24 h across fall back (25-10-2026): 10:00 CEST Saturday -> 09:00 CET Sunday
        ("doctolib", datetime(2026, 10, 24, 10, 0, tzinfo=AMS), utc(2026, 10, 25, 8, 0)),
        # 72 h across fall back
        ("boz-72h", utc(2026, 10, 23, 12, 0), utc(2026, 10, 26, 12, 0)),
        # over a year end and a leap day
        ("boz-72h", utc(2027, 12, 30, 22, 15), utc(2028, 1, 2, 22, 15)),
        ("gdpr-art33", utc(2028, 2, 28, 23, 59, 59), utc(2028, 2, 29, 23, 59, 59)),
    ],
)
def test_due_is_start_plus_elapsed_hours(profiles, key, confirmed_at, due):
    incident = IncidentFacts(status="confirmed", aware_at=confirmed_at - timedelta(hours=1), confirmed_at=confirmed_at)
    d = by_key(compute_deadlines(incident, [contract(1, 10, profiles[key])]))["controller_notice:contract:1"]
    assert d.starts_at == confirmed_at
    assert d.due_at == due
    assert d.due_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("hours", "due"), [(1, utc(2026, 3, 27, 14, 0)), (8760, utc(2027, 3, 27, 13, 0))])
def test_hand_built_hours_extremes(hours, due):
    profile = hand_profile(("controller_notice", "within", hours, "confirmed"))
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profile)]))["controller_notice:contract:1"]
    assert d.hours == hours
    assert d.due_at == due


def test_target_hours_override_moves_the_deadline():
    overridden = load_profiles(PROFILE_DIR, target_hours={"doctolib": 4})
    deadlines = compute_deadlines(confirmed(), [contract(1, 10, overridden["doctolib"])])
    d = by_key(deadlines)["controller_notice:contract:1"]
    assert d.hours == 4
    assert d.due_at == utc(2026, 3, 27, 17, 0)


# --- controller_consultation ---------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "due"), [("boz-72h", utc(2026, 3, 30, 13, 0)), ("boz-24h", utc(2026, 3, 28, 13, 0))])
def test_boz_consultation(profiles, key, due):
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles[key])]))["controller_consultation:contract:1"]
    assert d.kind == "controller_consultation"
    assert d.owner == "processor"
    assert d.clause == "Art. 5.3"
    assert d.starts_at == utc(2026, 3, 27, 13, 0)
    assert d.due_at == due
    assert d.status == "running"


@pytest.mark.parametrize("key", ["doctolib", "addendum-gegevensbescherming", "citodent", "gdpr-art33"])
def test_no_consultation_for_other_profiles(profiles, key):
    deadlines = compute_deadlines(confirmed(), [contract(1, 10, profiles[key])])
    assert all(d.kind != "controller_consultation" for d in deadlines)


def test_consultation_has_its_own_hours():
    profile = hand_profile(
        ("controller_notice", "within", 24, "confirmed"), ("controller_consultation", "within", 48, "confirmed")
    )
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profile)]))
    assert d["controller_notice:contract:1"].due_at == utc(2026, 3, 28, 13, 0)
    assert d["controller_consultation:contract:1"].due_at == utc(2026, 3, 29, 13, 0)
    assert d["controller_consultation:contract:1"].hours == 48


def test_consultation_is_fulfilled_only_by_a_consultation_filing(profiles):
    deadlines = by_key(
        compute_deadlines(confirmed(), [contract(1, 10, profiles["boz-72h"])], [notice(1, 1, utc(2026, 3, 27, 15, 0))])
    )
    assert deadlines["controller_notice:contract:1"].status == "met"
    assert deadlines["controller_consultation:contract:1"].status == "running"
    deadlines = by_key(
        compute_deadlines(
            confirmed(), [contract(1, 10, profiles["boz-72h"])], [consultation(2, 1, utc(2026, 3, 27, 16, 0))]
        )
    )
    assert deadlines["controller_notice:contract:1"].status == "running"
    assert deadlines["controller_consultation:contract:1"].status == "met"
    assert deadlines["controller_consultation:contract:1"].met_at == utc(2026, 3, 27, 16, 0)
    assert deadlines["controller_consultation:contract:1"].filing_id == 2


# --- ap_notification -----------------------------------------------------------------------------------


def test_ap_is_owned_by_the_controller_and_pending_without_a_notice(profiles):
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["doctolib"])]))["ap_notification:controller:10"]
    assert d.kind == "ap_notification"
    assert d.owner == "controller"
    assert d.contract_id is None
    assert d.controller_id == 10
    assert d.hours == 72
    assert d.clause == "AVG art. 33 lid 1"
    assert d.status == "pending"
    assert d.starts_at is None
    assert d.due_at is None


def test_ap_starts_at_the_notice_when_it_follows_confirmation(profiles):
    filings = [notice(1, 1, utc(2026, 3, 27, 16, 30))]
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["doctolib"])], filings))
    ap = d["ap_notification:controller:10"]
    assert ap.starts_at == utc(2026, 3, 27, 16, 30)
    assert ap.due_at == utc(2026, 3, 30, 16, 30)  # 72 h later, across spring forward
    assert ap.status == "running"


def test_a_notice_of_the_suspicion_does_not_start_the_controllers_ap_clock():
    # a suspected-trigger contract of a controller who files himself: the notice goes out while still suspected
    profile = hand_profile(("controller_notice", "immediate", 24, "suspected"))
    filings = [notice(1, 1, utc(2026, 3, 27, 10, 0))]
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profile)], filings))
    assert d["controller_notice:contract:1"].status == "met"  # the suspicion was reported, as that duty asks
    ap = d["ap_notification:controller:10"]
    assert ap.owner == "controller"
    # the controller knows of a suspicion, not of a breach: its clock waits for the notice of the established breach
    assert (ap.starts_at, ap.due_at, ap.status) == (None, None, "pending")
    established = [*filings, notice(2, 1, utc(2026, 3, 27, 16, 0))]
    ap = by_key(compute_deadlines(confirmed(), [contract(1, 10, profile)], established))[
        "ap_notification:controller:10"
    ]
    assert (ap.starts_at, ap.due_at, ap.status) == (utc(2026, 3, 27, 16, 0), utc(2026, 3, 30, 16, 0), "running")


def test_ap_pending_while_suspected_even_with_a_notice():
    profile = hand_profile(("controller_notice", "immediate", 24, "suspected"))
    filings = [notice(1, 1, utc(2026, 3, 27, 10, 0))]
    d = by_key(compute_deadlines(suspected(), [contract(1, 10, profile)], filings))
    assert d["controller_notice:contract:1"].status == "met"
    ap = d["ap_notification:controller:10"]
    assert ap.status == "pending"
    assert (ap.starts_at, ap.due_at) == (None, None)


def test_ap_starts_at_the_earliest_notice_for_any_of_the_controllers_contracts(profiles):
    contracts = [
        contract(1, 10, profiles["doctolib"]),
        contract(2, 10, profiles["boz-72h"]),
        contract(3, 20, profiles["gdpr-art33"]),
    ]
    filings = [
        notice(1, 1, utc(2026, 3, 28, 9, 0)),
        notice(2, 2, utc(2026, 3, 27, 18, 0)),  # earliest for controller 10
        notice(3, 1, utc(2026, 3, 27, 20, 0)),
        notice(4, 3, utc(2026, 3, 27, 14, 0)),  # controller 20's own; does not count for 10
    ]
    d = by_key(compute_deadlines(confirmed(), contracts, filings))
    assert d["ap_notification:controller:10"].starts_at == utc(2026, 3, 27, 18, 0)
    assert d["ap_notification:controller:10"].due_at == utc(2026, 3, 30, 18, 0)
    assert d["ap_notification:controller:20"].starts_at == utc(2026, 3, 27, 14, 0)
    assert d["ap_notification:controller:20"].due_at == utc(2026, 3, 30, 14, 0)


def test_notice_to_another_controller_does_not_start_the_ap(profiles):
    contracts = [contract(1, 10, profiles["doctolib"]), contract(2, 20, profiles["doctolib"])]
    d = by_key(compute_deadlines(confirmed(), contracts, [notice(1, 2, utc(2026, 3, 27, 15, 0))]))
    assert d["ap_notification:controller:10"].status == "pending"
    assert d["ap_notification:controller:20"].status == "running"


def test_a_consultation_filing_does_not_make_the_controller_aware(profiles):
    filings = [consultation(1, 1, utc(2026, 3, 27, 15, 0))]
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["boz-72h"])], filings))
    assert d["ap_notification:controller:10"].status == "pending"
    assert d["ap_notification:controller:10"].starts_at is None


def test_ap_72h_across_fall_back(profiles):
    incident = confirmed(aware=utc(2026, 10, 23, 8, 0), at=utc(2026, 10, 23, 12, 0))
    filings = [notice(1, 1, utc(2026, 10, 24, 6, 0))]  # 08:00 CEST Saturday
    ap = by_key(compute_deadlines(incident, [contract(1, 10, profiles["boz-24h"])], filings))[
        "ap_notification:controller:10"
    ]
    assert ap.starts_at == utc(2026, 10, 24, 6, 0)
    assert ap.due_at == utc(2026, 10, 27, 6, 0)  # 07:00 CET Tuesday


def test_processor_files_with_ap_owner_processor_starts_at_confirmation(profiles):
    deadlines = compute_deadlines(confirmed(), [contract(1, 10, profiles["citodent"])])
    ap = by_key(deadlines)["ap_notification:controller:10"]
    assert ap.owner == "processor"
    # the 72 hours are the law's; the contract is why the processor files
    assert (ap.clause, ap.owner_basis) == ("AVG art. 33 lid 1", "Art. 6.1")
    assert ap.starts_at == utc(2026, 3, 27, 13, 0)
    assert ap.due_at == utc(2026, 3, 30, 13, 0)
    assert ap.status == "running"


def test_processor_files_with_ap_ignores_the_notice_time(profiles):
    filings = [notice(1, 1, utc(2026, 3, 27, 20, 0))]
    ap = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["citodent"])], filings))[
        "ap_notification:controller:10"
    ]
    assert ap.starts_at == utc(2026, 3, 27, 13, 0)


def test_processor_files_with_ap_pending_while_suspected(profiles):
    d = by_key(compute_deadlines(suspected(), [contract(1, 10, profiles["citodent"])]))
    assert d["awareness_notice:contract:1"].status == "running"
    ap = d["ap_notification:controller:10"]
    assert ap.owner == "processor"
    assert ap.status == "pending"
    assert (ap.starts_at, ap.due_at) == (None, None)


AP10 = "ap_notification:controller:10"


def test_contracts_that_disagree_about_who_files_leave_it_with_the_controller_showing_both_clauses(profiles):
    # Citodent 6.1: the processor reports to the AP; Doctolib 4.3: that is for the controller to decide
    contracts = [
        contract(1, 10, profiles["doctolib"]),
        contract(2, 10, profiles["citodent"]),
        contract(3, 20, profiles["doctolib"]),
    ]
    d = by_key(compute_deadlines(confirmed(), contracts))
    ap = d["ap_notification:controller:10"]
    assert (ap.owner, ap.clause, ap.starts_at) == ("controller", "AVG art. 33 lid 1", None)
    assert [(clause, says) for clause, _wording, says in ap.owner_conflict] == [
        ("Art. 6.1", "processor"),
        ("Art. 4.3", "controller"),
    ]
    assert d["ap_notification:controller:20"].owner_conflict == ()
    # Citodent beside a contract without such a reservation (AVG art. 33(2) only): the processor files
    alone = by_key(
        compute_deadlines(confirmed(), [contract(1, 10, profiles["gdpr-art33"]), contract(2, 10, profiles["citodent"])])
    )
    assert (alone[AP10].owner, alone[AP10].owner_conflict) == ("processor", ())


def test_hand_built_filer_profile_uses_its_ap_clause():
    profile = hand_profile(files_with_ap=True, ap_clause="Art. 9.9")
    ap = by_key(compute_deadlines(confirmed(), [contract(1, 10, profile)]))["ap_notification:controller:10"]
    assert (ap.owner, ap.owner_basis, ap.starts_at) == ("processor", "Art. 9.9", utc(2026, 3, 27, 13, 0))


# --- status: met / missed at the boundary ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed", "status"),
    [
        (utc(2026, 3, 27, 13, 0), "met"),  # the moment the clock starts
        (utc(2026, 3, 28, 12, 59, 59), "met"),
        (utc(2026, 3, 28, 13, 0), "met"),  # exactly at due_at
        (utc(2026, 3, 28, 13, 0, 1), "missed"),  # one second late
        (utc(2026, 4, 2, 9, 0), "missed"),
    ],
)
def test_controller_notice_met_or_missed(profiles, filed, status):
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["doctolib"])], [notice(7, 1, filed)]))[
        "controller_notice:contract:1"
    ]
    assert d.status == status
    assert d.met_at == filed
    assert d.filing_id == 7
    assert d.due_at == utc(2026, 3, 28, 13, 0)


@pytest.mark.parametrize(
    ("filed", "status"),
    [(utc(2026, 3, 30, 13, 0), "met"), (utc(2026, 3, 30, 13, 0, 1), "missed")],
)
def test_ap_notification_met_or_missed_at_the_boundary(profiles, filed, status):
    ap = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["citodent"])], [ap_filing(5, 10, filed)]))[
        "ap_notification:controller:10"
    ]
    assert ap.due_at == utc(2026, 3, 30, 13, 0)
    assert ap.status == status
    assert ap.met_at == filed
    assert ap.filing_id == 5


def test_consultation_boundary(profiles):
    due = utc(2026, 3, 28, 13, 0)
    on_time = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["boz-24h"])], [consultation(1, 1, due)]))
    late = by_key(
        compute_deadlines(
            confirmed(), [contract(1, 10, profiles["boz-24h"])], [consultation(1, 1, due + timedelta(seconds=1))]
        )
    )
    assert on_time["controller_consultation:contract:1"].status == "met"
    assert late["controller_consultation:contract:1"].status == "missed"


def test_running_past_due_is_missed_through_effective_status(profiles):
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["doctolib"])]))["controller_notice:contract:1"]
    assert d.status == "running"
    assert effective_status(d.status, d.due_at, utc(2026, 3, 28, 13, 0)) == "running"
    assert effective_status(d.status, d.due_at, utc(2026, 3, 28, 13, 0, 1)) == "missed"


# --- effective_status -------------------------------------------------------------------------------------

DUE = utc(2026, 3, 28, 13, 0)


@pytest.mark.parametrize(
    ("status", "due_at", "now", "expected"),
    [
        ("running", DUE, DUE - timedelta(hours=10), "running"),
        ("running", DUE, DUE, "running"),
        ("running", DUE, DUE + timedelta(seconds=1), "missed"),
        ("running", DUE, DUE + timedelta(days=30), "missed"),
        ("running", None, DUE, "running"),
        ("pending", None, DUE + timedelta(days=30), "pending"),
        ("met", DUE, DUE + timedelta(days=30), "met"),
        ("missed", DUE, DUE - timedelta(hours=1), "missed"),
        ("ended", DUE, DUE + timedelta(days=30), "ended"),
        ("not_required", DUE, DUE + timedelta(days=30), "not_required"),
    ],
)
def test_effective_status(status, due_at, now, expected):
    assert effective_status(status, due_at, now) == expected


def test_effective_status_compares_instants_not_wall_clocks():
    due = datetime(2026, 3, 28, 14, 0, tzinfo=AMS)  # = 13:00Z
    assert effective_status("running", due, utc(2026, 3, 28, 13, 0)) == "running"
    assert effective_status("running", due, utc(2026, 3, 28, 13, 0, 1)) == "missed"


# --- dismissed ------------------------------------------------------------------------------------------


def test_dismissed_open_obligations_end_and_met_ones_stay_met(profiles):
    contracts = [contract(1, 10, profiles["boz-72h"]), contract(2, 20, profiles["citodent"])]
    filings = [notice(1, 1, utc(2026, 3, 27, 15, 0)), ap_filing(2, 20, utc(2026, 3, 28, 9, 0))]
    d = by_key(compute_deadlines(dismissed(), contracts, filings))
    assert d["controller_notice:contract:1"].status == "met"
    assert d["controller_notice:contract:1"].met_at == utc(2026, 3, 27, 15, 0)
    assert d["controller_consultation:contract:1"].status == "ended"
    assert d["ap_notification:controller:10"].status == "ended"  # was running (notice filed)
    assert d["controller_notice:contract:2"].status == "ended"
    assert d["ap_notification:controller:20"].status == "met"


def test_dismissed_while_suspected_pending_obligations_end(profiles):
    incident = IncidentFacts(status="dismissed", aware_at=AWARE, confirmed_at=None)
    deadlines = compute_deadlines(incident, [contract(1, 10, profiles["boz-24h"])])
    assert {d.status for d in deadlines} == {"ended"}


def test_dismissed_past_due_is_ended_not_missed(profiles):
    d = by_key(compute_deadlines(dismissed(), [contract(1, 10, profiles["doctolib"])]))["controller_notice:contract:1"]
    assert d.status == "ended"
    assert effective_status(d.status, d.due_at, utc(2026, 4, 30, 0, 0)) == "ended"
    assert urgency(d.status, d.due_at, utc(2026, 4, 30, 0, 0)) == "ended"


def test_dismissed_takes_precedence_over_a_no_decision(profiles):
    filings = [notice(1, 1, utc(2026, 3, 27, 15, 0))]
    ap = by_key(compute_deadlines(dismissed(), [contract(1, 10, profiles["doctolib"])], filings, {10: "no"}))[
        "ap_notification:controller:10"
    ]
    assert ap.status == "ended"


# --- decisions ------------------------------------------------------------------------------------------


def test_no_decision_makes_the_ap_not_required(profiles):
    contracts = [contract(1, 10, profiles["doctolib"]), contract(2, 20, profiles["doctolib"])]
    filings = [notice(1, 1, utc(2026, 3, 27, 15, 0)), notice(2, 2, utc(2026, 3, 27, 15, 0))]
    d = by_key(compute_deadlines(confirmed(), contracts, filings, ap_decisions={10: "no"}))
    assert d["ap_notification:controller:10"].status == "not_required"
    assert d["ap_notification:controller:20"].status == "running"  # another controller's decision
    assert d["controller_notice:contract:1"].status == "met"  # a decision touches only the AP duty


def test_no_decision_while_pending(profiles):
    ap = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["doctolib"])], ap_decisions={10: "no"}))[
        "ap_notification:controller:10"
    ]
    assert ap.status == "not_required"


def test_no_decision_for_a_processor_filed_ap(profiles):
    ap = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["citodent"])], ap_decisions={10: "no"}))[
        "ap_notification:controller:10"
    ]
    assert ap.status == "not_required"


def test_not_required_is_not_turned_into_missed_later(profiles):
    ap = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["citodent"])], ap_decisions={10: "no"}))[
        "ap_notification:controller:10"
    ]
    assert effective_status(ap.status, ap.due_at, utc(2026, 5, 1, 0, 0)) == "not_required"


@pytest.mark.parametrize("latest", ["yes", "needs_info"])
def test_a_later_decision_brings_the_ap_back(profiles, latest):
    contracts = [contract(1, 10, profiles["doctolib"])]
    filings = [notice(1, 1, utc(2026, 3, 27, 15, 0))]
    before = by_key(compute_deadlines(confirmed(), contracts, filings, ap_decisions={10: "no"}))
    after = by_key(compute_deadlines(confirmed(), contracts, filings, ap_decisions={10: latest}))
    assert before["ap_notification:controller:10"].status == "not_required"
    ap = after["ap_notification:controller:10"]
    assert ap.status == "running"
    assert ap.starts_at == utc(2026, 3, 27, 15, 0)
    assert ap.due_at == utc(2026, 3, 30, 15, 0)


# --- earliest filing fulfils ----------------------------------------------------------------------------


def test_earliest_notice_fulfils_whatever_the_input_order(profiles):
    filings = [
        notice(3, 1, utc(2026, 3, 29, 9, 0)),  # late
        notice(1, 1, utc(2026, 3, 28, 8, 0)),  # the earliest, on time
        notice(2, 1, utc(2026, 3, 28, 12, 0)),
    ]
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["doctolib"])], filings))[
        "controller_notice:contract:1"
    ]
    assert d.status == "met"
    assert d.met_at == utc(2026, 3, 28, 8, 0)
    assert d.filing_id == 1


def test_earliest_notice_late_means_missed_even_with_a_later_one(profiles):
    filings = [notice(9, 1, utc(2026, 3, 30, 9, 0)), notice(8, 1, utc(2026, 3, 28, 14, 0))]
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["doctolib"])], filings))[
        "controller_notice:contract:1"
    ]
    assert d.status == "missed"
    assert d.met_at == utc(2026, 3, 28, 14, 0)
    assert d.filing_id == 8


def test_filing_tie_goes_to_the_lower_id(profiles):
    same = utc(2026, 3, 27, 15, 0)
    filings = [notice(12, 1, same), notice(11, 1, same)]
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["doctolib"])], filings))[
        "controller_notice:contract:1"
    ]
    assert d.filing_id == 11


def test_filing_for_another_contract_or_kind_does_not_fulfil(profiles):
    contracts = [contract(1, 10, profiles["doctolib"]), contract(2, 10, profiles["doctolib"])]
    filings = [
        notice(1, 2, utc(2026, 3, 27, 15, 0)),
        consultation(2, 1, utc(2026, 3, 27, 15, 0)),
        ap_filing(3, 10, utc(2026, 3, 27, 16, 0)),
    ]
    d = by_key(compute_deadlines(confirmed(), contracts, filings))
    assert d["controller_notice:contract:1"].status == "running"
    assert d["controller_notice:contract:2"].status == "met"


def test_earliest_ap_filing_for_its_controller_fulfils(profiles):
    contracts = [contract(1, 10, profiles["citodent"]), contract(2, 20, profiles["citodent"])]
    filings = [
        ap_filing(1, 10, utc(2026, 3, 31, 9, 0)),  # late
        ap_filing(2, 10, utc(2026, 3, 29, 9, 0)),  # earliest for 10
        ap_filing(3, 30, utc(2026, 3, 28, 9, 0)),  # some other controller
    ]
    d = by_key(compute_deadlines(confirmed(), contracts, filings))
    assert d["ap_notification:controller:10"].status == "met"
    assert d["ap_notification:controller:10"].filing_id == 2
    assert d["ap_notification:controller:10"].met_at == utc(2026, 3, 29, 9, 0)
    assert d["ap_notification:controller:20"].status == "running"


def test_an_ap_filing_before_the_controllers_clock_started_meets_it_once_it_starts(profiles):
    # a controller that reports to the AP before our notice: nothing was running yet, so nothing is met yet
    filings = [ap_filing(1, 10, utc(2026, 3, 27, 20, 0))]
    contracts = [contract(1, 10, profiles["doctolib"])]
    ap = by_key(compute_deadlines(confirmed(), contracts, filings))["ap_notification:controller:10"]
    assert (ap.status, ap.met_at) == ("pending", None)
    told = [*filings, notice(2, 1, utc(2026, 3, 28, 9, 0))]
    ap = by_key(compute_deadlines(confirmed(), contracts, told))["ap_notification:controller:10"]
    assert (ap.status, ap.met_at, ap.filing_id) == ("met", utc(2026, 3, 27, 20, 0), 1)


# --- frozen deadlines -----------------------------------------------------------------------------------


def test_a_fulfilled_deadline_moves_earlier_with_an_earlier_confirmation_and_may_become_missed(profiles):
    contracts = [contract(1, 10, profiles["doctolib"])]
    filings = [notice(1, 1, utc(2026, 3, 28, 12, 0))]
    first = by_key(compute_deadlines(confirmed(), contracts, filings))["controller_notice:contract:1"]
    assert (first.starts_at, first.due_at, first.status) == (utc(2026, 3, 27, 13, 0), utc(2026, 3, 28, 13, 0), "met")

    # the breach proves to have been established a day earlier: the notice came late, freezing does not hide that
    moved = confirmed(aware=utc(2026, 3, 26, 8, 0), at=utc(2026, 3, 26, 9, 0))
    frozen = {"controller_notice:contract:1": (utc(2026, 3, 27, 13, 0), utc(2026, 3, 28, 13, 0))}
    d = by_key(compute_deadlines(moved, contracts, filings, frozen=frozen))["controller_notice:contract:1"]
    assert (d.starts_at, d.due_at, d.status) == (utc(2026, 3, 26, 9, 0), utc(2026, 3, 27, 9, 0), "missed")
    assert d.met_at == utc(2026, 3, 28, 12, 0)


def test_frozen_ap_deadline_is_kept(profiles):
    contracts = [contract(1, 10, profiles["citodent"])]
    filings = [ap_filing(1, 10, utc(2026, 3, 30, 12, 0))]
    frozen = {"ap_notification:controller:10": (utc(2026, 3, 27, 13, 0), utc(2026, 3, 30, 13, 0))}
    later = confirmed(at=utc(2026, 3, 28, 8, 0))
    ap = by_key(compute_deadlines(later, contracts, filings, frozen=frozen))["ap_notification:controller:10"]
    assert (ap.starts_at, ap.due_at, ap.status) == (utc(2026, 3, 27, 13, 0), utc(2026, 3, 30, 13, 0), "met")


def test_frozen_missed_stays_missed(profiles):
    contracts = [contract(1, 10, profiles["doctolib"])]
    filings = [notice(1, 1, utc(2026, 3, 28, 15, 0))]
    frozen = {"controller_notice:contract:1": (utc(2026, 3, 27, 13, 0), utc(2026, 3, 28, 13, 0))}
    # confirmation moved later, which would otherwise make the notice on time
    later = confirmed(at=utc(2026, 3, 27, 20, 0))
    d = by_key(compute_deadlines(later, contracts, filings, frozen=frozen))["controller_notice:contract:1"]
    assert (d.due_at, d.status) == (utc(2026, 3, 28, 13, 0), "missed")


# --- urgency --------------------------------------------------------------------------------------------


def test_due_soon_window_is_four_hours():
    assert timedelta(hours=4) == DUE_SOON


@pytest.mark.parametrize(
    ("status", "due_at", "now", "expected"),
    [
        ("running", DUE, DUE - timedelta(hours=24), "running"),
        ("running", DUE, DUE - timedelta(hours=4, seconds=1), "running"),
        ("running", DUE, DUE - timedelta(hours=4), "due_soon"),
        ("running", DUE, DUE - timedelta(hours=1), "due_soon"),
        ("running", DUE, DUE - timedelta(seconds=1), "due_soon"),
        ("running", DUE, DUE, "due_soon"),
        ("running", DUE, DUE + timedelta(seconds=1), "missed"),
        ("running", None, DUE, "running"),
        ("missed", DUE, DUE - timedelta(hours=1), "missed"),
        ("met", DUE, DUE - timedelta(hours=1), "met"),
        ("met", DUE, DUE + timedelta(days=1), "met"),
        ("pending", None, DUE, "pending"),
        ("ended", DUE, DUE - timedelta(hours=1), "ended"),
        ("not_required", DUE, DUE - timedelta(hours=1), "not_required"),
    ],
)
def test_urgency(status, due_at, now, expected):
    assert urgency(status, due_at, now) == expected


def test_urgency_of_a_computed_deadline(profiles):
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["doctolib"])]))["controller_notice:contract:1"]
    assert urgency(d.status, d.due_at, utc(2026, 3, 28, 8, 59)) == "running"
    assert urgency(d.status, d.due_at, utc(2026, 3, 28, 9, 0)) == "due_soon"
    assert urgency(d.status, d.due_at, utc(2026, 3, 28, 13, 0, 1)) == "missed"
