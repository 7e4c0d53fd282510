"""The dashboard's table of open incidents: a fixed number of SQL statements whatever the number of open incidents,
the next deadline of each (a window function), a page at a time; and the 12-month figures kept for a short while."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from incidents.breaches.models import Incident, Obligation
from incidents.core.instants import utcnow
from incidents.dashboard import figures
from incidents.extensions import db
from incidents.parties.models import Controller

from ..support.html import TableParser


@contextmanager
def counted():
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def statements_of_the_dashboard(client) -> int:
    with counted() as seen:
        response = client.get("/")
    assert response.status_code == 200
    return len(seen)


def references(response) -> list[str]:
    parser = TableParser("dashboard")
    parser.feed(response.get_data(as_text=True))
    return [attrs["data-reference"] for attrs, _cells in parser.rows]


@pytest.fixture
def contracts(make_contract, make_controller):
    """Three contracts of two controllers, with different clocks (24 h, 72 h and the GDPR's own)."""
    north, south = make_controller(name="Kliniek Noord"), make_controller(name="Huisartsen Zuid")
    return [
        make_contract("boz-72h", controller=north),
        make_contract("boz-24h", controller=south),
        make_contract("gdpr-art33", controller=north),
    ]


@pytest.fixture
def open_incidents(log_incident, contracts):
    """open_incidents(n): n more open incidents, aware between 1 and 60 hours ago, on one to three contracts."""
    made: list[Incident] = []

    def make(n: int) -> list[Incident]:
        now = utcnow()
        for _ in range(n):
            i = len(made)
            made.append(log_incident(contracts[: 1 + i % 3], now - timedelta(hours=1 + (i * 7) % 60), now=now))
        return made

    return make


def test_the_same_number_of_statements_for_5_and_for_60_open_incidents(app, logged_in, open_incidents):
    app.config["DASHBOARD_METRICS_SECONDS"] = 0  # the 12-month figures worked out on every view, both times
    open_incidents(5)
    few = statements_of_the_dashboard(logged_in)
    open_incidents(55)
    many = statements_of_the_dashboard(logged_in)
    assert few == many
    app.config["DASHBOARD_METRICS_SECONDS"] = 60
    statements_of_the_dashboard(logged_in)
    assert statements_of_the_dashboard(logged_in) == many - 3  # the three 12-month queries, kept


def test_open_incidents_by_next_deadline_a_page_at_a_time(logged_in, open_incidents):
    made = open_incidents(55)
    first = logged_in.get("/")
    second = logged_in.get("/?page=2")
    shown = references(first) + references(second)
    assert len(references(first)) == 50 and len(shown) == 55

    def next_due(incident: Incident):
        return db.session.scalar(
            select(Obligation.due_at)
            .where(Obligation.incident_id == incident.id, Obligation.status == "running")
            .order_by(Obligation.due_at)
            .limit(1)
        )

    expected = sorted(made, key=lambda i: (next_due(i) is None, next_due(i), i.aware_at, i.id))
    assert shown == [i.reference for i in expected]
    html = second.get_data(as_text=True)
    assert re.search(r'id="dashboard-position"[^>]*>\s*51–55 van 55\s*<', html)
    assert 'rel="prev"' in html and 'id="stat-open"><strong>55</strong>' in html


def test_the_most_urgent_deadline_names_its_kind_and_controller(logged_in, open_incidents):
    made = open_incidents(6)
    html = logged_in.get("/?lang=en").get_data(as_text=True)
    for incident in made:
        kind, controller = db.session.execute(
            select(Obligation.kind, Controller.name)
            .join(Controller, Controller.id == Obligation.controller_id)
            .where(Obligation.incident_id == incident.id, Obligation.status == "running")
            .order_by(Obligation.due_at, Obligation.id)
            .limit(1)
        ).one()
        row = re.search(r'data-reference="' + incident.reference + r'".*?</tr>', html, re.S)
        assert row, incident.reference
        assert controller in row.group(0)
        assert {"controller_notice": "Notice to controller"}.get(kind, "") in row.group(0)


def test_a_bad_page_number_is_a_clear_400(logged_in, open_incidents):
    open_incidents(2)
    response = logged_in.get("/?page=nul")
    assert response.status_code == 400
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert "'nul' is geen paginanummer." in html
    assert len(references(response)) == 2  # and the first page below it


def test_the_twelve_month_figures_are_kept_for_the_configured_seconds(app, contracts, log_incident):
    app.config["DASHBOARD_METRICS_SECONDS"] = 60
    now = utcnow().replace(microsecond=0)
    first = figures.twelve_months(now)
    log_incident(contracts[:1], now - timedelta(days=40), kind="letter_lost", now=now)
    assert figures.twelve_months(now + timedelta(seconds=59)) is first  # kept: not counted yet
    later = figures.twelve_months(now + timedelta(seconds=60))
    assert later.kinds.counts["letter_lost"] == first.kinds.counts["letter_lost"] + 1
    app.config["DASHBOARD_METRICS_SECONDS"] = 0
    assert figures.twelve_months(later.computed_at) is not later


def test_a_new_month_works_the_figures_out_anew(app):
    app.config["DASHBOARD_METRICS_SECONDS"] = 3600
    end_of_march = datetime(2026, 3, 31, 21, 59, 50, tzinfo=UTC)  # 23:59:50 in Amsterdam (CEST)
    march = figures.twelve_months(end_of_march)
    april = figures.twelve_months(end_of_march + timedelta(seconds=20))
    assert april is not march
    assert (march.months[-1].month.month, april.months[-1].month.month) == (3, 4)


def test_the_page_says_how_old_the_figures_are(logged_in):
    html = logged_in.get("/").get_data(as_text=True)
    assert re.search(r'id="metrics-as-of"[^>]*>Cijfers over de laatste 12 maanden, stand van \d\d-\d\d-\d{4} ', html)
