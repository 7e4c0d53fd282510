"""indexes for the lists and the dashboard: affected contracts by contract (incidents by aware_at: 0009), and covering
indexes of obligations and filings for the dashboard's reads

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-03 17:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None

# CREATE INDEX on both SQLite and PostgreSQL: no table rebuild, so the append-only triggers stay in place.
# IF NOT EXISTS: another change may index incidents.aware_at under the same (conventional) name.
INDEXES = (
    ('ix_affected_contracts_contract_id', 'affected_contracts', ['contract_id']),
    ('ix_obligations_incident_status_due', 'obligations', ['incident_id', 'status', 'due_at']),
    ('ix_obligations_kind_due', 'obligations', ['kind', 'due_at', 'status']),
    ('ix_filings_incident_kind', 'filings', ['incident_id', 'kind', 'controller_id', 'at']),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False, if_not_exists=True)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table, if_exists=True)
