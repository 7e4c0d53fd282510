"""Which database the suite runs on, and counting rows."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from incidents.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
if TEST_DATABASE_URL and not ON_POSTGRES:
    raise pytest.UsageError(f"TEST_DATABASE_URL must be a postgresql URL, not {TEST_DATABASE_URL!r}")
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

# For a test of SQLite itself; prefer a mark with a reason of its own: pytest.mark.skipif(ON_POSTGRES, reason=...).
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="checks SQLite itself")

# The tables of the foundation: incidents, their parties, clocks, filings and decisions, users and tokens, the
# issued documents and the outbox.
FOUNDATION_TABLES = (
    "controllers", "contracts", "incidents", "affected_contracts", "obligations", "filings", "decisions",
    "timeline_events", "users", "api_tokens", "documents", "outbox",
)


def postgres_url(database: str) -> str:
    """The URL of a database on the test server, one per xdist worker (``incidents_test`` -> ``incidents_test_gw0``)."""
    name = f"{database}_{XDIST_WORKER}" if XDIST_WORKER else database
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def count_rows(tables) -> dict[str, int]:
    """The number of rows in each of these tables (names), as stored now."""
    db.session.expire_all()
    return {name: db.session.scalar(select(func.count()).select_from(db.metadata.tables[name])) for name in tables}


def every_table_but_the_access_log() -> list[str]:
    """Every mapped table except the access log (which records successful reads: the audit trail, not a write)."""
    return [t.name for t in db.metadata.sorted_tables if t.name != "access_log"]
