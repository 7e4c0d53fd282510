"""Which tables are chained, and every column each link covers, with the type it is read back as.

The tables are described here rather than taken from the models, so that the migration that linked the rows
already stored and every later reading hash the same columns the same way. A column added to one of these tables
must be added here too (tests/record/test_chain.py compares this with the models), and only as a column that is
NULL in the rows before it: NULLs are left out of the hash (incidents/core/chain.py), so the old links still hold.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, Float, LargeBinary, MetaData, Table, Text

from ..db_types import UTCDateTime

INT, TEXT, TIME, JSONV, BOOL, FLOAT, BYTES = BigInteger, Text, UTCDateTime, JSON, Boolean, Float, LargeBinary

SPEC: dict[str, dict[str, type]] = {
    "filings": {
        "incident_id": INT, "kind": TEXT, "contract_id": INT, "controller_id": INT, "at": TIME, "channel": TEXT,
        "reference": TEXT, "note": TEXT, "recorded_by_id": INT, "recorded_at": TIME, "document_id": INT,
        "details": JSONV,
    },
    "documents": {
        "incident_id": INT, "controller_id": INT, "kind": TEXT, "version": TEXT, "sequence": INT, "language": TEXT,
        "provisional": BOOL, "filename": TEXT, "content_type": TEXT, "content": BYTES, "sha256": TEXT, "size": INT,
        "recipients": JSONV, "created_at": TIME, "created_by_id": INT,
    },
    "decisions": {
        "incident_id": INT, "controller_id": INT, "notify_ap": TEXT, "reason": TEXT, "decided_by_id": INT,
        "decided_at": TIME, "inform_subjects": TEXT, "subjects_ground": TEXT, "processor_informs": BOOL,
        "severity_id": INT, "maker_name": TEXT, "maker_function": TEXT, "maker_via": TEXT,
    },
    "timeline_events": {"incident_id": INT, "at": TIME, "actor_id": INT, "kind": TEXT, "details": JSONV},
    "severity_assessments": {
        "incident_id": INT, "controller_id": INT, "data_types": JSONV, "identification": TEXT, "dpc_adjustment": INT,
        "confidentiality": TEXT, "integrity": TEXT, "availability": TEXT, "malicious": BOOL, "dpc": INT,
        "ei": FLOAT, "cb": FLOAT, "se": FLOAT, "band": TEXT, "ap_severity": TEXT, "note": TEXT,
        "assessed_by_id": INT, "assessed_at": TIME,
    },
    "access_log": {
        "at": TIME, "user_id": INT, "role": TEXT, "channel": TEXT, "action": TEXT, "route": TEXT,
        "incident_id": INT, "document_id": INT, "controller_id": INT, "status": INT, "ip": TEXT,
    },
}  # fmt: skip

# In a fixed order: the order in which a transaction takes the tables' chain locks (so two never wait on each other).
CHAINED = tuple(sorted(SPEC))

_metadata = MetaData()
TABLES: dict[str, Table] = {
    name: Table(name, _metadata, Column("id", BigInteger, primary_key=True), *(Column(c, t()) for c, t in cols.items()))
    for name, cols in SPEC.items()
}
