"""A register of 100,000 incidents for benchmarks/register.py and benchmarks/feed.py, the size the performance
review measured (../shared/reviews/performance.md, "The data"): 1,000 controllers with 10 contracts each; 2,000 open
incidents (confirmed in the last 100 hours, 4 contracts of 2 controllers each, 5 running deadlines each: 10,000
open deadlines); 98,000 closed or dismissed ones over five years (1 to 3 contracts), with their obligations,
filings, decisions, severity assessments and timeline.

The schema comes from the project's own migrations; the user and the calendar feed from its services; the rows
by bulk INSERT (SQLAlchemy Core, so the same code fills SQLite and PostgreSQL). Deterministic: the same seed gives
the same rows. Where the schema has ``incidents.current_severity_id`` (migration 0009), it is filled as
record_severity keeps it; an older schema gets it from the migration when upgraded.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice

from sqlalchemy import Table, func, insert, select

from incidents.auth.service import create_user
from incidents.breaches.models import (
    AffectedContract,
    Decision,
    Filing,
    Incident,
    Obligation,
    SeverityAssessment,
    TimelineEvent,
)
from incidents.calendar import service as feeds
from incidents.extensions import db
from incidents.parties.models import Contract, Controller

EMAIL, PASSWORD = "bench@verwerker.example", "een lang genoeg wachtwoord"
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
CHUNK = 20_000
KINDS = ("hacking_malware_phishing", "device_lost_stolen", "wrong_recipient", "wrong_authorisations", None)
BANDS = (("low", "verwaarloosbaar", 0.8), ("medium", "beperkt", 2.3), ("high", "aanzienlijk", 3.1))
BANDS += (("very_high", "zeer groot", 4.25),)


@dataclass
class Built:
    incidents: int
    open_deadlines: int
    feed_token: str


def _chunks(rows: Iterable[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _insert(table: Table, rows: Iterable[dict]) -> int:
    n = 0
    for chunk in _chunks(rows):
        db.session.execute(insert(table), chunk)
        n += len(chunk)
    return n


def _next_id(table: Table) -> int:
    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


class _Rows:
    """The rows of every table, made incident by incident with ids assigned here."""

    def __init__(self, rnd: random.Random, contracts: dict[int, list[int]]):
        self.rnd, self.contracts, self.controllers = rnd, contracts, sorted(contracts)
        self.tables: dict[str, list[dict]] = {
            k: [] for k in ("incidents", "severity", "affected", "obligations", "filings", "decisions", "timeline")
        }
        self.filing_id, self.severity_id = _next_id(Filing.__table__), _next_id(SeverityAssessment.__table__)
        self.has_current = "current_severity_id" in Incident.__table__.c
        self.open_deadlines = 0

    def incident(self, incident_id: int, n: int, aware: datetime, status: str, is_open: bool) -> None:
        rnd = self.rnd
        picked = rnd.sample(self.controllers, 2 if is_open else rnd.choice((1, 1, 2, 3)))
        affected = [(cid, self.contracts[cid][k]) for cid in picked for k in range(2 if is_open else 1)]
        dismissed = status == "dismissed"
        incident = {
            "id": incident_id,
            "reference": f"DL-{aware.year}-{n + 1:06d}",
            "title": f"Incident {n + 1}: {rnd.choice(('Phishing', 'Verloren laptop', 'Verkeerde ontvanger'))}",
            "description": "Beschrijving van het incident; zie het dossier.",
            "status": status,
            "aware_at": aware,
            "confirmed_at": aware,
            "dismissed_at": aware + timedelta(days=2) if dismissed else None,
            "dismiss_reason": "Geen persoonsgegevens" if dismissed else None,
            "fields": {"nature": "Onbevoegde toegang", "affected_data": "NAW", "measures": "Wachtwoorden vervangen"},
            "details": {"incident_kind": rnd.choice(KINDS)} if rnd.random() < 0.7 else {},
            "created_at": aware,
            "updated_at": aware,
        }
        if rnd.random() < 0.4 or is_open:
            current = self.severity(incident_id, aware, picked[0])
            if self.has_current:
                incident["current_severity_id"] = current
        self.tables["incidents"].append(incident)
        for controller_id, contract_id in affected:
            self.tables["affected"].append(
                {"incident_id": incident_id, "contract_id": contract_id, "controller_id": controller_id}
            )
            for kind in ("controller_notice", "controller_consultation"):
                self.obligation(incident_id, aware, kind, controller_id, contract_id, is_open, dismissed)
        self.ap_obligation(incident_id, aware, picked[0], is_open, dismissed)
        if rnd.random() < 0.5:
            for controller_id in picked:
                self.tables["decisions"].append(
                    {
                        "incident_id": incident_id,
                        "controller_id": controller_id,
                        "notify_ap": rnd.choice(("yes", "no")),
                        "reason": "Beoordeeld in het overleg",
                        "decided_at": aware + timedelta(hours=20),
                        "maker_name": "F. de Graaf",
                        "maker_via": "email",
                    }
                )
        for k in range(6):
            self.tables["timeline"].append(
                {
                    "incident_id": incident_id,
                    "at": aware + timedelta(minutes=k),
                    "kind": "incident_created" if k == 0 else "filing_recorded",
                    "details": {},
                }
            )

    def severity(self, incident_id: int, aware: datetime, controller_id: int) -> int:
        """One assessment for the whole incident (now and then also one for a controller); the current one's id."""
        band, ap, se = self.rnd.choice(BANDS)
        current = self.severity_id
        for controller in (None, controller_id) if self.rnd.random() < 0.1 else (None,):
            self.tables["severity"].append(
                {
                    "id": self.severity_id,
                    "incident_id": incident_id,
                    "controller_id": controller,
                    "data_types": ["simple"],
                    "identification": "limited",
                    "confidentiality": "none",
                    "integrity": "none",
                    "availability": "none",
                    "dpc": 1,
                    "ei": 0.5,
                    "cb": 0,
                    "se": se,
                    "band": band,
                    "ap_severity": ap,
                    "assessed_at": aware + timedelta(hours=2),
                }
            )
            self.severity_id += 1
        return current

    def obligation(
        self,
        incident_id: int,
        aware: datetime,
        kind: str,
        controller_id: int,
        contract_id: int,
        is_open: bool,
        dismissed: bool,
    ) -> None:
        due = aware + timedelta(hours=72)
        if is_open:
            status = "running" if kind == "controller_notice" else "pending"
        else:
            status = "ended" if dismissed else self.rnd.choice(("met", "met", "met", "missed"))
        met_at = None
        if status in ("met", "missed"):
            met_at = due + timedelta(hours=self.rnd.choice((-30, -10)) if status == "met" else 8)
        filing = None
        if met_at is not None:
            filing, self.filing_id = self.filing_id, self.filing_id + 1
            self.tables["filings"].append(
                {
                    "id": filing,
                    "incident_id": incident_id,
                    "kind": kind,
                    "contract_id": contract_id,
                    "controller_id": controller_id,
                    "at": met_at,
                    "channel": "email",
                    "recorded_at": met_at,
                }
            )
        self.open_deadlines += status == "running"
        self.tables["obligations"].append(
            {
                "incident_id": incident_id,
                "key": f"{kind}:{contract_id}",
                "kind": kind,
                "contract_id": contract_id,
                "controller_id": controller_id,
                "owner": "processor",
                "clause": "Art. 5.2" if kind == "controller_notice" else "Art. 5.3",
                "hours": 72,
                "starts_at": aware,
                "due_at": due if status != "pending" else None,
                "status": status,
                "met_at": met_at,
                "filing_id": filing,
            }
        )

    def ap_obligation(self, incident_id: int, aware: datetime, controller_id: int, is_open: bool, dismissed: bool):
        due = aware + timedelta(hours=72)
        status = "running" if is_open else ("not_required" if dismissed else "met")
        self.open_deadlines += status == "running"
        self.tables["obligations"].append(
            {
                "incident_id": incident_id,
                "key": f"ap_notification:{controller_id}",
                "kind": "ap_notification",
                "contract_id": None,
                "controller_id": controller_id,
                "owner": "controller",
                "clause": "AVG art. 33 lid 1",
                "hours": 72,
                "starts_at": aware,
                "due_at": due,
                "status": status,
                "met_at": due - timedelta(hours=3) if status == "met" else None,
                "filing_id": None,
            }
        )


