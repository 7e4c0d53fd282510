"""GET /contracts/search: the contract search the intake picker calls. Filters, paging, who may use it, and clear
refusals of parameters it cannot use."""

from __future__ import annotations

import pytest

from ..support.forms import log_in
from ..support.people import make_user


@pytest.fixture
def contracts(make_controller, make_contract):
    """Three controllers: two with "zorg" in the name; their contracts under two profiles."""
    noordwest = make_controller(name="Zorggroep Noordwest", kvk="12345678")
    kustland = make_controller(name="GGZ Kustland", kvk="87654321")
    apotheek = make_controller(name="Apotheek Centraal (zorg_100%)", kvk="11112222")
    made = {
        "NW-1": make_contract("boz-72h", controller=noordwest, reference="NW-1"),
        "NW-2": make_contract("boz-24h", controller=noordwest, reference="NW-2"),
        "KL-1": make_contract("boz-72h", controller=kustland, reference="KL-1"),
        "AP-1": make_contract("boz-24h", controller=apotheek, reference="AP-1"),
    }
    return {"noordwest": noordwest, "kustland": kustland, "apotheek": apotheek, **made}


def _search(client, **params):
    response = client.get("/contracts/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _refs(body) -> list[str]:
    return [c["reference"] for c in body["contracts"]]


def test_every_contract_without_a_filter_by_controller_name_then_reference(logged_in, contracts):
    body = _search(logged_in)
    assert body["total"] == 4
    assert _refs(body) == ["AP-1", "KL-1", "NW-1", "NW-2"]
    first = body["contracts"][0]
    assert first == {
        "id": contracts["AP-1"].id,
        "reference": "AP-1",
        "profile": "boz-24h",
        "controller": {"id": contracts["apotheek"].id, "name": "Apotheek Centraal (zorg_100%)", "kvk": "11112222"},
    }


def test_matches_controller_name_reference_and_kvk_case_insensitively(logged_in, contracts):
    assert _refs(_search(logged_in, q="NOORDWEST")) == ["NW-1", "NW-2"]
    assert _refs(_search(logged_in, q="kl-1")) == ["KL-1"]
    assert _refs(_search(logged_in, q="8765")) == ["KL-1"]  # the beginning of a KvK number
    assert _refs(_search(logged_in, q="4321")) == []  # not the middle of one
    # Every word must match, each in the name or the reference.
    assert _refs(_search(logged_in, q="zorggroep 2")) == ["NW-2"]
    assert _refs(_search(logged_in, q="xyz-nothing")) == []
    assert _search(logged_in, q="xyz-nothing")["total"] == 0


def test_like_wildcards_in_the_query_are_plain_characters(logged_in, contracts):
    assert _refs(_search(logged_in, q="_100%")) == ["AP-1"]
    assert _refs(_search(logged_in, q="%")) == ["AP-1"]
    assert _refs(_search(logged_in, q="g_z")) == []


def test_profile_and_controller_narrow_the_search(logged_in, contracts):
    assert _refs(_search(logged_in, profile="boz-72h")) == ["KL-1", "NW-1"]
    assert _refs(_search(logged_in, q="zorg", profile="boz-24h")) == ["AP-1", "NW-2"]
    body = _search(logged_in, controller_id=contracts["noordwest"].id, profile="boz-24h")
    assert _refs(body) == ["NW-2"]
    # The filter comes back as the query string that "add all matching" submits.
    assert body["match"] == f"profile=boz-24h&controller_id={contracts['noordwest'].id}"


def test_pages_of_the_matches(logged_in, make_controller, make_contract):
    controller = make_controller(name="Groot Ziekenhuis")
    for n in range(1, 8):
        make_contract(controller=controller, reference=f"GZ-{n:02d}")
    first = _search(logged_in, q="groot", per_page=3)
    assert (first["total"], first["pages"], first["page"]) == (7, 3, 1)
    assert _refs(first) == ["GZ-01", "GZ-02", "GZ-03"]
    assert _refs(_search(logged_in, q="groot", per_page=3, page=3)) == ["GZ-07"]
    beyond = _search(logged_in, q="groot", per_page=3, page=9)
    assert (beyond["total"], beyond["contracts"]) == (7, [])
    assert len(_search(logged_in)["contracts"]) == 7  # 25 a page by default


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"profile": "no-such-profile"}, "profile"),
        ({"controller_id": "abc"}, "controller_id"),
        ({"controller_id": "-3"}, "controller_id"),
        ({"controller_id": "99999999999"}, "controller_id"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": "1000"}, "per_page"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_parameters_it_cannot_use_are_refused_with_a_clear_400(logged_in, contracts, params, field):
    response = logged_in.get("/contracts/search", query_string=params)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == field
    assert error["message"] and error["text"]  # the API's English and the page's words


def test_the_answer_is_in_the_users_language(logged_in, contracts):
    error = logged_in.get("/contracts/search?profile=nope").get_json()["error"]
    assert error["text"] == "Dat profiel bestaat niet."


def test_only_processor_staff_with_a_session_may_search(client, app, contracts):
    anonymous = client.get("/contracts/search?q=zorg")
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]
    make_user("fg@noordwest.example", "controller", password="correct horse battery", controller=contracts["noordwest"])
    log_in(client, "fg@noordwest.example", "correct horse battery")
    refused = client.get("/contracts/search?q=zorg")
    assert refused.status_code == 403
    assert b"KL-1" not in refused.data and b"NW-1" not in refused.data


def test_a_viewer_may_search(client, contracts):
    make_user("kijker@verwerker.example", "viewer", password="correct horse battery")
    log_in(client, "kijker@verwerker.example", "correct horse battery")
    assert _refs(_search(client, q="kustland")) == ["KL-1"]
