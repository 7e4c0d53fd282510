from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..core.instants import utcnow
from ..db_types import UTCDateTime
from ..extensions import Model


class AccessEntry(Model):
    """One access to an incident, a document or an export. Append-only. It names objects by id and the route by
    its template, never by the incident's text, so it holds no personal data of data subjects."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_incident_at", "incident_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))  # web | api
    action: Mapped[str] = mapped_column(String(40))
    route: Mapped[str] = mapped_column(String(200))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    controller_id: Mapped[int | None] = mapped_column(ForeignKey("controllers.id"))
    status: Mapped[int]  # 200, or the 403/404 of a refused attempt
    ip: Mapped[str | None] = mapped_column(String(45))
    # The path asked for (without the query string): it names what a refused attempt asked for, which may be no
    # row at all (a 404) or one that no column above holds (an outbox message, a contract, a question).
    path: Mapped[str | None] = mapped_column(String(300))


def _refuse(mapper, connection, target):
    raise RuntimeError("access_log is append-only: rows are never updated or deleted")


event.listen(AccessEntry, "before_update", _refuse)
event.listen(AccessEntry, "before_delete", _refuse)
