"""The hash chain of the record (pure): how a link's hash covers its row and the link before it.

A link's hash is ``sha256(previous_hash "\\n" table "\\n" id "\\n" canonical)`` in hex, where `canonical` is the row's
content as its database writes it out (incidents/record/spec.py builds that text in SQL, so that reading a million
rows back costs no more than reading them). The first link of a table follows `GENESIS`.
"""

from __future__ import annotations

import hashlib

GENESIS = "0" * 64


def link_hash(previous: str, table: str, row_id: int, canonical: str) -> str:
    data = f"{previous}\n{table}\n{row_id}\n{canonical}"
    # A lone surrogate stored before input was checked still hashes (as the bytes Python would write for it).
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()
