"""The incident a page or document URL names, or a 404: shared by every feature's views."""

from __future__ import annotations

from flask import abort

from ..extensions import db
from ..validation import is_id
from .models import Incident


def incident_or_404(incident_id: int) -> Incident:
    incident = db.session.get(Incident, incident_id) if is_id(incident_id) else None
    if incident is None:
        abort(404)
    return incident
