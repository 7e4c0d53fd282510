"""The notice tells each controller which supervisory authority applies: its own country's, the lead authority of its
main establishment, or, outside the EEA, none picked (issue 15, item 3)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from incidents.core.instants import iso_z, utcnow
from incidents.extensions import db
from incidents.notices.models import Document
from incidents.notices.outbox import deliver_due

from .helpers import pdf_text


def _notices(api, make_contract, controllers) -> dict[int, str]:
    """One confirmed incident touching every controller; each one's notice, as text."""
    contracts = [make_contract("boz-72h", controller=c).id for c in controllers]
    data = {"title": "Ransomware", "aware_at": iso_z(utcnow() - timedelta(hours=5)), "status": "confirmed"}
    iid = api.post("/api/v1/incidents", json={**data, "contract_ids": contracts}).get_json()["id"]
    ids = [c.id for c in controllers]
    assert (
        api.post(f"/api/v1/incidents/{iid}/notices", json={"controller_ids": ids, "version": "initial"}).status_code
        == 202
    )
    assert deliver_due() == {"sent": len(ids)}
    documents = db.session.scalars(select(Document).where(Document.incident_id == iid)).all()
    return {d.controller_id: pdf_text(d.content) for d in documents}


def test_each_notice_names_the_controllers_own_authority(api, make_contract, make_controller, inbox):
    dutch = make_controller(name="Huisartsenpost Noord")
    belgian = make_controller(name="Tandartsenpraktijk Gent", country="BE")
    cross = make_controller(name="Kliniek Maastricht", country="NL", main_establishment="de")
    abroad = make_controller(name="Dental Labs Ltd.", country="US", language="en")
    texts = _notices(api, make_contract, [dutch, belgian, cross, abroad])

    nl = texts[dutch.id]
    assert "Uw termijn voor melding aan de Autoriteit Persoonsgegevens (AP)" in nl
    assert "Bevoegde toezichthouder: de Autoriteit Persoonsgegevens (AP)." in nl
    assert "autoriteitpersoonsgegevens.nl/themas/beveiliging/datalekken" in nl.replace(" ", "")

    be = texts[belgian.id]
    assert "Uw termijn voor melding aan de Gegevensbeschermingsautoriteit" in be
    assert "(GBA/APD)" in be and "gegevensbeschermingsautoriteit.be" in be.replace(" ", "")
    assert "Autoriteit Persoonsgegevens" not in be and "(AP)" not in be and " AP " not in be

    de = texts[cross.id]
    assert "Bundesbeauftragte" in de and "leidende toezichthouder van uw hoofdvestiging" in de
    assert "§ 40 BDSG" in de  # the Länder supervise private bodies: said, never hidden

    us = texts[abroad.id]
    assert "there is no lead authority" in us and "EDPB Guidelines 9/2022" in us
    assert "Dutch Data Protection Authority" not in us and "(AP)" not in us
