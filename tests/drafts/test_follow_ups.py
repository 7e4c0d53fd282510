"""Follow-ups to an AP notification (aanvulling, wijziging, intrekking): filing kind ap_follow_up, through the API
and through the filing form on the incident page."""

from __future__ import annotations

import html
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from incidents.breaches.models import Filing, TimelineEvent
from incidents.core.instants import utcnow
from incidents.extensions import db

from ..api.conftest import assert_error_shape
from ..api.openapi_check import check_response
from ..support.forms import csrf_token
from .conftest import iso

FILINGS = "/incidents/{incident_id}/filings"


@pytest.fixture
def case(api, make_controller, make_contract):
    """A confirmed incident (two days ago) on a boz-72h contract; the processor notified the controller."""
    now = utcnow().replace(microsecond=0)
    controller = make_controller(name="Tandartspraktijk Oost")
    contract = make_contract("boz-72h", controller, reference="VO-OOST-1")
    other = make_controller(name="Niet Betrokken")
    make_contract("boz-72h", other, reference="VO-X-1")
    created = api.post(
        "/api/v1/incidents",
        json={
            "title": "Röntgenfoto's verkeerd gemaild",
            "aware_at": iso(now - timedelta(days=2)),
            "status": "confirmed",
            "contract_ids": [contract.id],
        },
    )
    assert created.status_code == 201, created.get_json()
    iid = created.get_json()["id"]
    notice = api.post(
        f"/api/v1/incidents/{iid}/filings",
        json={"kind": "controller_notice", "contract_id": contract.id, "at": iso(now - timedelta(days=1))},
    )
    assert notice.status_code == 201, notice.get_json()
    return SimpleNamespace(
        iid=iid,
        controller=controller,
        contract=contract,
        other=other,
        now=now,
        filings=f"/api/v1/incidents/{iid}/filings",
        deadlines=f"/api/v1/incidents/{iid}/deadlines",
        page=f"/incidents/{iid}",
    )


