"""The incident's "details" for the AP form (core/ap_form.py): validated optional keys, through the API (create and
PATCH) and through the details form on the incident page (prefix "d-")."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from incidents.breaches.models import Incident, TimelineEvent
from incidents.core.instants import utcnow
from incidents.extensions import db

from ..api.conftest import assert_error_shape
from ..api.openapi_check import check_response
from ..support.forms import csrf_token
from .conftest import Page, iso

INCIDENTS = "/api/v1/incidents"
FULL = {
    "incident_kind": "device_lost_stolen",
    "protection": "encrypted",
    "cross_border": "unknown",
    "subject_groups": ["employees", "customers", "employees"],
    "subjects_min": 0,
    "subjects_max": 10**10,
    "started_at": "2025-07-01T12:00",
    "ended_at": "2025-12-01T08:15:30+01:00",
    "discovery": "  Laptop kwijt in de trein  ",
}
STORED = {
    "incident_kind": "device_lost_stolen",
    "protection": "encrypted",
    "cross_border": "unknown",
    "subject_groups": ["employees", "customers"],
    "subjects_min": 0,
    "subjects_max": 10**10,
    "started_at": "2025-07-01T10:00:00Z",
    "ended_at": "2025-12-01T07:15:30Z",
    "discovery": "Laptop kwijt in de trein",
}


def create(api, **values):
    data = {"title": "Laptop gestolen", "aware_at": "2026-01-10T09:00:00Z", **values}
    return api.post(INCIDENTS, json=data)


def detail_events(incident_id: int) -> list[dict]:
    db.session.expire_all()
    return [
        e.details
        for e in db.session.scalars(
            select(TimelineEvent)
            .where(TimelineEvent.incident_id == incident_id, TimelineEvent.kind == "detail_set")
            .order_by(TimelineEvent.id)
        )
    ]


def stored_details(incident_id: int) -> dict:
    db.session.expire_all()
    return dict(db.session.get(Incident, incident_id).details or {})


# --- API: stored and returned ---------------------------------------------------------------------------------


def test_create_with_details_stores_and_returns_them(api):
    response = create(api, details=FULL)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    check_response("/incidents", "post", 201, body)
    assert body["details"] == STORED
    assert stored_details(body["id"]) == STORED
    again = api.get(f"{INCIDENTS}/{body['id']}").get_json()
    assert again["details"] == STORED


@pytest.mark.parametrize(
    "given, stored",
    [
        ("2026-10-25T02:30+02:00", "2026-10-25T00:30:00Z"),  # the first 02:30 of that night, summer time
        ("2026-10-25T02:30+01:00", "2026-10-25T01:30:00Z"),  # the second, winter time
        ("2026-03-29T03:30", "2026-03-29T01:30:00Z"),  # just after the clocks jumped forward
        ("2026-01-15T09:00:00.123456Z", "2026-01-15T09:00:00Z"),
    ],
)
def test_an_offset_settles_what_local_time_cannot(api, given, stored):
    body = create(api, details={"started_at": given}).get_json()
    assert body["details"] == {"started_at": stored}


def test_create_without_details_has_none(api):
    body = create(api).get_json()
    assert body["details"] == {}


def test_patch_sets_changes_and_removes_with_one_event_per_change(api):
    iid = create(
        api,
        details={
            "protection": "encrypted",
            "subjects_min": 5,
            "started_at": "2025-07-01T10:00:00Z",
            "discovery": "Log",
        },
    ).get_json()["id"]
    earlier = detail_events(iid)
    response = api.patch(
        f"{INCIDENTS}/{iid}",
        json={
            "details": {
                "protection": None,  # removed
                "subjects_min": 5,  # unchanged: no event
                "started_at": "2025-07-01T12:00:00+02:00",  # the same instant written differently: no event
                "subjects_max": 50,  # added
                "discovery": "",  # "" removes too
                "incident_kind": "letter_lost",
            }
        },
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    check_response("/incidents/{incident_id}", "patch", 200, body)
    expected = {
        "subjects_min": 5,
        "subjects_max": 50,
        "started_at": "2025-07-01T10:00:00Z",
        "incident_kind": "letter_lost",
    }
    assert body["details"] == expected and stored_details(iid) == expected
    events = sorted(detail_events(iid)[len(earlier) :], key=lambda e: e["field"])
    assert events == [
        {"field": "discovery", "old": "Log", "new": None},
        {"field": "incident_kind", "old": None, "new": "letter_lost"},
        {"field": "protection", "old": "encrypted", "new": None},
        {"field": "subjects_max", "old": None, "new": 50},
    ]


def test_patch_without_details_keeps_them(api):
    iid = create(api, details={"protection": "hashed"}).get_json()["id"]
    response = api.patch(f"{INCIDENTS}/{iid}", json={"title": "Nieuwe titel"})
    assert response.status_code == 200
    assert response.get_json()["details"] == {"protection": "hashed"}
    assert detail_events(iid) == []


def test_patch_with_empty_details_object_changes_nothing(api):
    iid = create(api, details={"protection": "hashed"}).get_json()["id"]
    assert api.patch(f"{INCIDENTS}/{iid}", json={"details": {}}).get_json()["details"] == {"protection": "hashed"}
    assert detail_events(iid) == []


# --- API: refused ---------------------------------------------------------------------------------------------

FUTURE = iso(utcnow() + timedelta(days=2))
INVALID = {
    "unknown key": ({"colour": "rood"}, "details.colour", "unknown_field"),
    "unknown key among valid ones": ({"protection": "none", "sector": "zorg"}, "details.sector", "unknown_field"),
    "bad incident kind": ({"incident_kind": "meteorite"}, "details.incident_kind", "invalid_choice"),
    "bad protection": ({"protection": "rot13"}, "details.protection", "invalid_choice"),
    "bad cross border": ({"cross_border": "maybe"}, "details.cross_border", "invalid_choice"),
    "bad group": ({"subject_groups": ["patients", "aliens"]}, "details.subject_groups", "invalid_choice"),
    "groups not a list": ({"subject_groups": "patients"}, "details.subject_groups", "invalid_type"),
    "negative number": ({"subjects_min": -1}, "details.subjects_min", "invalid_number"),
    "bool as number": ({"subjects_max": True}, "details.subjects_max", "invalid_number"),
    "false as number": ({"subjects_min": False}, "details.subjects_min", "invalid_number"),
    "fraction": ({"subjects_min": 2.5}, "details.subjects_min", "invalid_number"),
    "number as text": ({"subjects_min": "12"}, "details.subjects_min", "invalid_number"),
    "too many": ({"subjects_max": 10**10 + 1}, "details.subjects_max", "invalid_number"),
    "min above max": ({"subjects_min": 11, "subjects_max": 10}, "details.subjects_max", "below_minimum"),
    "end before start": (
        {"started_at": "2025-07-02T10:00:00Z", "ended_at": "2025-07-02T09:59:59Z"},
        "details.ended_at",
        "before_start",
    ),
    "future instant": ({"started_at": FUTURE}, "details.started_at", "in_future"),
    "future end": ({"ended_at": FUTURE}, "details.ended_at", "in_future"),
    "ambiguous local time": ({"started_at": "2026-10-25T02:30"}, "details.started_at", "ambiguous_local_time"),
    "nonexistent local time": ({"ended_at": "2026-03-29T02:30"}, "details.ended_at", "nonexistent_local_time"),
    "not an instant": ({"started_at": "gisteren"}, "details.started_at", "invalid_instant"),
    "date only": ({"started_at": "2025-07-01"}, "details.started_at", "invalid_instant"),
    "discovery not text": ({"discovery": 42}, "details.discovery", "invalid_type"),
    "discovery too long": ({"discovery": "x" * 5001}, "details.discovery", "too_long"),
}


@pytest.mark.parametrize("details, field, code", INVALID.values(), ids=INVALID.keys())
def test_create_refuses_invalid_details(api, row_counts, details, field, code):
    before = row_counts()
    response = create(api, details=details)
    assert_error_shape(response, 422, code, field)
    check_response("/incidents", "post", 422, response.get_json())
    assert row_counts() == before


@pytest.mark.parametrize("details, field, code", INVALID.values(), ids=INVALID.keys())
def test_patch_refuses_invalid_details(api, row_counts, details, field, code):
    iid = create(api, details={"protection": "none", "discovery": "Eerst"}).get_json()["id"]
    before = row_counts()
    response = api.patch(f"{INCIDENTS}/{iid}", json={"title": "Gewijzigd", "details": details})
    assert_error_shape(response, 422, code, field)
    check_response("/incidents/{incident_id}", "patch", 422, response.get_json())
    assert row_counts() == before
    assert stored_details(iid) == {"protection": "none", "discovery": "Eerst"}
    assert db.session.get(Incident, iid).title == "Laptop gestolen"


def test_patch_refuses_an_end_before_the_stored_start(api, row_counts):
    iid = create(api, details={"started_at": "2025-07-02T10:00:00Z", "subjects_max": 10}).get_json()["id"]
    before = row_counts()
    assert_error_shape(
        api.patch(f"{INCIDENTS}/{iid}", json={"details": {"ended_at": "2025-07-01T10:00:00Z"}}),
        422,
        "before_start",
        "details.ended_at",
    )
    assert_error_shape(
        api.patch(f"{INCIDENTS}/{iid}", json={"details": {"subjects_min": 11}}),
        422,
        "below_minimum",
        "details.subjects_max",
    )
    assert row_counts() == before


@pytest.mark.parametrize("details", ["encrypted", ["protection"], 3])
def test_details_must_be_an_object(api, row_counts, details):
    before = row_counts()
    response = create(api, details=details)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_type"
    assert row_counts() == before


def test_details_not_an_object_names_the_details_field(api):
    assert_error_shape(create(api, details="encrypted"), 422, "invalid_type", "details")


# --- web form -------------------------------------------------------------------------------------------------


@pytest.fixture
def incident_page(api, logged_in, make_contract):
    contract = make_contract("boz-72h")
    body = create(api, status="confirmed", contract_ids=[contract.id]).get_json()
    return body["id"], f"/incidents/{body['id']}"


def form(client, url, **values) -> dict:
    data = {
        "csrf_token": csrf_token(client, url),
        "d-incident_kind": "",
        "d-started_at": "",
        "d-ended_at": "",
        "d-discovery": "",
        "d-subjects_min": "",
        "d-subjects_max": "",
        "d-protection": "",
        "d-cross_border": "",
    }
    data.update({f"d-{k}": v for k, v in values.items()})
    return data


def test_web_form_saves_details(logged_in, incident_page):
    iid, url = incident_page
    response = logged_in.post(
        f"{url}/details",
        data=form(
            logged_in,
            url,
            incident_kind="wrong_authorisations",
            started_at="2025-07-01T12:00",
            ended_at="2025-12-01T08:15",
            discovery="Interne audit",
            subject_groups=["students", "minors"],
            subjects_min="0",
            subjects_max="3",
            protection="none",
            cross_border="no",
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert response.headers["Location"].endswith(f"/incidents/{iid}#details_form")
    assert stored_details(iid) == {
        "incident_kind": "wrong_authorisations",
        "started_at": "2025-07-01T10:00:00Z",
        "ended_at": "2025-12-01T07:15:00Z",
        "discovery": "Interne audit",
        "subject_groups": ["students", "minors"],
        "subjects_min": 0,
        "subjects_max": 3,
        "protection": "none",
        "cross_border": "no",
    }
    assert {e["field"] for e in detail_events(iid)} == {
        "incident_kind",
        "started_at",
        "ended_at",
        "discovery",
        "subject_groups",
        "subjects_min",
        "subjects_max",
        "protection",
        "cross_border",
    }
    # the page shows the saved values back in Amsterdam time
    page = Page(logged_in.get(url).get_data(as_text=True))
    assert page.by_id("d-started_at")["value"] == "2025-07-01T12:00"
    assert page.by_id("d-ended_at")["value"] == "2025-12-01T08:15"

    # an empty form removes them all again
    response = logged_in.post(f"{url}/details", data=form(logged_in, url))
    assert response.status_code == 302
    assert stored_details(iid) == {}


def test_web_form_asks_summer_or_winter_time(logged_in, incident_page, row_counts):
    iid, url = incident_page
    data = form(logged_in, url, started_at="2026-10-25T02:30", protection="hashed")
    before = row_counts()
    response = logged_in.post(f"{url}/details", data=data)
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    offset = page.by_id("d-started_at_offset")
    assert offset is not None and offset["name"] == "d-started_at_offset"
    assert [o["value"] for o in page.elements_in("d-started_at_offset", "option")] == ["+02:00", "+01:00"]
    assert page.by_id("d-ended_at_offset") is None
    assert "Kies hieronder zomertijd of wintertijd" in html.unescape(response.get_data(as_text=True))
    assert row_counts() == before and stored_details(iid) == {}

    # summer time: 02:30 CEST is 00:30 UTC
    response = logged_in.post(f"{url}/details", data={**data, "d-started_at_offset": "+02:00"})
    assert response.status_code == 302
    assert stored_details(iid) == {"started_at": "2026-10-25T00:30:00Z", "protection": "hashed"}
    # winter time: 02:30 CET is 01:30 UTC
    data = form(logged_in, url, started_at="2026-10-25T02:30", protection="hashed")
    response = logged_in.post(f"{url}/details", data={**data, "d-started_at_offset": "+01:00"})
    assert response.status_code == 302
    assert stored_details(iid)["started_at"] == "2026-10-25T01:30:00Z"
    assert [e["new"] for e in detail_events(iid) if e["field"] == "started_at"] == [
        "2026-10-25T00:30:00Z",
        "2026-10-25T01:30:00Z",
    ]


@pytest.mark.parametrize(
    "values, field, message",
    [
        (
            {"subjects_min": "50", "subjects_max": "10"},
            "subjects_max",
            "het maximum aantal betrokkenen ligt onder het minimum",
        ),
        (
            {"started_at": "2025-07-02T10:00", "ended_at": "2025-07-01T10:00"},
            "ended_at",
            "het einde van de inbreuk ligt vóór het begin",
        ),
        ({"started_at": FUTURE[:16]}, "started_at", "het begin van de inbreuk ligt in de toekomst"),
        ({"ended_at": "2026-03-29T02:30"}, "ended_at", "Dit tijdstip bestaat niet in Amsterdam"),
        ({"started_at": "morgen"}, "started_at", "Voer een datum en tijd in"),
        ({"subjects_min": "-4"}, "subjects_min", None),
        ({"subjects_min": "veel"}, "subjects_min", None),
        ({"subject_groups": ["patients", "aliens"]}, "subject_groups", "subject_groups must be one of"),
        ({"incident_kind": "meteorite"}, "incident_kind", "incident_kind must be one of"),
    ],
)
def test_web_form_errors_save_nothing(logged_in, incident_page, row_counts, values, field, message):
    iid, url = incident_page
    assert logged_in.post(f"{url}/details", data=form(logged_in, url, protection="encrypted")).status_code == 302
    before = row_counts()
    response = logged_in.post(f"{url}/details", data=form(logged_in, url, protection="none", **values))
    assert response.status_code == 422
    text = html.unescape(response.get_data(as_text=True))
    if message:
        assert message in text
    # the error is shown at its own field (the groups are a fieldset, the others a field div with a label)
    if field != "subject_groups":
        assert re.search(r'<div class="field has-error">\s*<label for="d-' + field + '"', text), field
    assert "Er is niets opgeslagen" in text
    assert row_counts() == before
    assert stored_details(iid) == {"protection": "encrypted"}
