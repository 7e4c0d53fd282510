"""the AP clock keeps the contract clause that has the processor file, and each side's clause when a controller's
contracts disagree about who files

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_basis', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('owner_conflict', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.drop_column('owner_conflict')
        batch_op.drop_column('owner_basis')
