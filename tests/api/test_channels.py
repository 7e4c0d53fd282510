"""A notice by a channel its contract does not allow is kept but fulfils nothing, and says why, quoting the clause
(issue 13, item 6; legal review C8): Addendum 13.2 "dit via e-mail"; Doctolib 4.1 an electronic message or a means
the controller made available."""

from __future__ import annotations

from .conftest import one
from .openapi_check import check_response

FILINGS = "/incidents/{incident_id}/filings"


def _notice(api, iid: int, contract_id: int, channel: str, at: str) -> dict:
    response = api.post(
        f"/api/v1/incidents/{iid}/filings",
        json={"kind": "controller_notice", "contract_id": contract_id, "channel": channel, "at": at},
    )
    assert response.status_code == 201, response.get_json()
    check_response(FILINGS, "post", 201, response.get_json())
    return response.get_json()


def test_a_phone_call_fulfils_nothing_under_a_clause_that_says_via_e_mail(
    api, logged_in, make_contract, new_incident, deadlines
):
    addendum, boz = make_contract("addendum-gegevensbescherming"), make_contract("boz-72h")
    incident = new_incident(status="confirmed", aware_at="2026-09-01T10:00:00Z", contract_ids=[addendum.id, boz.id])
    iid = incident["id"]
    phone = _notice(api, iid, addendum.id, "phone", "2026-09-01T11:00:00Z")
    assert phone["fulfils"] is False
    assert phone["reason"].startswith(
        "Addendum Gegevensbescherming, artikel 13 en Annex C (Verwerkingscharter), Art. 13.2: “Kennisgeving(en) van "
        "een Inbreuk worden verzonden naar de contactpersoon van de Klant, dit via e-mail.” A notice by phone is kept"
    )
    found = deadlines(iid)
    notice = one(found, kind="controller_notice", contract_id=addendum.id)
    assert (notice["met_at"], notice["filing_id"]) == (None, None)
    page = logged_in.get(f"/incidents/{iid}/controllers/{addendum.controller_id}").get_data(as_text=True)
    assert page.count('data-fulfils="false"') == 1
    assert (
        "Een melding per telefoon blijft vastgelegd, maar vervult onder deze overeenkomst niets (toegestaan: e-mail)"
        in page
    )
    # nor does it tell the controller of the breach: its AP clock waits
    assert one(found, kind="ap_notification", controller_id=addendum.controller_id)["starts_at"] is None
    # the same call under a contract that names no channel fulfils its duty
    other = _notice(api, iid, boz.id, "phone", "2026-09-01T11:00:00Z")
    assert (other["fulfils"], other["reason"]) == (True, None)
    assert one(deadlines(iid), kind="controller_notice", contract_id=boz.id)["filing_id"] == other["id"]

    email = _notice(api, iid, addendum.id, "email", "2026-09-01T12:00:00Z")
    assert (email["fulfils"], email["reason"]) == (True, None)
    notice = one(deadlines(iid), kind="controller_notice", contract_id=addendum.id)
    assert (notice["filing_id"], notice["met_at"]) == (email["id"], "2026-09-01T12:00:00Z")


def test_doctolib_allows_an_electronic_message_or_a_means_the_controller_provided(api, make_contract, new_incident):
    contract = make_contract("doctolib")
    incident = new_incident(status="confirmed", aware_at="2026-09-01T10:00:00Z", contract_ids=[contract.id])
    assert _notice(api, incident["id"], contract.id, "other", "2026-09-01T11:00:00Z")["fulfils"] is True
    letter = _notice(api, incident["id"], contract.id, "letter", "2026-09-01T11:30:00Z")
    assert (
        letter["fulfils"] is False and "Art. 4.1" in letter["reason"] and "(allowed: email, other)" in letter["reason"]
    )
