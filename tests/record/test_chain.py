"""The tamper-evident record (docs/API.md, "Verifying the record"): every append-only table is a hash chain that
`flask --app wsgi verify` recomputes, naming the first row that does not match; documents state the chain heads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import literal_column, select, text

from incidents.breaches.models import Incident
from incidents.core.chain import GENESIS, link_hash
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.models import Document
from incidents.notices.service import issue_notices
from incidents.record.models import ChainLink, Verification
from incidents.record.service import heads, verify_when_due
from incidents.record.spec import SPEC, canonical_sql

from ..notices.helpers import pdf_text
from ..support.database import ON_POSTGRES
from .tampering import as_owner, tamper

CHAINED = sorted(SPEC)


def test_the_chains_cover_every_column_of_the_append_only_tables(app):
    for name in CHAINED:
        columns = {c.name for c in db.metadata.tables[name].columns} - {"id"}
        assert set(SPEC[name]) == columns, name


TEXTS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXTS, TEXTS)
def test_the_canonical_text_tells_any_two_values_apart(app, first, second):
    # the database quotes each value: no text can pass for another, or for two columns
    connection = db.session.connection()
    if ON_POSTGRES:  # a PostgreSQL text holds no NUL (refused at the door: issue 14 item 4)
        first, second = first.replace("\x00", ""), second.replace("\x00", "")
    quote = text("SELECT quote_literal(CAST(:v AS text))" if ON_POSTGRES else "SELECT hex(:v)")
    quoted = [connection.execute(quote, {"v": v}).scalar() for v in (first, second)]
    assert (quoted[0] == quoted[1]) == (first == second)
    db.session.rollback()


def test_nulls_are_left_out_and_every_column_is_named(app):
    for name in CHAINED:
        for dialect in ("sqlite", "postgresql"):
            sql = canonical_sql(name, dialect)
            for column in SPEC[name]:
                assert f"WHEN {column} IS NULL THEN ''" in sql and f"'{column}='" in sql


def _links(name: str) -> list[ChainLink]:
    query = select(ChainLink).where(ChainLink.table_name == name).order_by(ChainLink.seq)
    return list(db.session.scalars(query))


def test_every_row_the_application_writes_is_linked_and_verify_says_so(api, new_incident, runner):
    incident = new_incident(status="confirmed", confirmed_at="2026-03-27T15:00:00+01:00")
    api.patch(f"/api/v1/incidents/{incident['id']}", json={"title": "Anders"})
    events = _links("timeline_events")
    assert [link.seq for link in events] == list(range(1, len(events) + 1)) and len(events) >= 2
    previous = GENESIS
    table = db.metadata.tables["timeline_events"]
    canonical = literal_column(canonical_sql("timeline_events", db.session.connection().dialect.name))
    for link in events:  # each link's hash covers the row's text and the link before it
        row_text = db.session.execute(select(canonical).where(table.c.id == link.row_id)).scalar_one()
        assert link.hash == link_hash(previous, "timeline_events", link.row_id, row_text)
        previous = link.hash

    result = runner.invoke(args=["verify"])
    assert result.exit_code == 0, result.output
    assert "ok: the record is intact" in result.output
    assert f"timeline_events: {len(events)} rows, head {events[-1].hash}" in result.output
    db.session.expire_all()
    run = db.session.scalars(select(Verification)).one()
    assert run.ok and run.rows >= len(events) and run.heads["timeline_events"]["hash"] == events[-1].hash


@pytest.mark.live_database
@pytest.mark.tampers_with_record
@pytest.mark.parametrize(
    ("table", "change", "what"),
    [
        ("filings", "note", "does not match its link"),
        ("documents", "content", "does not match its link"),
        ("timeline_events", "delete", "is gone"),
        ("timeline_events", "insert", "has no link"),
    ],
)
@pytest.mark.parametrize("processes", [1, 2])
def test_a_row_changed_past_the_application_makes_verify_fail_naming_it(  # noqa: PLR0913
    app, monkeypatch, api, fresh_database, runner, filing, table, change, what, processes
):
    # checked in segments of two links, side by side in two processes or one after the other in this one
    monkeypatch.setattr("incidents.record.verify.SEGMENT", 2)
    monkeypatch.setitem(app.config, "RECORD_VERIFY_PROCESSES", processes)
    incident, contract = filing
    issue_notices(db.session.get(Incident, incident["id"]), controller_ids=[contract.controller_id])
    db.session.commit()
    assert runner.invoke(args=["verify"]).exit_code == 0
    with as_owner(fresh_database) as owner:
        row_id = tamper(owner, table, change)
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 1, result.output
    assert f"MISMATCH {table} id {row_id}: " in result.output and what in result.output
    db.session.expire_all()
    last = db.session.scalars(select(Verification).order_by(Verification.id.desc())).first()
    assert not last.ok and (last.table_name, last.row_id) == (table, row_id)
    if table == "documents":  # a changed document is never handed out as the one that was sent
        refused = api.get(f"/api/v1/documents/{row_id}")
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "record_mismatch"
    check = runner.invoke(args=["check"])  # flask check names it too
    assert check.exit_code == 1 and f"{table} id {row_id}" in check.output


def test_a_notice_states_the_chain_heads_as_they_were_when_it_was_made(app, runner, make_controller, make_contract):
    from incidents.breaches.service import create_incident

    controller = make_controller()
    contract = make_contract("gdpr-art33", controller)
    incident = create_incident(
        title="Lek", aware_at=utcnow() - timedelta(hours=5), status="confirmed",
        confirmed_at=utcnow() - timedelta(hours=4), contract_ids=[contract.id],
    )  # fmt: skip
    db.session.commit()
    before = heads()
    issue_notices(incident, controller_ids=[controller.id])
    db.session.commit()
    document = db.session.scalars(select(Document)).one()
    text = pdf_text(document.content)
    assert "Integriteit van ons dossier" in text
    stated = [digest for _name, seq, digest in before if seq]  # the rows of this notice are linked at its commit
    assert stated and all(digest in text.replace(" ", "") for digest in stated)
    assert "(nog leeg)" in text  # no decision yet
    witness = runner.invoke(args=["verify", "--witness", stated[0]])
    assert witness.exit_code == 0 and f"witness {stated[0]}: link" in witness.output, witness.output
    forged = runner.invoke(args=["verify", "--witness", "f" * 64])
    assert forged.exit_code == 1 and "WITNESS NOT FOUND" in forged.output


def test_the_worker_verifies_the_record_once_a_day(app, monkeypatch, new_incident):
    new_incident()
    monkeypatch.setitem(app.config, "RECORD_VERIFY_HOURS", 24)
    now = utcnow()
    assert verify_when_due(now) > 0
    assert verify_when_due(now + timedelta(hours=23)) == 0
    assert verify_when_due(now + timedelta(hours=25)) > 0
    assert db.session.scalar(select(db.func.count()).select_from(Verification)) == 2


def test_the_admin_page_shows_the_heads_and_the_last_verification(app, runner, admin_client):
    assert "data-never-verified" in admin_client.get("/admin/record").get_data(as_text=True)
    runner.invoke(args=["verify"])
    page = admin_client.get("/admin/record?lang=nl").get_data(as_text=True)
    assert "Integriteit van het dossier" in page and "ongeschonden" in page
    for name, _seq, digest in heads():
        assert f'data-chain="{name}"' in page and (digest in page)
