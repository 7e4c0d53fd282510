"""The data set of benchmarks/pages.py: a processor with 10,000 contracts of 1,000 controllers (over the six shipped
clause profiles), 100,000 older incidents over five years, and one new incident on every contract.

How it is built, so that the pages meet data as the application itself would have stored it:

1. The schema is migrated to BASE_REVISION (0007, the last migration whose schema this module writes by name).
2. Controllers, contracts, a few staff users and the 100,000 older incidents with their affected contracts,
   filings, decisions, severity assessments and timeline events are inserted in bulk (executemany, in batches),
   but every obligation row is computed by the project's own clock engine, as incidents/breaches/obligations.py
   `recompute` does: `compute_deadlines` over the incident's facts, contracts, filings and AP decisions, and the
   first reminder from the configured reminder plan. 2% of them are open (confirmed in the last 100 hours,
   4 contracts each), the rest closed (85%) or dismissed over five years with 1–3 contracts.
3. The schema is migrated on to the head: whatever later migrations add (columns, indexes, stored current values)
   they fill in from these rows, as they would on a production database.
4. Through the project's services, at the head: the user the benchmark logs in as (a handler), a calendar feed of
   that user (every open deadline), and the big incident over every contract (`create_incident`, confirmed).

On SQLite the result is cached as a file under instance/, named after the sizes, the migration head (and a digest of
the migration files) and DATA_VERSION; a second run copies it and starts at once. On PostgreSQL the database named
by DATABASE_URL is used; it must be empty or built by this module (a marker table says which, and with what key).
"""

from __future__ import annotations

import hashlib
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import MetaData, Table, inspect, text
from sqlalchemy.engine import Connection

ROOT = Path(__file__).resolve().parent.parent
DATA_VERSION = 2  # raise when what is built changes: the cached file is then built again (2: reports delivered)
BASE_REVISION = "0007"
PROFILES = ("doctolib", "addendum-gegevensbescherming", "citodent", "boz-72h", "boz-24h", "gdpr-art33")
MARKER = "bench_pages_marker"
BATCH = 2_000  # incidents per executemany round
USER_EMAIL = "bench@verwerker.example"
FIELD_TEXT = {
    "nature": "Ongeautoriseerde toegang tot het hostingplatform; versleuteling van de opslag door ransomware.",
    "cause": "Een kwetsbaarheid in de beheerinterface van de hypervisor, misbruikt voordat de patch uit was.",
    "affected_data": "Naam, adres, geboortedatum, BSN en medische gegevens van patiënten.",
    "data_subjects": "Patiënten van alle aangesloten zorginstellingen.",
    "measures": "Platform geïsoleerd, back-ups teruggezet, wachtwoorden en sleutels vervangen.",
}


@dataclass(frozen=True)
class Sizes:
    name: str
    contracts: int
    controllers: int
    older: int  # older incidents
    open_older: int  # of which open

    def describe(self) -> str:
        return (
            f"{self.contracts:,} contracts of {self.controllers:,} controllers ({len(PROFILES)} profiles), "
            f"{self.older:,} older incidents ({self.open_older:,} open), one incident on every contract"
        )


FULL = Sizes("full", 10_000, 1_000, 100_000, 2_000)
QUICK = Sizes("quick", 120, 12, 60, 4)


@dataclass
class Built:
    """What the measurements need to find in a built database."""

    password: str
    feed_token: str
    big_incident_id: int


# --- keys and markers ------------------------------------------------------------------------------------------


def migration_key() -> str:
    """The migration head(s) and a digest of every migration file: a relinked chain is a new key too."""
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    heads = "+".join(sorted(ScriptDirectory.from_config(config).get_heads()))
    digest = hashlib.sha256()
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{heads}-{digest.hexdigest()[:10]}"


def cache_key(sizes: Sizes) -> str:
    return f"{sizes.name}-{migration_key()}-v{DATA_VERSION}"


def cache_path(sizes: Sizes, folder: Path) -> Path:
    return folder / f"bench-pages-{cache_key(sizes)}.sqlite"


