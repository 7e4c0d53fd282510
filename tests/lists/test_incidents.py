"""/incidents/: searched, filtered, sorted and paged on the server; the selection survives paging and the language
switch; a bad query string is a clear 400, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from .conftest import column, header, link, position, sort_link, table

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def many(log_incident, make_controller, make_contract):
    """55 incidents an hour apart (DL-…-0001 the oldest), over two controllers; the last one found by name."""
    north = make_controller(name="Kliniek Noord", kvk="11112222")
    south = make_controller(name="Huisartsen Zuid", kvk="33334444")
    boz = make_contract("boz-72h", controller=north, reference="VO-NOORD-1")
    gdpr = make_contract("gdpr-art33", controller=south, reference="VO-ZUID-1")
    made = [
        log_incident([boz] if n % 2 else [gdpr], START + timedelta(hours=n), title=f"Verloren laptop {n:02d}")
        for n in range(54)
    ]
    made.append(log_incident([boz, gdpr], START + timedelta(hours=60), title="Ransomware op de röntgenserver"))
    return made


def refs(incidents) -> list[str]:
    return [i.reference for i in incidents]


def test_pages_of_fifty_newest_first_with_where_they_stand(logged_in, many):
    first = logged_in.get("/incidents/")
    assert first.status_code == 200
    assert position(first, "incidents-position") == "1–50 van 55"
    second = logged_in.get(link(first, 'rel="next"'))
    assert position(second, "incidents-position") == "51–55 van 55"
    shown = column(first, "incidents", "data-reference") + column(second, "incidents", "data-reference")
    assert shown == refs(reversed(many))
    assert 'aria-sort="descending"' in header(first, "aware_at")
    # The newest touches both controllers and both contracts.
    assert table(first, "incidents").rows[0][1][-2:] == ["2", "2"]


def test_a_page_past_the_end_shows_the_last_page(logged_in, many):
    response = logged_in.get("/incidents/?page=9")
    assert response.status_code == 200
    assert position(response, "incidents-position") == "51–55 van 55"
    assert len(column(response, "incidents", "data-reference")) == 5


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("röntgen", [54]),  # title
        ("RANSOMWARE", [54]),  # any case
        ("laptop 07", [7]),
        ("Noord", [54, *range(53, 0, -2)]),  # a controller's name: its incidents
        ("33334444", [54, *range(52, -1, -2)]),  # a controller's KvK number
        ("vo-zuid", [54, *range(52, -1, -2)]),  # a contract reference
        ("gdpr-art33", [54, *range(52, -1, -2)]),  # a clause profile
        ("100%", []),  # % is a character, not a wildcard
    ],
)
def test_search_by_what_people_know(logged_in, many, query, expected):
    response = logged_in.get("/incidents/", query_string={"q": query})
    assert response.status_code == 200
    shown = column(response, "incidents", "data-reference")
    assert shown == refs(many[n] for n in expected)[:50]


def test_search_by_reference(logged_in, many):
    response = logged_in.get("/incidents/", query_string={"q": many[3].reference.lower()})
    assert column(response, "incidents", "data-reference") == [many[3].reference]


def test_status_profile_and_controller_filters(logged_in, many, log_incident, make_contract):
    suspected = log_incident([make_contract("doctolib")], START, title="Vermoeden", status="suspected")
    only = logged_in.get("/incidents/", query_string={"status": "suspected"})
    assert column(only, "incidents", "data-reference") == [suspected.reference]
    doctolib = logged_in.get("/incidents/", query_string={"profile": "doctolib"})
    assert column(doctolib, "incidents", "data-reference") == [suspected.reference]
    controller_id = many[0].affected[0].controller_id  # Huisartsen Zuid
    theirs = logged_in.get("/incidents/", query_string={"controller_id": controller_id})
    assert "Huisartsen Zuid" in theirs.get_data(as_text=True)
    assert position(theirs, "incidents-position") == "1–28 van 28"


def test_sorting_by_clicking_the_headers(logged_in, many):
    page = logged_in.get("/incidents/")
    by_title = logged_in.get(sort_link(page, "title"))
    assert 'aria-sort="ascending"' in header(by_title, "title")
    assert "aria-sort" not in header(by_title, "aware_at")
    titles = [cells[1] for _attrs, cells in table(by_title, "incidents").rows]
    assert titles == sorted(titles, key=str.lower) and titles[0].startswith("Ransomware")
    backwards = logged_in.get(sort_link(by_title, "title"))
    assert 'aria-sort="descending"' in header(backwards, "title")
    assert [cells[1] for _attrs, cells in table(backwards, "incidents").rows][:2] == [
        "Verloren laptop 53",
        "Verloren laptop 52",
    ]
    oldest = logged_in.get("/incidents/?sort=aware_at&order=asc")
    assert column(oldest, "incidents", "data-reference")[:3] == refs(many[:3])
    by_reference = logged_in.get("/incidents/?sort=reference")
    assert column(by_reference, "incidents", "data-reference") == sorted(refs(many))[:50]


def test_the_selection_survives_paging_and_the_language_switch(logged_in, many):
    args = {"q": "Noord", "sort": "title", "order": "desc"}
    page = logged_in.get("/incidents/", query_string=args)
    assert position(page, "incidents-position") == "1–28 van 28"
    english = logged_in.get(link(page, 'hreflang="en"'))
    assert english.status_code == 200 and 'lang="en"' in english.get_data(as_text=True)
    assert position(english, "incidents-position") == "1–28 of 28"
    assert column(english, "incidents", "data-reference") == column(page, "incidents", "data-reference")
    # The status tabs and the pager keep the search and the sort.
    tab = link(english, r">\s*confirmed\s*<")
    assert "q=Noord" in tab and "sort=title" in tab and "status=confirmed" in tab
    everything = logged_in.get("/incidents/", query_string={"sort": "title"})
    following = link(everything, 'rel="next"')
    assert "sort=title" in following and "page=2" in following


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"sort": "secret_column"}, "kan niet worden gesorteerd op 'secret_column'"),
        ({"order": "sideways"}, "Sorteervolgorde 'sideways' is onbekend"),
        ({"page": "0"}, "'0' is geen paginanummer"),
        ({"page": "twee"}, "'twee' is geen paginanummer"),
        ({"page": "99999999999999999999"}, "is geen paginanummer"),
        ({"status": "open"}, "Onbekende waarde 'open'"),
        ({"profile": "nope"}, "Onbekende waarde 'nope'"),
        ({"controller_id": "424242"}, "Er is niets met id '424242'"),
        ({"q": "x" * 101}, "Zoek op ten hoogste 100 tekens"),
        ({"q": "a\x01b"}, "tekens die geen tekst zijn"),  # a NUL is refused before the list (test_hostile_input)
    ],
)
def test_a_bad_query_string_is_a_clear_400(logged_in, many, args, message):
    response = logged_in.get("/incidents/", query_string=args)
    assert response.status_code == 400
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert message in page
    assert 'id="incidents"' not in page
    assert 'href="/incidents/">Toon de hele lijst' in page
