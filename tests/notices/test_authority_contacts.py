"""A contact with (or a disclosure to) an authority other than the AP, recorded for a controller, starts the duty to
keep that controller informed (BOZ 5.7, Doctolib 7.2, Addendum 6.2); a notice from then on tells of it, and its
delivery fulfils the duty (issue 13, item 5)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from incidents.core.instants import iso_z, utcnow
from incidents.extensions import db
from incidents.notices.models import Document
from incidents.notices.outbox import deliver_due

from .helpers import pdf_text


def deadlines(api, iid: int) -> list[dict]:
    return api.get(f"/api/v1/incidents/{iid}/deadlines").get_json()["deadlines"]


def kept_informed(api, iid: int) -> list[dict]:
    return [d for d in deadlines(api, iid) if d["kind"] == "authority_contact_notice"]


def test_a_recorded_authority_contact_starts_the_duty_and_the_next_notice_fulfils_it(
    api, make_contract, make_controller, inbox
):
    controller = make_controller(name="Huisartsenpost Noord")
    contract = make_contract("boz-72h", controller=controller)
    other = make_contract("boz-72h")
    data = {"title": "Beslag op server", "aware_at": iso_z(utcnow() - timedelta(days=2)), "status": "confirmed"}
    incident = api.post("/api/v1/incidents", json={**data, "contract_ids": [contract.id, other.id]}).get_json()
    iid = incident["id"]
    assert kept_informed(api, iid) == []  # nothing recorded that starts it

    refused = api.post(
        f"/api/v1/incidents/{iid}/filings", json={"kind": "authority_contact", "controller_id": controller.id}
    )
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "note"
    contacted = utcnow() - timedelta(hours=1)
    contact = {
        "kind": "authority_contact",
        "controller_id": controller.id,
        "at": iso_z(contacted),
        "note": "Politie vorderde de logbestanden van de server",
        "reference": "PV-2026-123",
    }
    assert api.post(f"/api/v1/incidents/{iid}/filings", json=contact).status_code == 201
    [duty] = kept_informed(api, iid)  # for this controller's contract only
    assert (duty["contract_id"], duty["clause"], duty["starts_at"], duty["due_at"], duty["norm"]) == (
        contract.id,
        "Art. 5.7",
        iso_z(contacted),
        iso_z(contacted + timedelta(hours=24)),
        "internal",
    )

    notify = {"controller_ids": [controller.id], "version": "update", "next_update": "morgen"}
    assert api.post(f"/api/v1/incidents/{iid}/notices", json=notify).status_code == 202
    assert deliver_due() == {"sent": 1}
    [document] = db.session.scalars(select(Document).where(Document.incident_id == iid)).all()
    text = pdf_text(document.content)
    assert "Contacten met andere autoriteiten dan de AP" in text
    assert "Politie vorderde de logbestanden van de server (PV-2026-123)" in text
    [duty] = kept_informed(api, iid)
    assert (duty["status"], duty["filing_id"] is not None) == ("met", True)
    # the other controller was told nothing of it, and owes nothing
    assert all(d["controller_id"] == controller.id for d in kept_informed(api, iid))
