"""/controllers and /contracts: searched, filtered, sorted and paged on the server, the new-controller and
new-contract forms still working on a filtered page, and a bad query string a clear 400."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from incidents.extensions import db
from incidents.parties.models import Contract, Controller

from ..support.forms import csrf_token
from .conftest import column, header, link, position, sort_link, table


@pytest.fixture
def customers(make_controller, make_contract):
    """55 controllers (Zorginstelling 01 … 55, KvK 100000nn); controller n has n % 4 contracts (VO-nn-k), of the
    boz-24h profile for the multiples of 5, boz-72h otherwise."""
    made = []
    for n in range(1, 56):
        controller = make_controller(
            name=f"Zorginstelling {n:02d}", kvk=f"100000{n:02d}", contact_email=f"fg@z{n}.example"
        )
        for k in range(n % 4):
            make_contract("boz-24h" if n % 5 == 0 else "boz-72h", controller=controller, reference=f"VO-{n:02d}-{k}")
        made.append(controller)
    return made


def ids(response, table_id: str, attribute: str) -> list[int]:
    return [int(v) for v in column(response, table_id, attribute)]


# --- controllers ---


def test_controllers_in_pages_by_name(logged_in, customers):
    first = logged_in.get("/controllers")
    assert first.status_code == 200
    assert position(first, "controllers-position") == "1–50 van 55"
    second = logged_in.get(link(first, 'rel="next"'))
    assert position(second, "controllers-position") == "51–55 van 55"
    assert ids(first, "controllers", "data-controller") + ids(second, "controllers", "data-controller") == [
        c.id for c in customers
    ]
    assert 'aria-sort="ascending"' in header(first, "name")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("instelling 07", [7]),
        ("10000042", [42]),  # KvK number
        ("fg@z9.example", [9]),  # contact address
        ("vo-13-", [13]),  # a contract reference of theirs
        ("boz-24h", [5, 10, 15, 25, 30, 35, 45, 50, 55]),  # a clause profile of theirs (20 and 40 have no contract)
    ],
)
def test_controllers_found_by_what_people_know(logged_in, customers, query, expected):
    response = logged_in.get("/controllers", query_string={"q": query})
    assert ids(response, "controllers", "data-controller") == [customers[n - 1].id for n in expected]


def test_controllers_sorted_by_their_number_of_contracts(logged_in, customers):
    by_name = logged_in.get("/controllers")
    most = logged_in.get(sort_link(by_name, "contracts"))
    assert 'aria-sort="descending"' in header(most, "contracts")
    counts = [int(cells[4]) for _attrs, cells in table(most, "controllers").rows]
    assert counts == sorted(counts, reverse=True) and counts[0] == 3
    # Equal counts keep a fixed order (by name), so that paging never skips or repeats one.
    first_threes = ids(most, "controllers", "data-controller")[: counts.count(3)]
    assert first_threes == sorted(first_threes)
    fewest = logged_in.get(sort_link(most, "contracts"))
    assert table(fewest, "controllers").rows[0][1][4] == "0"


def test_controllers_filtered_by_profile_and_the_link_to_their_contracts(logged_in, customers):
    response = logged_in.get("/controllers", query_string={"profile": "boz-24h"})
    assert position(response, "controllers-position") == "1–9 van 9"
    contracts = logged_in.get(link(response, r'href="/contracts\?controller_id='))
    assert "Contracten van Zorginstelling 05" in contracts.get_data(as_text=True)
    assert column(contracts, "contracts", "data-contract") and position(contracts, "contracts-position") == "1–1 van 1"


def test_new_controller_form_works_on_a_filtered_page(logged_in, customers):
    token = csrf_token(logged_in, "/controllers")
    refused = logged_in.post(
        "/controllers?q=instelling+07", data={"csrf_token": token, "name": "", "contact_email": "x"}
    )
    assert refused.status_code == 422
    assert ids(refused, "controllers", "data-controller") == [customers[6].id]  # the list as it was asked for
    assert db.session.scalar(select(Controller).where(Controller.name == "")) is None
    saved = logged_in.post(
        "/controllers?q=instelling+07",
        data={
            "csrf_token": token,
            "name": "Kliniek Oost",
            "kvk": "99998888",
            "contact_email": "fg@oost.example",
            "language": "nl",
        },
    )
    assert saved.status_code == 302
    assert db.session.scalar(select(Controller.kvk).where(Controller.name == "Kliniek Oost")) == "99998888"


# --- contracts ---


def test_contracts_in_pages_grouped_by_controller(logged_in, customers):
    first = logged_in.get("/contracts")
    assert position(first, "contracts-position") == "1–50 van 84"
    last = logged_in.get("/contracts?page=2")
    refs = [cells[0] for _attrs, cells in table(first, "contracts").rows + table(last, "contracts").rows]
    expected = [c.reference for c in db.session.scalars(select(Contract).order_by(Contract.reference))]
    assert refs == expected  # controllers by name, each one's contracts by reference


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("VO-13", 1),
        ("Zorginstelling 13", 1),  # its controller
        ("10000013", 1),  # its controller's KvK
        ("boz-24h", 18),  # a clause profile (key)
    ],
)
def test_contracts_found_by_what_people_know(logged_in, customers, query, count):
    response = logged_in.get("/contracts", query_string={"q": query})
    assert position(response, "contracts-position") == f"1–{count} van {count}"


def test_contracts_by_profile_title_filter_and_sort(logged_in, customers, app):
    from incidents.profiles import get_profile

    title = get_profile("boz-24h").title
    by_title = logged_in.get("/contracts", query_string={"q": title})
    assert position(by_title, "contracts-position") == "1–18 van 18"
    by_filter = logged_in.get("/contracts", query_string={"profile": "boz-24h"})
    assert column(by_filter, "contracts", "data-contract") == column(by_title, "contracts", "data-contract")
    newest_reference_first = logged_in.get("/contracts?sort=reference&order=desc")
    assert 'aria-sort="descending"' in header(newest_reference_first, "reference")
    assert table(newest_reference_first, "contracts").rows[0][1][0] == "VO-55-2"


def test_new_contract_form_works_on_a_filtered_page(logged_in, customers):
    token = csrf_token(logged_in, "/contracts")
    data = {"csrf_token": token, "controller_id": customers[0].id, "profile": "doctolib", "reference": "VO-01-0"}
    duplicate = logged_in.post("/contracts?profile=boz-24h", data=data)
    assert duplicate.status_code == 422
    assert position(duplicate, "contracts-position") == "1–18 van 18"
    saved = logged_in.post("/contracts?profile=boz-24h", data={**data, "reference": "VO-NIEUW"})
    assert saved.status_code == 302
    assert db.session.scalar(select(Contract.profile_key).where(Contract.reference == "VO-NIEUW")) == "doctolib"


@pytest.mark.parametrize(
    ("url", "args", "message"),
    [
        ("/controllers", {"sort": "contact_email"}, "kan niet worden gesorteerd op 'contact_email'"),
        ("/controllers", {"page": "-1"}, "'-1' is geen paginanummer"),
        ("/controllers", {"profile": "boz"}, "Onbekende waarde 'boz'"),
        ("/contracts", {"order": "random"}, "Sorteervolgorde 'random' is onbekend"),
        ("/contracts", {"controller_id": "abc"}, "Er is niets met id 'abc'"),
        ("/contracts", {"controller_id": "999999"}, "Er is niets met id '999999'"),
        ("/contracts", {"q": "é" * 101}, "Zoek op ten hoogste 100 tekens"),
    ],
)
def test_a_bad_query_string_is_a_clear_400_and_the_form_stays(logged_in, customers, url, args, message):
    response = logged_in.get(url, query_string=args)
    assert response.status_code == 400
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert message in page
    assert f'href="{url}">Toon de hele lijst' in page
    assert 'name="csrf_token"' in page  # the new-… form is still there
