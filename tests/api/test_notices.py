"""POST /incidents/{id}/notices, GET /outbox/{id}, GET /documents/{id}, completeness per contract and the
data-subject guard of the contracts."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from incidents.extensions import db
from incidents.notices.mailer import FolderTransport
from incidents.notices.models import Document
from incidents.notices.outbox import deliver_due

from .conftest import one
from .openapi_check import check_request, check_response, document

NOTICES = "/incidents/{incident_id}/notices"
OUTBOX = "/outbox/{message_id}"
DOCUMENTS = "/documents/{document_id}"
FILINGS = "/incidents/{incident_id}/filings"
INCIDENT = "/incidents/{incident_id}"
PROCESSOR = "Voorbeeld Verwerker B.V."  # config/defaults.py PROCESSOR_NAME


def z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def case(make_controller, make_contract, new_incident):
    """Controller A (Dutch) with a boz-72h and a citodent contract, controller B (English) with a boz-24h
    contract, controller C whose contract the incident does not touch. Confirmed two hours ago, so every
    processor deadline is still running."""

    class Case:
        a = make_controller(name="Tandartspraktijk Aalst", contact_name="Anna Aalst")
        b = make_controller(name="Clinic Bristol", contact_name="Bob Bristol", language="en")
        c = make_controller(name="Kliniek Capelle")
        a_boz = make_contract("boz-72h", controller=a)
        a_cito = make_contract("citodent", controller=a)
        b_boz = make_contract("boz-24h", controller=b)
        c_boz = make_contract("boz-72h", controller=c)
        incident = new_incident(
            status="confirmed",
            aware_at=z(datetime.now(UTC) - timedelta(hours=2)),
            contract_ids=[a_boz.id, a_cito.id, b_boz.id],
        )
        iid = incident["id"]
        reference = incident["reference"]

    return Case


def notify(api, iid: int, **data) -> list[dict]:
    """POST notices, validated against the document; returns the outbox entries."""
    response = api.post(f"/api/v1/incidents/{iid}/notices", json=data)
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    check_request(NOTICES, "post", data)
    check_response(NOTICES, "post", 202, body)
    assert set(body) == {"outbox"}
    for entry in body["outbox"]:
        assert set(entry) == {"id", "controller_id", "status", "document_id"}, entry
    return body["outbox"]


def outbox(api, message_id: int) -> dict:
    response = api.get(f"/api/v1/outbox/{message_id}")
    assert response.status_code == 200, response.get_json()
    check_response(OUTBOX, "get", 200, response.get_json())
    return response.get_json()


def download(api, document_id: int):
    response = api.get(f"/api/v1/documents/{document_id}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def added(before: dict, after: dict) -> dict:
    return {table: after[table] - before[table] for table in after if after[table] != before[table]}


# --- POST /incidents/{id}/notices ---


def test_notice_to_listed_controllers(api, case, row_counts):
    before = row_counts()
    entries = notify(api, case.iid, controller_ids=[case.a.id])
    assert len(entries) == 1
    entry = entries[0]
    assert (entry["controller_id"], entry["status"]) == (case.a.id, "queued")
    assert isinstance(entry["id"], int) and isinstance(entry["document_id"], int)
    # one document, one outbox message, one timeline event (document_issued); no filing until the server accepts
    assert added(before, row_counts()) == {"documents": 1, "outbox": 1, "timeline_events": 1}

    message = outbox(api, entry["id"])
    assert {
        k: message[k]
        for k in (
            "id",
            "incident_id",
            "controller_id",
            "document_id",
            "status",
            "attempts",
            "recipients",
            "subject",
            "smtp_reply",
            "last_error",
            "sent_at",
            "kind",
            "version",
        )
    } == {
        "id": entry["id"],
        "incident_id": case.iid,
        "controller_id": case.a.id,
        "document_id": entry["document_id"],
        "status": "queued",
        "attempts": 0,
        "recipients": [case.a.contact_email],
        "subject": f"Melding datalek {case.reference} (eerste melding) — {PROCESSOR}",
        "smtp_reply": None,
        "last_error": None,
        "sent_at": None,
        "kind": "notice",
        "version": "initial",
    }


def test_notices_to_all_affected_controllers(api, case, row_counts):
    before = row_counts()
    entries = notify(api, case.iid, all=True)
    # one entry per affected controller (A has two contracts: still one notice), C is not affected
    assert [e["controller_id"] for e in entries] == sorted([case.a.id, case.b.id])
    assert {e["status"] for e in entries} == {"queued"}
    assert len({e["id"] for e in entries}) == len({e["document_id"] for e in entries}) == 2
    assert added(before, row_counts()) == {"documents": 2, "outbox": 2, "timeline_events": 2}
    # the English controller gets an English notice
    b_message = outbox(api, one(entries, controller_id=case.b.id)["id"])
    assert b_message["subject"] == f"Data breach notice {case.reference} (initial notice) — {PROCESSOR}"
    assert b_message["recipients"] == [case.b.contact_email]


def test_initial_notice_twice_returns_the_same_entries(api, case, row_counts):
    first = notify(api, case.iid, all=True, version="initial")
    written = row_counts()
    assert notify(api, case.iid, all=True) == first  # version defaults to initial
    # listed in another order: the same entries, in the order asked
    assert notify(api, case.iid, controller_ids=[case.b.id, case.a.id], version="initial") == [
        one(first, controller_id=case.b.id),
        one(first, controller_id=case.a.id),
    ]
    assert row_counts() == written, "asking again wrote rows"


def test_updates_get_new_entries_with_increasing_sequence(api, case, row_counts):
    initial = notify(api, case.iid, controller_ids=[case.a.id])[0]
    first = notify(api, case.iid, controller_ids=[case.a.id], version="update", next_update="morgen 12:00")[0]
    before = row_counts()
    second = notify(api, case.iid, controller_ids=[case.a.id], version="update")[0]
    assert added(before, row_counts()) == {"documents": 1, "outbox": 1, "timeline_events": 1}
    assert len({initial["id"], first["id"], second["id"]}) == 3
    assert len({initial["document_id"], first["document_id"], second["document_id"]}) == 3

    assert [outbox(api, e["id"])["subject"] for e in (first, second)] == [
        f"Melding datalek {case.reference} (aanvulling 1) — {PROCESSOR}",
        f"Melding datalek {case.reference} (aanvulling 2) — {PROCESSOR}",
    ]
    assert [download(api, e["document_id"]).headers["Content-Disposition"] for e in (initial, first, second)] == [
        f'attachment; filename="{case.reference}-melding-eerste-Tandartspraktijk-Aalst.pdf"',
        f'attachment; filename="{case.reference}-melding-aanvulling-1-Tandartspraktijk-Aalst.pdf"',
        f'attachment; filename="{case.reference}-melding-aanvulling-2-Tandartspraktijk-Aalst.pdf"',
    ]
    stored = db.session.scalars(select(Document).where(Document.incident_id == case.iid).order_by(Document.id))
    assert [(d.version, d.sequence) for d in stored] == [("initial", 1), ("update", 1), ("update", 2)]

    # a final notice, like the initial one, is issued once
    final = notify(api, case.iid, controller_ids=[case.a.id], version="final")
    assert notify(api, case.iid, controller_ids=[case.a.id], version="final") == final
    assert final[0]["id"] not in {initial["id"], first["id"], second["id"]}


def test_a_controller_listed_twice_gets_one_notice(api, case, row_counts):
    before = row_counts()
    entries = notify(api, case.iid, controller_ids=[case.a.id, case.a.id])
    assert [e["controller_id"] for e in entries] == [case.a.id]
    assert added(before, row_counts()) == {"documents": 1, "outbox": 1, "timeline_events": 1}


NOTICE_REFUSALS = {
    # case: (body, status, code, field)
    "neither controller_ids nor all": (lambda c: {}, 422, "required", "controller_ids"),
    "only a version": (lambda c: {"version": "update"}, 422, "required", "controller_ids"),
    "all false and no controller_ids": (lambda c: {"all": False}, 422, "required", "controller_ids"),
    "empty controller_ids": (lambda c: {"controller_ids": []}, 422, "invalid_type", "controller_ids"),
    "controller_ids not a list": (lambda c: {"controller_ids": c.a.id}, 422, "invalid_type", "controller_ids"),
    "controller_ids with text": (lambda c: {"controller_ids": [str(c.a.id)]}, 422, "invalid_type", "controller_ids"),
    "controller not affected": (lambda c: {"controller_ids": [c.c.id]}, 422, "not_affected", "controller_ids"),
    "one of two not affected": (lambda c: {"controller_ids": [c.a.id, c.c.id]}, 422, "not_affected", "controller_ids"),
    "unknown controller": (lambda c: {"controller_ids": [999]}, 422, "not_affected", "controller_ids"),
    "all not a boolean": (lambda c: {"all": "yes"}, 422, "invalid_type", "all"),
    "all as 0": (lambda c: {"all": 0, "controller_ids": [c.a.id]}, 422, "invalid_type", "all"),
    "all as 1": (lambda c: {"all": 1}, 422, "invalid_type", "all"),
    "invalid version": (lambda c: {"all": True, "version": "draft"}, 422, "invalid_choice", "version"),
    "version not text": (lambda c: {"all": True, "version": 1}, 422, "invalid_choice", "version"),
    "next_update too long": (lambda c: {"all": True, "next_update": "x" * 501}, 422, "too_long", "next_update"),
    "unknown key": (lambda c: {"all": True, "controllers": [c.a.id]}, 422, "unknown_field", "controllers"),
}


@pytest.mark.parametrize("name", NOTICE_REFUSALS)
def test_notice_refusals(api, case, refused, name):
    make, status, code, field = NOTICE_REFUSALS[name]
    refused(
        lambda: api.post(f"/api/v1/incidents/{case.iid}/notices", json=make(case)),
        status,
        code,
        field,
        op=(NOTICES, "post"),
    )


def test_not_affected_message_names_the_controller(api, case, refused):
    error = refused(
        lambda: api.post(f"/api/v1/incidents/{case.iid}/notices", json={"controller_ids": [case.c.id]}),
        422,
        "not_affected",
        "controller_ids",
        op=(NOTICES, "post"),
    )
    assert str(case.c.id) in error["message"] and case.reference in error["message"]


def test_all_on_an_incident_without_contracts_is_422(api, new_incident, refused):
    incident = new_incident(status="confirmed")
    refused(
        lambda: api.post(f"/api/v1/incidents/{incident['id']}/notices", json={"all": True}),
        422,
        "required",
        "controller_ids",
        op=(NOTICES, "post"),
    )


def test_malformed_json_is_400(api, case, refused):
    refused(
        lambda: api.client.post(
            f"/api/v1/incidents/{case.iid}/notices",
            data=b'{"all": true,',
            headers={**api.headers, "Content-Type": "application/json"},
        ),
        400,
        "malformed_json",
        op=(NOTICES, "post"),
    )


def test_dismissed_incident_is_409(api, make_contract, new_incident, refused):
    contract = make_contract("boz-72h")
    incident = new_incident(contract_ids=[contract.id])
    assert (
        api.post(f"/api/v1/incidents/{incident['id']}/dismiss", json={"reason": "geen persoonsgegevens"}).status_code
        == 200
    )
    error = refused(
        lambda: api.post(f"/api/v1/incidents/{incident['id']}/notices", json={"all": True}),
        409,
        "incident_dismissed",
        op=(NOTICES, "post"),
    )
    assert incident["reference"] in error["message"]


def test_unknown_incident_is_404(api, case, refused):
    error = refused(
        lambda: api.post("/api/v1/incidents/999/notices", json={"all": True}), 404, "not_found", op=(NOTICES, "post")
    )
    assert "999" in error["message"]


def test_no_token_is_401(client, case, refused):
    refused(
        lambda: client.post(f"/api/v1/incidents/{case.iid}/notices", json={"all": True}),
        401,
        "unauthorized",
        op=(NOTICES, "post"),
    )


# --- GET /outbox/{id} ---


def test_outbox_status_before_and_after_delivery(api, case, tmp_path, deadlines):
    entries = notify(api, case.iid, all=True)
    assert [outbox(api, e["id"])["status"] for e in entries] == ["queued", "queued"]
    assert not any(d["met_at"] for d in deadlines(case.iid) if d["kind"] == "controller_notice")

    mail = tmp_path / "mail"
    assert deliver_due(FolderTransport(mail)) == {"sent": 2}

    for entry in entries:
        message = outbox(api, entry["id"])
        assert message["status"] == "sent", message
        assert message["smtp_reply"].startswith("250"), message
        assert (message["attempts"], message["last_error"], message["next_attempt_at"]) == (1, None, None)
        assert message["sent_at"].endswith("Z")
    assert len(list(mail.glob("*.eml"))) == 2
    # delivery recorded a controller_notice filing per affected contract: the processor's notice deadlines are met
    a_sent = outbox(api, one(entries, controller_id=case.a.id)["id"])["sent_at"]
    found = deadlines(case.iid)
    for contract in (case.a_boz, case.a_cito):
        notice = one(found, kind="controller_notice", contract_id=contract.id)
        assert (notice["status"], notice["met_at"]) == ("met", a_sent), notice
    # nothing more is due
    assert deliver_due(FolderTransport(mail)) == {}


@pytest.mark.parametrize("message_id", [999, 10**25])
def test_unknown_outbox_message_is_404(api, case, refused, message_id):
    notify(api, case.iid, all=True)
    error = refused(lambda: api.get(f"/api/v1/outbox/{message_id}"), 404, "not_found", op=(OUTBOX, "get"))
    assert str(message_id) in error["message"]


# --- GET /documents/{id} ---


def test_document_is_the_stored_pdf_with_its_hash(api, case):
    entry = notify(api, case.iid, controller_ids=[case.a.id])[0]
    response = download(api, entry["document_id"])
    body = response.get_data()
    assert response.mimetype == "application/pdf"
    assert body.startswith(b"%PDF-")
    assert response.headers["X-Content-SHA256"] == hashlib.sha256(body).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", response.headers["X-Content-SHA256"])
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{case.reference}-melding-eerste-Tandartspraktijk-Aalst.pdf"'
    )
    stored = db.session.get(Document, entry["document_id"])
    assert (stored.sha256, stored.size) == (hashlib.sha256(body).hexdigest(), len(body))
    # the same bytes every time (served from storage, not rendered again)
    assert download(api, entry["document_id"]).get_data() == body

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert case.reference in text
    assert "Art. 5.2" in text and "Art. 6.1" in text  # the clause of each of A's contracts

    # the document's response as described: PDF content and the hash header
    ok = document()["paths"][DOCUMENTS]["get"]["responses"]["200"]
    assert set(ok["content"]) == {"application/pdf"}
    assert re.fullmatch(ok["headers"]["X-Content-SHA256"]["schema"]["pattern"], response.headers["X-Content-SHA256"])


@pytest.mark.parametrize("document_id", [999, 10**25])
def test_unknown_document_is_404(api, case, refused, document_id):
    notify(api, case.iid, all=True)
    error = refused(lambda: api.get(f"/api/v1/documents/{document_id}"), 404, "not_found", op=(DOCUMENTS, "get"))
    assert str(document_id) in error["message"]


# --- GET /incidents/{id}: completeness per contract ---


def test_completeness_per_contract(api, case):
    def completeness() -> list[dict]:
        response = api.get(f"/api/v1/incidents/{case.iid}")
        assert response.status_code == 200
        check_response(INCIDENT, "get", 200, response.get_json())
        return response.get_json()["completeness"]

    def patch(fields: dict) -> None:
        data = {"fields": fields}
        response = api.patch(f"/api/v1/incidents/{case.iid}", json=data)
        assert response.status_code == 200, response.get_json()
        check_response(INCIDENT, "patch", 200, response.get_json())

    boz72 = ["nature", "affected_data", "consequences", "measures"]
    citodent = ["cause", "measures", "informed_parties"]
    boz24 = ["nature", "affected_data", "consequences", "measures"]
    assert completeness() == [
        {
            "contract_id": case.a_boz.id,
            "reference": case.a_boz.reference,
            "profile": "boz-72h",
            "required": boz72,
            "missing": boz72,
            "complete": False,
        },
        {
            "contract_id": case.a_cito.id,
            "reference": case.a_cito.reference,
            "profile": "citodent",
            "required": citodent,
            "missing": citodent,
            "complete": False,
        },
        {
            "contract_id": case.b_boz.id,
            "reference": case.b_boz.reference,
            "profile": "boz-24h",
            "required": boz24,
            "missing": boz24,
            "complete": False,
        },
    ]

    patch({"nature": "Phishing op het beheeraccount", "measures": "Wachtwoorden gereset, MFA aangezet"})
    found = completeness()
    assert (one(found, contract_id=case.a_boz.id)["missing"], one(found, contract_id=case.a_boz.id)["complete"]) == (
        ["affected_data", "consequences"],
        False,
    )
    assert one(found, contract_id=case.a_cito.id)["missing"] == ["cause", "informed_parties"]
    assert one(found, contract_id=case.b_boz.id)["missing"] == ["affected_data", "consequences"]

    patch({"affected_data": "NAW, BSN", "consequences": "Mogelijk inzage door derden", "cause": "Phishing-mail"})
    found = completeness()
    assert one(found, contract_id=case.a_boz.id) == {
        "contract_id": case.a_boz.id,
        "reference": case.a_boz.reference,
        "profile": "boz-72h",
        "required": boz72,
        "missing": [],
        "complete": True,
    }
    assert one(found, contract_id=case.a_cito.id)["missing"] == ["informed_parties"]
    assert one(found, contract_id=case.b_boz.id)["complete"] is True

    patch({"informed_parties": "Verwerkingsverantwoordelijke", "nature": ""})  # clearing a field: missing again
    found = completeness()
    assert [(c["profile"], c["missing"], c["complete"]) for c in found] == [
        ("boz-72h", ["nature"], False),
        ("citodent", [], True),
        ("boz-24h", ["nature"], False),
    ]


def test_completeness_of_an_incident_without_contracts_is_empty(api, new_incident):
    incident = new_incident()
    assert incident["completeness"] == []


# --- the contract's data-subject guard on filings ---


def test_data_subject_communication_refused_by_a_boz_contract(api, case, refused):
    error = refused(
        lambda: api.post(
            f"/api/v1/incidents/{case.iid}/filings",
            json={"kind": "data_subject_communication", "contract_id": case.a_boz.id},
        ),
        409,
        "forbidden_by_contract",
        "kind",
    )
    assert "Art. 5.6" in error["message"]
    assert "boz-72h" in error["message"]


def test_the_409_of_the_data_subject_guard_is_documented(api, case):
    response = api.post(
        f"/api/v1/incidents/{case.iid}/filings",
        json={"kind": "data_subject_communication", "contract_id": case.a_boz.id},
    )
    assert response.status_code == 409
    check_response(FILINGS, "post", 409, response.get_json())


def test_data_subject_communication_allowed_by_a_citodent_contract(api, case, row_counts):
    before = row_counts()
    data = {
        "kind": "data_subject_communication",
        "contract_id": case.a_cito.id,
        "channel": "letter",
        "note": "Brief aan 120 patiënten",
    }
    response = api.post(f"/api/v1/incidents/{case.iid}/filings", json=data)
    assert response.status_code == 201, response.get_json()
    check_request(FILINGS, "post", data)
    check_response(FILINGS, "post", 201, response.get_json())
    filing = response.get_json()
    assert (filing["kind"], filing["contract_id"], filing["controller_id"], filing["note"]) == (
        "data_subject_communication",
        case.a_cito.id,
        case.a.id,
        "Brief aan 120 patiënten",
    )
    assert added(before, row_counts()) == {"filings": 1, "timeline_events": 1}


def _pdf_text(api, document_id: int) -> str:
    body = download(api, document_id).get_data()
    return " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages).split())


def test_a_notice_says_in_its_title_whether_it_reports_a_suspicion_or_an_established_breach(
    api, make_controller, make_contract, new_incident
):
    controller = make_controller(name="Mondzorg Aalst")
    contract = make_contract("citodent", controller=controller)
    incident = new_incident(aware_at=z(datetime.now(UTC) - timedelta(hours=2)), contract_ids=[contract.id])
    [entry] = notify(api, incident["id"], controller_ids=[controller.id])
    text = _pdf_text(api, entry["document_id"])
    assert text.startswith("Melding van een vermoeden van een inbreuk in verband met persoonsgegevens")
    assert "Dit is de melding van een vermoeden: de inbreuk is (nog) niet vastgesteld." in text
    assert outbox(api, entry["id"])["subject"].startswith(f"Melding vermoedelijk datalek {incident['reference']}")

    assert api.post(f"/api/v1/incidents/{incident['id']}/confirm", json={}).status_code == 200
    [update] = notify(api, incident["id"], controller_ids=[controller.id], version="update")
    text = _pdf_text(api, update["document_id"])
    assert text.startswith("Melding van een inbreuk in verband met persoonsgegevens")
    assert "melding van een vermoeden" not in text


def test_after_a_dismissal_the_controllers_who_were_told_get_the_final_notice_that_it_proved_unfounded(
    api, case, refused
):
    notify(api, case.iid, controller_ids=[case.a.id])  # only A was told
    reason = "Geen persoonsgegevens: de back-up bleek leeg"
    assert api.post(f"/api/v1/incidents/{case.iid}/dismiss", json={"reason": reason}).status_code == 200
    refused(
        lambda: api.post(f"/api/v1/incidents/{case.iid}/notices", json={"all": True, "version": "update"}),
        409,
        "incident_dismissed",
        op=(NOTICES, "post"),
    )
    error = refused(
        lambda: api.post(
            f"/api/v1/incidents/{case.iid}/notices", json={"controller_ids": [case.b.id], "version": "final"}
        ),
        409,
        "never_told",
        op=(NOTICES, "post"),
    )
    assert str(case.b.id) in error["message"]
    [final] = notify(api, case.iid, all=True, version="final")  # all: those who were told
    assert final["controller_id"] == case.a.id
    text = _pdf_text(api, final["document_id"])
    assert text.startswith("Bericht: het vermoeden van een inbreuk is ongegrond gebleken")
    assert "Het vermoeden waarover wij u informeerden, is ongegrond gebleken" in text
    assert f"Reden {reason}" in text
    assert "nog niet bekend, volgt" not in text  # nothing is still to come
    assert outbox(api, final["id"])["subject"].startswith(f"Vermoeden datalek {case.reference} ongegrond")
