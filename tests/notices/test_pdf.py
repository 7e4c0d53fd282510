"""The notice PDF read back with pypdf: required fields, clauses, gaps, Unicode and escaping, language,
page furniture, the embedded DejaVu font, and the SHA-256 on record against the bytes served."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from incidents.breaches.service import create_incident
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.models import Document
from incidents.notices.service import issue_notices

from .conftest import SPECIAL
from .helpers import PROCESSOR, flat, pdf_pages, pdf_text

BOZ_LABELS = {  # docs/PROFILES.md / core/fields.py, Dutch
    "nature": "Aard van de inbreuk",
    "affected_data": "Getroffen persoonsgegevens (categorieën)",
    "consequences": "Geconstateerde en vermoedelijke gevolgen",
    "measures": "Genomen of voorgenomen maatregelen",
}
GDPR_LABELS_EN = {
    "nature": "Nature of the breach",
    "affected_data": "Affected personal data (categories)",
    "data_subjects": "Data subjects (categories and number)",
    "records": "Number of records (approximate)",
    "consequences": "Established and likely consequences",
    "measures": "Measures taken or proposed",
    "contact_point": "Contact point (DPO or other)",
}


def document_for(world_or_incident, controller, version="initial") -> Document:
    incident = getattr(world_or_incident, "incident", world_or_incident)
    [message] = issue_notices(incident, controller_ids=[controller.id], version=version)
    db.session.commit()
    return db.session.get(Document, message.document_id)


def embedded_fonts(content: bytes) -> dict[str, bool]:
    """BaseFont name -> whether the font program is embedded (FontFile/FontFile2/FontFile3)."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        resources = page["/Resources"].get_object()
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


def test_dutch_notice_has_every_required_field_the_clauses_and_the_gaps(world):
    document = document_for(world, world.a)
    text = pdf_text(document.content)
    assert text.startswith("Melding van een inbreuk in verband met persoonsgegevens")
    for label in BOZ_LABELS.values():
        assert label in text, label
    assert f"{BOZ_LABELS['nature']} {SPECIAL}" in text
    assert f"{BOZ_LABELS['affected_data']} Namen, geboortedata en röntgenbeelden" in text
    # the missing required fields say so, and the document is provisional
    assert f"{BOZ_LABELS['consequences']} nog niet bekend, volgt" in text
    assert f"{BOZ_LABELS['measures']} nog niet bekend, volgt" in text
    assert text.count("nog niet bekend, volgt") == 2
    assert "VOORLOPIG" in text
    assert document.provisional is True
    # both contracts with their clause and its wording
    assert "VO-A-BOZ" in text and "Art. 5.2" in text
    assert "onmiddellijk, doch uiterlijk binnen 72 uur nadat Verwerker er kennis van heeft genomen" in text
    assert "VO-A-DOC" in text and "Art. 4.1" in text
    assert "onverwijld informeren over elke vastgestelde Inbreuk" in text
    # parties, incident, contact point
    assert PROCESSOR in text and "Huisartsenpraktijk De Eëndracht" in text
    assert world.reference in text and "Verkeerd verzonden röntgenfoto's" in text
    assert "privacy@verwerker.example" in text
    # the controller's own AP clock, not started before the notice reaches them: starts about now
    assert "Start van de termijn van 72 uur" in text and "Uiterlijk melden op" in text


def test_special_characters_and_markup_come_through_intact(world):
    document = document_for(world, world.a)
    raw = "\n".join(pdf_pages(document.content))
    # the ĳ ligature round-trips as the single characters U+0133 / U+0132 (checked in the raw extraction)
    assert "ë \u0133 €" in raw and "Mw. \u0132sselmeer" in raw
    assert "ë ij €" not in raw
    assert "Zeeuws-Vlaanderen: ë ĳ € <b>vet</b> & co" in flat(raw)
    assert "&lt;" not in raw and "&amp;" not in raw
    assert "De Eëndracht" in raw


