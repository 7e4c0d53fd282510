"""A controller's country and main establishment through the parties form, the CSV import and the API: codes are
checked against the authorities file, refused with a clear Dutch message, and the API shows the authority."""

from __future__ import annotations

from sqlalchemy import select

from incidents.extensions import db
from incidents.parties.models import Controller

from ..api.openapi_check import check_request, check_response
from ..support.forms import csrf_token

BASE = {"name": "Tandarts Gent", "contact_email": "fg@gent.example"}
FORM = {**BASE, "language": "nl", "legal_basis": "AVG"}


def test_the_api_takes_country_and_main_establishment_and_shows_the_authority(api):
    check_request("/controllers", "post", {**BASE, "country": "be", "main_establishment": ""})
    response = api.post("/api/v1/controllers", json={**BASE, "country": " be "})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    check_response("/controllers", "post", 201, body)
    assert (body["country"], body["main_establishment"]) == ("BE", "")
    assert body["authority"] == {
        "country": "BE",
        "name": "Gegevensbeschermingsautoriteit / Autorité de protection des données",
        "short_name": "GBA/APD",
        "url": "https://www.gegevensbeschermingsautoriteit.be/",
    }
    dutch = api.post("/api/v1/controllers", json={"name": "Praktijk", "contact_email": "a@b.example"}).get_json()
    assert (dutch["country"], dutch["main_establishment"], dutch["authority"]["short_name"]) == ("NL", "", "AP")
    cross = api.post(
        "/api/v1/controllers", json={**BASE, "name": "Kliniek", "country": "NL", "main_establishment": "IE"}
    ).get_json()
    assert cross["authority"]["short_name"] == "DPC"
    abroad = api.post("/api/v1/controllers", json={**BASE, "name": "Dental Labs Ltd.", "country": "US"}).get_json()
    assert abroad["authority"] is None  # no lead authority: none picked
    listed = api.get("/api/v1/controllers").get_json()["controllers"]
    check_response("/controllers", "get", 200, {"controllers": listed})


def test_the_api_refuses_unknown_codes(api, row_counts):
    before = row_counts()
    for body, field, code in (
        ({**BASE, "country": "XX"}, "country", "invalid_country"),
        ({**BASE, "country": "Belgie"}, "country", "invalid_country"),
        ({**BASE, "main_establishment": "US"}, "main_establishment", "invalid_main_establishment"),
        ({**BASE, "main_establishment": "CH"}, "main_establishment", "invalid_main_establishment"),
    ):
        response = api.post("/api/v1/controllers", json=body)
        assert response.status_code == 422, body
        error = response.get_json()["error"]
        assert (error["field"], error["code"]) == (field, code)
    assert row_counts() == before


def test_the_form_saves_and_refuses_in_dutch(logged_in):
    token = csrf_token(logged_in, "/controllers")
    refused = logged_in.post(
        "/controllers", data={**FORM, "country": "BE", "main_establishment": "CH", "csrf_token": token}
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "‘CH’ is geen EU/EER-land met een toezichthouder" in html
    assert db.session.scalar(select(Controller).where(Controller.name == BASE["name"])) is None

    saved = logged_in.post(
        "/controllers", data={**FORM, "country": "BE", "main_establishment": "", "csrf_token": token}
    )
    assert saved.status_code == 302
    controller = db.session.scalar(select(Controller).where(Controller.name == BASE["name"]))
    assert (controller.country, controller.main_establishment) == ("BE", "")
    page = logged_in.get(f"/controllers/{controller.id}").get_data(as_text=True)
    assert 'data-authority="BE"' in page and "GBA/APD" in page
    assert "Bevoegde toezichthouder" in page and "Land van vestiging" in page


def test_the_form_warns_for_a_controller_outside_the_eea_and_names_the_german_lander(logged_in):
    token = csrf_token(logged_in, "/controllers")
    logged_in.post("/controllers", data={**FORM, "name": "Dental Labs Ltd.", "country": "US", "csrf_token": token})
    logged_in.post("/controllers", data={**FORM, "name": "Praxis Köln", "country": "DE", "csrf_token": token})
    abroad = db.session.scalar(select(Controller).where(Controller.name == "Dental Labs Ltd."))
    german = db.session.scalar(select(Controller).where(Controller.name == "Praxis Köln"))
    page = logged_in.get(f"/controllers/{abroad.id}").get_data(as_text=True)
    assert "data-authority-warning" in page and "geen leidende toezichthouder" in page
    page = logged_in.get(f"/controllers/{german.id}").get_data(as_text=True)
    assert "data-authority-note" in page and "§ 40 BDSG" in page


def test_the_csv_import_reads_the_optional_columns_and_refuses_bad_codes(logged_in, row_counts):
    def post(text):
        token = csrf_token(logged_in, "/contracts/import")
        return logged_in.post("/contracts/import", data={"text": text, "csrf_token": token})

    before = row_counts()
    bad = (
        "controller,contact_email,kvk,profile,reference,land,hoofdvestiging\n"
        "Kliniek A,fg@a.example,,boz-72h,VO-A1,BE,\n"
        "Kliniek B,fg@b.example,,boz-72h,VO-B1,ZZZ,\n"
        "Kliniek C,fg@c.example,,boz-72h,VO-C1,NL,US\n"
    )
    response = post(bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-line="3"' in html and 'data-line="4"' in html and 'data-line="2"' not in html
    assert "‘ZZZ’ is geen landcode" in html and "‘US’ is geen EU/EER-land" in html
    assert row_counts() == before

    good = (
        "controller,contact_email,kvk,profile,reference,country,main_establishment\n"
        "Kliniek A,fg@a.example,,boz-72h,VO-A1,be,\n"
        "Kliniek B,fg@b.example,,boz-72h,VO-B1,,\n"
        "Kliniek C,fg@c.example,,boz-72h,VO-C1,NL,ie\n"
    )
    assert post(good).status_code == 302
    found = {c.name: (c.country, c.main_establishment) for c in db.session.scalars(select(Controller))}
    assert found == {"Kliniek A": ("BE", ""), "Kliniek B": ("NL", ""), "Kliniek C": ("NL", "IE")}
