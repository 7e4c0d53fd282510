"""A register built through the real services: five incidents (confirmed with late and timely filings, its period,
reporter and recovery procedure; suspected and never notified; dismissed; confirmed and overdue; confirmed a moment
ago)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader

from incidents.breaches import service
from incidents.breaches.assessment import record_severity
from incidents.breaches.scope import set_scope
from incidents.breaches.service import FilingInput
from incidents.core.instants import parse_instant, utcnow
from incidents.extensions import db
from tests.conftest import MAKER

from ..support.html import TableParser

MEDIUM = {"data_types": ["financial"], "identification": "limited", "confidentiality": "unknown_recipients"}
VERY_HIGH = {
    "data_types": ["simple", "sensitive"],
    "identification": "significant",
    "confidentiality": "unknown_recipients",
    "availability": "temporary",
    "malicious": True,
}
LOW = {"data_types": ["simple"], "identification": "negligible"}
# Text that HTML, CSV (separator ;) and the PDF's XML dialect must all carry unharmed.
TRICKY = 'Versleuteld door "LockBit" <b>niet vet</b> & meer; zie log\nTweede regel: café'


@dataclass
class Register:
    controllers: dict  # a, b, c, d -> Controller
    incidents: dict  # i1 .. i5 -> Incident
    contracts: dict  # a, b, c -> Contract

    def ref(self, *names: str) -> list[str]:
        return [self.incidents[n].reference for n in names]


def _at(text: str) -> datetime:
    return parse_instant(text)


@pytest.fixture
def register(app, user, make_controller, make_contract) -> Register:
    a = make_controller(name="Alfa Zorg")
    b = make_controller(name="bravo Kliniek")
    c = make_controller(name="Charlie GGZ")
    d = make_controller(name="Delta Apotheek")
    ca, cb = make_contract("boz-72h", controller=a), make_contract("boz-72h", controller=b)
    cc = make_contract("gdpr-art33", controller=c)

    # I1: confirmed; notice and consultation to A on time, AP notified for A; notice to B 80 h late
    # (missed), no consultation with B (overdue: missed), B decided not to notify the AP (not required).
    aware = _at("2026-03-02T09:00")
    i1 = service.create_incident(
        title="Ransomware op de planningsserver",
        description=TRICKY,
        aware_at=aware,
        status="confirmed",
        contract_ids=[ca.id, cb.id],
        actor=user,
        fields={
            "nature": "Versleuteling van de server",
            "cause": "Phishing",
            "affected_data": "NAW, BSN",
            "data_subjects": "Patiënten, ca. 1200",
            "records": "1200",
            "consequences": "Identiteitsfraude",
            "measures": "Wachtwoorden vervangen; back-up teruggezet",
        },
        details={
            "incident_kind": "hacking_malware_phishing",
            "started_at": "2026-03-01T21:30:00Z",
            "ended_at": "2026-03-02T07:15:00Z",
            "reporter_kind": "sub_processor",
            "reported_by": "Hostingpartner Noord B.V., J. Jansen (security officer)",
            "recovery": "Back-up van 1 maart teruggezet; integriteit gecontroleerd met checksums",
        },
    )
    set_scope(
        i1,
        a.id,
        {"subjects_min": 1200, "subjects_max": 1500, "data_categories": ["name", "bsn"], "note": "Alleen voor Alfa"},
        actor=user,
    )
    set_scope(i1, b.id, {"subjects_min": 40, "subjects_max": 40, "special_categories": ["health"]}, actor=user)
    record_severity(i1, MEDIUM, actor=user, now=aware + timedelta(hours=2))
    record_severity(i1, VERY_HIGH, actor=user, now=aware + timedelta(hours=3))  # supersedes the first
    service.record_filing(
        i1,
        FilingInput(kind="controller_notice", contract_id=ca.id, at=aware + timedelta(hours=10), reference="MAIL-1"),
        actor=user,
    )
    service.record_filing(
        i1, FilingInput(kind="controller_consultation", contract_id=ca.id, at=aware + timedelta(hours=20)), actor=user
    )
    service.record_filing(
        i1,
        FilingInput(
            kind="ap_notification", controller_id=a.id, at=aware + timedelta(hours=30), reference="AP-2026-001"
        ),
        actor=user,
    )
    service.record_filing(
        i1, FilingInput(kind="controller_notice", contract_id=cb.id, at=aware + timedelta(hours=80)), actor=user
    )
    service.record_decision(
        i1,
        controller_id=a.id,
        decision_maker=MAKER,
        notify_ap="yes",
        reason="Hoog risico",
        inform_data_subjects="no",
        data_subjects_ground="unintelligible",
        actor=user,
    )
    service.record_decision(
        i1,
        controller_id=b.id,
        decision_maker=MAKER,
        notify_ap="needs_info",
        reason="",
        actor=user,
        now=utcnow() - timedelta(minutes=5),
    )
    service.record_decision(
        i1, controller_id=b.id, decision_maker=MAKER, notify_ap="no", reason="Geen risico voor betrokkenen", actor=user
    )

    # I2: suspected, never notified: its obligations wait for confirmation. Aware on 1 April, 00:30 in
    # Amsterdam, which is still 31 March in UTC.
    i2 = service.create_incident(
        title="Verdachte inlogpogingen", aware_at=_at("2026-04-01T00:30"), contract_ids=[ca.id], actor=user
    )

    # I3: dismissed after an assessment; its obligations end.
    i3 = service.create_incident(
        title="Verkeerd geadresseerde brief", aware_at=_at("2026-05-10T14:00"), contract_ids=[cc.id], actor=user
    )
    record_severity(i3, LOW, actor=user)
    service.dismiss(i3, "Geen persoonsgegevens in de brief", actor=user)

    # I4: confirmed and never notified: the 24-hour notice is overdue, the AP clock has not started.
    i4 = service.create_incident(
        title="Laptop gestolen",
        aware_at=_at("2026-06-01T10:00"),
        status="confirmed",
        contract_ids=[cc.id],
        details={"incident_kind": "device_lost_stolen"},
        actor=user,
    )

    # I5: confirmed two hours ago: notice and consultation running, the AP clock not yet started.
    i5 = service.create_incident(
        title="Phishing bij de helpdesk",
        aware_at=utcnow() - timedelta(hours=2),
        status="confirmed",
        contract_ids=[cb.id],
        actor=user,
    )
    db.session.commit()
    return Register(
        {"a": a, "b": b, "c": c, "d": d},
        {"i1": i1, "i2": i2, "i3": i3, "i4": i4, "i5": i5},
        {"a": ca, "b": cb, "c": cc},
    )


def page_table(response) -> tuple[list[str], list[list[str]]]:
    """Headers and rows in the order of the register's columns: a detail left out because it is empty is ""."""
    from incidents.register.columns import COLUMNS

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    parser = TableParser("register")
    parser.feed(response.get_data(as_text=True))
    headers, rows = parser.keyed()
    assert parser.complete and "reference" in headers, "no register table on the page"
    lang = "en" if parser.lang == "en" else "nl"
    for column in COLUMNS:
        assert headers.get(column.key, column.header(lang)) == column.header(lang), column.key
    return ([c.header(lang) for c in COLUMNS], [[row.get(c.key, "") for c in COLUMNS] for row in rows])


def references(rows: list[list[str]]) -> list[str]:
    return [r[0] for r in rows]


def read_csv(body: bytes, separator: str = ";") -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8"), newline=""), delimiter=separator))


@pytest.fixture(autouse=True)
def steady_clock(monkeypatch):
    """The register says how late an obligation not yet done is *now*: the page and each export are rendered a
    moment apart, and a minute may turn between them. Hold the register's clock still for the length of a test."""
    from incidents.api import register_routes
    from incidents.register import queries, views

    fixed = utcnow().replace(microsecond=0)
    for module in (queries, views, register_routes):
        monkeypatch.setattr(module, "utcnow", lambda: fixed)
    return fixed


def pdf_text(body: bytes) -> tuple[list[str], str]:
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages]
    return pages, "\n".join(pages)
