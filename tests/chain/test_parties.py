"""A controller that is itself a processor (form, CSV import, REST API) and our sub-processors (staff page)."""

from __future__ import annotations

from sqlalchemy import select

from incidents.extensions import db
from incidents.parties.models import Controller, SubProcessor

from ..support.forms import csrf_token


def test_the_controller_form_marks_a_processor_customer(logged_in):
    token = csrf_token(logged_in, "/controllers")
    response = logged_in.post(
        "/controllers",
        data={
            "csrf_token": token,
            "name": "Zorggroep West-Friesland",
            "contact_email": "fg@zorggroep.example",
            "language": "nl",
            "legal_basis": "AVG",
            "is_processor": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    controller = db.session.scalar(select(Controller))
    assert controller.is_processor is True
    page = logged_in.get(f"/controllers/{controller.id}").get_data(as_text=True)
    assert 'name="is_processor"' in page and "zelf verwerker" in page


def test_the_api_takes_and_shows_is_processor(api):
    made = api.post(
        "/api/v1/controllers", json={"name": "Zorggroep", "contact_email": "fg@zg.example", "is_processor": True}
    )
    assert made.status_code == 201 and made.get_json()["is_processor"] is True
    plain = api.post("/api/v1/controllers", json={"name": "Praktijk", "contact_email": "fg@pr.example"})
    assert plain.get_json()["is_processor"] is False
    wrong = api.post("/api/v1/controllers", json={"name": "X", "contact_email": "x@x.example", "is_processor": "ja"})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["field"] == "is_processor"
    listed = api.get("/api/v1/controllers").get_json()["controllers"]
    assert {c["name"]: c["is_processor"] for c in listed} == {"Praktijk": False, "Zorggroep": True}


def test_the_csv_import_reads_the_optional_processor_column(logged_in):
    token = csrf_token(logged_in, "/contracts/import")
    csv = (
        "controller;contact_email;kvk;profile;reference;verwerker\n"
        "Zorggroep West;fg@zw.example;12345678;boz-72h;VO-1;ja\n"
        "Apotheek Oost;fg@ao.example;;boz-72h;VO-2;\n"
    )
    response = logged_in.post("/contracts/import", data={"csrf_token": token, "text": csv})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    flags = dict(db.session.execute(select(Controller.name, Controller.is_processor)).all())
    assert flags == {"Zorggroep West": True, "Apotheek Oost": False}
    bad = "controller;contact_email;kvk;profile;reference;is_processor\nX;x@x.example;;boz-72h;VO-3;misschien\n"
    refused = logged_in.post("/contracts/import", data={"csrf_token": token, "text": bad})
    assert refused.status_code == 422 and "is_processor moet ja of nee zijn" in refused.get_data(as_text=True)


def test_the_staff_manage_the_sub_processors(logged_in):
    token = csrf_token(logged_in, "/sub-processors")
    response = logged_in.post(
        "/sub-processors",
        data={"csrf_token": token, "name": "MessageBird", "services": "Verzenden sms-authenticatieberichten"},
    )
    assert response.status_code == 302
    sub = db.session.scalar(select(SubProcessor))
    assert (sub.name, sub.services) == ("MessageBird", "Verzenden sms-authenticatieberichten")
    edited = logged_in.post(f"/sub-processors/{sub.id}", data={"csrf_token": token, "name": "Bird", "contact": "x"})
    assert edited.status_code == 302
    db.session.refresh(sub)
    assert (sub.name, sub.contact) == ("Bird", "x")
    page = logged_in.get("/sub-processors").get_data(as_text=True)
    assert "Subverwerkers" in page and f'data-sub-processor="{sub.id}"' in page
    refused = logged_in.post("/sub-processors", data={"csrf_token": token, "name": ""})
    assert refused.status_code == 422


def test_the_demo_seeds_the_sub_processors_of_bijlage_1(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    names = set(db.session.scalars(select(SubProcessor.name)))
    # BOZ Bijlage 1 of the Zivver licence terms, "Subverwerkers"
    assert names == {"Amazon AWS", "Microsoft Azure", "CloudVPS", "MessageBird", "Spryng", "KPN", "CM", "EasyGenerator"}
    processor = db.session.scalar(select(Controller).where(Controller.is_processor.is_(True)))
    assert processor is not None and processor.name == "Huisartsenzorggroep West-Friesland"
    from incidents.breaches.models import Incident

    reported = db.session.scalar(select(Incident).where(Incident.reported_by_kind == "sub_processor"))
    assert reported.sub_processor.name == "MessageBird"
    assert reported.sub_processor_aware_at < reported.informed_at == reported.aware_at
