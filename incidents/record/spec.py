"""Which tables are chained, every column each link covers, and the row's canonical text that a link's hash covers.

The canonical text is written by the database itself, in one SQL expression per table, so that verifying a million
rows costs little more than reading them: for each column that is not NULL, in the order below, ``name=<value>;``
with the value as the database writes it out (SQLite: numbers by ``quote()``, texts by the hex of their bytes;
PostgreSQL: ``quote_literal`` of its text, floats with ``extra_float_digits = 1``), instants in UTC to the
microsecond, JSON as stored, and bytes (a document's content) as their SHA-256. NULLs are
left out, so a column added later (NULL in the old rows) does not change the old rows' text.

The tables are described here rather than taken from the models, so that the migration that linked the rows already
stored and every later reading cover the same columns the same way. A column added to one of these tables must be
added here too, at the end of its table (tests/record/test_chain.py compares this with the models), and only as a
column that is NULL in the rows before it. The text depends on the kind of database: a record moved to another kind
of database is linked anew there (and verified first where it was).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, MetaData, Table

INT, TEXT, TIME, JSONV, BOOL, FLOAT, BYTES = "int", "text", "time", "json", "bool", "float", "bytes"

SPEC: dict[str, dict[str, str]] = {
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
        "incident_id": INT, "document_id": INT, "controller_id": INT, "status": INT, "ip": TEXT, "path": TEXT,
    },
    "notice_forwards": {
        "incident_id": INT, "controller_id": INT, "document_id": INT, "recipients": JSONV, "note": TEXT,
        "forwarded_by_id": INT, "forwarded_at": TIME, "outbox_id": INT,
    },
    "regime_classifications": {
        "incident_id": INT, "regime": TEXT, "answer": TEXT, "reason": TEXT, "aware_at": TIME, "decided_by_id": INT,
        "decided_at": TIME,
    },
    "regime_filings": {
        "incident_id": INT, "regime": TEXT, "stage": TEXT, "kind": TEXT, "at": TIME, "due_at": TIME, "channel": TEXT,
        "recipient": TEXT, "reference": TEXT, "note": TEXT, "content": TEXT, "sha256": TEXT, "recorded_by_id": INT,
        "recorded_at": TIME, "request_id": INT,
    },
    "inbound_messages": {
        "received_at": TIME, "channel": TEXT, "envelope_from": TEXT, "envelope_to": JSONV, "from_header": TEXT,
        "to_header": TEXT, "subject": TEXT, "message_id": TEXT, "size": INT, "sha256": TEXT, "raw": BYTES,
        "stored_at": TIME,
    },
    "inbound_reviews": {
        "inbound_message_id": INT, "decision": TEXT, "reason": TEXT, "incident_id": INT, "reviewed_by_id": INT,
        "reviewed_at": TIME,
    },
}  # fmt: skip

# In a fixed order: the order in which a transaction takes the tables' chain locks (so two never wait on each other).
CHAINED = tuple(sorted(SPEC))

# SQLite has no SHA-256 of its own: the application registers this function on each of its connections
# (incidents/database.py).
SQLITE_SHA256 = "record_sha256"

_metadata = MetaData()
TABLES: dict[str, Table] = {
    name: Table(name, _metadata, Column("id", BigInteger, primary_key=True), *(Column(c) for c in cols))
    for name, cols in SPEC.items()
}


def _value(column: str, kind: str, dialect: str) -> str:
    if dialect == "sqlite":
        if kind == BYTES:
            return f"{SQLITE_SHA256}({column})"
        # numbers as quote() writes them (a number stays apart from its text); texts, JSON and instants (stored as
        # text) as the hex of every byte: quote() would stop at a NUL
        return f"quote({column})" if kind in (INT, BOOL, FLOAT) else f"hex({column})"
    if kind == TIME:
        text = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    elif kind == BYTES:
        text = f"encode(sha256({column}), 'hex')"
    else:
        text = f"{column}::text"
    return f"quote_literal({text})"


def canonical_sql(name: str, dialect: str, present: set[str] | None = None) -> str:
    """The SQL expression that writes a row of the table as its canonical text (column names from SPEC only). A
    column not `present` (not yet added, in a migration before the one that adds it) counts as NULL: left out."""
    parts = [
        f"CASE WHEN {column} IS NULL THEN '' ELSE '{column}=' || {_value(column, kind, dialect)} || ';' END"
        for column, kind in SPEC[name].items()
        if present is None or column in present
    ]
    return " || ".join(parts)
