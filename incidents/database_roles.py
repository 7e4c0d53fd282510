"""PostgreSQL roles: the application's role may only read and insert the append-only tables.

In production two roles are used (README, "PostgreSQL"): an owner that runs the migrations (MIGRATION_DATABASE_URL)
and owns every table, and the application's role (DATABASE_URL) that owns nothing. Every upgrade grants the
application's role SELECT and INSERT on the append-only tables and the chain, and SELECT, INSERT, UPDATE and DELETE
on the others; never TRUNCATE, TRIGGER or REFERENCES, and it owns no table, so it cannot switch a trigger off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

# The tables whose rows are never changed or removed (triggers refuse it as well), and the chain that proves it.
APPEND_ONLY = (
    "access_log",
    "decisions",
    "documents",
    "filings",
    "notice_forwards",
    "inbound_messages",  # intake by e-mail: the message as received (the proof) and its one review
    "inbound_reviews",
    "record_chain",
    "record_verifications",
    "regime_classifications",
    "regime_filings",
    "severity_assessments",
    "timeline_events",
)


def app_role(config: Mapping[str, Any]) -> str | None:
    """The application's role to grant to: DATABASE_APP_ROLE, or the user of the application's URL when migrations
    run under another (MIGRATION_DATABASE_URL); None when the application itself runs the migrations."""
    if config.get("DATABASE_APP_ROLE"):
        return str(config["DATABASE_APP_ROLE"])
    if not config.get("MIGRATION_DATABASE_URL"):
        return None
    app_user = make_url(config["SQLALCHEMY_DATABASE_URI"]).username
    owner = make_url(config["MIGRATION_DATABASE_URL"]).username
    return app_user if app_user and app_user != owner else None


def grant_app_role(connection: Connection, role: str) -> None:
    """Give `role` what the application needs and nothing more (idempotent; run by the owner)."""
    quote = connection.dialect.identifier_preparer.quote
    who = quote(role)
    tables = set(inspect(connection).get_table_names())
    connection.execute(text(f"GRANT USAGE ON SCHEMA {quote(_schema(connection))} TO {who}"))
    for table in sorted(tables):
        name = quote(table)
        connection.execute(text(f"REVOKE ALL ON {name} FROM {who}"))
        if table == "alembic_version":
            rights = "SELECT"
        elif table in APPEND_ONLY:
            rights = "SELECT, INSERT"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        connection.execute(text(f"GRANT {rights} ON {name} TO {who}"))
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(_schema(connection))} TO {who}"))


def _schema(connection: Connection) -> str:
    return str(connection.execute(text("SELECT current_schema()")).scalar())


def owns_tables(connection: Connection) -> bool:
    """Whether the role this connection logs in as owns the append-only tables, is a member of the role that owns
    them, or is a superuser (and so could switch off their triggers, or truncate them)."""
    return bool(
        connection.execute(
            text(
                "SELECT pg_has_role(current_user, tableowner, 'USAGE') "
                "OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
                "FROM pg_tables WHERE tablename = 'filings' AND schemaname = current_schema()"
            )
        ).scalar()
    )
