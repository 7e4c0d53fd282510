"""deadlines say how their hours are to be read (a contract term, the outer limit of a duty owed at once, or an
internal target for an open norm) and whether the controller's AP deadline bounds them

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('norm', sa.String(length=20), server_default='term', nullable=False))
        batch_op.add_column(sa.Column('limited_by_ap', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.drop_column('limited_by_ap')
        batch_op.drop_column('norm')
