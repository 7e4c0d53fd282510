"""an incident records when the processor learned of an investigation into or seizure of the personal data by
authorities (or a suspicion of one): an "Inbreuk" under limb (i) of the BOZ definition

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 02:30:00

"""
from alembic import op
import sqlalchemy as sa
import incidents.db_types


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authority_action_at', incidents.db_types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('authority_action_at')