def read_marker(connection: Connection) -> dict[str, str]:
    if not inspect(connection).has_table(MARKER):
        return {}
    return dict(connection.execute(text(f"SELECT name, value FROM {MARKER}")).all())


def write_marker(connection: Connection, values: dict[str, str]) -> None:
    connection.execute(text(f"CREATE TABLE IF NOT EXISTS {MARKER} (name VARCHAR(40) PRIMARY KEY, value TEXT)"))
    connection.execute(text(f"DELETE FROM {MARKER}"))
    connection.execute(
        text(f"INSERT INTO {MARKER} (name, value) VALUES (:name, :value)"),
        [{"name": k, "value": v} for k, v in values.items()],
    )


def built_from(marker: dict[str, str]) -> Built:
    return Built(marker["password"], marker["feed_token"], int(marker["big_incident_id"]))


# --- writing rows ----------------------------------------------------------------------------------------------


class Writer:
    """Bulk inserts into the tables as they are at BASE_REVISION (reflected, so later model columns do not matter);
    instants are given aware and stored as the application's column type stores them (naive UTC on SQLite)."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.sqlite = connection.dialect.name == "sqlite"
        self.metadata = MetaData()
        self.tables: dict[str, Table] = {}
        self.stamps: dict[str, list[str]] = {}
        self.counts: dict[str, int] = {}

    def table(self, name: str) -> Table:
        if name not in self.tables:
            table = Table(name, self.metadata, autoload_with=self.connection)
            self.tables[name] = table
            self.stamps[name] = [c.name for c in table.columns if _is_instant(c)]
        return self.tables[name]

    def insert(self, name: str, rows: list[dict]) -> None:
        if not rows:
            return
        table = self.table(name)
        if self.sqlite:
            for row in rows:
                for column in self.stamps[name]:
                    value = row.get(column)
                    if value is not None:
                        row[column] = value.astimezone(UTC).replace(tzinfo=None)
        self.connection.execute(table.insert(), rows)
        self.counts[name] = self.counts.get(name, 0) + len(rows)

    def restart_sequences(self) -> None:
        """PostgreSQL: the ids were given explicitly, so move each id sequence past them."""
        if self.sqlite:
            return
        for name in self.tables:
            self.connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"
                )
                if "id" in self.tables[name].columns
                else text("SELECT 1")
            )


def _is_instant(column) -> bool:
    try:
        return column.type.python_type is datetime
    except NotImplementedError:
        return False


# --- the older incidents ---------------------------------------------------------------------------------------


@dataclass
class Ids:
    """Explicit primary keys, so that filings can be referred to by the obligations computed in the same batch."""

    filing: int = 0
    decision: int = 0
    severity: int = 0
    event: int = 0
    obligation: int = 0

    def next(self, name: str) -> int:
        value = getattr(self, name) + 1
        setattr(self, name, value)
        return value


@dataclass
class Batch:
    incidents: list[dict]
    affected: list[dict]
    filings: list[dict]
    decisions: list[dict]
    severities: list[dict]
    events: list[dict]
    obligations: list[dict]

    @classmethod
    def empty(cls) -> Batch:
        return cls([], [], [], [], [], [], [])


class History:
    """Generates the older incidents, deterministically (a seeded random), and computes their obligations."""

    def __init__(self, sizes: Sizes, now: datetime, contracts: list[tuple[int, int, str]], users: list[int]):
        from incidents.core.reminders import first_reminder
        from incidents.profiles import all_profiles
        from incidents.settings import reminder_plan

        self.sizes, self.now, self.contracts, self.users = sizes, now.replace(microsecond=0), contracts, users
        self.profiles = all_profiles()
        self.plan = reminder_plan()
        self.first_reminder = first_reminder
        self.random = random.Random(20261203)
        self.ids = Ids()
        self.numbers: dict[int, int] = {}  # year -> last reference number

    def aware_times(self) -> list[datetime]:
        """Closed and dismissed ones over five years (until a week ago), then the open ones in the last 100 h."""
        r, now = self.random, self.now
        closed = sorted(
            now - timedelta(days=7) - timedelta(seconds=r.randrange(5 * 365 * 86400))
            for _ in range(self.sizes.older - self.sizes.open_older)
        )
        recent = sorted(now - timedelta(seconds=r.randrange(3600, 100 * 3600)) for _ in range(self.sizes.open_older))
        return closed + recent

    def reference(self, aware_at: datetime) -> str:
        from incidents.core.instants import to_local

        year = to_local(aware_at).year
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return f"DL-{year}-{self.numbers[year]:04d}"

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(seconds=round(self.random.uniform(low, high) * 3600))

    def incident(self, batch: Batch, incident_id: int, aware_at: datetime, is_open: bool) -> None:
        r = self.random
        kind = "open" if is_open else ("dismissed" if r.random() < 0.15 else "closed")
        picked = r.sample(self.contracts, 4 if is_open else r.randint(1, 3))
        actor = r.choice(self.users)
        confirmed_at = None if kind == "dismissed" else aware_at + self.hours(0, 2 if is_open else 24)
        if confirmed_at is not None and confirmed_at > self.now:
            confirmed_at = self.now
        status = {"open": "confirmed", "dismissed": "dismissed", "closed": "closed"}[kind]
        created_at = aware_at + self.hours(0, 1) if aware_at + timedelta(hours=1) < self.now else aware_at
        dismissed_at = aware_at + self.hours(1, 48) if kind == "dismissed" else None
        batch.incidents.append(
            {
                "id": incident_id,
                "reference": self.reference(aware_at),
                "title": f"{r.choice(TITLES)} ({incident_id})",
                "description": "Melding via de servicedesk; onderzoek gestart.",
                "status": status,
                "aware_at": aware_at,
                "confirmed_at": confirmed_at,
                "dismissed_at": dismissed_at,
                "dismiss_reason": "Geen persoonsgegevens betrokken." if kind == "dismissed" else None,
                "fields": {"nature": "Onbevoegde toegang.", "affected_data": "Naam en adres."},
                "details": {},
                "internal_note": "",
                "created_at": created_at,
                "created_by_id": actor,
                "updated_at": created_at,
            }
        )
        for contract_id, controller_id, _ in picked:
            batch.affected.append(
                {
                    "incident_id": incident_id,
                    "contract_id": contract_id,
                    "controller_id": controller_id,
                    "added_at": created_at,
                }
            )
        self.event(batch, incident_id, created_at, actor, "created", {"status": "suspected", "contracts": len(picked)})
        ids = [c[0] for c in picked]
        self.event(batch, incident_id, created_at, actor, "contracts_added", {"contract_ids": ids})
        if confirmed_at is not None:
            self.event(batch, incident_id, confirmed_at, actor, "confirmed", {"confirmed_at": confirmed_at.isoformat()})
        filings, decisions = [], {}
        if kind == "dismissed":
            reason = {"reason": "Geen persoonsgegevens betrokken."}
            self.event(batch, incident_id, dismissed_at or aware_at, actor, "dismissed", reason)
        elif confirmed_at is not None and (not is_open or r.random() < 0.8):
            filings, decisions = self.filings(batch, incident_id, confirmed_at, picked, actor, finished=not is_open)
        if not is_open and r.random() < 0.4:
            self.severity(batch, incident_id, confirmed_at or aware_at, actor)
        self.obligations(batch, incident_id, status, aware_at, confirmed_at, picked, filings, decisions)

    def filings(self, batch: Batch, incident_id: int, confirmed_at: datetime, picked, actor: int, *, finished: bool):
        """Notices to every controller (one filing per contract), consultations and reports of the investigation where
        a profile asks for one, a decision per controller and, where it says yes, the AP notification. An open
        incident stops at now."""
        from incidents.core.clock import FilingFact

        r, facts, decisions = self.random, [], {}
        by_controller: dict[int, list[tuple[int, str]]] = {}
        for contract_id, controller_id, profile_key in picked:
            by_controller.setdefault(controller_id, []).append((contract_id, profile_key))
        for controller_id, contracts in by_controller.items():
            noticed = confirmed_at + self.hours(0.5, 30 if r.random() < 0.9 else 80)
            if noticed > self.now:
                continue
            for contract_id, profile_key in contracts:
                facts.append(
                    self.filing(batch, incident_id, "controller_notice", noticed, contract_id, controller_id, actor)
                )
                if self.profiles[profile_key].rule("controller_consultation") is not None:
                    at = noticed + self.hours(1, 60)
                    if at <= self.now:
                        kind = "controller_consultation"
                        facts.append(self.filing(batch, incident_id, kind, at, contract_id, controller_id, actor))
            # the report of the investigation, where a contract asks for one (BOZ 5.4, Addendum 13.1 (2))
            if any(self.profiles[key].rule("investigation_report") is not None for _c, key in contracts):
                at = noticed + self.hours(2, 60)
                if at <= self.now:
                    report = self.filing(batch, incident_id, "investigation_report", at, None, controller_id, actor)
                    facts.append(report)
            decided = noticed + self.hours(2, 60)
            if decided > self.now or (not finished and r.random() < 0.5):
                continue
            notify_ap = "yes" if r.random() < 0.4 else "no"
            decisions[controller_id] = notify_ap
            self.decision(batch, incident_id, controller_id, notify_ap, decided, actor)
            if notify_ap == "yes":
                at = decided + self.hours(1, 30)
                if at <= self.now:
                    facts.append(self.filing(batch, incident_id, "ap_notification", at, None, controller_id, actor))
        return [FilingFact(f["id"], f["kind"], f["at"], f["contract_id"], f["controller_id"]) for f in facts], decisions

    def filing(self, batch, incident_id, kind, at, contract_id, controller_id, actor) -> dict:
        row = {
            "id": self.ids.next("filing"),
            "incident_id": incident_id,
            "kind": kind,
            "contract_id": contract_id,
            "controller_id": controller_id,
            "at": at,
            "channel": "email" if kind == "controller_notice" else "portal",
            "reference": f"M-{self.random.randrange(10**8):08d}" if kind == "ap_notification" else None,
            "note": None,
            "recorded_by_id": actor,
            "recorded_at": at,
            "document_id": None,
            "details": None,
        }
        batch.filings.append(row)
        details = {"filing_id": row["id"], "kind": kind, "contract_id": contract_id, "controller_id": controller_id}
        self.event(
            batch, incident_id, at, actor, "filing", {**details, "at": at.isoformat(), "channel": row["channel"]}
        )
        return row

    def decision(self, batch, incident_id, controller_id, notify_ap, at, actor) -> None:
        decision_id = self.ids.next("decision")
        reason = "Hoog risico voor betrokkenen." if notify_ap == "yes" else "Versleuteld; geen risico."
        batch.decisions.append(
            {
                "id": decision_id,
                "incident_id": incident_id,
                "controller_id": controller_id,
                "notify_ap": notify_ap,
                "reason": reason,
                "decided_by_id": actor,
                "decided_at": at,
                "inform_subjects": "no",
                "subjects_ground": "not_high_risk",
                "severity_id": None,
                "maker_name": "FG van de instelling",
                "maker_function": "Functionaris gegevensbescherming",
                "maker_via": "email",
            }
        )
        self.event(
            batch,
            incident_id,
            at,
            actor,
            "decision",
            {"decision_id": decision_id, "controller_id": controller_id, "notify_ap": notify_ap},
        )

    def severity(self, batch: Batch, incident_id: int, at: datetime, actor: int) -> None:
        from incidents.core.severity import Assessment, score

        r = self.random
        assessment = Assessment(
            data_types=(r.choice(("simple", "behavioural", "financial", "sensitive")),),
            identification=r.choice(("negligible", "limited", "significant", "maximum")),
            confidentiality=r.choice(("none", "known_recipients", "unknown_recipients")),
        )
        try:
            result = score(assessment)
        except ValueError:  # the core names its choices; a renamed one must not stop the build
            return
        batch.severities.append(
            {
                "id": self.ids.next("severity"),
                "incident_id": incident_id,
                "controller_id": None,
                "data_types": list(assessment.data_types),
                "identification": assessment.identification,
                "dpc_adjustment": 0,
                "confidentiality": assessment.confidentiality,
                "integrity": "none",
                "availability": "none",
                "malicious": False,
                "dpc": result.dpc,
                "ei": result.ei,
                "cb": result.cb,
                "se": result.se,
                "band": result.band,
                "ap_severity": result.ap_severity,
                "note": "",
                "assessed_by_id": actor,
                "assessed_at": at,
            }
        )
        self.event(batch, incident_id, at, actor, "severity", {"band": result.band})

    def event(self, batch: Batch, incident_id: int, at: datetime, actor: int, kind: str, details: dict) -> None:
        batch.events.append(
            {
                "id": self.ids.next("event"),
                "incident_id": incident_id,
                "at": at,
                "actor_id": actor,
                "kind": kind,
                "details": details,
            }
        )

    def obligations(self, batch, incident_id, status, aware_at, confirmed_at, picked, filings, decisions) -> None:
        """Exactly what recompute() stores for a new incident: the clock engine's deadlines, first reminder."""
        from incidents.core.clock import AffectedContract, IncidentFacts, compute_deadlines

        affected = [AffectedContract(c, ctl, self.profiles[p]) for c, ctl, p in sorted(picked)]
        facts = IncidentFacts(status, aware_at, confirmed_at)
        for d in compute_deadlines(facts, affected, filings, decisions, {}):
            batch.obligations.append(
                {
                    "id": self.ids.next("obligation"),
                    "incident_id": incident_id,
                    "key": d.key,
                    "kind": d.kind,
                    "contract_id": d.contract_id,
                    "controller_id": d.controller_id,
                    "owner": d.owner,
                    "clause": d.clause,
                    "hours": d.hours,
                    "starts_at": d.starts_at,
                    "due_at": d.due_at,
                    "status": d.status,
                    "met_at": d.met_at,
                    "filing_id": d.filing_id,
                    "next_reminder_at": self.first_reminder(d.status, d.starts_at, d.due_at, self.plan),
                }
            )