def test_user_text_is_normalised_to_nfc(world, app):
    from incidents.breaches.service import update_incident

    decomposed = "Zee\u0308land"  # e + combining diaeresis
    update_incident(world.incident, fields={"measures": f"Wachtwoorden gewijzigd in {decomposed}"})
    db.session.commit()
    text = pdf_text(document_for(world, world.a).content)
    assert "Wachtwoorden gewijzigd in Zeëland" in text
    assert decomposed not in text


def test_english_controller_gets_the_english_notice(world):
    document = document_for(world, world.b)
    assert document.language == "en"
    text = pdf_text(document.content)
    assert text.startswith("Notification of a personal data breach")
    for label in GDPR_LABELS_EN.values():
        assert label in text, label
    assert f"{GDPR_LABELS_EN['nature']} {SPECIAL}" in text
    for key in ("data_subjects", "records", "consequences", "measures"):
        assert f"{GDPR_LABELS_EN[key]} not yet known, to follow" in text, key
    assert text.count("not yet known, to follow") == 4
    # The contact point is the processor's, named once: never "unknown" beside the processor's address.
    assert (
        f"{GDPR_LABELS_EN['contact_point']} mr. J. de Boer (Functionaris gegevensbescherming) · "
        "privacy@verwerker.example · 020-1234567" in text
    )
    assert text.count("privacy@verwerker.example") == 2  # the parties and the contact point
    assert "PROVISIONAL" in text and document.provisional is True
    assert "nog niet bekend" not in text and "Melding van een inbreuk" not in text
    assert "AVG art. 33 lid 2" in text
    assert "informeert de verwerkingsverantwoordelijke zonder onredelijke vertraging" in text
    pages = pdf_pages(document.content)
    assert f"Page 1 of {len(pages)}" in flat(pages[0])


def test_a_complete_notice_is_not_provisional(world):
    from incidents.breaches.service import update_incident

    update_incident(
        world.incident,
        fields={"consequences": "Inzage door een andere praktijk", "measures": "Map teruggevraagd en vernietigd"},
    )
    db.session.commit()
    document = document_for(world, world.a)
    text = pdf_text(document.content)
    assert document.provisional is False
    assert "VOORLOPIG" not in text and "nog niet bekend" not in text
    assert f"{BOZ_LABELS['consequences']} Inzage door een andere praktijk" in text
    assert f"{BOZ_LABELS['measures']} Map teruggevraagd en vernietigd" in text


def test_reference_and_page_numbers_on_every_page(app, make_controller, make_contract):
    controller = make_controller(name="Tandartsenpraktijk Lang")
    contract = make_contract("boz-72h", controller)
    now = utcnow()
    incident = create_incident(
        title="Lange melding",
        description="Een uitvoerige beschrijving van het verloop. " * 60,
        aware_at=now - timedelta(hours=1),
        status="confirmed",
        contract_ids=[contract.id],
        fields={
            "nature": "Onbevoegde toegang tot het archief. " * 50,
            "affected_data": "Namen, adressen, BSN, behandelgegevens. " * 50,
            "consequences": "Mogelijke inzage door derden. " * 50,
            "measures": "Toegang ingetrokken en logbestanden onderzocht. " * 50,
        },
    )
    db.session.commit()
    document = document_for(incident, controller)
    pages = [flat(p) for p in pdf_pages(document.content)]
    total = len(pages)
    assert total >= 2
    header = f"{incident.reference} · {PROCESSOR} → Tandartsenpraktijk Lang"
    for number, page in enumerate(pages, start=1):
        assert header in page, number
        assert f"Pagina {number} van {total}" in page, number
    assert document.provisional is False


def test_pdf_embeds_dejavu(world):
    document = document_for(world, world.a)
    fonts = embedded_fonts(document.content)
    dejavu = {name: embedded for name, embedded in fonts.items() if "DejaVu" in name}
    assert dejavu, fonts
    assert all(dejavu.values()), dejavu


