"""The draft in the EDPB common breach-notification template (issue 15, item 3): every field of the data file,
answered from the controller's own facts or marked as a gap; page, PDF and JSON; and the AP-form draft of a
controller that notifies another authority says it only follows the AP form's structure."""

from __future__ import annotations

import io
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from incidents.core.edpb_template import TemplateError, load_template
from incidents.core.instants import utcnow

from ..api.openapi_check import check_response, check_schema
from .conftest import iso

TEMPLATE = Path(__file__).resolve().parents[2] / "config" / "edpb-template.toml"
PATH = "/incidents/{incident_id}/edpb-draft"


def template_keys() -> list[str]:
    """The field keys of the data file, read as plain TOML (not through the loader under test)."""
    data = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    return [f["key"] for s in data["sections"] for f in s["fields"]]


def flat(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages).split())


@pytest.fixture
def incident(api, make_controller, make_contract):
    """One confirmed incident touching a Dutch and a Belgian controller, each with its own scope."""
    now = utcnow().replace(microsecond=0)
    dutch = make_controller(name="Huisartsenpraktijk Zuid", address="Dorpsstraat 1, Zuid", sector="zorg")
    belgian = make_controller(name="Tandarts Gent", country="BE", contact_name="Dr. Peeters")
    contracts = [make_contract("boz-72h", dutch).id, make_contract("addendum-gegevensbescherming", belgian).id]
    body = api.post(
        "/api/v1/incidents",
        json={
            "title": "Ransomware op de beeldserver",
            "aware_at": iso(now - timedelta(hours=30)),
            "status": "confirmed",
            "contract_ids": contracts,
            "fields": {"nature": "Versleuteling van de beeldserver.", "cause": "Onveilige RDP-poort."},
            "details": {"protection": "encrypted", "incident_kind": "hacking_malware_phishing"},
        },
    ).get_json()
    iid = body["id"]
    for controller, scope in (
        (dutch, {"subjects_min": 1200, "subjects_max": 1200, "countries": ["NL"], "note": "alleen Zuid"}),
        (belgian, {"subjects_min": 40, "subjects_max": 45, "countries": ["BE", "FR"], "note": "alleen Gent"}),
    ):
        url = f"/api/v1/incidents/{iid}/controllers/{controller.id}/scope"
        assert api.client.put(url, json=scope, headers=api.headers).status_code == 200
    return iid, dutch, belgian


