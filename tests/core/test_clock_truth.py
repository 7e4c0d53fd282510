"""The clock rules that keep a status true in a dispute (issue 13, legal review C1-C3, C7): a duty is met only by a
filing that can fulfil it, freezing never hides lateness, a dismissal ends only what was still open, and a backdated
filing says so."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents.core.clock import FilingFact, IncidentFacts, compute_deadlines
from incidents.core.profiles import FILED_AS, load_profiles

from .test_clock import (
    AWARE,
    CONFIRMED,
    PROFILE_DIR,
    ap_filing,
    by_key,
    confirmed,
    contract,
    dismissed,
    hand_profile,
    notice,
    utc,
)

NOTICE = "controller_notice:contract:1"


@pytest.fixture(scope="module")
def profiles():
    return load_profiles(PROFILE_DIR)


AP = "ap_notification:controller:10"


def test_a_notice_of_the_suspicion_does_not_meet_a_duty_owed_once_the_breach_is_established(profiles):
    # Doctolib 4.1: "elke vastgestelde Inbreuk". Told at 10:00 that something was suspected; confirmed at 13:00.
    contracts = [contract(1, 10, profiles["doctolib"])]
    filings = [notice(1, 1, utc(2026, 3, 27, 10, 0))]
    d = by_key(compute_deadlines(confirmed(), contracts, filings))[NOTICE]
    assert (d.status, d.met_at, d.filing_id) == ("running", None, None)
    # while suspected, the duty has not started and cannot be met
    d = by_key(compute_deadlines(IncidentFacts("suspected", AWARE, None), contracts, filings))[NOTICE]
    assert (d.starts_at, d.status, d.met_at) == (None, "pending", None)
    # the notice of the established breach meets it; the AP clock starts at that notice
    filings.append(notice(2, 1, utc(2026, 3, 27, 15, 30)))
    d = by_key(compute_deadlines(confirmed(), contracts, filings))
    assert (d[NOTICE].status, d[NOTICE].filing_id) == ("met", 2)
    assert (d[AP].starts_at, d[AP].due_at) == (utc(2026, 3, 27, 15, 30), utc(2026, 3, 30, 15, 30))


AWARENESS = "awareness_notice:contract:1"


def test_citodent_owes_the_suspicion_and_the_known_breach_as_two_duties(profiles):
    # 6.2: "Ook bij het vermoeden van een datalek meldt de Verwerker dit als zodanig", from awareness; 6.1: once the
    # leak "bij hem bekend is geworden". A notice of the suspicion meets 6.2 only.
    contracts = [contract(1, 10, profiles["citodent"])]
    suspected = IncidentFacts("suspected", AWARE, None)
    d = by_key(compute_deadlines(suspected, contracts))
    assert (d[AWARENESS].clause, d[AWARENESS].starts_at, d[AWARENESS].status) == ("Art. 6.2", AWARE, "running")
    assert (d[NOTICE].clause, d[NOTICE].starts_at, d[NOTICE].status) == ("Art. 6.1", None, "pending")
    told = [notice(1, 1, utc(2026, 3, 27, 10, 0))]
    d = by_key(compute_deadlines(confirmed(), contracts, told))
    assert (d[AWARENESS].status, d[AWARENESS].filing_id) == ("met", 1)
    assert (d[NOTICE].starts_at, d[NOTICE].status) == (CONFIRMED, "running")
    # the notice of the known breach meets 6.1; 6.2 keeps the earlier notice
    d = by_key(compute_deadlines(confirmed(), contracts, [*told, notice(2, 1, utc(2026, 3, 27, 14, 0))]))
    assert (d[AWARENESS].filing_id, d[NOTICE].filing_id, d[NOTICE].status) == (1, 2, "met")


def test_doctolib_owes_every_security_breach_from_awareness_beside_the_established_breach(profiles):
    # 3.2: "zo snel mogelijk … elke inbreuk op de beveiliging", from awareness; 4.1: "elke vastgestelde Inbreuk"
    contracts = [contract(1, 10, profiles["doctolib"])]
    d = by_key(compute_deadlines(IncidentFacts("suspected", AWARE, None), contracts))
    assert (d[AWARENESS].clause, d[AWARENESS].due_at, d[AWARENESS].status) == (
        "Art. 3.2",
        AWARE + timedelta(hours=24),
        "running",
    )
    assert d[NOTICE].status == "pending"
    # A phone call fulfils neither (4.1: an electronic message or a channel the controller provided)
    call = replace(notice(1, 1, utc(2026, 3, 27, 10, 0)), channel="phone")
    d = by_key(compute_deadlines(IncidentFacts("suspected", AWARE, None), contracts, [call]))
    assert d[AWARENESS].status == "running"
    # A suspicion dismissed after 3.2 ran out leaves it missed
    late = IncidentFacts("dismissed", AWARE, None, dismissed_at=AWARE + timedelta(hours=30))
    assert by_key(compute_deadlines(late, contracts))[AWARENESS].status == "missed"


def test_an_earlier_notice_recorded_later_makes_a_filed_ap_notification_late(profiles):
    # C1: the AP notification is filed within 72 h of the first *recorded* notice; a phone notice made earlier on
    # another contract of the same controller is recorded afterwards. The controller was aware from the earlier one.
    contracts = [contract(1, 10, profiles["doctolib"]), contract(2, 10, profiles["doctolib"])]
    later_notice, ap = notice(1, 1, utc(2026, 3, 27, 20, 0)), ap_filing(2, 10, utc(2026, 3, 30, 19, 0))
    first = by_key(compute_deadlines(confirmed(), contracts, [later_notice, ap]))[AP]
    assert (first.due_at, first.status) == (utc(2026, 3, 30, 20, 0), "met")
    frozen = {AP: (first.starts_at, first.due_at)}
    earlier = notice(3, 2, utc(2026, 3, 27, 13, 0))
    d = by_key(compute_deadlines(confirmed(), contracts, [later_notice, ap, earlier], frozen=frozen))[AP]
    assert (d.starts_at, d.due_at, d.status) == (utc(2026, 3, 27, 13, 0), utc(2026, 3, 30, 13, 0), "missed")


def test_freezing_keeps_a_fulfilled_deadline_from_moving_later(profiles):
    contracts = [contract(1, 10, profiles["doctolib"])]
    filings = [notice(1, 1, utc(2026, 3, 28, 15, 0))]
    frozen = {NOTICE: (CONFIRMED, utc(2026, 3, 28, 13, 0))}
    d = by_key(compute_deadlines(confirmed(at=utc(2026, 3, 27, 20, 0)), contracts, filings, frozen=frozen))[NOTICE]
    assert (d.due_at, d.status) == (utc(2026, 3, 28, 13, 0), "missed")


def test_a_dismissal_ends_only_the_duties_still_open_and_a_missed_one_stays_missed():
    # C3: Citodent 6.2's suspicion notice was due 24 h after awareness and never sent; dismissed a month later
    profile = hand_profile(
        ("controller_notice", "immediate", 24, "suspected"), ("controller_consultation", "within", 72, "suspected")
    )
    contracts = [contract(1, 10, profile)]
    late = IncidentFacts("dismissed", AWARE, None, dismissed_at=AWARE + timedelta(days=30))
    d = by_key(compute_deadlines(late, contracts))
    assert d[NOTICE].status == "missed"
    assert d["controller_consultation:contract:1"].status == "missed"
    assert d[AP].status == "ended"  # never started
    early = IncidentFacts("dismissed", AWARE, None, dismissed_at=AWARE + timedelta(hours=30))
    d = by_key(compute_deadlines(early, contracts))
    assert d[NOTICE].status == "missed"  # due at 24 h, dismissed at 30 h
    assert d["controller_consultation:contract:1"].status == "ended"  # due at 72 h: still open at 30 h


def test_after_a_dismissal_a_filing_fulfils_nothing_more(profiles):
    contracts = [contract(1, 10, profiles["boz-72h"])]
    facts = replace(dismissed(), dismissed_at=utc(2026, 3, 28, 9, 0))
    final = notice(1, 1, utc(2026, 3, 28, 10, 0))  # the notice that the suspicion proved unfounded
    d = by_key(compute_deadlines(facts, contracts, [final]))[NOTICE]
    assert (d.status, d.filing_id) == ("ended", None)


def test_a_backdated_filing_says_so():
    contracts = [contract(1, 10, hand_profile())]
    due = CONFIRMED + timedelta(hours=72)
    on_time = FilingFact(1, "controller_notice", due - timedelta(minutes=1), contract_id=1, recorded_at=due)
    d = by_key(compute_deadlines(confirmed(), contracts, [on_time]))[NOTICE]
    assert (d.status, d.met_recorded_at, d.backdated) == ("met", due, False)  # recorded at the deadline second
    backdated = replace(on_time, recorded_at=due + timedelta(seconds=1))
    d = by_key(compute_deadlines(confirmed(), contracts, [backdated]))[NOTICE]
    assert (d.status, d.met_at, d.met_recorded_at, d.backdated) == (
        "met",
        due - timedelta(minutes=1),
        due + timedelta(seconds=1),
        True,
    )
    late = replace(backdated, at=due + timedelta(seconds=1))
    d = by_key(compute_deadlines(confirmed(), contracts, [late]))[NOTICE]
    assert (d.status, d.backdated) == ("missed", False)


def test_a_filing_by_a_channel_the_contract_does_not_allow_fulfils_nothing():
    by_email = replace(
        hand_profile(), notice_channels=("email",), channel_clause="Art. 2", channel_wording="per e-mail"
    )
    contracts = [contract(1, 10, by_email)]
    phone = FilingFact(1, "controller_notice", CONFIRMED + timedelta(hours=1), contract_id=1, channel="phone")
    d = by_key(compute_deadlines(confirmed(), contracts, [phone]))
    assert (d[NOTICE].status, d[NOTICE].filing_id) == ("running", None)
    assert d[AP].status == "pending"  # nor does it tell the controller


def test_each_deadline_names_the_profile_version_it_was_computed_from(profiles):
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["doctolib"])]))
    assert d[NOTICE].profile_version == d[AP].profile_version == profiles["doctolib"].version
    assert len(profiles["doctolib"].version) == 12


# --- properties ------------------------------------------------------------------------------------------

KINDS = ("controller_notice", "controller_consultation", "ap_notification")
SHIPPED = load_profiles(PROFILE_DIR)


@st.composite
def cases(draw):
    status = draw(st.sampled_from(["suspected", "confirmed", "dismissed"]))
    confirmed_at = None if status == "suspected" else AWARE + timedelta(minutes=draw(st.integers(0, 3000)))
    if status == "dismissed" and draw(st.booleans()):
        confirmed_at = None  # dismissed while still suspected
    dismissed_at = AWARE + timedelta(minutes=draw(st.integers(0, 9000))) if status == "dismissed" else None
    if dismissed_at is not None and confirmed_at is not None:
        dismissed_at = max(dismissed_at, confirmed_at)
    incident = IncidentFacts(status, AWARE, confirmed_at, dismissed_at)
    count = draw(st.integers(1, 4))
    contracts = [
        contract(n, 10 + draw(st.integers(0, 1)), SHIPPED[draw(st.sampled_from(sorted(SHIPPED)))])
        for n in range(1, count + 1)
    ]
    filings = []
    for fid in range(1, draw(st.integers(0, 6)) + 1):
        kind = draw(st.sampled_from(KINDS))
        at = AWARE + timedelta(minutes=draw(st.integers(-60, 7 * 24 * 60)))
        recorded = at + timedelta(minutes=draw(st.integers(0, 5 * 24 * 60)))
        target = draw(st.sampled_from(contracts))
        filings.append(
            FilingFact(
                fid,
                kind,
                at,
                contract_id=None if kind == "ap_notification" else target.contract_id,
                controller_id=target.controller_id,
                recorded_at=recorded,
                channel=draw(st.sampled_from(["email", "email", "phone", "other"])),  # Addendum: e-mail only
            )
        )
    return incident, contracts, filings


def _statuses(deadlines):
    return {d.key: (d.status, d.starts_at, d.due_at, d.met_at, d.filing_id) for d in deadlines}


@given(cases(), st.randoms())
@settings(max_examples=300, deadline=None)
def test_the_order_in_which_the_same_filings_are_recorded_does_not_change_any_status(case, rng):
    incident, contracts, filings = case
    at_once = _statuses(compute_deadlines(incident, contracts, filings))
    order = list(filings)
    rng.shuffle(order)
    frozen: dict = {}
    recorded = []
    for filing in order:  # one at a time, each recompute keeping what the last one stored
        recorded.append(filing)
        deadlines = compute_deadlines(incident, contracts, recorded, frozen=frozen)
        frozen = {d.key: (d.starts_at, d.due_at) for d in deadlines if d.filing_id is not None}
    one_by_one = _statuses(compute_deadlines(incident, contracts, recorded, frozen=frozen))
    assert one_by_one == at_once


@given(cases())
@settings(max_examples=300, deadline=None)
def test_no_duty_is_met_without_a_filing_that_can_fulfil_it_in_time(case):
    incident, contracts, filings = case
    by_id = {f.id: f for f in filings}
    profiles = {c.contract_id: c.profile for c in contracts}
    for d in compute_deadlines(incident, contracts, filings):
        if d.status != "met":
            assert d.status == "missed" or d.filing_id is None
            continue
        filing = by_id[d.filing_id]
        allowed = filing.kind != "controller_notice" or profiles[filing.contract_id].allows(filing.channel)
        assert allowed and filing.kind == FILED_AS.get(d.kind, d.kind)
        assert d.starts_at is not None and d.due_at is not None and filing.at <= d.due_at
        if d.kind != "ap_notification" and d.trigger == "confirmed":
            assert incident.confirmed_at is not None and filing.at >= incident.confirmed_at
        if incident.dismissed_at is not None:
            assert filing.at <= incident.dismissed_at
        assert d.backdated == (filing.recorded_at is not None and filing.recorded_at > d.due_at)


REPORT = "investigation_report:contract:1"


def test_the_investigation_report_is_owed_by_the_controllers_ap_deadline(profiles):
    # BOZ 5.4: "zo spoedig mogelijk … zodat deze tijdig de Autoriteit Persoonsgegevens … kan informeren"
    contracts = [contract(1, 10, profiles["boz-72h"])]
    d = by_key(compute_deadlines(confirmed(), contracts))
    # not told yet: the controller's clock has not started, so 72 h from the established breach count
    assert (d[REPORT].starts_at, d[REPORT].due_at, d[REPORT].limited_by_ap) == (
        CONFIRMED,
        CONFIRMED + timedelta(hours=72),
        False,
    )
    told = [notice(1, 1, utc(2026, 3, 28, 9, 0))]
    d = by_key(compute_deadlines(confirmed(), contracts, told))
    assert (d[REPORT].due_at, d[REPORT].limited_by_ap, d[REPORT].norm) == (d[AP].due_at, True, "internal")
    report = FilingFact(2, "investigation_report", utc(2026, 3, 30, 9, 0), controller_id=10)
    d = by_key(compute_deadlines(confirmed(), contracts, [*told, report]))
    assert (d[REPORT].status, d[REPORT].filing_id) == ("met", 2)
    # a report sent before the breach was established reported on a suspicion: it meets nothing
    early = replace(report, at=utc(2026, 3, 27, 10, 0))
    assert by_key(compute_deadlines(confirmed(), contracts, [*told, early]))[REPORT].status == "running"


def test_the_norm_says_how_the_hours_are_to_be_read(profiles):
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["boz-72h"])]))
    assert d[NOTICE].norm == "outer_limit"  # "onmiddellijk, doch uiterlijk binnen 72 uur"
    assert d[AP].norm == "term"  # AVG art. 33(1): "uiterlijk 72 uur"
    d = by_key(compute_deadlines(confirmed(), [contract(1, 10, profiles["doctolib"])]))
    assert d[NOTICE].norm == "internal"  # "onverwijld": 24 h is our own target, not a contract term


def test_a_contract_found_affected_later_runs_from_when_it_was_established_for_it(profiles):
    later = replace(contract(1, 10, profiles["boz-72h"]), established_at=CONFIRMED + timedelta(days=3))
    d = by_key(compute_deadlines(confirmed(), [later]))
    assert (d[NOTICE].starts_at, d[NOTICE].due_at) == (CONFIRMED + timedelta(days=3), CONFIRMED + timedelta(days=6))
    # a notice between the confirmation and then did not tell of this contract, nor start the controller's clock
    told = [notice(1, 1, CONFIRMED + timedelta(days=1))]
    d = by_key(compute_deadlines(confirmed(), [later], told))
    assert (d[NOTICE].status, d[AP].starts_at) == ("running", None)
    # while suspected nothing confirmed-trigger has started, whatever was recorded
    assert by_key(compute_deadlines(IncidentFacts("suspected", AWARE, None), [later]))[NOTICE].starts_at is None


def test_an_investigation_or_seizure_by_authorities_is_a_boz_breach_in_itself(profiles):
    # BOZ art. 1.2 a: "Inbreuk" is (i) "een onderzoek naar of beslaglegging door overheidsfunctionarissen op de
    # Persoonsgegevens of een vermoeden dat dit gaat plaatsvinden", or (ii) a personal data breach
    seized = AWARE + timedelta(hours=5)
    incident = IncidentFacts("suspected", AWARE, None, authority_action_at=seized)
    contracts = [contract(1, 10, profiles["boz-72h"]), contract(2, 20, profiles["doctolib"])]
    d = by_key(compute_deadlines(incident, contracts))
    assert (d[NOTICE].starts_at, d[NOTICE].due_at) == (seized, seized + timedelta(hours=72))  # BOZ 5.2 runs
    assert d["controller_notice:contract:2"].starts_at is None  # Doctolib counts no such thing
    # it is no personal data breach (yet): the controller's AP clock does not start with a notice of it
    told = [notice(1, 1, seized + timedelta(hours=1))]
    d = by_key(compute_deadlines(incident, contracts, told))
    assert (d[NOTICE].status, d[AP].starts_at) == ("met", None)


def test_a_report_deadline_never_lies_before_its_start_nor_moves_with_a_decision(profiles):
    # review of 2026-12-03: a contract found affected after the controller's AP deadline
    late = replace(contract(2, 10, profiles["boz-72h"]), established_at=CONFIRMED + timedelta(hours=100))
    contracts = [contract(1, 10, profiles["boz-72h"]), late]
    told = [notice(1, 1, CONFIRMED + timedelta(hours=10))]
    d = by_key(compute_deadlines(confirmed(), contracts, told))
    report = d["investigation_report:contract:2"]
    assert report.due_at > report.starts_at and not report.limited_by_ap
    # a decision not to notify the AP leaves the report's outer limit where it was
    first = d[REPORT].due_at
    decided = by_key(compute_deadlines(confirmed(), contracts, told, ap_decisions={10: "no"}))
    assert decided[REPORT].due_at == first


def test_a_filing_contract_added_later_starts_the_processors_clocks_when_it_was_added(profiles):
    added = CONFIRMED + timedelta(hours=100)
    late = replace(contract(1, 10, profiles["citodent"]), established_at=added)
    d = by_key(compute_deadlines(confirmed(), [late]))
    assert d[AWARENESS].starts_at == added and d[AP].starts_at == added
