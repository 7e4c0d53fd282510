"""The exports and the API read the register in batches and stream it: batches of two give exactly what one batch
gives, incidents with the same awareness time across a batch boundary come once each, and the statements grow with
the number of batches, not with the number of incidents."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from incidents.breaches import service
from incidents.core.instants import parse_instant
from incidents.extensions import db
from incidents.register import queries
from incidents.register.filters import RegisterFilters

from .conftest import page_table, read_csv, references

SAME = parse_instant("2026-07-01T10:00")


@pytest.fixture
def ties(register, user, make_contract):
    """Five more incidents aware at the very same second: the batch boundary falls among them."""
    contract = make_contract("boz-24h")
    made = [
        service.create_incident(
            title=f"Gelijktijdig {n}", aware_at=SAME, status="confirmed", contract_ids=[contract.id], actor=user
        )
        for n in range(5)
    ]
    db.session.commit()
    return made


def exports(logged_in, api) -> dict:
    return {
        "csv": logged_in.get("/register/export.csv").data,
        "xlsx": [list(r) for r in load_workbook(io.BytesIO(logged_in.get("/register/export.xlsx").data)).active.values],
        "json": api.get("/api/v1/register").get_json(),
        "api_csv": api.get("/api/v1/register?format=csv").data,
    }


def test_batches_of_two_give_what_one_batch_gives(logged_in, api, register, ties, monkeypatch):
    whole = exports(logged_in, api)
    monkeypatch.setattr(queries, "BATCH", 2)
    batched = exports(logged_in, api)
    assert batched == whole
    _, rows = page_table(logged_in.get("/register/"))
    assert [r[0] for r in read_csv(whole["csv"])[1:]] == references(rows)  # 10 incidents, each once, in order
    assert len(rows) == 10 and whole["json"]["total"] == 10
    assert [r["reference"] for r in whole["json"]["register"]] == references(rows)


def test_the_exports_stream(logged_in, api, register):
    for client, url, headers in (
        (logged_in, "/register/export.csv", {}),
        (logged_in, "/register/export.xlsx", {}),
        (api.client, "/api/v1/register", api.headers),
        (api.client, "/api/v1/register?format=csv", api.headers),
    ):
        response = client.get(url, headers=headers, buffered=False)
        assert response.status_code == 200 and response.is_streamed, url
        assert b"".join(response.response), url  # read piece by piece, as a server sends it
        response.close()


def test_statements_grow_with_the_batches_not_the_incidents(register, ties, monkeypatch):
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    monkeypatch.setattr(queries, "BATCH", 5)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        rows = queries.register_rows(RegisterFilters())
        two_batches = len(seen)
        seen.clear()
        monkeypatch.setattr(queries, "BATCH", 2)
        assert queries.register_rows(RegisterFilters()) == rows
        five_batches = len(seen)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(rows) == 10
    # a batch is one statement for the incidents and eight for their particulars (nine with unsent notices)
    per_batch = (five_batches - two_batches) / 3
    assert 8 <= per_batch <= 10 and two_batches <= 2 * 10
