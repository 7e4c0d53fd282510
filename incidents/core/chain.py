"""The hash chain of the record (pure): how one row of an append-only table is turned into bytes, and how a link's
hash covers those bytes and the previous link's hash.

A link's hash is ``sha256(previous_hash || "\\n" || canonical(row))`` in hex; the first link of a table follows
`GENESIS`. The canonical form is the same whichever database stored the row: a JSON array of the table's name, the
row's id and an object of its non-NULL columns (keys sorted), where an instant is its UTC time to the microsecond,
bytes are their SHA-256 and JSON values are written with sorted keys. NULLs are left out, so a column added later
(NULL in the old rows) does not change the hashes of the rows that came before it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    return value


def canonical(table: str, row_id: int, columns: Mapping[str, Any]) -> bytes:
    """The bytes a link covers for one row (`columns` without the id)."""
    body = {name: _plain(value) for name, value in columns.items() if value is not None}
    text = json.dumps([table, row_id, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # A lone surrogate stored before input was checked still hashes (as the bytes Python would write for it).
    return text.encode("utf-8", "surrogatepass")


def link_hash(previous: str, table: str, row_id: int, columns: Mapping[str, Any]) -> str:
    return hashlib.sha256(previous.encode("ascii") + b"\n" + canonical(table, row_id, columns)).hexdigest()