TITLES = (
    "Phishing op een beheeraccount",
    "Verkeerd geadresseerde e-mail",
    "Gestolen laptop",
    "Openstaande opslagbucket",
    "Ransomware op een fileserver",
    "Onbevoegde inzage in dossiers",
    "Verloren USB-stick",
)


# --- the build -------------------------------------------------------------------------------------------------


def _parties(writer: Writer, sizes: Sizes, now: datetime) -> tuple[list[tuple[int, int, str]], list[int]]:
    writer.insert(
        "controllers",
        [
            {
                "id": n,
                "name": f"Zorginstelling {n:04d}",
                "kvk": f"{10_000_000 + n}",
                "contact_name": f"FG {n}",
                "contact_email": f"fg{n}@zorg{n}.example",
                "language": "en" if n % 10 == 0 else "nl",
                "created_at": now,
            }
            for n in range(1, sizes.controllers + 1)
        ],
    )
    contracts = [
        (i + 1, i % sizes.controllers + 1, PROFILES[(i // sizes.controllers) % len(PROFILES)])
        for i in range(sizes.contracts)
    ]
    writer.insert(
        "contracts",
        [
            {
                "id": cid,
                "controller_id": controller_id,
                "profile_key": profile,
                "reference": f"VO-{cid:06d}",
                "services": "Hosting en beheer",
                "data_categories": "Gezondheid",
                "created_at": now,
            }
            for cid, controller_id, profile in contracts
        ],
    )
    users = list(range(1, 6))
    writer.insert(
        "users",
        [
            {
                "id": u,
                "email": f"handler{u}@verwerker.example",
                "name": f"Behandelaar {u}",
                "role": "handler",
                "password_hash": "!",  # no password: nobody logs in as these
                "language": "nl",
                "active": True,
                "created_at": now,
            }
            for u in users
        ],
    )
    return contracts, users


def load_history(connection: Connection, sizes: Sizes, now: datetime, say: Callable[[str], None]) -> dict[str, int]:
    """Step 2 of the module docstring, in one transaction on ``connection`` (at BASE_REVISION)."""
    writer = Writer(connection)
    contracts, users = _parties(writer, sizes, now)
    history = History(sizes, now, contracts, users)
    times = history.aware_times()
    started = time.perf_counter()
    for start in range(0, len(times), BATCH):
        batch = Batch.empty()
        for offset, aware_at in enumerate(times[start : start + BATCH]):
            number = start + offset
            history.incident(batch, number + 1, aware_at, number >= sizes.older - sizes.open_older)
        for name, rows in (
            ("incidents", batch.incidents),
            ("affected_contracts", batch.affected),
            ("severity_assessments", batch.severities),
            ("filings", batch.filings),
            ("decisions", batch.decisions),
            ("obligations", batch.obligations),
            ("timeline_events", batch.events),
        ):
            writer.insert(name, rows)
        done = min(start + BATCH, len(times))
        if done % (BATCH * 10) == 0 or done == len(times):
            say(f"  {done:,} of {len(times):,} older incidents ({time.perf_counter() - started:.0f} s)")
    writer.restart_sequences()
    return writer.counts


def _services(sizes: Sizes, now: datetime) -> Built:
    """Step 4: through the project's own services, at the head."""
    from sqlalchemy import select

    from incidents.auth.service import create_user
    from incidents.breaches.service import create_incident
    from incidents.calendar.service import create_feed
    from incidents.extensions import db
    from incidents.parties.models import Contract

    password = secrets.token_urlsafe(18)
    user = create_user(USER_EMAIL, "handler", password, name="Benchmark")
    db.session.flush()
    _, token = create_feed(name="Alle deadlines", user=user, actor=user)
    ids = list(db.session.scalars(select(Contract.id).order_by(Contract.id)))
    assert len(ids) == sizes.contracts, f"{len(ids)} contracts stored, {sizes.contracts} expected"
    incident = create_incident(
        title="Ransomware bij het hostingplatform",
        description="Het gedeelde hostingplatform is versleuteld; alle aangesloten instellingen zijn geraakt.",
        aware_at=now - timedelta(hours=3),
        status="confirmed",
        contract_ids=ids,
        fields=FIELD_TEXT,
        actor=user,
    )
    db.session.commit()
    return Built(password, token, incident.id)


def build(app, sizes: Sizes, say: Callable[[str], None]) -> Built:
    """Build the data set into the (empty) database of ``app``; returns what the measurements need."""
    from incidents.extensions import db

    migrations = str(ROOT / "migrations")
    now = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        started = time.perf_counter()
        upgrade(directory=migrations, revision=BASE_REVISION)
        say(f"building: migrated to {BASE_REVISION}; loading {sizes.describe()}")
        with db.engine.begin() as connection:
            counts = load_history(connection, sizes, now, say)
        say("  rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
        upgrade(directory=migrations)
        say(f"  migrated to the head ({time.perf_counter() - started:.0f} s so far); the big incident next")
        built = _services(sizes, now)
        with db.engine.begin() as connection:
            write_marker(
                connection,
                {
                    "key": cache_key(sizes),
                    "password": built.password,
                    "feed_token": built.feed_token,
                    "big_incident_id": str(built.big_incident_id),
                },
            )
        db.session.remove()
        db.engine.dispose()
        say(f"built in {time.perf_counter() - started:.0f} s")
    return built


def empty_or_ours(connection: Connection) -> bool:
    names = set(inspect(connection).get_table_names())
    return not names or MARKER in names


def wipe_postgres(connection: Connection) -> None:
    """Only for a database this module built (see empty_or_ours): drop its tables to build it again."""
    connection.execute(text("DROP SCHEMA public CASCADE"))
    connection.execute(text("CREATE SCHEMA public"))
