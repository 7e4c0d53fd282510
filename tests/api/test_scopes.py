"""Per-controller scope through the API (docs/API.md, "Per-controller scope"): one controller at a time with
PUT/GET, many at once by CSV (all or nothing), and what a controller user's token sees of it."""

from __future__ import annotations

import pytest

from incidents.auth.service import create_token, create_user
from incidents.extensions import db

from .conftest import assert_error_shape
from .openapi_check import check_request, check_response

SCOPE_PATH = "/incidents/{incident_id}/controllers/{controller_id}/scope"
CSV_PATH = "/incidents/{incident_id}/scopes"
FULL = {
    "subjects_min": 1200,
    "subjects_max": 1500,
    "subject_groups": ["patients"],
    "records_min": 1200,
    "records_max": 4000,
    "data_categories": ["name", "contact", "bsn", "health"],
    "special_categories": ["health"],
    "countries": ["NL", "BE"],
    "note": "what only this controller is told",
}


@pytest.fixture
def case(new_incident, make_controller, make_contract):
    a, b, c = (make_controller(name=f"Kliniek {n}", kvk=f"8000000{n}") for n in (1, 2, 3))
    contracts = [make_contract("boz-72h", x) for x in (a, b)]
    incident = new_incident(status="confirmed", contract_ids=[x.id for x in contracts])

    class Case:
        pass

    Case.a, Case.b, Case.stranger, Case.iid = a, b, c, incident["id"]
    Case.url = lambda controller: f"/api/v1/incidents/{incident['id']}/controllers/{controller.id}/scope"
    Case.csv = f"/api/v1/incidents/{incident['id']}/scopes"
    return Case


def put(api, url, body):
    return api.client.put(url, json=body, headers=api.headers)


def put_csv(api, url, text, content_type="text/csv"):
    return api.client.put(url, data=text.encode("utf-8"), headers={**api.headers, "Content-Type": content_type})


def test_put_and_get_one_controllers_scope(api, case):
    check_request(SCOPE_PATH, "put", FULL)
    response = put(api, case.url(case.a), FULL)
    assert response.status_code == 200, response.get_json()
    check_response(SCOPE_PATH, "put", 200, response.get_json())
    assert response.get_json() == FULL
    got = api.get(case.url(case.a))
    assert got.status_code == 200 and got.get_json() == FULL
    check_response(SCOPE_PATH, "get", 200, got.get_json())
    assert api.get(case.url(case.b)).get_json() == {}
    # an absent key stays, null removes, a given key replaces
    changed = put(api, case.url(case.a), {"note": None, "countries": ["de"], "subjects_max": 1600}).get_json()
    assert changed == {**{k: v for k, v in FULL.items() if k != "note"}, "countries": ["DE"], "subjects_max": 1600}


def test_incident_shows_every_scope_and_totals_as_sums(api, case):
    put(api, case.url(case.a), {"subjects_min": 100, "subjects_max": 150, "data_categories": ["name"]})
    put(api, case.url(case.b), {"subjects_min": 20, "subjects_max": 30, "data_categories": ["bsn", "name"]})
    body = api.get(f"/api/v1/incidents/{case.iid}").get_json()
    check_response("/incidents/{incident_id}", "get", 200, body)
    assert body["scopes"] == [
        {"controller_id": case.a.id, "subjects_min": 100, "subjects_max": 150, "data_categories": ["name"]},
        {"controller_id": case.b.id, "subjects_min": 20, "subjects_max": 30, "data_categories": ["bsn", "name"]},
    ]
    assert body["totals"] == {"subjects_min": 120, "subjects_max": 180, "data_categories": ["name", "bsn"]}


