from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.instants import utcnow
from ..db_types import UTCDateTime
from ..extensions import Model

INCIDENT_STATUSES = ("suspected", "confirmed", "dismissed", "closed")
# What the API and the filing form accept; the first three fulfil obligations.
FILING_KINDS = (
    "controller_notice",
    "controller_consultation",
    "ap_notification",
    "data_subject_communication",
    "ap_follow_up",
    # a contact with (or a disclosure to) an authority other than the AP about the incident, per controller: it
    # starts the duty to keep that controller informed (BOZ 5.7, Doctolib 7.2, Addendum 6.2)
    "authority_contact",
)
# A follow-up to an AP notification, recorded with the AP's reference (meldnummer) of the original.
AP_FOLLOW_UPS = ("supplement", "change", "withdrawal")
OBLIGATION_KINDS = (
    "controller_notice",
    "awareness_notice",
    "controller_consultation",
    "investigation_report",
    "authority_contact_notice",
    "ap_notification",
)
# Recorded by the application itself, never posted: a controller confirming receipt of a notice.
ACKNOWLEDGEMENT = "controller_acknowledgement"
NOTIFY_AP_CHOICES = ("yes", "no", "needs_info")
# How the processor learned of a controller's decision.
DECISION_VIA = ("portal", "email", "phone", "meeting", "letter")
INFORM_SUBJECTS_CHOICES = ("yes", "no")
# Why data subjects are not informed: no high risk, or one of the Art. 34(3) exemptions.
SUBJECTS_GROUNDS = ("not_high_risk", "unintelligible", "later_measures", "disproportionate_effort")
# Who reported an incident to the processor (Incident.reported_by_kind): its own staff, one of its sub-processors, a
# controller (a customer), or someone else (a data subject, a researcher, …).
REPORTER_KINDS = ("staff", "sub_processor", "controller", "other")


class Incident(Model):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), index=True)
    aware_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # lists, register and metrics by date
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the processor learned of an investigation into or seizure of the personal data by authorities, or a
    # suspicion of one: an "Inbreuk" under limb (i) of the BOZ definition (art. 1.2 a), which starts art. 5.2.
    authority_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the staff were reminded that it was still suspected after SUSPECTED_ALERT_HOURS (reminders/suspicion.py).
    suspicion_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismiss_reason: Mapped[str | None] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What the AP's form asks beyond the contract fields (core/ap_form.py DETAIL_KEYS); all optional.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    # For the processor's own staff only: never printed in anything a controller receives.
    internal_note: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The severity assessment that counts for the incident as a whole (assessment.py current_severity): kept here
    # by record_severity, so that lists filter and sort on it without a window over every assessment. A plain
    # column, like severity_assessments.controller_id (see migration 0009).
    current_severity_id: Mapped[int | None]
    # Who reported the incident to the processor (the Addendum's Annex B: "de naam van degene die de schending meldt")
    # and when the processor was informed (then aware_at is that moment: its clocks run from it). A sub-processor's
    # report names it (a plain column, as 0009's) and, where known, when the sub-processor itself became aware.
    reported_by_kind: Mapped[str | None] = mapped_column(String(20))  # REPORTER_KINDS
    reported_by_name: Mapped[str | None] = mapped_column(String(200))
    sub_processor_id: Mapped[int | None]
    sub_processor_aware_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    informed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    affected: Mapped[list[AffectedContract]] = relationship(
        back_populates="incident", order_by="AffectedContract.contract_id"
    )
    sub_processor = relationship(
        "SubProcessor", primaryjoin="foreign(Incident.sub_processor_id) == SubProcessor.id", viewonly=True
    )


class AffectedContract(Model):
    """A contract touched by an incident (controller_id is kept here so clocks need no join)."""

    __tablename__ = "affected_contracts"
    # One controller's contracts of an incident (a notice, a delivery, the controller's page) without a scan; and
    # incidents by contract (a search by contract reference: the primary key leads with incident_id).
    __table_args__ = (
        Index("ix_affected_contracts_incident_controller", "incident_id", "controller_id"),
        Index("ix_affected_contracts_contract_id", "contract_id"),
    )

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controllers.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A correction (breaches/removal.py): the contract was added by mistake after something had been sent about
    # it, so it stays on record, marked withdrawn with the reason; its open obligations have ended.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_by_id: Mapped[int | None]  # the user; a plain column (SQLite adds no constraint without a rebuild)
    # The clause profile (key and version, parties/profile_versions.py) this contract's deadlines in this incident
    # are computed from: pinned when the contract is added, so editing a profile file never moves them.
    # (nullable in the table, added by 0016, which filled it for every existing row; every new row has it)
    profile_key: Mapped[str] = mapped_column(String(64), nullable=True)
    profile_version: Mapped[str | None] = mapped_column(String(20))
    # Added after the breach was established: when it was established for this contract (default: when added); its
    # confirmed-trigger clocks start then (core/clock.py AffectedContract.established). None: the incident's.
    established_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    incident: Mapped[Incident] = relationship(back_populates="affected")
    contract = relationship("Contract")


