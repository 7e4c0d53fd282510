"""POST /incidents/{id}/filings (append-only) and /decisions."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest.mock import ANY

import pytest
import sqlalchemy.exc
from sqlalchemy import select, text

from incidents.breaches.models import Filing
from incidents.extensions import db
from incidents.profiles import get_profile
from tests.conftest import MAKER

from ..support.database import REWRITE_REFUSED
from .conftest import one
from .openapi_check import check_request, check_response
from .test_incidents import parse_z

FILINGS = "/incidents/{incident_id}/filings"
DECISIONS = "/incidents/{incident_id}/decisions"


@pytest.fixture
def case(make_controller, make_contract, new_incident):
    """Controller A with a boz-72h and a doctolib contract, controller B with a boz-24h contract, and one more
    contract that the incident does not touch. The incident is confirmed at 2026-09-01T10:00Z."""

    class Case:
        a, b = make_controller(name="A"), make_controller(name="B")
        a_boz = make_contract("boz-72h", controller=a)
        a_doc = make_contract("doctolib", controller=a)
        b_boz = make_contract("boz-24h", controller=b)
        untouched = make_contract("boz-72h")
        incident = new_incident(
            status="confirmed", aware_at="2026-09-01T12:00", contract_ids=[a_boz.id, a_doc.id, b_boz.id]
        )
        iid = incident["id"]

    return Case


def file(api, iid, **data):
    response = api.post(f"/api/v1/incidents/{iid}/filings", json=data)
    assert response.status_code == 201, response.get_json()
    check_request(FILINGS, "post", data)
    check_response(FILINGS, "post", 201, response.get_json())
    return response.get_json()


def test_controller_notice_met(api, user, case, deadlines, row_counts):
    before = row_counts()
    filing = file(api, case.iid, kind="controller_notice", contract_id=case.a_boz.id, at="2026-09-02T09:00")
    assert row_counts() == {
        **before,
        "filings": before["filings"] + 1,
        "timeline_events": before["timeline_events"] + 1,
    }
    assert isinstance(filing["id"], int)
    assert {
        k: filing[k]
        for k in (
            "incident_id",
            "kind",
            "contract_id",
            "controller_id",
            "at",
            "channel",
            "reference",
            "note",
            "recorded_by",
        )
    } == {
        "incident_id": case.iid,
        "kind": "controller_notice",
        "contract_id": case.a_boz.id,
        "controller_id": case.a.id,
        "at": "2026-09-02T07:00:00Z",
        "channel": "email",
        "reference": None,
        "note": None,
        "recorded_by": user.id,
    }
    assert filing["recorded_at"].endswith("Z")

    found = deadlines(case.iid)
    boz_version = get_profile("boz-72h").version
    assert one(found, kind="controller_notice", contract_id=case.a_boz.id) == {
        "kind": "controller_notice",
        "contract_id": case.a_boz.id,
        "controller_id": case.a.id,
        "owner": "processor",
        "clause": "Art. 5.2",
        "status": "met",
        "starts_at": "2026-09-01T10:00:00Z",
        "due_at": "2026-09-04T10:00:00Z",
        "met_at": "2026-09-02T07:00:00Z",
        "hours": 72,
        "filing_id": filing["id"],
        # recorded now, months after the deadline, with a time before it: met, and marked backdated
        "met_recorded_at": filing["recorded_at"],
        "backdated": True,
        "profile_version": boz_version,
        "norm": "outer_limit",  # BOZ 5.2: "onmiddellijk, doch uiterlijk binnen 72 uur"
        "limited_by_ap": False,
        "owner_basis": None,
        "owner_conflict": [],
    }
    # the notice made controller A aware: its Art. 33 clock starts at max(confirmed_at, notice) = the notice
    assert one(found, kind="ap_notification", controller_id=case.a.id) == {
        "kind": "ap_notification",
        "contract_id": None,
        "controller_id": case.a.id,
        "owner": "controller",
        "clause": "AVG art. 33 lid 1",
        "status": "missed",
        "starts_at": "2026-09-02T07:00:00Z",
        "due_at": "2026-09-05T07:00:00Z",
        "met_at": None,
        "hours": 72,
        "filing_id": None,
        "met_recorded_at": None,
        "backdated": False,
        "profile_version": ANY,
        "norm": "term",  # AVG art. 33(1): "uiterlijk 72 uur"
        "limited_by_ap": False,
        "owner_basis": None,
        "owner_conflict": [],
    }
    # controller B has had no notice: its clock has not started
    b_ap = one(found, kind="ap_notification", controller_id=case.b.id)
    assert (b_ap["status"], b_ap["starts_at"], b_ap["due_at"]) == ("pending", None, None)


def test_controller_notice_missed(api, case, deadlines):
    filing = file(
        api,
        case.iid,
        kind="controller_notice",
        contract_id=case.a_doc.id,
        at="2026-09-03T10:00:00Z",
        channel="other",  # Doctolib 4.1: a means the controller made available (a phone call would fulfil nothing)
        note="via het meldpunt van de klant",
    )
    assert (filing["channel"], filing["note"], filing["fulfils"]) == ("other", "via het meldpunt van de klant", True)
    notice = one(deadlines(case.iid), kind="controller_notice", contract_id=case.a_doc.id)
    assert (notice["status"], notice["starts_at"], notice["due_at"], notice["met_at"]) == (
        "missed",
        "2026-09-01T10:00:00Z",
        "2026-09-02T10:00:00Z",
        "2026-09-03T10:00:00Z",
    )


def test_deadline_itself_is_still_on_time(api, case, deadlines):
    file(api, case.iid, kind="controller_notice", contract_id=case.b_boz.id, at="2026-09-02T10:00:00Z")
    notice = one(deadlines(case.iid), kind="controller_notice", contract_id=case.b_boz.id)
    assert (notice["status"], notice["due_at"]) == ("met", "2026-09-02T10:00:00Z")


def test_earliest_notice_of_any_contract_starts_the_ap_clock(api, case, deadlines):
    file(api, case.iid, kind="controller_notice", contract_id=case.a_boz.id, at="2026-09-02T07:00:00Z")
    # recorded later, but done earlier, for A's other contract
    file(api, case.iid, kind="controller_notice", contract_id=case.a_doc.id, at="2026-09-01T20:00:00Z")
    ap = one(deadlines(case.iid), kind="ap_notification", controller_id=case.a.id)
    assert (ap["starts_at"], ap["due_at"]) == ("2026-09-01T20:00:00Z", "2026-09-04T20:00:00Z")


def test_earliest_filing_of_a_kind_fulfils_the_obligation(api, case, deadlines):
    file(api, case.iid, kind="controller_notice", contract_id=case.a_boz.id, at="2026-09-05T07:00:00Z")
    assert one(deadlines(case.iid), kind="controller_notice", contract_id=case.a_boz.id)["status"] == "missed"
    earlier = file(api, case.iid, kind="controller_notice", contract_id=case.a_boz.id, at="2026-09-02T07:00:00Z")
    notice = one(deadlines(case.iid), kind="controller_notice", contract_id=case.a_boz.id)
    assert (notice["status"], notice["met_at"], notice["filing_id"]) == ("met", "2026-09-02T07:00:00Z", earlier["id"])


def test_a_notice_of_the_suspicion_meets_nothing_owed_for_the_established_breach(
    api, make_contract, new_incident, deadlines
):
    contract = make_contract("boz-72h")  # 5.2: once the processor knows of an "Inbreuk" (trigger confirmed)
    incident = new_incident(aware_at="2026-09-01T10:00:00Z", contract_ids=[contract.id])
    iid = incident["id"]
    file(api, iid, kind="controller_notice", contract_id=contract.id, at="2026-09-01T11:00:00Z")
    found = deadlines(iid)
    ap = one(found, kind="ap_notification")
    assert (ap["status"], ap["starts_at"], ap["due_at"]) == ("pending", None, None)  # not confirmed yet
    notice = one(found, kind="controller_notice")
    assert (notice["status"], notice["met_at"]) == ("pending", None)  # a duty that has not started cannot be met

    assert (
        api.post(f"/api/v1/incidents/{iid}/confirm", json={"confirmed_at": "2026-09-03T08:00:00Z"}).status_code == 200
    )
    found = deadlines(iid)
    notice = one(found, kind="controller_notice")
    # the suspicion was reported; the established breach was not: the duty runs from the confirmation
    assert (notice["status"], notice["met_at"], notice["due_at"]) == ("missed", None, "2026-09-06T08:00:00Z")  # by now
    ap = one(found, kind="ap_notification")
    assert (ap["status"], ap["starts_at"]) == ("pending", None)  # the controller was told of a suspicion only

    file(api, iid, kind="controller_notice", contract_id=contract.id, at="2026-09-03T09:30:00Z")
    found = deadlines(iid)
    notice = one(found, kind="controller_notice")
    assert (notice["status"], notice["met_at"]) == ("met", "2026-09-03T09:30:00Z")
    assert (notice["met_recorded_at"] is not None, notice["backdated"]) == (True, True)  # recorded months later
    assert len(notice["profile_version"]) == 12
    ap = one(found, kind="ap_notification")
    assert (ap["starts_at"], ap["due_at"]) == ("2026-09-03T09:30:00Z", "2026-09-06T09:30:00Z")


def test_consultation_and_ap_notification_filings(api, case, deadlines):
    consultation = file(
        api,
        case.iid,
        kind="controller_consultation",
        contract_id=case.a_boz.id,
        at="2026-09-03T12:00:00Z",
        channel="in_person",
    )
    assert (consultation["kind"], consultation["channel"]) == ("controller_consultation", "in_person")
    file(api, case.iid, kind="controller_notice", contract_id=case.a_boz.id, at="2026-09-02T07:00:00Z")
    ap_filing = file(
        api,
        case.iid,
        kind="ap_notification",
        controller_id=case.a.id,
        at="2026-09-04T10:00:00Z",
        reference="AP-2026-0042123",
    )
    assert (ap_filing["contract_id"], ap_filing["controller_id"], ap_filing["reference"]) == (
        None,
        case.a.id,
        "AP-2026-0042123",
    )

    found = deadlines(case.iid)
    c = one(found, kind="controller_consultation", contract_id=case.a_boz.id)
    assert (c["status"], c["clause"], c["due_at"], c["met_at"]) == (
        "met",
        "Art. 5.3",
        "2026-09-04T10:00:00Z",
        "2026-09-03T12:00:00Z",
    )
    ap = one(found, kind="ap_notification", controller_id=case.a.id)
    assert (ap["status"], ap["starts_at"], ap["due_at"], ap["met_at"], ap["filing_id"]) == (
        "met",
        "2026-09-02T07:00:00Z",
        "2026-09-05T07:00:00Z",
        "2026-09-04T10:00:00Z",
        ap_filing["id"],
    )


def test_filing_at_defaults_to_now(api, case):
    started = datetime.now(UTC).replace(microsecond=0)
    filing = file(api, case.iid, kind="controller_notice", contract_id=case.b_boz.id)
    assert started <= parse_z(filing["at"]) <= datetime.now(UTC)


FILING_REFUSALS = {
    "at in the future": (
        lambda c: {"kind": "controller_notice", "contract_id": c.a_boz.id, "at": "2099-01-01T00:00:00Z"},
        "in_future",
        "at",
    ),
    "at before aware_at": (
        lambda c: {"kind": "controller_notice", "contract_id": c.a_boz.id, "at": "2026-09-01T09:59:00Z"},
        "before_aware_at",
        "at",
    ),
    "at ambiguous": (
        lambda c: {"kind": "controller_notice", "contract_id": c.a_boz.id, "at": "2026-10-25T02:15"},
        "ambiguous_local_time",
        "at",
    ),
    "at garbage": (
        lambda c: {"kind": "controller_notice", "contract_id": c.a_boz.id, "at": "vandaag"},
        "invalid_instant",
        "at",
    ),
    "contract not affected": (
        lambda c: {"kind": "controller_notice", "contract_id": c.untouched.id, "at": "2026-09-02T07:00:00Z"},
        "not_affected",
        "contract_id",
    ),
    "unknown contract": (lambda c: {"kind": "controller_notice", "contract_id": 999}, "not_affected", "contract_id"),
    "contract missing": (lambda c: {"kind": "controller_notice"}, "required", "contract_id"),
    "contract id as text": (
        lambda c: {"kind": "controller_notice", "contract_id": str(c.a_boz.id)},
        "invalid_type",
        "contract_id",
    ),
    "controller does not own the contract": (
        lambda c: {"kind": "controller_notice", "contract_id": c.a_boz.id, "controller_id": c.b.id},
        "mismatch",
        "controller_id",
    ),
    "consultation on a profile without one": (
        lambda c: {"kind": "controller_consultation", "contract_id": c.a_doc.id},
        "not_in_contract",
        "kind",
    ),
    "unknown kind": (lambda c: {"kind": "controller_update", "contract_id": c.a_boz.id}, "invalid_choice", "kind"),
    "kind missing": (lambda c: {"contract_id": c.a_boz.id}, "invalid_choice", "kind"),
    "unknown channel": (
        lambda c: {"kind": "controller_notice", "contract_id": c.a_boz.id, "channel": "pigeon"},
        "invalid_choice",
        "channel",
    ),
    "note too long": (
        lambda c: {"kind": "controller_notice", "contract_id": c.a_boz.id, "note": "n" * 5001},
        "too_long",
        "note",
    ),
    "ap without controller": (lambda c: {"kind": "ap_notification", "reference": "AP-1"}, "required", "controller_id"),
    "ap for a controller not affected": (
        lambda c: {"kind": "ap_notification", "reference": "AP-1", "controller_id": c.untouched.controller_id},
        "not_affected",
        "controller_id",
    ),
    "ap controller as text": (
        lambda c: {"kind": "ap_notification", "reference": "AP-1", "controller_id": str(c.a.id)},
        "invalid_type",
        "controller_id",
    ),
    "ap without reference": (lambda c: {"kind": "ap_notification", "controller_id": c.a.id}, "required", "reference"),
    "ap with blank reference": (
        lambda c: {"kind": "ap_notification", "controller_id": c.a.id, "reference": " "},
        "required",
        "reference",
    ),
    "ap reference too long": (
        lambda c: {"kind": "ap_notification", "controller_id": c.a.id, "reference": "r" * 101},
        "too_long",
        "reference",
    ),
}


@pytest.mark.parametrize("name", FILING_REFUSALS)
def test_filing_refused(api, case, deadlines, refused, name):
    data, code, field = FILING_REFUSALS[name]
    before = deadlines(case.iid)
    refused(
        lambda: api.post(f"/api/v1/incidents/{case.iid}/filings", json=data(case)),
        422,
        code,
        field,
        op=(FILINGS, "post"),
    )
    assert deadlines(case.iid) == before


def test_filing_rows_are_append_only_in_the_database(api, case):
    filing = file(api, case.iid, kind="controller_notice", contract_id=case.a_boz.id, at="2026-09-02T07:00:00Z")
    for statement in (
        "UPDATE filings SET note = 'edited afterwards'",
        "UPDATE filings SET at = '2026-09-01 10:00:00.000000' WHERE id = :id",
        "DELETE FROM filings WHERE id = :id",
    ):
        with pytest.raises(sqlalchemy.exc.DBAPIError, match=REWRITE_REFUSED):
            db.session.execute(text(statement), {"id": filing["id"]})
        db.session.rollback()
    db.session.expire_all()
    row = db.session.scalars(select(Filing).where(Filing.id == filing["id"])).one()
    assert (row.note, row.channel, row.contract_id) == (None, "email", case.a_boz.id)
    assert row.at.strftime("%Y-%m-%dT%H:%M:%SZ") == "2026-09-02T07:00:00Z"


def test_decision_and_timeline_rows_are_append_only_too(api, case):
    response = api.post(
        f"/api/v1/incidents/{case.iid}/decisions",
        json={"controller_id": case.a.id, "decision_maker": MAKER, "notify_ap": "no", "reason": "laag risico"},
    )
    assert response.status_code == 201
    for table in ("decisions", "timeline_events"):
        with pytest.raises(sqlalchemy.exc.DBAPIError, match=REWRITE_REFUSED):
            db.session.execute(text(f"UPDATE {table} SET incident_id = incident_id"))
        db.session.rollback()


# --- decisions ---


def decide(api, iid, **data):
    data.setdefault("decision_maker", MAKER)
    response = api.post(f"/api/v1/incidents/{iid}/decisions", json=data)
    assert response.status_code == 201, response.get_json()
    check_request(DECISIONS, "post", data)
    check_response(DECISIONS, "post", 201, response.get_json())
    return response.get_json()


def test_decision_no_makes_the_ap_notification_not_required(api, user, case, deadlines, row_counts):
    file(api, case.iid, kind="controller_notice", contract_id=case.a_boz.id, at="2026-09-02T07:00:00Z")
    before = row_counts()
    decision = decide(
        api,
        case.iid,
        controller_id=case.a.id,
        notify_ap="no",
        reason="Versleutelde gegevens; geen risico voor betrokkenen",
    )
    assert row_counts() == {
        **before,
        "decisions": before["decisions"] + 1,
        "timeline_events": before["timeline_events"] + 1,
    }
    assert {
        k: decision[k] for k in ("incident_id", "controller_id", "decision_maker", "notify_ap", "reason", "decided_by")
    } == {
        "incident_id": case.iid,
        "controller_id": case.a.id,
        "decision_maker": MAKER,
        "notify_ap": "no",
        "reason": "Versleutelde gegevens; geen risico voor betrokkenen",
        "decided_by": user.id,
    }
    assert decision["decided_at"].endswith("Z")

    found = deadlines(case.iid)
    ap = one(found, kind="ap_notification", controller_id=case.a.id)
    assert (ap["status"], ap["starts_at"], ap["due_at"]) == (
        "not_required",
        "2026-09-02T07:00:00Z",
        "2026-09-05T07:00:00Z",
    )
    assert one(found, kind="ap_notification", controller_id=case.b.id)["status"] == "pending"

    # a later decision supersedes it
    decide(api, case.iid, controller_id=case.a.id, notify_ap="yes", reason="toch melden")
    assert one(deadlines(case.iid), kind="ap_notification", controller_id=case.a.id)["status"] == "missed"


def test_decisions_yes_and_needs_info_need_no_reason(api, case, deadlines):
    assert decide(api, case.iid, controller_id=case.b.id, notify_ap="needs_info")["reason"] == ""
    assert decide(api, case.iid, controller_id=case.b.id, notify_ap="yes")["notify_ap"] == "yes"
    assert one(deadlines(case.iid), kind="ap_notification", controller_id=case.b.id)["status"] == "pending"


DECISION_REFUSALS = {
    "processor_informs as 1": (
        lambda c: {
            "controller_id": c.a.id,
            "decision_maker": MAKER,
            "notify_ap": "yes",
            "inform_data_subjects": "yes",
            "processor_informs": 1,
        },
        "invalid_type",
        "processor_informs",
    ),
    "processor_informs as 0": (
        lambda c: {"controller_id": c.a.id, "decision_maker": MAKER, "notify_ap": "yes", "processor_informs": 0},
        "invalid_type",
        "processor_informs",
    ),
    "no without reason": (
        lambda c: {"controller_id": c.a.id, "decision_maker": MAKER, "notify_ap": "no"},
        "required",
        "reason",
    ),
    "no with empty reason": (
        lambda c: {"controller_id": c.a.id, "decision_maker": MAKER, "notify_ap": "no", "reason": ""},
        "required",
        "reason",
    ),
    "no with blank reason": (
        lambda c: {"controller_id": c.a.id, "decision_maker": MAKER, "notify_ap": "no", "reason": "  \n "},
        "required",
        "reason",
    ),
    "reason not text": (
        lambda c: {"controller_id": c.a.id, "decision_maker": MAKER, "notify_ap": "no", "reason": ["x"]},
        "invalid_type",
        "reason",
    ),
    "invalid notify_ap": (
        lambda c: {"controller_id": c.a.id, "decision_maker": MAKER, "notify_ap": "maybe", "reason": "x"},
        "invalid_choice",
        "notify_ap",
    ),
    "notify_ap as bool": (
        lambda c: {"controller_id": c.a.id, "decision_maker": MAKER, "notify_ap": False, "reason": "x"},
        "invalid_choice",
        "notify_ap",
    ),
    "notify_ap missing": (lambda c: {"controller_id": c.a.id, "reason": "x"}, "invalid_choice", "notify_ap"),
    "controller not affected": (
        lambda c: {
            "controller_id": c.untouched.controller_id,
            "decision_maker": MAKER,
            "notify_ap": "no",
            "reason": "x",
        },
        "not_affected",
        "controller_id",
    ),
    "unknown controller": (
        lambda c: {"controller_id": 999, "decision_maker": MAKER, "notify_ap": "no", "reason": "x"},
        "not_affected",
        "controller_id",
    ),
    "controller missing": (
        lambda c: {"decision_maker": MAKER, "notify_ap": "no", "reason": "x"},
        "required",
        "controller_id",
    ),
    "controller as text": (
        lambda c: {"controller_id": str(c.a.id), "decision_maker": MAKER, "notify_ap": "no", "reason": "x"},
        "invalid_type",
        "controller_id",
    ),
}


@pytest.mark.parametrize("name", DECISION_REFUSALS)
def test_decision_refused(api, case, deadlines, refused, name):
    data, code, field = DECISION_REFUSALS[name]
    before = deadlines(case.iid)
    refused(
        lambda: api.post(f"/api/v1/incidents/{case.iid}/decisions", json=data(case)),
        422,
        code,
        field,
        op=(DECISIONS, "post"),
    )
    assert deadlines(case.iid) == before


# --- decisions belong to the controller -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "maker, code",
    [
        (None, "required"),
        ({"function": "FG", "via": "email"}, "required"),
        ({"name": "  ", "via": "email"}, "required"),
        ({"name": "Fenna de Graaf"}, "required"),
        ({"name": "Fenna de Graaf", "via": "pigeon"}, "invalid_choice"),
        ({"name": "Fenna de Graaf", "via": "email", "rank": "boss"}, "unknown_field"),
        ("Fenna de Graaf", "invalid_type"),
        ({"name": 42, "via": "email"}, "invalid_type"),
        ({"name": "x" * 201, "via": "email"}, "too_long"),
        ({"name": "Fenna", "function": ["FG"], "via": "email"}, "invalid_type"),
    ],
)
def test_processor_staff_must_say_who_at_the_controller_decided(api, case, refused, maker, code):
    body = {"controller_id": case.a.id, "notify_ap": "no", "reason": "geen risico"}
    if maker is not None:
        body["decision_maker"] = maker
    refused(
        lambda: api.post(f"/api/v1/incidents/{case.iid}/decisions", json=body),
        422,
        code,
        "decision_maker",
        op=("/incidents/{incident_id}/decisions", "post"),
    )


@pytest.mark.parametrize(
    "maker, code",
    [
        ("Fenna de Graaf", "invalid_type"),
        ([], "invalid_type"),
        ({"function": "FG", "rank": "boss"}, "unknown_field"),
        ({"name": 42}, "invalid_type"),
        ({"name": "x" * 201}, "too_long"),
        ({"function": ["FG"]}, "invalid_type"),
        ({"via": "pigeon"}, "invalid_choice"),
    ],
)
def test_a_controller_users_decision_maker_is_checked_as_any_other(client, case, refused, maker, code):
    """A controller user is the decision maker itself, so it need not say who decided; what it does send is held to
    the same rules (the document describes one decision_maker for every caller)."""
    from incidents.auth.service import create_token, create_user

    create_user("fg@kliniek-a.example", "controller", "correct horse battery", controller_id=case.a.id)
    db.session.commit()
    _, secret = create_token("fg@kliniek-a.example", "tests")
    db.session.commit()
    body = {"controller_id": case.a.id, "notify_ap": "yes", "decision_maker": maker}
    refused(
        lambda: client.post(
            f"/api/v1/incidents/{case.iid}/decisions", headers={"Authorization": f"Bearer {secret}"}, json=body
        ),
        422,
        code,
        "decision_maker",
        op=("/incidents/{incident_id}/decisions", "post"),
    )
    for accepted in (None, {}, {"function": "FG"}, {"name": "", "function": None, "via": None}):
        response = client.post(
            f"/api/v1/incidents/{case.iid}/decisions",
            headers={"Authorization": f"Bearer {secret}"},
            json={**body, "decision_maker": accepted},
        )
        assert response.status_code == 201, (accepted, response.get_json())
        assert response.get_json()["decision_maker"]["via"] == "portal"


def test_a_controller_user_is_the_decision_maker_and_the_decision_shows_both(client, api, user, case):
    from incidents.auth.service import create_token, create_user

    create_user(
        "fg@kliniek-a.example", "controller", "correct horse battery", controller_id=case.a.id, name="Dr. K. Kramer"
    )
    db.session.commit()
    _, secret = create_token("fg@kliniek-a.example", "tests")
    db.session.commit()
    response = client.post(
        f"/api/v1/incidents/{case.iid}/decisions",
        headers={"Authorization": f"Bearer {secret}"},
        json={
            "controller_id": case.a.id,
            "notify_ap": "no",
            "reason": "versleuteld",
            "decision_maker": {"name": "Iemand anders", "function": "Bestuurder", "via": "phone"},
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    check_response("/incidents/{incident_id}/decisions", "post", 201, body)
    # the person is the user who decided in the portal; only the function is taken from the request
    assert body["decision_maker"] == {"name": "Dr. K. Kramer", "function": "Bestuurder", "via": "portal"}
    recorded = decide(api, case.iid, controller_id=case.b.id, notify_ap="yes", reason="hoog risico")
    assert recorded["decision_maker"] == MAKER and recorded["decided_by"] == user.id
