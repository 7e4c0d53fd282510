from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.instants import utcnow
from ..db_types import UTCDateTime
from ..extensions import Model


class Controller(Model):
    """A verwerkingsverantwoordelijke: a customer of the processor."""

    __tablename__ = "controllers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kvk: Mapped[str | None] = mapped_column(String(8))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="nl")
    # The controller's contact (its DPO or privacy contact) and what the AP's form asks about the organisation.
    contact_function: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    sector: Mapped[str] = mapped_column(String(200), default="", server_default="")
    dpo_registration: Mapped[str] = mapped_column(String(40), default="", server_default="")
    legal_basis: Mapped[str] = mapped_column(String(10), default="AVG", server_default="AVG")
    joint_controllers: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Where data subjects can turn with questions (printed in the letters to them).
    subjects_contact: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Where the controller is established (ISO 3166-1 alpha-2) and, for cross-border processing, the EU/EEA state of
    # its main establishment (empty: its country). Together they decide its supervisory authority (authorities.py).
    country: Mapped[str] = mapped_column(String(2), default="NL", server_default="NL")
    main_establishment: Mapped[str] = mapped_column(String(2), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The customer is itself a processor for controllers of its own (the chain processor -> processor -> controller):
    # it must inform them without undue delay (AVG art. 33 lid 2); their 72 hours of art. 33 lid 1 run from then.
    is_processor: Mapped[bool] = mapped_column(default=False, server_default=false())

    contracts: Mapped[list[Contract]] = relationship(back_populates="controller", order_by="Contract.reference")


class Contract(Model):
    """A Verwerkersovereenkomst with one controller; its breach clause is a clause profile."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controllers.id"), index=True)
    profile_key: Mapped[str] = mapped_column(String(64), index=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    services: Mapped[str] = mapped_column(Text, default="")
    data_categories: Mapped[str] = mapped_column(Text, default="")
    # The contract's own breach contact (BOZ art. 5.2/5.5: "de contactpersoon … genoemd in Bijlage 3"): its notices go
    # there instead of to the controller's contact_email. Empty: the controller's.
    breach_contact_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    breach_contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    controller: Mapped[Controller] = relationship(back_populates="contracts")


class ProfileVersion(Model):
    """One version of a clause profile as it was loaded: its file's text and any target-hours override. Kept for as
    long as the database lives, so that an incident's deadlines are always computed from the version it was started
    with (parties/profile_versions.py), whatever the file says today."""

    __tablename__ = "profile_versions"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_profile_versions_key_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    target_hours: Mapped[int | None]
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubProcessor(Model):
    """One of the processor's own sub-processors (subverwerkers, e.g. those of BOZ Bijlage 1): who can report a breach
    to us. Managed on a staff page; an incident names the one that reported it."""

    __tablename__ = "sub_processors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    services: Mapped[str] = mapped_column(Text, default="", server_default="")
    contact: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
