"""a contract withdrawn from an incident by a recorded correction

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 17:00:00

"""
from alembic import op
import sqlalchemy as sa
import incidents.db_types


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

COLUMNS = ('withdrawn_at', 'withdrawn_reason', 'withdrawn_by_id')


def upgrade():
    # Plain ADD COLUMN on both SQLite and PostgreSQL (no table rebuild). withdrawn_by_id is a plain integer, as
    # severity_assessments.controller_id in 0007: SQLite adds no constraint without a rebuild.
    op.add_column('affected_contracts', sa.Column('withdrawn_at', incidents.db_types.UTCDateTime(), nullable=True))
    op.add_column('affected_contracts', sa.Column('withdrawn_reason', sa.Text(), nullable=True))
    op.add_column('affected_contracts', sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))


def downgrade():
    # DROP COLUMN without a rebuild (SQLite 3.35 and later, PostgreSQL).
    for name in reversed(COLUMNS):
        op.execute(f'ALTER TABLE affected_contracts DROP COLUMN {name}')
