"""a contract added to an incident after the breach was established records when it was established for it

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 01:00:00

"""
from alembic import op
import sqlalchemy as sa
import incidents.db_types


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('affected_contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('established_at', incidents.db_types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('affected_contracts', schema=None) as batch_op:
        batch_op.drop_column('established_at')
