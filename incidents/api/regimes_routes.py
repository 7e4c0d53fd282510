"""The statutory regimes that bind our organisation, for one incident: each with its classification, its stages'
deadlines and the filings and requests recorded (the processor's own duties: not for a controller user's token)."""

from __future__ import annotations

from flask import jsonify

from ..core.instants import iso_z
from ..regimes import registry, service
from . import bp
from .incidents_routes import _incident


@bp.get("/incidents/<int:incident_id>/regimes")
def regimes(incident_id: int):
    incident = _incident(incident_id)
    found = []
    for regime in registry.binding():
        latest = service.latest_classification(incident.id, regime.key)
        recipient = regime.recipient(registry.settings())
        found.append(
            {
                "key": regime.key,
                "title": regime.title,
                "source": regime.source,
                "wording_is_paraphrase": regime.paraphrase,
                "recipient": {"name": recipient.name, "url": recipient.url},
                "classification": None
                if latest is None
                else {
                    "answer": latest.answer,
                    "reason": latest.reason,
                    "aware_at": iso_z(latest.aware_at),
                    "decided_at": iso_z(latest.decided_at),
                },
                "stages": [
                    {
                        "key": d.key,
                        "stage": d.stage.key,
                        "title": d.stage.title,
                        "clause": d.stage.clause,
                        "starts_at": iso_z(d.starts_at),
                        "due_at": iso_z(d.due_at),
                        "due_is_provisional": d.provisional,
                        "extended_to": iso_z(d.extended_to),
                        "status": d.status,
                        "met_at": iso_z(d.met_at),
                        "filing_id": d.filing_id,
                    }
                    for d in service.deadlines(incident, regime)
                ],
                "filings": [
                    {
                        "id": f.id,
                        "stage": f.stage,
                        "kind": f.kind,
                        "at": iso_z(f.at),
                        "due_at": iso_z(f.due_at),
                        "channel": f.channel,
                        "recipient": f.recipient,
                        "reference": f.reference,
                        "sha256": f.sha256,
                        "recorded_at": iso_z(f.recorded_at),
                        "request_id": f.request_id,
                    }
                    for f in service.filings(incident.id, regime.key)
                ],
            }
        )
    return jsonify({"regimes": found})
