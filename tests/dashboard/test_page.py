"""The metrics section of the dashboard: the figures, and an SVG chart whose bars match them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from incidents.breaches import service
from incidents.core.instants import LOCAL_ZONE, utcnow
from incidents.dashboard import charts, metrics
from incidents.extensions import db

SVG = "{http://www.w3.org/2000/svg}"


def metrics_section(client) -> ET.Element:
    """The section as an element tree (it is well-formed markup); English, whatever the catalogue holds."""
    html = client.get("/?lang=en").get_data(as_text=True)
    found = re.search(r'<section id="metrics".*?</section>', html, re.S)
    assert found, "no metrics section on the dashboard"
    markup = found.group(0)
    # The app is going to a strict CSP: no inline styles or scripts here.
    assert "style=" not in markup and "<script" not in markup
    return ET.fromstring(markup)  # noqa: S314 (our own page, parsed in a test)


def by_id(tree: ET.Element, ident: str) -> ET.Element:
    found = tree.find(f".//*[@id='{ident}']")
    assert found is not None, ident
    return found


def text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def mid_month(now, months_back: int):
    """11:00 Amsterdam time on the 12th of a month before the current one: far from any month boundary."""
    local = now.astimezone(LOCAL_ZONE)
    index = local.year * 12 + local.month - 1 - months_back
    return local.replace(
        year=index // 12, month=index % 12 + 1, day=12, hour=11, minute=0, second=0, microsecond=0
    ).astimezone(now.tzinfo)


@pytest.fixture
def history(app, make_contract, log_incident, notify):
    """Two months ago: 2 notices on time, 1 late; last month: 1 on time, 1 late. Kinds and a dismissal."""
    now = utcnow()
    contract = make_contract("gdpr-art33")
    two, one = mid_month(now, 2), mid_month(now, 1)
    for start, delay in ((two, 2), (two, 3), (two, 30), (one, 1), (one, 40)):
        incident = log_incident([contract], start, kind="letter_lost" if delay < 10 else "cc_not_bcc", now=now)
        notify(incident, contract, start + timedelta(hours=delay), now=now)
    open_one = log_incident([contract], now - timedelta(hours=2), kind="letter_lost", now=now)  # due in 22 h
    gone = log_incident([contract], now - timedelta(hours=2), now=now)
    service.dismiss(gone, "Geen persoonsgegevens", now=now)
    db.session.commit()
    return {"two": two, "one": one, "open": open_one}


def test_dashboard_shows_the_metrics(logged_in, history):
    tree = metrics_section(logged_in)

    # The chart: one group per month, its numbers, and bars whose heights are proportional to them.
    svg = by_id(tree, "on-time-chart")
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    groups = svg.findall(f"{SVG}g")
    assert len(groups) == 12
    figures = {g.get("data-month"): (int(g.get("data-met")), int(g.get("data-missed"))) for g in groups}
    two, one = history["two"].strftime("%Y-%m"), history["one"].strftime("%Y-%m")
    assert figures[two] == (2, 1) and figures[one] == (1, 1)
    assert sum(met + missed for met, missed in figures.values()) == 5
    scale = charts.PLOT / 3  # the fullest month (3 decided) fills the plot
    for group in groups:
        met, missed = figures[group.get("data-month")]
        heights = {r.get("class"): float(r.get("height")) for r in group.findall(f"{SVG}rect")}
        assert heights.get("bar-met", 0) == pytest.approx(met * scale, abs=0.01)
        assert heights.get("bar-missed", 0) == pytest.approx(missed * scale, abs=0.01)
        assert group.find(f"{SVG}title") is not None
    assert text(svg.find(f"{SVG}g[@data-month='{two}']/{SVG}title")).endswith("2 on time, 1 missed (67%)")

    # The same numbers as a table.
    rows = {
        r.get("data-month"): [text(td) for td in r.findall("td")]
        for r in by_id(tree, "on-time-table").findall("tbody/tr")
    }
    assert len(rows) == 12
    assert rows[two][1:] == ["2", "1", "67%"] and rows[one][1:] == ["1", "1", "50%"]
    assert all(cells[1:] == ["0", "0", "—"] for month, cells in rows.items() if month not in (two, one))

    # Median over the five first notices: 1, 2, 3, 30, 40 hours.
    median = by_id(tree, "metric-median")
    assert "3 h 00 min" in text(median)
    assert median.find(".//*[@data-pairs='5']") is not None

    # Open obligations: the five notified incidents have AP clocks (72 h from the notice) long overdue; the
    # incident logged two hours ago has its notice due in 22 h and its AP clock waiting for a notice.
    urgency = {dd.get("data-urgency-count"): int(text(dd)) for dd in by_id(tree, "metric-urgency").iter("dd")}
    assert urgency == {"missed": 5, "due_soon": 0, "later": 1, "pending": 1}

    kinds = {
        r.get("data-kind"): (text(r.findall("td")[0]), int(text(r.findall("td")[1])))
        for r in by_id(tree, "kinds-table").findall("tbody/tr")
    }
    assert kinds == {"letter_lost": ("Letter lost", 4), "cc_not_bcc": ("CC instead of BCC", 2)}
    widths = {
        r.get("data-kind"): float(r.find(f".//{SVG}rect").get("width"))
        for r in by_id(tree, "kinds-table").findall("tbody/tr")
    }
    assert widths == {"letter_lost": charts.KIND_BAR_WIDTH, "cc_not_bcc": charts.KIND_BAR_WIDTH / 2}
    assert by_id(tree, "kinds-dismissed").get("data-dismissed") == "1"


def test_page_figures_match_the_queries(logged_in, history):
    tree = metrics_section(logged_in)
    now = utcnow()
    expected = metrics.notices_on_time(now)
    shown = by_id(tree, "on-time-chart").findall(f"{SVG}g")
    assert [(g.get("data-month"), int(g.get("data-met")), int(g.get("data-missed"))) for g in shown] == [
        (m.month.strftime("%Y-%m"), m.met, m.missed) for m in expected
    ]


def test_empty_database_shows_the_section(logged_in):
    tree = metrics_section(logged_in)
    assert text(by_id(tree, "metrics-heading")) == "Metrics"
    svg = by_id(tree, "on-time-chart")
    assert len(svg.findall(f"{SVG}g")) == 12
    assert svg.findall(f".//{SVG}rect") == []
    assert all(text(r.findall("td")[3]) == "—" for r in by_id(tree, "on-time-table").findall("tbody/tr"))
    assert text(by_id(tree, "metric-median").find(".//p")) == "—"
    assert all(text(dd) == "0" for dd in by_id(tree, "metric-urgency").iter("dd"))
    assert "No incidents." in text(by_id(tree, "kinds-table"))
    assert by_id(tree, "kinds-dismissed").get("data-dismissed") == "0"


def test_dutch_dashboard_renders(logged_in, history):
    html = logged_in.get("/?lang=nl").get_data(as_text=True)
    assert 'id="on-time-chart"' in html and 'data-pairs="5"' in html


def test_an_incident_suspected_for_longer_than_the_alert_time_is_flagged(app, logged_in, make_contract, monkeypatch):
    contract = make_contract("citodent")
    now = utcnow()
    for hours, status in ((30, "suspected"), (2, "suspected"), (30, "confirmed")):
        service.create_incident(
            title=f"{status} {hours}", aware_at=now - timedelta(hours=hours), status=status, contract_ids=[contract.id]
        )
    service.create_incident(title="zonder contract", aware_at=now - timedelta(hours=50), contract_ids=[])
    db.session.commit()
    html = logged_in.get("/").get_data(as_text=True)
    stat = re.search(
        r'<div class="stat warn" id="stat-long-suspected"><strong>(\d+)</strong><a href="([^"]+)">([^<]+)</a>', html
    )
    assert stat is not None, html[:2000]
    assert stat.groups() == ("2", "/incidents/?status=suspected", "langer dan 24 u vermoed")
    monkeypatch.setitem(app.config, "SUSPECTED_ALERT_HOURS", 60)
    html = logged_in.get("/").get_data(as_text=True)
    assert '<div class="stat" id="stat-long-suspected"><strong>0</strong>' in html
