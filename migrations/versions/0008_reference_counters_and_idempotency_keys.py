"""incident reference counters per year

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 16:40:00

"""
from alembic import op
import sqlalchemy as sa
import incidents.db_types


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # No rows: the first incident of a year makes its counter from the highest reference stored
    # (incidents/breaches/references.py), so existing databases count on where they were.
    op.create_table('reference_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_reference_counters'))
    )


def downgrade():
    op.drop_table('reference_counters')