def notify_ap(api, case, reference="AP-2026-0001", at=None):
    body = {"kind": "ap_notification", "controller_id": case.controller.id, "reference": reference}
    if at is not None:
        body["at"] = at
    response = api.post(case.filings, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def follow_up(case, **values):
    return {
        "kind": "ap_follow_up",
        "controller_id": case.controller.id,
        "reference": "AP-2026-0001",
        "follow_up": "supplement",
        **values,
    }


def refused(api, case, row_counts, body, status, code, field):
    before = row_counts()
    response = api.post(case.filings, json=body)
    error = assert_error_shape(response, status, code, field)
    check_response(FILINGS, "post", status, response.get_json())
    assert row_counts() == before, "a refused filing wrote rows"
    return error


# --- API ------------------------------------------------------------------------------------------------------


def test_follow_up_without_an_ap_notification_is_a_conflict(api, case, row_counts):
    error = refused(api, case, row_counts, follow_up(case), 409, "no_ap_notification", "kind")
    assert "no AP notification" in error["message"]


def test_follow_up_for_another_controllers_notification_is_a_conflict(api, case, row_counts, make_contract):
    # an AP notification of a second affected controller does not count for the first
    second = make_contract("boz-72h", reference="VO-OOST-2")
    added = api.post(f"/api/v1/incidents/{case.iid}/contracts", json={"contract_ids": [second.id]})
    assert added.status_code == 200
    filed = api.post(
        case.filings,
        json={"kind": "ap_notification", "controller_id": second.controller_id, "reference": "AP-2026-0001"},
    )
    assert filed.status_code == 201
    refused(api, case, row_counts, follow_up(case), 409, "no_ap_notification", "kind")


def test_unknown_reference(api, case, row_counts):
    notify_ap(api, case)
    error = refused(
        api, case, row_counts, follow_up(case, reference="AP-2026-9999"), 422, "unknown_reference", "reference"
    )
    assert "AP-2026-0001" in error["message"]


@pytest.mark.parametrize(
    "value, code",
    [
        (None, "required"),
        ("addendum", "invalid_choice"),
        ("", "invalid_choice"),
        (1, "invalid_choice"),
        (["supplement"], "invalid_choice"),
    ],
)
def test_missing_or_invalid_follow_up(api, case, row_counts, value, code):
    notify_ap(api, case)
    body = follow_up(case)
    if value is None:
        del body["follow_up"]
    else:
        body["follow_up"] = value
    refused(api, case, row_counts, body, 422, code, "follow_up")


@pytest.mark.parametrize("kind", ["ap_notification", "controller_notice", "controller_consultation"])
def test_follow_up_with_another_kind(api, case, row_counts, kind):
    notify_ap(api, case)
    body = {
        "kind": kind,
        "controller_id": case.controller.id,
        "contract_id": case.contract.id,
        "reference": "AP-2026-0002",
        "follow_up": "change",
    }
    if kind != "ap_notification":
        del body["controller_id"], body["reference"]
    refused(api, case, row_counts, body, 422, "not_applicable", "follow_up")


def test_follow_up_without_reference_or_for_an_unaffected_controller(api, case, row_counts):
    notify_ap(api, case)
    body = follow_up(case)
    del body["reference"]
    refused(api, case, row_counts, body, 422, "required", "reference")
    refused(api, case, row_counts, follow_up(case, controller_id=case.other.id), 422, "not_affected", "controller_id")


@pytest.mark.parametrize("kind_of_follow_up", ["supplement", "change", "withdrawal"])
def test_follow_up_is_recorded(api, case, row_counts, kind_of_follow_up):
    notify_ap(api, case, at=iso(case.now - timedelta(hours=2)))
    deadlines_before = api.get(case.deadlines).get_json()["deadlines"]
    before = row_counts()
    at = case.now - timedelta(hours=1)
    response = api.post(
        case.filings,
        json=follow_up(case, follow_up=kind_of_follow_up, at=iso(at), note="Aantal betrokkenen bijgesteld"),
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    check_response(FILINGS, "post", 201, body)
    assert (
        body["kind"],
        body["follow_up"],
        body["reference"],
        body["controller_id"],
        body["contract_id"],
        body["at"],
    ) == ("ap_follow_up", kind_of_follow_up, "AP-2026-0001", case.controller.id, None, iso(at))
    after = row_counts()
    assert after["filings"] == before["filings"] + 1
    assert after["timeline_events"] == before["timeline_events"] + 1
    assert after["obligations"] == before["obligations"]
    # a follow-up fulfils no obligation: every deadline is exactly as it was
    assert api.get(case.deadlines).get_json()["deadlines"] == deadlines_before

    stored = db.session.get(Filing, body["id"])
    assert stored.details == {"follow_up": kind_of_follow_up}
    event = db.session.scalars(
        select(TimelineEvent).where(TimelineEvent.incident_id == case.iid).order_by(TimelineEvent.id.desc())
    ).first()
    assert event.kind == "filing"
    assert event.details["kind"] == "ap_follow_up" and event.details["filing_id"] == body["id"]
    assert event.details["follow_up"] == kind_of_follow_up and event.details["reference"] == "AP-2026-0001"

    # the draft stays a follow-up to the original notification
    draft = api.get(f"/api/v1/incidents/{case.iid}/ap-draft?controller_id={case.controller.id}").get_json()
    assert draft["notification_type"] == "follow_up" and draft["ap_reference"] == "AP-2026-0001"
    assert draft["late"] is False


def test_follow_up_to_the_second_of_two_notifications(api, case):
    notify_ap(api, case, "AP-2026-0001")
    notify_ap(api, case, "AP-2026-0002")
    response = api.post(case.filings, json=follow_up(case, reference="AP-2026-0002", follow_up="withdrawal"))
    assert response.status_code == 201 and response.get_json()["follow_up"] == "withdrawal"


def test_a_follow_up_does_not_fulfil_the_ap_notification(api, case):
    """Only an ap_notification stops the AP clock; with none recorded a follow-up cannot even be filed."""
    ap = [d for d in api.get(case.deadlines).get_json()["deadlines"] if d["kind"] == "ap_notification"]
    assert [d["status"] for d in ap] == ["running"]
    api.post(case.filings, json=follow_up(case))
    ap_after = [d for d in api.get(case.deadlines).get_json()["deadlines"] if d["kind"] == "ap_notification"]
    assert ap_after == ap


# --- web form -------------------------------------------------------------------------------------------------


def post_form(client, case, **values):
    token = csrf_token(client, case.page)
    data = {
        "csrf_token": token,
        "filing-kind": "ap_follow_up",
        "filing-controller_id": str(case.controller.id),
        "filing-reference": "AP-2026-0001",
        "filing-follow_up": "change",
        "filing-note": "",
    }
    data.update({f"filing-{k}": v for k, v in values.items()})
    return client.post(f"{case.page}/filings", data=data)


def test_web_follow_up_is_recorded(api, logged_in, case, row_counts):
    notify_ap(api, case)
    deadlines_before = api.get(case.deadlines).get_json()["deadlines"]
    before = row_counts()
    response = post_form(logged_in, case)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    # back to the page of the controller the filing is about, where the filing form is
    assert response.headers["Location"].endswith(f"/incidents/{case.iid}/controllers/{case.controller.id}#filing_form")
    after = row_counts()
    assert after["filings"] == before["filings"] + 1
    stored = db.session.scalars(select(Filing).where(Filing.kind == "ap_follow_up")).one()
    assert (stored.reference, stored.details, stored.controller_id, stored.contract_id) == (
        "AP-2026-0001",
        {"follow_up": "change"},
        case.controller.id,
        None,
    )
    assert api.get(case.deadlines).get_json()["deadlines"] == deadlines_before


@pytest.mark.parametrize(
    "setup, values, message",
    [
        (False, {}, "er is voor deze verwerkingsverantwoordelijke geen melding bij de AP vastgelegd"),
        (True, {"reference": "AP-2026-9999"}, "het kenmerk moet het meldnummer van de AP zijn: AP-2026-0001"),
        (True, {"reference": ""}, "het meldnummer van de AP is verplicht"),
        (True, {"follow_up": "addendum"}, "Ongeldige keuze."),  # WTForms, in Dutch
    ],
)
def test_web_follow_up_refused(api, logged_in, case, row_counts, setup, values, message):
    if setup:
        notify_ap(api, case)
    before = row_counts()
    response = post_form(logged_in, case, **values)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert message in page
    assert row_counts() == before


def test_a_follow_up_cannot_precede_its_notification(api, case, row_counts):
    notify_ap(api, case)  # filed now
    before = row_counts()
    response = api.post(case.filings, json=follow_up(case, at=iso(case.now - timedelta(hours=20))))
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == "at"
    assert row_counts() == before
