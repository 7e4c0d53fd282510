"""the database refuses rewrites of the record by itself: no REPLACE over a row on SQLite, no TRUNCATE on
PostgreSQL, and an application role that may only read and insert the append-only tables

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 03:30:00

"""
from alembic import op
from flask import current_app

from incidents.database_roles import app_role, grant_app_role

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

# The append-only tables as they were at this revision (incidents/database_roles.py APPEND_ONLY names later ones too,
# which do not exist yet when this migration runs; each later one gets its refusals in its own migration).
APPEND_ONLY = (
    "access_log",
    "decisions",
    "documents",
    "filings",
    "record_chain",
    "record_verifications",
    "severity_assessments",
    "timeline_events",
)


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        # INSERT OR REPLACE, REPLACE INTO and an UPSERT over an existing id: REPLACE deletes the old row without
        # firing the DELETE trigger (recursive_triggers is off), so the insert itself is refused when the id is taken.
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        return
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()"
        )
    role = app_role(current_app.config)
    if role:
        grant_app_role(bind, role)


def downgrade():
    bind = op.get_bind()
    for table in APPEND_ONLY:
        if bind.dialect.name == 'sqlite':
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
