"""incident details asked by the AP's form

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 21:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both SQLite and PostgreSQL: no table rebuild, so no trigger is lost.
    op.add_column('incidents', sa.Column('details', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))


def downgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('details')
