"""the tamper-evident record: a hash chain over every append-only table, and the runs of `verify`

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 03:00:00

"""

import sqlalchemy as sa
from alembic import op

from incidents.db_types import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

# The chained tables as they were at this revision (incidents/record/spec.py CHAINED names later ones too, which do
# not exist yet when this migration runs).
CHAINED = ("access_log", "decisions", "documents", "filings", "severity_assessments", "timeline_events")


def upgrade():
    op.create_table(
        "record_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("row_id", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("linked_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_record_chain"),
        sa.UniqueConstraint("table_name", "seq", name="uq_record_chain_table_seq"),
        sa.UniqueConstraint("table_name", "row_id", name="uq_record_chain_table_row"),
    )
    op.create_table(
        "record_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=True),
        sa.Column("row_id", sa.BigInteger(), nullable=True),
        sa.Column("problem", sa.String(length=200), nullable=True),
        sa.Column("heads", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_record_verifications"),
    )
    op.create_index("ix_record_verifications_at", "record_verifications", ["at"])
    bind = op.get_bind()
    # The chain and the runs of verify are append-only too (the admin page's "last verification" is not rewritten).
    for table in ("record_chain", "record_verifications"):
        if bind.dialect.name == "sqlite":
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        else:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
            )
    # The rows stored before the chain began are linked now, in id order: from here on, changing one shows.
    from incidents.record.links import link_all

    inspector = sa.inspect(bind)
    for name in CHAINED:
        if not inspector.has_table(name):
            continue  # a table chained from a later revision on: linked as its rows are written
        # only the columns the table has at this revision: one added later counts as NULL (left out of the text)
        link_all(bind, name, {column["name"] for column in inspector.get_columns(name)})


def downgrade():
    op.drop_index("ix_record_verifications_at", table_name="record_verifications")
    op.drop_table("record_verifications")
    op.drop_table("record_chain")
