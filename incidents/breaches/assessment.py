"""Severity assessments (ENISA 2013) of an incident: validated by the pure core, stored append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, select

from ..core.instants import utcnow
from ..core.severity import Assessment, SeverityError, score
from ..errors import N_, ValidationFailed
from ..extensions import db
from ..parties.models import Controller
from ..validation import clean_text
from .affected import is_affected
from .models import Incident, SeverityAssessment
from .timeline import record_event


def record_severity(
    incident: Incident, data: dict, actor=None, now: datetime | None = None, controller_id: int | None = None
) -> SeverityAssessment:
    """An assessment for the whole incident, or (controller_id) for one affected controller's own share of it,
    so that a controller's documents do not rest on the data of another's patients."""
    if controller_id is not None and not is_affected(incident, controller_id):
        raise ValidationFailed(
            N_("controller %(id)s is not affected by %(reference)s"),
            "controller_id",
            "not_affected",
            {"id": controller_id, "reference": incident.reference},
        )
    types = data.get("data_types")
    if not isinstance(types, list | tuple) or not all(isinstance(t, str) for t in types):
        raise ValidationFailed(N_("data_types must be a list of data types"), "data_types", "invalid_type")
    malicious = data.get("malicious", False)
    if not isinstance(malicious, bool):
        raise ValidationFailed(N_("malicious must be true or false"), "malicious", "invalid_type")
    adjustment = data.get("dpc_adjustment", 0)
    assessment = Assessment(
        data_types=tuple(dict.fromkeys(types)),
        identification=data.get("identification") or "",
        dpc_adjustment=adjustment,
        confidentiality=data.get("confidentiality") or "none",
        integrity=data.get("integrity") or "none",
        availability=data.get("availability") or "none",
        malicious=malicious,
    )
    try:
        result = score(assessment)
    except SeverityError as exc:
        raise ValidationFailed(exc.message, exc.field, "invalid_choice") from None
    row = SeverityAssessment(
        incident_id=incident.id,
        controller_id=controller_id,
        data_types=list(assessment.data_types),
        identification=assessment.identification,
        dpc_adjustment=assessment.dpc_adjustment,
        confidentiality=assessment.confidentiality,
        integrity=assessment.integrity,
        availability=assessment.availability,
        malicious=assessment.malicious,
        dpc=result.dpc,
        ei=result.ei,
        cb=result.cb,
        se=result.se,
        band=result.band,
        ap_severity=result.ap_severity,
        note=clean_text(data.get("note"), "note", 5000),
        assessed_by_id=getattr(actor, "id", None),
        assessed_at=now or utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    incident.current_severity_id = current_severity_id(incident.id)
    record_event(
        incident,
        "severity_assessed",
        actor,
        assessment_id=row.id,
        se=row.se,
        band=row.band,
        ap_severity=row.ap_severity,
        controller_id=controller_id,
    )
    db.session.flush()
    return row


def current_severity_id(incident_id: int) -> int | None:
    """The assessment the incident as a whole is listed with (the register, its filters): the newest for the whole
    incident, or where there is none, the newest for any one controller. Newest by assessed_at (an assessment may
    be recorded for an earlier moment), then by id."""
    return db.session.scalar(
        select(SeverityAssessment.id)
        .where(SeverityAssessment.incident_id == incident_id)
        .order_by(
            case((SeverityAssessment.controller_id.is_(None), 0), else_=1),
            SeverityAssessment.assessed_at.desc(),
            SeverityAssessment.id.desc(),
        )
        .limit(1)
    )


def latest_severity(incident_id: int, controller_id: int | None = None) -> SeverityAssessment | None:
    """The assessment that counts: for a controller its own newest one, else the newest for the whole incident;
    without a controller, the newest for the whole incident."""
    newest = (SeverityAssessment.assessed_at.desc(), SeverityAssessment.id.desc())
    query = select(SeverityAssessment).where(SeverityAssessment.incident_id == incident_id)
    if controller_id is not None:
        own = db.session.scalar(
            query.where(SeverityAssessment.controller_id == controller_id).order_by(*newest).limit(1)
        )
        if own is not None:
            return own
    return db.session.scalar(query.where(SeverityAssessment.controller_id.is_(None)).order_by(*newest).limit(1))


def severity_history(incident_id: int) -> list[SeverityAssessment]:
    return list(
        db.session.scalars(
            select(SeverityAssessment)
            .where(SeverityAssessment.incident_id == incident_id)
            .order_by(SeverityAssessment.assessed_at.desc(), SeverityAssessment.id.desc())
        )
    )


def severity_names(history: list[SeverityAssessment]) -> dict[int, str]:
    """The names of the controllers some of these assessments are for."""
    ids = {s.controller_id for s in history if s.controller_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Controller.id, Controller.name).where(Controller.id.in_(ids))).all())
