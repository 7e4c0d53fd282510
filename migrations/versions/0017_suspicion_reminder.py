"""an incident remembers when the staff were reminded that it was still suspected after SUSPECTED_ALERT_HOURS

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 00:00:00

"""
from alembic import op
import sqlalchemy as sa
import incidents.db_types


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspicion_reminded_at', incidents.db_types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('suspicion_reminded_at')
