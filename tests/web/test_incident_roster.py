"""The incident page of a big incident: a summary, then the controllers as a list searched, filtered, sorted and
paged on the server; one controller's deadlines on its own page. The page costs the same few queries and stays
small whatever the number of controllers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from incidents.breaches.service import create_incident
from incidents.core.instants import utcnow
from incidents.extensions import db

from ..support.parties import bulk_parties


@pytest.fixture
def big(app):
    contract_ids = bulk_parties(120, lambda i: "doctolib" if i % 4 == 0 else "boz-72h")
    incident = create_incident(
        title="Storing", aware_at=utcnow() - timedelta(hours=2), status="confirmed", contract_ids=contract_ids
    )
    db.session.commit()
    return incident


def rows(page: str) -> list[str]:
    return re.findall(r'<tr data-controller="(\d+)" data-state="([a-z_]+)"', page)


def test_the_list_is_paged_with_the_summary_above_it(big, logged_in):
    page = logged_in.get(f"/incidents/{big.id}").get_data(as_text=True)
    assert len(rows(page)) == 50
    assert "1–50 van 120 verwerkingsverantwoordelijken" in page
    assert '<dd data-state="not_notified"><a' in page and ">120</a>" in page
    # countdowns only for what is on screen: one per row, and the summary's most urgent deadline
    assert page.count('class="countdown"') == 51
    last = logged_in.get(f"/incidents/{big.id}?page=3").get_data(as_text=True)
    assert len(rows(last)) == 20 and "101–120 van 120" in last
    beyond = logged_in.get(f"/incidents/{big.id}?page=99").get_data(as_text=True)
    assert rows(beyond) == rows(last)  # asked beyond the end: the last page


def test_search_filter_and_sort(big, logged_in):
    base = f"/incidents/{big.id}"
    found = logged_in.get(f"{base}?q=VO-Z-0007").get_data(as_text=True)
    assert len(rows(found)) == 1 and "Zorggroep 0007" in found
    by_kvk = logged_in.get(f"{base}?q=70000011").get_data(as_text=True)
    assert len(rows(by_kvk)) == 1 and "Zorggroep 0011" in by_kvk
    doctolib = logged_in.get(f"{base}?profile=doctolib&sort=name").get_data(as_text=True)
    assert "1–30 van 30" in doctolib
    listed = doctolib.split('id="controller-list"')[1].split("</table>")[0]  # not the summary's most urgent one
    names = re.findall(r">(Zorggroep \d{4})</a>", listed)
    assert names == sorted(names) and names[0] == "Zorggroep 0000"
    nobody = logged_in.get(f"{base}?state=ap_filed").get_data(as_text=True)
    assert rows(nobody) == [] and "Geen verwerkingsverantwoordelijke voldoet aan dit filter." in nobody
    # nonsense in the query string falls back to the defaults instead of failing (a NUL byte is refused before
    # the page: tests/security/test_hostile_input.py)
    odd = logged_in.get(f"{base}?page=abc&sort=drop&state=%01&urgency=x")
    assert odd.status_code == 200 and len(rows(odd.get_data(as_text=True))) == 50


def test_one_controllers_page_holds_its_deadlines_and_no_other(big, logged_in, make_controller):
    page = logged_in.get(f"/incidents/{big.id}").get_data(as_text=True)
    first_id = int(rows(page)[0][0])
    own = logged_in.get(f"/incidents/{big.id}/controllers/{first_id}")
    assert own.status_code == 200
    text = own.get_data(as_text=True)
    assert text.count('data-kind="controller_notice"') == 1
    assert len(set(re.findall(r"VO-Z-\d{4}", text))) == 1
    stranger = make_controller(name="Niet betrokken")
    assert logged_in.get(f"/incidents/{big.id}/controllers/{stranger.id}").status_code == 404


def count_statements(client, url: str) -> tuple[int, int]:
    statements = []
    engine = db.engine

    def seen(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 200
    return len(statements), len(response.get_data())


def test_the_page_costs_the_same_queries_for_a_few_controllers_or_many(app, logged_in):
    small_ids = bulk_parties(3, prefix="S")
    small = create_incident(title="Klein", aware_at=utcnow() - timedelta(hours=1), contract_ids=small_ids)
    db.session.commit()
    large_ids = bulk_parties(400, prefix="L")
    large = create_incident(title="Groot", aware_at=utcnow() - timedelta(hours=1), contract_ids=large_ids)
    db.session.commit()
    logged_in.get("/")  # the first request of a session pays for the login's bookkeeping
    few, few_bytes = count_statements(logged_in, f"/incidents/{small.id}")
    many, many_bytes = count_statements(logged_in, f"/incidents/{large.id}")
    assert few == many
    # one page of 50 rows, whatever the size: far from the 400 rows the incident has
    assert many_bytes < 2 * few_bytes + 60_000