def _parties() -> dict[int, list[int]]:
    """1,000 controllers with 10 contracts each: contract ids per controller id."""
    _insert(
        Controller.__table__,
        (
            {"name": f"Zorginstelling {n:04d}", "kvk": f"{10_000_000 + n}", "contact_email": f"fg{n}@zorg.example"}
            for n in range(1_000)
        ),
    )
    controllers = db.session.scalars(select(Controller.id).order_by(Controller.id)).all()
    _insert(
        Contract.__table__,
        (
            {"controller_id": cid, "profile_key": "boz-72h", "reference": f"VO-{cid:04d}-{k}"}
            for cid in controllers
            for k in range(10)
        ),
    )
    contracts: dict[int, list[int]] = {}
    for contract_id, controller_id in db.session.execute(select(Contract.id, Contract.controller_id)):
        contracts.setdefault(controller_id, []).append(contract_id)
    return contracts


def build(incidents: int = 100_000, open_incidents: int = 2_000, seed: int = 12) -> Built:
    """Fill an empty, migrated database (in the app context) and commit. Returns what the benchmarks need."""
    rnd = random.Random(seed)
    user = create_user(EMAIL, "handler", PASSWORD, name="Bench Handler")
    db.session.flush()
    _feed, token = feeds.create_feed(name="Bench", user=user, actor=user)
    db.session.commit()
    rows = _Rows(rnd, _parties())
    first_id = _next_id(Incident.__table__)
    closed = incidents - open_incidents
    for n in range(incidents):
        if n >= closed:
            aware, status = NOW - timedelta(hours=rnd.uniform(1, 100)), "confirmed"
        else:
            aware = NOW - timedelta(days=5 * 365) + timedelta(seconds=int(n * (5 * 365 - 5) * 86400 / closed))
            status = "dismissed" if rnd.random() < 0.2 else "closed"
        rows.incident(first_id + n, n, aware.replace(microsecond=0), status, n >= closed)
    tables = {
        "incidents": Incident,
        "severity": SeverityAssessment,
        "affected": AffectedContract,
        "filings": Filing,
        "obligations": Obligation,
        "decisions": Decision,
        "timeline": TimelineEvent,
    }
    for key, model in tables.items():
        _insert(model.__table__, rows.tables[key])
    db.session.commit()
    return Built(incidents, rows.open_deadlines, token)
