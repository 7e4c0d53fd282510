"""The breach register (AVG art. 33 lid 5, and the Addendum's Annex B): every incident with its facts, effects,
remedial action, period, reporter, recovery procedure, obligations (the missed ones with how late), decisions with
reason and decision maker, notices per controller and filings, as JSON (codes, UTC) or as the same CSV the web page
exports (words, local time). Both stream batch by batch (register/queries.py register_batches): a register of
100,000 incidents is served in the memory of one batch."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import Response, current_app, request, stream_with_context
from flask_babel import get_locale

from ..core.instants import iso_z, utcnow
from ..filters import InvalidFilters
from ..record.service import heads as record_heads
from ..record.service import heads_header
from ..register.export import csv_chunks
from ..register.filters import MAX_SEARCH, parse_filters
from ..register.queries import EFFECT_FIELDS, FACT_FIELDS, REMEDIAL_FIELDS, RegisterRow, register_batches
from . import ApiError, bp

FORMATS = ("json", "csv")


def register_row_json(row: RegisterRow) -> dict:
    return {
        "id": row.id,
        "reference": row.reference,
        "title": row.title,
        "status": row.status,
        "aware_at": iso_z(row.aware_at),
        "confirmed_at": iso_z(row.confirmed_at),
        "dismissed_at": iso_z(row.dismissed_at),
        "dismiss_reason": row.dismiss_reason,
        "controllers": list(row.controllers),
        "withdrawn_controllers": [name for name in row.controllers if name in row.withdrawn],
        "incident_kind": row.incident_kind,
        "facts": {"description": row.description, **row.field_values(FACT_FIELDS)},
        "effects": row.field_values(EFFECT_FIELDS),
        "remedial_action": row.field_values(REMEDIAL_FIELDS),
        "severity": None
        if row.ap_severity is None
        else {"band": row.severity_band, "ap_severity": row.ap_severity, "se": row.se},
        "obligations": {"met": row.obligations_met, "missed": row.obligations_missed, "open": row.obligations_open},
        "decisions": [
            {
                "controller_id": d.controller_id,
                "controller_name": d.controller,
                "notify_ap": d.notify_ap,
                "inform_data_subjects": d.inform_subjects,
                "data_subjects_ground": d.subjects_ground,
                "decided_at": iso_z(d.decided_at),
                "reason": d.reason,
                "decision_maker": {"name": d.maker_name, "function": d.maker_function, "via": d.maker_via},
                "recorded_by": d.recorded_by,
            }
            for d in row.decisions
        ],
        "filings": [
            {
                "kind": f.kind,
                "at": iso_z(f.at),
                "reference": f.reference,
                "controller_id": f.controller_id,
                "controller_name": f.controller,
                "contract_id": f.contract_id,
                "channel": f.channel,
            }
            for f in row.filings
        ],
        "period": {"started_at": iso_z(row.started_at), "ended_at": iso_z(row.ended_at)},
        "reporter": {"kind": row.reporter_kind, "name": row.reported_by},
        "reported_to_us": {
            "kind": row.recorded_kind,
            "name": row.recorded_name,
            "sub_processor": row.sub_processor,
            "sub_processor_aware_at": iso_z(row.sub_processor_aware_at),
            "informed_at": iso_z(row.informed_at),
        },
        "recovery": row.recovery,
        "notices": [
            {
                "controller_id": n.controller_id,
                "controller_name": n.controller,
                "at": iso_z(n.at),
                "channel": n.channel,
                "recipients": list(n.recipients),
                "reference": n.reference,
                "status": n.status,
            }
            for n in row.notices
        ],
        "missed_obligations": [
            {
                "kind": m.kind,
                "controller_id": m.controller_id,
                "controller_name": m.controller,
                "contract": m.contract,
                "clause": m.clause,
                "due_at": iso_z(m.due_at),
                "met_at": iso_z(m.met_at),
                "late_seconds": int(m.late_by.total_seconds()),
            }
            for m in row.missed
        ],
        "backdated_obligations": [
            {
                "kind": b.kind,
                "controller_id": b.controller_id,
                "controller_name": b.controller,
                "contract": b.contract,
                "due_at": iso_z(b.due_at),
                "met_at": iso_z(b.met_at),
                "met_recorded_at": iso_z(b.recorded_at),
            }
            for b in row.backdated
        ],
    }


# The filters whose values the web page's parser trims (register/filters.py); the API takes them as given.
EXACT_ARGS = ("from", "to", "controller_id", "status", "severity", "format")


def _exact_args() -> None:
    """The API refuses what the page forgives: a value with white space around it, and a search text longer than
    MAX_SEARCH characters before its white space is collapsed (the document says the lengths it counts)."""
    for name in EXACT_ARGS:
        value = request.args.get(name)
        if value is not None and value != value.strip():
            raise ApiError(422, "invalid_value", f"{name} has white space around its value", name)
    if len(request.args.get("q", "")) > MAX_SEARCH:
        raise ApiError(422, "too_long", f"q is longer than {MAX_SEARCH} characters", "q")


@bp.get("/register")
def register():
    _exact_args()
    fmt = request.args.get("format", "json")
    if fmt not in FORMATS:
        raise ApiError(
            422, "invalid_choice", f"unknown format '{fmt[:40]}'; choose one of: {', '.join(FORMATS)}", "format"
        )
    try:
        filters = parse_filters(request.args)
    except InvalidFilters as exc:
        first = exc.errors[0]
        raise ApiError(422, first.code, first.english(), first.argument) from None
    batches = register_batches(filters, utcnow())
    # The record's chain heads at this moment (docs/API.md, "Verifying the record"): a header on both formats.
    headers = {"X-Record-Heads": heads_header(record_heads())}
    if fmt == "csv":
        lang = "en" if str(get_locale() or "nl") == "en" else "nl"
        return Response(
            stream_with_context(csv_chunks(batches, lang)),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="register.csv"', **headers},
        )
    return Response(stream_with_context(_json_chunks(batches)), content_type="application/json", headers=headers)


def _json_chunks(batches: Iterable[list[RegisterRow]]) -> Iterator[str]:
    """{"register": [...], "total": n} written a batch at a time; "total" comes last, once it is known."""
    dumps = current_app.json.dumps
    total = 0
    yield '{"register":['
    for batch in batches:
        if batch:
            yield ("," if total else "") + ",".join(dumps(register_row_json(r)) for r in batch)
            total += len(batch)
    yield f'],"total":{total}}}\n'
