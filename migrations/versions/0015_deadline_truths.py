"""deadlines say when their fulfilling filing was recorded, whether it was backdated, and which clause profile
version they were computed from

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 21:00:00

"""
from alembic import op
import sqlalchemy as sa
import incidents.db_types


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('met_recorded_at', incidents.db_types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('backdated', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('profile_version', sa.String(length=20), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.drop_column('profile_version')
        batch_op.drop_column('backdated')
        batch_op.drop_column('met_recorded_at')
