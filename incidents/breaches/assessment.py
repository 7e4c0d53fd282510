"""Severity assessments (ENISA 2013) of an incident: validated by the pure core, stored append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..core.instants import utcnow
from ..core.severity import Assessment, SeverityError, score
from ..errors import ValidationFailed
from ..extensions import db
from ..validation import clean_text
from .models import Incident, SeverityAssessment
from .service import record_event


def record_severity(incident: Incident, data: dict, actor=None, now: datetime | None = None) -> SeverityAssessment:
    types = data.get("data_types")
    if not isinstance(types, list | tuple) or not all(isinstance(t, str) for t in types):
        raise ValidationFailed("data_types must be a list of data types", "data_types", "invalid_type")
    malicious = data.get("malicious", False)
    if not isinstance(malicious, bool):
        raise ValidationFailed("malicious must be true or false", "malicious", "invalid_type")
    adjustment = data.get("dpc_adjustment", 0)
    assessment = Assessment(
        data_types=tuple(dict.fromkeys(types)), identification=data.get("identification") or "",
        dpc_adjustment=adjustment, confidentiality=data.get("confidentiality") or "none",
        integrity=data.get("integrity") or "none", availability=data.get("availability") or "none",
        malicious=malicious,
    )
    try:
        result = score(assessment)
    except SeverityError as exc:
        raise ValidationFailed(exc.message, exc.field, "invalid_choice") from None
    row = SeverityAssessment(
        incident_id=incident.id, data_types=list(assessment.data_types), identification=assessment.identification,
        dpc_adjustment=assessment.dpc_adjustment, confidentiality=assessment.confidentiality,
        integrity=assessment.integrity, availability=assessment.availability, malicious=assessment.malicious,
        dpc=result.dpc, ei=result.ei, cb=result.cb, se=result.se, band=result.band, ap_severity=result.ap_severity,
        note=clean_text(data.get("note"), "note", 5000), assessed_by_id=getattr(actor, "id", None),
        assessed_at=now or utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    record_event(incident, "severity_assessed", actor, assessment_id=row.id, se=row.se, band=row.band,
                 ap_severity=row.ap_severity)
    db.session.flush()
    return row


def latest_severity(incident_id: int) -> SeverityAssessment | None:
    return db.session.scalar(select(SeverityAssessment).where(SeverityAssessment.incident_id == incident_id)
                             .order_by(SeverityAssessment.assessed_at.desc(), SeverityAssessment.id.desc()).limit(1))


def severity_history(incident_id: int) -> list[SeverityAssessment]:
    return list(db.session.scalars(select(SeverityAssessment).where(SeverityAssessment.incident_id == incident_id)
                                   .order_by(SeverityAssessment.assessed_at.desc(), SeverityAssessment.id.desc())))