@pytest.mark.parametrize(
    "body, field, code",
    [
        ({"patients": 3}, "patients", "unknown_field"),
        ({"subjects_min": -1}, "subjects_min", "invalid_number"),
        ({"subjects_min": "12"}, "subjects_min", "invalid_number"),
        ({"subjects_min": True}, "subjects_min", "invalid_number"),
        ({"subjects_min": 10, "subjects_max": 5}, "subjects_max", "below_minimum"),
        ({"records_min": 10, "records_max": 5}, "records_max", "below_minimum"),
        ({"data_categories": ["paspoort"]}, "data_categories", "invalid_choice"),
        ({"data_categories": "name"}, "data_categories", "invalid_type"),
        ({"special_categories": ["bsn"]}, "special_categories", "invalid_choice"),
        ({"subject_groups": ["aliens"]}, "subject_groups", "invalid_choice"),
        ({"countries": ["XX"]}, "countries", "invalid_choice"),
        ({"note": 5}, "note", "invalid_type"),
        ({"note": "x" * 5001}, "note", "too_long"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(api, case, refused, body, field, code):
    put(api, case.url(case.a), {"subjects_min": 1})
    refused(lambda: put(api, case.url(case.a), body), 422, code, field, op=(SCOPE_PATH, "put"))
    assert api.get(case.url(case.a)).get_json() == {"subjects_min": 1}


def test_a_controller_the_incident_does_not_affect_is_not_found(api, case, refused):
    refused(lambda: put(api, case.url(case.stranger), {"subjects_min": 1}), 404, "not_found", op=(SCOPE_PATH, "put"))
    assert_error_shape(api.get(case.url(case.stranger)), 404, "not_found")
    assert_error_shape(api.get(f"/api/v1/incidents/{case.iid}/controllers/{2**31}/scope"), 404, "not_found")


def test_csv_sets_many_scopes_all_or_nothing(api, case, row_counts):
    text = (
        "controller_id,kvk,subjects_min,subjects_max,subject_groups,data_categories,special_categories,countries,"
        "note\n"
        f"{case.a.id},,10,10,patients;minors,name;health,health,NL;BE,voor A\n"
        f",{case.b.kvk},5,,employees,,,NL,\n"
    )
    response = put_csv(api, case.csv, text)
    assert response.status_code == 200, response.get_json()
    check_response(CSV_PATH, "put", 200, response.get_json())
    assert response.get_json()["scopes"] == [
        {
            "controller_id": case.a.id,
            "subjects_min": 10,
            "subjects_max": 10,
            "subject_groups": ["patients", "minors"],
            "data_categories": ["name", "health"],
            "special_categories": ["health"],
            "countries": ["NL", "BE"],
            "note": "voor A",
        },
        {"controller_id": case.b.id, "subjects_min": 5, "subject_groups": ["employees"], "countries": ["NL"]},
    ]

    bad = (
        "controller_id,subjects_min,subjects_max,countries\n"
        f"{case.a.id},1,2,NL\n"
        f"{case.stranger.id},1,2,NL\n"
        f"{case.b.id},9,2,NL\n"
        f"{case.b.id},x,2,NL\n"
        "abc,1,2,NL\n"
    )
    before, counts = api.get(f"/api/v1/incidents/{case.iid}").get_json()["scopes"], row_counts()
    response = put_csv(api, case.csv, bad)
    assert response.status_code == 422
    error = response.get_json()["error"]
    check_response(CSV_PATH, "put", 422, response.get_json())
    assert error["code"] == "invalid_csv" and error["field"] == "file"
    assert [line["line"] for line in error["lines"]] == [3, 4, 5, 6]
    assert api.get(f"/api/v1/incidents/{case.iid}").get_json()["scopes"] == before
    assert row_counts() == counts


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("subjects_min\n5\n", "controller_id or kvk"),
        ("controller_id,colour\n1,red\n", "unknown column"),
    ],
)
def test_csv_without_a_usable_header_is_refused(api, case, text, message):
    response = put_csv(api, case.csv, text)
    assert response.status_code == 422
    assert message in response.get_json()["error"]["lines"][0]["message"]


def test_csv_needs_the_csv_content_type(api, case, refused):
    refused(
        lambda: put_csv(api, case.csv, "controller_id\n1\n", "application/json"),
        415,
        "unsupported_media_type",
        op=(CSV_PATH, "put"),
    )


def test_semicolon_separated_csv_from_a_dutch_spreadsheet(api, case):
    text = f'\ufeffcontroller_id;subjects_min;data_categories\n{case.a.id};1.200;"name;bsn"\n'
    response = put_csv(api, case.csv, text)
    assert response.status_code == 200, response.get_json()
    assert api.get(case.url(case.a)).get_json() == {"subjects_min": 1200, "data_categories": ["name", "bsn"]}


def test_a_controller_users_token_sees_only_its_own_scope(client, api, case):
    put(api, case.url(case.a), {"subjects_min": 111, "note": "ALFA-NOTE"})
    put(api, case.url(case.b), {"subjects_min": 222, "note": "BETA-NOTE"})
    api.client.patch(f"/api/v1/incidents/{case.iid}", json={"internal_note": "INTERN-NOTE"}, headers=api.headers)
    create_user("fg@kliniek1.example", "controller", "correct horse battery", controller_id=case.a.id)
    db.session.commit()
    _, secret = create_token("fg@kliniek1.example", "tests")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    own = client.get(f"/api/v1/incidents/{case.iid}/controllers/{case.a.id}/scope", headers=headers)
    assert own.status_code == 200 and own.get_json() == {"subjects_min": 111, "note": "ALFA-NOTE"}
    other = client.get(f"/api/v1/incidents/{case.iid}/controllers/{case.b.id}/scope", headers=headers)
    assert_error_shape(other, 404, "not_found")
    written = client.put(
        f"/api/v1/incidents/{case.iid}/controllers/{case.a.id}/scope", json={"subjects_min": 1}, headers=headers
    )
    assert_error_shape(written, 403, "forbidden")
    incident = client.get(f"/api/v1/incidents/{case.iid}", headers=headers)
    raw = incident.get_data(as_text=True)
    assert incident.get_json()["scopes"] == [{"controller_id": case.a.id, "subjects_min": 111, "note": "ALFA-NOTE"}]
    for foreign in ("BETA-NOTE", "222", "333", "INTERN-NOTE", "totals", "internal_note"):
        assert foreign not in raw, foreign
