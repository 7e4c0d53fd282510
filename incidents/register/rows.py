"""The register's rows: one incident with everything the register shows of it (AVG art. 33 lid 5, and the
Addendum's Annex B). Plain data: queries.py selects the incidents, details.py fills in the rest per batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

# The contract fields (core/fields.py) grouped as AVG art. 33 lid 5 names them.
FACT_FIELDS = ("nature", "cause")
EFFECT_FIELDS = ("affected_data", "data_subjects", "records", "consequences")
REMEDIAL_FIELDS = ("measures",)


@dataclass(frozen=True)
class DecisionEntry:
    controller_id: int
    controller: str
    notify_ap: str
    inform_subjects: str | None
    subjects_ground: str | None
    decided_at: datetime
    reason: str = ""
    maker_name: str | None = None  # who at the controller decided
    maker_function: str | None = None
    maker_via: str | None = None  # how the processor learned it (models.DECISION_VIA)
    recorded_by: str | None = None  # the desk's user who recorded it


@dataclass(frozen=True)
class FilingEntry:
    kind: str
    at: datetime
    reference: str | None
    controller_id: int
    controller: str = ""
    channel: str | None = None
    contract_id: int | None = None
    contract: str | None = None  # the contract's reference
    follow_up: str | None = None


@dataclass(frozen=True)
class NoticeEntry:
    """A notice to a controller: sent (a controller_notice filing, once however many contracts it covered) or
    still in the outbox (queued, retrying, failed)."""

    controller_id: int
    controller: str
    at: datetime  # when it was sent; for one not sent, when it was created
    channel: str | None
    recipients: tuple[str, ...] = ()
    reference: str | None = None
    note: str | None = None
    status: str = "sent"  # notices/models.py OUTBOX_STATUSES


@dataclass(frozen=True)
class MissedEntry:
    """An obligation filed after its deadline, or still open past it."""

    kind: str
    controller_id: int
    controller: str
    contract: str | None  # the contract's reference; None for the AP notification (per controller)
    clause: str
    due_at: datetime
    met_at: datetime | None  # None: not done yet
    late_by: timedelta  # met_at - due_at, or now - due_at when not done yet


@dataclass(frozen=True)
class BackdatedEntry:
    """A deadline met by a filing recorded after the deadline with a time at or before it: met on the filing's
    word, and the register says so."""

    kind: str
    controller_id: int
    controller: str
    contract: str | None
    due_at: datetime
    met_at: datetime
    recorded_at: datetime


@dataclass
class RegisterRow:
    id: int
    reference: str
    title: str
    status: str
    aware_at: datetime
    confirmed_at: datetime | None
    dismissed_at: datetime | None
    dismiss_reason: str | None
    description: str
    fields: dict[str, str]
    incident_kind: str | None
    started_at: datetime | None = None  # the period of the breach (details.started_at / ended_at)
    ended_at: datetime | None = None
    reporter_kind: str | None = None  # core/ap_form.py REPORTER_KINDS
    reported_by: str | None = None  # who reported the breach to the processor
    # Recorded when the incident was logged (Incident.reported_by_*): the sub-processor that reported it, when it
    # became aware itself, and when the processor was informed.
    recorded_kind: str | None = None  # breaches/models.py REPORTER_KINDS
    recorded_name: str | None = None
    sub_processor: str | None = None
    sub_processor_aware_at: datetime | None = None
    informed_at: datetime | None = None
    recovery: str | None = None  # the data-recovery procedure
    severity_band: str | None = None
    ap_severity: str | None = None
    se: float | None = None
    obligations_met: int = 0
    obligations_missed: int = 0
    obligations_open: int = 0
    controllers: list[str] = field(default_factory=list)
    # of those, the ones whose every contract was withdrawn from the incident by a recorded correction
    withdrawn: set[str] = field(default_factory=set)
    decisions: list[DecisionEntry] = field(default_factory=list)  # the latest per controller, by name
    filings: list[FilingEntry] = field(default_factory=list)  # the whole log, oldest first
    notices: list[NoticeEntry] = field(default_factory=list)  # per controller by name, then oldest first
    missed: list[MissedEntry] = field(default_factory=list)  # earliest deadline first
    backdated: list[BackdatedEntry] = field(default_factory=list)  # earliest deadline first
    # Each controller's own scope (breaches/scope.py), by controller name: who was affected by how much.
    scopes: list[tuple[str, int, dict]] = field(default_factory=list)

    def field_values(self, keys: tuple[str, ...]) -> dict[str, str | None]:
        return {k: self.fields.get(k) or None for k in keys}
