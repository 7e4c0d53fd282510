"""The dashboard metrics, on hand-built cases with hand-computed answers and a pinned `now`."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from incidents.breaches import service
from incidents.breaches.models import Incident, Obligation
from incidents.breaches.service import FilingInput
from incidents.core.ap_form import INCIDENT_KINDS
from incidents.core.clock import urgency
from incidents.dashboard import metrics
from incidents.extensions import db
from tests.conftest import MAKER

from ..conftest import utc

NOW = utc(2026, 11, 22, 12, 0)  # Sunday 22 November 2026, 13:00 in Amsterdam (CET)
H = timedelta(hours=1)


# --- notices on time, per Amsterdam month of the deadline -------------------------------------------------


def test_month_window_is_twelve_amsterdam_months(app):
    starts = metrics.month_starts(NOW)
    assert len(starts) == 13
    # Amsterdam midnight: 1 Dec 2025 is CET (UTC+1), 1 Oct 2026 still CEST (UTC+2), 1 Dec 2026 CET again.
    assert starts[0] == utc(2025, 11, 30, 23, 0)
    assert starts[10] == utc(2026, 9, 30, 22, 0)
    assert starts[-1] == utc(2026, 11, 30, 23, 0)


def test_notices_on_time_per_month(app, make_contract, log_incident, notify):
    contract = make_contract("gdpr-art33")  # controller_notice within 24 h of confirmation (plus the AP clock)

    # Out of the window: due 30 Nov 2025 23:30 Amsterdam, filed late.
    old = log_incident([contract], utc(2025, 11, 29, 22, 30))
    notify(old, contract, utc(2025, 12, 2, 9, 0))
    # First month of the window: due 1 Dec 2025 00:30 Amsterdam (30 Nov 23:30 UTC), filed on time.
    first = log_incident([contract], utc(2025, 11, 29, 23, 30))
    notify(first, contract, utc(2025, 11, 30, 8, 0))

    # October 2026: two on time, one late.
    a = log_incident([contract], utc(2026, 10, 5, 10, 0))
    notify(a, contract, utc(2026, 10, 5, 20, 0))
    b = log_incident([contract], utc(2026, 10, 10, 9, 0))
    notify(b, contract, utc(2026, 10, 12, 9, 0))  # 24 h late
    c = log_incident([contract], utc(2026, 10, 30, 22, 30))  # due 31 Oct 23:30 Amsterdam: still October
    notify(c, contract, utc(2026, 10, 31, 22, 0))

    # November 2026: one on time, one never filed and past its deadline (a running obligation read as missed).
    log_incident([contract], utc(2026, 10, 30, 23, 30))  # due 1 Nov 00:30 Amsterdam (31 Oct UTC): November
    e = log_incident([contract], utc(2026, 11, 10, 8, 0))
    notify(e, contract, utc(2026, 11, 10, 12, 0))
    # Not decided: still running, due tomorrow. Not counted either: dismissed (ended) and suspected (pending).
    log_incident([contract], utc(2026, 11, 22, 6, 0), now=NOW)
    dismissed = log_incident([contract], utc(2026, 11, 1, 10, 0))
    service.dismiss(dismissed, "Geen persoonsgegevens", now=utc(2026, 11, 1, 12, 0))
    db.session.commit()
    log_incident([contract], utc(2026, 11, 15, 10, 0), status="suspected")

    months = metrics.notices_on_time(NOW)
    assert [m.month for m in months] == [date(2025, 12, 1)] + [date(2026, n, 1) for n in range(1, 12)]
    figures = {m.month: (m.met, m.missed, m.share_percent) for m in months}
    assert figures[date(2025, 12, 1)] == (1, 0, 100)
    assert figures[date(2026, 10, 1)] == (2, 1, 67)
    assert figures[date(2026, 11, 1)] == (1, 1, 50)
    quiet = [m for m in months if m.month not in (date(2025, 12, 1), date(2026, 10, 1), date(2026, 11, 1))]
    assert len(quiet) == 9 and all((m.met, m.missed, m.share) == (0, 0, None) for m in quiet)
    assert months[-2].share == pytest.approx(200 / 3)

    # A day later the notice due tomorrow has become missed as well, without any write.
    later = {m.month: (m.met, m.missed) for m in metrics.notices_on_time(NOW + 24 * H)}
    assert later[date(2026, 11, 1)] == (1, 2)


# --- median time from awareness to the first notice per (incident, controller) ---------------------------


@pytest.fixture
def notices(app, make_controller, make_contract, log_incident, notify):
    """Pairs (hand-computed): 3 h, 10 h, 1 h 30, 26 h 45; and one incident without any notice."""
    x, y = make_controller(), make_controller()
    x1, x2 = make_contract("gdpr-art33", controller=x), make_contract("gdpr-art33", controller=x)
    y1 = make_contract("gdpr-art33", controller=y)

    one = log_incident([x1, x2, y1], utc(2026, 11, 1, 10, 0))
    t0 = one.aware_at
    service.record_filing(
        one, FilingInput(kind="ap_notification", at=t0 + H, controller_id=x.id, reference="M-1"), now=NOW
    )
    notify(one, x2, t0 + 5 * H)
    notify(one, x1, t0 + 3 * H)  # the earliest notice to X: 3 h
    notify(one, x1, t0 + 20 * H)  # an update later on changes nothing
    notify(one, y1, t0 + 10 * H)  # Y: 10 h

    two = log_incident([x1], utc(2026, 11, 5, 8, 0))
    notify(two, x1, two.aware_at + 90 * timedelta(minutes=1))  # 1 h 30

    log_incident([y1], utc(2026, 11, 8, 8, 0))  # never notified: no pair
    return {"x1": x1, "y1": y1}


def test_median_odd_count(notices):
    result = metrics.median_notice_time(NOW, until=utc(2026, 11, 9))
    assert result.pairs == 3
    assert result.median == 3 * H
    assert result.hours_minutes == (3, 0)


def test_median_even_count(notices, log_incident, notify):
    three = log_incident([notices["y1"]], utc(2026, 11, 10, 0, 0))
    notify(three, notices["y1"], three.aware_at + timedelta(hours=26, minutes=45))
    result = metrics.median_notice_time(NOW)
    assert result.pairs == 4
    assert result.median == timedelta(hours=6, minutes=30)  # (3 h + 10 h) / 2
    assert result.hours_minutes == (6, 30)

    # Within a period: only incidents aware since 3 November, (1 h 30 + 26 h 45) / 2 = 14 h 07 min 30 s.
    period = metrics.median_notice_time(NOW, since=utc(2026, 11, 3))
    assert (period.pairs, period.median) == (2, timedelta(hours=14, minutes=7, seconds=30))
    assert period.hours_minutes == (14, 8)  # half a minute rounds up


def test_median_without_notices(app):
    result = metrics.median_notice_time(NOW)
    assert (result.median, result.pairs, result.hours_minutes) == (None, 0, None)


# --- open obligations by urgency --------------------------------------------------------------------------


def test_open_by_urgency(app, make_contract, log_incident, notify):
    contract = make_contract("gdpr-art33")  # each confirmed incident: a 24 h notice, and an AP clock (pending)
    log_incident([contract], NOW - 30 * H, now=NOW)  # notice due 6 h ago: missed
    log_incident([contract], NOW - 24 * H, now=NOW)  # due exactly now: due within 4 h
    log_incident([contract], NOW - 21 * H, now=NOW)  # due in 3 h
    log_incident([contract], NOW - 20 * H, now=NOW)  # due in exactly 4 h: still "due within 4 h"
    log_incident([contract], NOW - 2 * H, now=NOW)  # due in 22 h: later
    log_incident([contract], NOW - 2 * H, status="suspected", now=NOW)  # notice and AP clock pending
    notified = log_incident([contract], NOW - 10 * H, now=NOW)
    notify(notified, contract, NOW - 9 * H, now=NOW)  # notice met; the AP clock runs until NOW + 63 h: later
    late = log_incident([contract], NOW - 100 * H, now=NOW)
    notify(late, contract, NOW - 50 * H, now=NOW)  # notice missed but settled: not open
    service.record_decision(
        late, controller_id=contract.controller_id, decision_maker=MAKER, notify_ap="no", reason="Geen risico", now=NOW
    )  # AP clock not required
    gone = log_incident([contract], NOW - 30 * H, now=NOW)
    service.dismiss(gone, "Vals alarm", now=NOW)  # obligations ended
    db.session.commit()

    counts = metrics.open_by_urgency(NOW)
    assert (counts.missed, counts.due_soon, counts.later, counts.pending) == (1, 3, 2, 7)
    assert counts.total == 13

    # The same answer as clock.urgency() gives obligation by obligation.
    rows = db.session.execute(
        select(Obligation.status, Obligation.due_at)
        .join(Incident, Incident.id == Obligation.incident_id)
        .where(Incident.status.in_(("suspected", "confirmed")), Obligation.status.in_(("running", "pending")))
    ).all()
    by_clock = Counter(urgency(status, due_at, NOW) for status, due_at in rows)
    assert by_clock == {
        "missed": counts.missed,
        "due_soon": counts.due_soon,
        "running": counts.later,
        "pending": counts.pending,
    }


def test_open_by_urgency_empty(app):
    assert metrics.open_by_urgency(NOW) == metrics.OpenByUrgency(0, 0, 0, 0)


# --- incidents by kind ------------------------------------------------------------------------------------


def test_incidents_by_kind(app, make_contract, log_incident):
    contract = make_contract("gdpr-art33")
    at = NOW - 48 * H
    log_incident([contract], at, kind="email_wrong_recipient", now=NOW)
    log_incident([contract], at, kind="email_wrong_recipient", status="suspected", now=NOW)
    log_incident([contract], at, kind="hacking_malware_phishing", now=NOW)
    log_incident([contract], at, now=NOW)  # no kind given: unknown
    gone = log_incident([contract], at, kind="cc_not_bcc", now=NOW)
    service.dismiss(gone, "Geen persoonsgegevens", now=NOW)
    db.session.commit()
    log_incident([contract], NOW, kind="letter_lost", now=NOW + H)  # logged after `now`: not yet there

    result = metrics.incidents_by_kind(NOW)
    assert list(result.counts) == [*INCIDENT_KINDS, "unknown"]
    assert {k: n for k, n in result.counts.items() if n} == {
        "email_wrong_recipient": 2,
        "hacking_malware_phishing": 1,
        "unknown": 1,
    }
    assert result.dismissed == 1
    assert result.total == 4
    assert metrics.incidents_by_kind(NOW + H).counts["letter_lost"] == 1


def test_incidents_by_kind_empty(app):
    result = metrics.incidents_by_kind(NOW)
    assert result.total == 0 and result.dismissed == 0
    assert set(result.counts) == {*INCIDENT_KINDS, "unknown"}


# --- a fixed number of queries, whatever the data -----------------------------------------------------------


def statements_for_all_metrics() -> int:
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        metrics.notices_on_time(NOW)
        metrics.median_notice_time(NOW)
        metrics.open_by_urgency(NOW)
        metrics.incidents_by_kind(NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_metrics_use_one_query_each(app, make_contract, log_incident, notify):
    assert statements_for_all_metrics() == 4
    contract = make_contract("gdpr-art33")
    for hours in range(30, 90, 6):
        incident = log_incident([contract], NOW - hours * H, kind="letter_lost", now=NOW)
        notify(incident, contract, NOW - (hours - 5) * H, now=NOW)
    assert statements_for_all_metrics() == 4
