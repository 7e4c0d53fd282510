"""A filing recorded after its deadline with a time before it meets the deadline on its word, and every output says
so: the deadline in the API, the controller's page of the incident, the controller's portal, and the register (page
exports and API). Issue 13, item 2; legal review C7."""

from __future__ import annotations

import csv
import io

from incidents.extensions import db
from incidents.parties.models import Controller

from ..support.forms import log_in
from ..support.people import make_user
from .conftest import one
from .openapi_check import check_schema


def test_a_backdated_filing_is_marked_everywhere(api, client, logged_in, make_contract, new_incident, deadlines):
    contract = make_contract("boz-72h")
    controller = db.session.get(Controller, contract.controller_id)
    incident = new_incident(status="confirmed", aware_at="2026-09-01T10:00:00Z", contract_ids=[contract.id])
    iid = incident["id"]
    # told on time by phone, recorded today (months after the 72 hours ran out)
    response = api.post(
        f"/api/v1/incidents/{iid}/filings",
        json={"kind": "controller_notice", "contract_id": contract.id, "at": "2026-09-02T09:00:00Z"},
    )
    assert response.status_code == 201
    recorded_at = response.get_json()["recorded_at"]
    notice = one(deadlines(iid), kind="controller_notice")
    assert (notice["status"], notice["backdated"], notice["met_recorded_at"]) == ("met", True, recorded_at)
    consultation = one(deadlines(iid), kind="controller_consultation")
    assert consultation["backdated"] is False and consultation["met_recorded_at"] is None

    page = logged_in.get(f"/incidents/{iid}/controllers/{controller.id}").get_data(as_text=True)
    assert page.count("data-backdated") == 1 and ", na de termijn</span>" in page
    roster = logged_in.get(f"/incidents/{iid}").get_data(as_text=True)  # the incident page's controller list
    # in the controller's row, and in the latest timeline entries below it
    assert "data-backdated>1 na de termijn vastgelegd<" in roster and roster.count("data-backdated") == 2
    timeline = logged_in.get(f"/incidents/{iid}/timeline").get_data(as_text=True)
    assert timeline.count("data-backdated") == 1
    marked = "vastgelegd na de termijn van 04-09-2026 12:00 CEST, met een eerder tijdstip (02-09-2026 11:00 CEST)"
    assert marked in timeline

    register = api.get("/api/v1/register").get_json()
    check_schema("Register", register)
    [entry] = register["register"]
    [backdated] = entry["backdated_obligations"]
    assert backdated == {
        "kind": "controller_notice",
        "controller_id": controller.id,
        "controller_name": controller.name,
        "contract": contract.reference,
        "due_at": "2026-09-04T10:00:00Z",
        "met_at": "2026-09-02T09:00:00Z",
        "met_recorded_at": recorded_at,
    }
    rows = list(csv.reader(io.StringIO(logged_in.get("/register/export.csv").data.decode("utf-8-sig")), delimiter=";"))
    cell = rows[1][rows[0].index("Na de termijn vastgelegd, met een eerder tijdstip")]
    assert cell.startswith(f"{controller.name}: Melding aan de verwerkingsverantwoordelijke (contract ")
    assert "uiterlijk 04-09-2026 12:00" in cell and "gedaan 02-09-2026 11:00" in cell and "vastgelegd op " in cell

    make_user("fg@klant.example", "controller", password="correct horse battery", controller=controller)
    other = client.application.test_client()
    log_in(other, "fg@klant.example", "correct horse battery")
    portal = other.get(f"/portal/incidents/{iid}").get_data(as_text=True)
    assert portal.count("data-backdated") == 1
