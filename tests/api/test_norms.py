"""How a deadline's hours are to be read, in the API and on the pages (issue 13, item 5; legal review §2.3): a
contract term, the outer limit of a duty owed at once ("onmiddellijk, doch uiterlijk"), or our own internal target
for an open norm ("onverwijld"), never shown as a legal conclusion; and the investigation report (BOZ 5.4), whose
outer limit is the controller's own AP deadline."""

from __future__ import annotations

from .conftest import one
from .openapi_check import check_schema


def test_norms_and_the_report_bounded_by_the_ap_deadline(api, logged_in, make_controller, make_contract, new_incident):
    controller = make_controller()
    boz = make_contract("boz-72h", controller=controller)
    doctolib = make_contract("doctolib", controller=controller)
    incident = new_incident(status="confirmed", aware_at="2026-09-01T12:00", contract_ids=[boz.id, doctolib.id])
    iid = incident["id"]

    def deadlines():
        body = api.get(f"/api/v1/incidents/{iid}/deadlines").get_json()
        for d in body["deadlines"]:
            check_schema("Deadline", d)
        return body["deadlines"]

    found = deadlines()
    norms = {(d["kind"], d["contract_id"]): d["norm"] for d in found}
    assert norms[("controller_notice", boz.id)] == "outer_limit"
    assert norms[("controller_notice", doctolib.id)] == "internal"
    assert norms[("ap_notification", None)] == "term"
    report = one(found, kind="investigation_report")
    assert (report["clause"], report["due_at"], report["limited_by_ap"]) == ("Art. 5.4", "2026-09-04T10:00:00Z", False)

    # told a day later: the controller's AP clock runs from then, and bounds the report
    told = {"kind": "controller_notice", "contract_id": boz.id, "at": "2026-09-02T12:00"}
    assert api.post(f"/api/v1/incidents/{iid}/filings", json=told).status_code == 201
    found = deadlines()
    ap, report = one(found, kind="ap_notification"), one(found, kind="investigation_report")
    assert (report["due_at"], report["limited_by_ap"]) == (ap["due_at"], True) == ("2026-09-05T10:00:00Z", True)

    page = logged_in.get(f"/incidents/{iid}/controllers/{controller.id}").get_data(as_text=True)
    assert "onmiddellijk, uiterlijk binnen 72 uur" in page  # BOZ 5.2
    assert "open norm; onze interne norm 24 uur, geen contracttermijn" in page  # Doctolib 4.1
    assert "uiterlijk de eigen AP-termijn van de verwerkingsverantwoordelijke" in page  # BOZ 5.4
    # the BOZ notice, met within the outer limit, says so rather than "op tijd"
    assert 'data-norm="outer_limit">gedaan binnen de uiterste termijn<' in page


def test_an_open_norm_missed_is_our_internal_target_passed(api, logged_in, make_contract, new_incident):
    contract = make_contract("doctolib")
    incident = new_incident(status="confirmed", aware_at="2026-09-01T12:00", contract_ids=[contract.id])
    page = logged_in.get(f"/incidents/{incident['id']}/controllers/{contract.controller_id}").get_data(as_text=True)
    assert 'data-norm="internal">interne norm overschreden<' in page