def edpb(api, iid: int, controller_id: int, **params) -> dict:
    query = "".join(f"&{k}={v}" for k, v in params.items())
    response = api.get(f"/api/v1/incidents/{iid}/edpb-draft?controller_id={controller_id}{query}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    check_schema("EDPBDraft", body)
    check_response(PATH, "get", 200, body)
    return body


def answers(body: dict) -> dict[str, dict]:
    return {a["key"]: a for s in body["sections"] for a in s["answers"]}


def test_the_draft_lists_exactly_the_fields_of_the_data_file_each_answered_or_a_gap(api, incident):
    iid, dutch, _belgian = incident
    body = edpb(api, iid, dutch.id)
    assert [a["key"] for s in body["sections"] for a in s["answers"]] == template_keys()
    assert len(body["sections"]) == 7
    for answer in answers(body).values():
        assert answer["gap"] is (not (answer["answer"] or "").strip()), answer
    assert body["gaps"] == [k for k, a in answers(body).items() if a["gap"]]
    # "none" fields are always gaps; what the desk holds is never one
    assert all(answers(body)[k]["gap"] for k, a in answers(body).items() if a["source"] == "none")
    assert body["template"]["status"] == "unverified"


def test_recorded_facts_are_answered_never_shown_as_unknown(api, incident):
    iid, dutch, _belgian = incident
    found = answers(edpb(api, iid, dutch.id))
    assert found["breach.cause"]["answer"] == "Onveilige RDP-poort."
    assert found["breach.description"]["answer"] == "Versleuteling van de beeldserver."
    assert found["data.protection"]["answer"] and not found["data.protection"]["gap"]
    assert found["controller.name"]["answer"] == "Huisartsenpraktijk Zuid"
    assert found["controller.address"]["answer"] == "Dorpsstraat 1, Zuid"
    assert found["controller.country"]["answer"] == "Nederland (NL)"
    assert "Autoriteit Persoonsgegevens (AP)" in found["notification.competent_authority"]["answer"]
    assert found["timeline.processor_aware"]["answer"]
    assert found["breach.malicious"]["gap"]  # not held by the desk


def test_two_controllers_of_one_incident_get_only_their_own_facts(api, incident):
    iid, dutch, belgian = incident
    own = answers(edpb(api, iid, dutch.id))
    other = answers(edpb(api, iid, belgian.id))
    assert own["data.subjects_number"]["answer"] == "exact 1.200"
    assert own["data.countries"]["answer"] == "Nederland"
    assert other["data.subjects_number"]["answer"] == "minimaal 40, maximaal 45"
    assert other["data.countries"]["answer"] == "België, Frankrijk"
    assert other["controller.name"]["answer"] == "Tandarts Gent"
    mine, theirs = str(own), str(other)
    assert "Gent" not in mine and "België" not in mine and "40" not in own["data.subjects_number"]["answer"]
    assert "Zuid" not in theirs and "1.200" not in theirs
    # each draft names its own controller's authority
    assert "(GBA/APD)" in other["notification.competent_authority"]["answer"]
    assert "Autoriteit Persoonsgegevens" not in other["notification.competent_authority"]["answer"]


def test_the_pdf_holds_every_field_and_the_controllers_own_facts(api, logged_in, incident):
    iid, _dutch, belgian = incident
    response = api.get(f"/api/v1/incidents/{iid}/edpb-draft?controller_id={belgian.id}&format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "EDPB-concept-Tandarts-Gent" in response.headers["Content-Disposition"]
    text = flat(response.data)
    assert "Concept melding datalek in het gemeenschappelijke EDPB-sjabloon" in text
    assert "GBA/APD" in text and "België, Frankrijk" in text and "Zuid" not in text
    data = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    for section in data["sections"]:
        assert section["nl"] in text
    # the web page's PDF is the same rendering
    page_pdf = logged_in.get(f"/incidents/{iid}/edpb-draft/{belgian.id}.pdf")
    assert page_pdf.status_code == 200 and "GBA/APD" in flat(page_pdf.data)


def test_the_page_shows_every_field_with_copy_buttons(logged_in, incident, page_of):
    iid, dutch, _belgian = incident
    page = page_of(logged_in.get(f"/incidents/{iid}/edpb-draft/{dutch.id}"))
    keys = [e["data-key"] for e in page.with_class("ap-answer")]
    assert keys == template_keys()
    assert page.by_id("template-unverified") is not None
    assert page.by_id("answer-breach-cause") is not None


def test_a_belgian_controllers_ap_form_draft_says_it_only_follows_the_ap_forms_structure(
    api, logged_in, incident, page_of
):
    iid, dutch, belgian = incident
    body = api.get(f"/api/v1/incidents/{iid}/ap-draft?controller_id={belgian.id}").get_json()
    assert (body["authority"], body["dutch_ap"]) == ("GBA/APD", False)
    assert api.get(f"/api/v1/incidents/{iid}/ap-draft?controller_id={dutch.id}").get_json()["dutch_ap"] is True
    page = page_of(logged_in.get(f"/incidents/{iid}/ap-draft/{belgian.id}"))
    warning = page.text("not-the-ap")
    assert "GBA/APD" in warning and "EDPB" in warning
    pdf = api.get(f"/api/v1/incidents/{iid}/ap-draft?controller_id={belgian.id}&format=pdf")
    text = flat(pdf.data)
    assert "in de structuur van het Nederlandse AP-meldformulier" in text
    assert "Concept melding datalek aan de Autoriteit Persoonsgegevens" not in text
    assert "concept-AP-structuur" in pdf.headers["Content-Disposition"]
    dutch_page = page_of(logged_in.get(f"/incidents/{iid}/ap-draft/{dutch.id}"))
    assert dutch_page.by_id("not-the-ap") is None


def test_another_controllers_draft_is_not_found(api, incident, make_controller):
    iid, _dutch, _belgian = incident
    stranger = make_controller(name="Niet Betrokken")
    response = api.get(f"/api/v1/incidents/{iid}/edpb-draft?controller_id={stranger.id}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda t: t.replace('source = "field:cause"', 'source = "field:oorzaak"'), "sections[3].fields[3].source"),
        (
            lambda t: t.replace('source = "scope:countries"', 'source = "detail:subjects_min"'),
            "sections[4].fields[7].source",
        ),
        (lambda t: t.replace('key = "breach.cause"', 'key = "breach.nature"'), "sections[3].fields[3].key"),
        (lambda t: t.replace('status = "unverified"', 'status = "draft"'), "status"),
        (
            lambda t: t.replace('{ key = "breach.systems", source = "none", ', '{ key = "breach.systems", '),
            "sections[3].fields[5].source",
        ),
    ],
)
def test_a_malformed_template_is_refused_with_its_path_and_key(tmp_path, change, key):
    path = tmp_path / "edpb-template.toml"
    path.write_text(change(TEMPLATE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        load_template(path)
    assert (refused.value.key, refused.value.path) == (key, str(path))
