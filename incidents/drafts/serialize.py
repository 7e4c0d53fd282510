"""The AP draft as JSON (the API's rendering of the one draft structure)."""

from __future__ import annotations

from ..core.instants import iso_z
from .compose import Draft


def draft_json(draft: Draft, incident_id: int, controller_id: int) -> dict:
    decision = draft.decision
    return {
        "incident_id": incident_id,
        "incident_reference": draft.incident_reference,
        "controller_id": controller_id,
        "controller_name": draft.controller_name,
        "filer": draft.filer,
        "filer_note": draft.filer_note,
        "language": draft.language,
        "generated_at": iso_z(draft.generated_at),
        "notification_type": draft.notification_type,
        "ap_reference": draft.ap_reference,
        "ap_due_at": iso_z(draft.ap_due_at),
        "late": draft.late,
        "decision": None
        if decision is None
        else {
            "notify_ap": decision.notify_ap,
            "reason": decision.reason,
            "inform_data_subjects": decision.inform_subjects,
            "data_subjects_ground": decision.subjects_ground,
            "decided_at": iso_z(decision.decided_at),
            "decided_by": decision.recorded_by_id,
            "recorded_by": decision.recorded_by,
            "decision_maker": None
            if decision.maker_name is None
            else {"name": decision.maker_name, "function": decision.maker_function, "via": decision.maker_via},
        },
        "chapters": [
            {
                "number": c.number,
                "title": c.title,
                "answers": [
                    {
                        "key": a.key,
                        "number": a.number,
                        "question": a.label,
                        "answer": a.value,
                        "source": a.source,
                        "gap": a.gap,
                        "highlight": a.highlight,
                        "hint": a.hint,
                    }
                    for a in c.answers
                ],
            }
            for c in draft.chapters
        ],
        "gaps": [a.key for a in draft.gaps],
        "authority": draft.authority,
        "dutch_ap": draft.dutch_ap,
    }
