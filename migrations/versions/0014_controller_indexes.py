"""indexes on one controller's deadlines and filings of an incident (a delivered notice recomputes only that
controller; without them SQLite reads every deadline of the incident)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 20:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.create_index('ix_obligations_incident_controller', ['incident_id', 'controller_id'], unique=False)
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.create_index('ix_filings_incident_controller', ['incident_id', 'controller_id'], unique=False)


def downgrade():
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.drop_index('ix_filings_incident_controller')
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.drop_index('ix_obligations_incident_controller')