def test_sha256_on_record_matches_the_bytes_served(world, api, logged_in):
    document = document_for(world, world.a)
    digest = hashlib.sha256(document.content).hexdigest()
    assert document.sha256 == digest and document.size == len(document.content)

    served = api.get(f"/api/v1/documents/{document.id}")
    assert served.status_code == 200 and served.mimetype == "application/pdf"
    assert served.headers["X-Content-SHA256"] == document.sha256
    assert hashlib.sha256(served.data).hexdigest() == served.headers["X-Content-SHA256"]
    assert served.data == document.content

    web = logged_in.get(f"/documents/{document.id}")
    assert web.status_code == 200
    assert web.headers["X-Content-SHA256"] == document.sha256
    assert hashlib.sha256(web.data).hexdigest() == web.headers["X-Content-SHA256"]
    assert document.filename in web.headers["Content-Disposition"]

    assert api.get("/api/v1/documents/999999").status_code == 404
    assert logged_in.get("/documents/999999").status_code == 404


def test_documents_need_a_login(world, app):
    document = document_for(world, world.a)
    anonymous = app.test_client()
    assert anonymous.get(f"/documents/{document.id}").status_code in (302, 401)
    assert anonymous.get(f"/api/v1/documents/{document.id}").status_code == 401


@pytest.mark.parametrize("where", ["description", "field"])
def test_notice_for_an_incident_with_a_long_text_at_the_allowed_maximum(where, world, api, app, all_counts):
    from incidents.breaches.service import update_incident

    text = "Uitgebreide toelichting op het incident. " * 300
    if where == "description":
        update_incident(world.incident, description=text[:10000])  # MAX_DESCRIPTION_LENGTH
    else:
        update_incident(world.incident, fields={"consequences": text[:5000]})  # MAX_FIELD_LENGTH
    db.session.commit()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = api.post(f"/api/v1/incidents/{world.incident.id}/notices", json={"all": True})
    assert response.status_code == 202, response.status_code
    [entry_a] = [e for e in response.get_json()["outbox"] if e["controller_id"] == world.a.id]
    pages = pdf_pages(db.session.get(Document, entry_a["document_id"]).content)
    assert len(pages) >= 2


def test_recorded_facts_are_never_printed_as_unknown(world):
    """The nature recorded by the severity assessment, the controller's own numbers and categories, and every
    AP-form detail reach the notice even when the contract fields are empty."""
    from incidents.breaches.assessment import record_severity
    from incidents.breaches.scope import set_scope
    from incidents.breaches.service import update_incident

    update_incident(
        world.incident,
        fields={"nature": "", "affected_data": ""},
        details={
            "incident_kind": "email_wrong_recipient",
            "protection": "none",
            "reporter_kind": "external",
            "reported_by": "Ontvangende praktijk",
            "recovery": "Map teruggehaald en verwijderd",
        },
    )
    record_severity(
        world.incident,
        {"data_types": ["sensitive"], "identification": "maximum", "confidentiality": "known_recipients"},
    )
    set_scope(
        world.incident,
        world.a.id,
        {
            "subjects_min": 12,
            "subjects_max": 12,
            "records_min": 30,
            "records_max": 40,
            "data_categories": ["name", "health"],
            "subject_groups": ["patients"],
            "countries": ["NL", "BE"],
        },
    )
    db.session.commit()
    text = flat(pdf_text(document_for(world, world.a).content))
    assert "Aard van de inbreuk Gegevens (mogelijk) ingezien door onbevoegden" in text
    assert "Patiënten Aantal: exact 12" in text  # the label may end a page: the running header follows it
    assert "Aantal records (bij benadering) minimaal 30, maximaal 40" in text
    assert "Getroffen persoonsgegevens (categorieën) Soorten: Naam, Gezondheidsgegevens" in text
    assert "Soort incident E-mail naar verkeerde ontvanger" in text and "Ontvangende praktijk" in text
    assert "Map teruggehaald en verwijderd" in text and "België" in text
    for label in (
        "Aard van de inbreuk",
        "Betrokkenen (categorieën en aantal)",
        "Aantal records (bij benadering)",
        "Getroffen persoonsgegevens (categorieën)",
    ):
        assert f"{label} nog niet bekend" not in text, label
