"""The incident a page or document URL names, or a 404: shared by every feature's views."""

from __future__ import annotations

from ..lookup import get_or_404
from .models import Incident


def incident_or_404(incident_id: object) -> Incident:
    return get_or_404(Incident, incident_id)