class ControllerScope(Model):
    """One controller's own share of an incident (core/scope.py SCOPE_KEYS): what its documents say, and only
    its documents. Edited in place; every change goes to the timeline."""

    __tablename__ = "controller_scopes"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controllers.id"), primary_key=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Obligation(Model):
    """What is owed, to whom, by when: derived by the clock engine and stored for queries."""

    __tablename__ = "obligations"
    __table_args__ = (
        UniqueConstraint("incident_id", "key", name="uq_obligations_incident_key"),
        Index("ix_obligations_status_due", "status", "due_at"),
        Index("ix_obligations_status_next_reminder", "status", "next_reminder_at"),
        # Covering the dashboard's reads: its figures and table over the open incidents' deadlines, and the notices
        # on time per month.
        Index("ix_obligations_incident_status_due", "incident_id", "status", "due_at"),
        Index("ix_obligations_kind_due", "kind", "due_at", "status"),
        # One controller's deadlines of an incident: what a delivered notice recomputes, and the controller's page.
        Index("ix_obligations_incident_controller", "incident_id", "controller_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    controller_id: Mapped[int] = mapped_column(ForeignKey("controllers.id"), index=True)
    owner: Mapped[str] = mapped_column(String(20))
    clause: Mapped[str] = mapped_column(String(100))
    hours: Mapped[int]
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filing_id: Mapped[int | None] = mapped_column(ForeignKey("filings.id"))
    # When the fulfilling filing was recorded, and whether it was recorded after the deadline with a time before it.
    met_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    backdated: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The clause profile version (core/profiles.py ClauseProfile.version) and the clause's words the deadline was
    # computed from.
    profile_version: Mapped[str] = mapped_column(String(20), default="", server_default="")
    wording: Mapped[str] = mapped_column(Text, default="", server_default="")
    # How its hours are to be read (core/profiles.py NORMS) and whether due_at is the controller's AP deadline.
    norm: Mapped[str] = mapped_column(String(20), default="term", server_default="term")
    limited_by_ap: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The AP clock: the contract clause that has the processor file for the controller, and when the controller's
    # contracts disagree about who files, each side's clause: [{"clause", "wording", "says"}] (None: no conflict).
    owner_basis: Mapped[str] = mapped_column(String(100), default="", server_default="")
    owner_conflict: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    # When the worker next reminds someone of this deadline (None: nothing to remind of).
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Filing(Model):
    """The filing log: one row per thing actually done. Append-only: never updated, never deleted."""

    __tablename__ = "filings"
    # Covering the dashboard's reads per incident: the first notice per controller, receipts, AP filings.
    # One controller's filings of an incident: what a delivered notice recomputes, and the controller's page.
    __table_args__ = (
        Index("ix_filings_incident_kind", "incident_id", "kind", "controller_id", "at"),
        Index("ix_filings_incident_controller", "incident_id", "controller_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    controller_id: Mapped[int] = mapped_column(ForeignKey("controllers.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str | None] = mapped_column(String(40))
    reference: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Decision(Model):
    """A controller's decision on notifying the AP. Never edited: a newer one supersedes it."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controllers.id"))
    notify_ap: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    inform_subjects: Mapped[str | None] = mapped_column(String(10))
    subjects_ground: Mapped[str | None] = mapped_column(String(40))
    # The controller instructs the processor to inform the data subjects on its behalf (the exception the clauses
    # allow: BOZ 5.6 "anderszins overeengekomen", Addendum 6.1 "op aanwijzing van de Klant").
    processor_informs: Mapped[bool] = mapped_column(default=False, server_default=false())
    severity_id: Mapped[int | None] = mapped_column(ForeignKey("severity_assessments.id"))
    # Who at the controller decided, and how the processor learned it (docs/API.md, "Decisions belong to the
    # controller"); decided_by_id is the user who recorded it.
    maker_name: Mapped[str | None] = mapped_column(String(200))
    maker_function: Mapped[str | None] = mapped_column(String(200))
    maker_via: Mapped[str | None] = mapped_column(String(20))


class SeverityAssessment(Model):
    """An ENISA severity assessment with who made it and when. Append-only: a new one supersedes."""

    __tablename__ = "severity_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    # For one controller's own share of the incident; None: for the whole incident. (A plain column: see 0007.)
    controller_id: Mapped[int | None]
    data_types: Mapped[list[str]] = mapped_column(JSON)
    identification: Mapped[str] = mapped_column(String(20))
    dpc_adjustment: Mapped[int] = mapped_column(default=0)
    confidentiality: Mapped[str] = mapped_column(String(30))
    integrity: Mapped[str] = mapped_column(String(30))
    availability: Mapped[str] = mapped_column(String(30))
    malicious: Mapped[bool] = mapped_column(default=False)
    dpc: Mapped[int]
    ei: Mapped[float]
    cb: Mapped[float]
    se: Mapped[float]
    band: Mapped[str] = mapped_column(String(20))
    ap_severity: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessor = relationship("User")


class TimelineEvent(Model):
    """Every change to an incident, with who and when. Append-only."""

    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor = relationship("User")


APPEND_ONLY = (Filing, Decision, TimelineEvent, SeverityAssessment)


class AppendOnlyError(RuntimeError):
    pass


def _refuse(mapper, connection, target):
    raise AppendOnlyError(f"{type(target).__tablename__} is append-only: rows are never updated or deleted")


for _model in APPEND_ONLY:
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)
