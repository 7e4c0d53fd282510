"""a controller's decision can instruct the processor to inform the data subjects on its behalf

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both SQLite and PostgreSQL (as 0007): a batch rebuild would drop the append-only triggers.
    op.add_column('decisions', sa.Column('processor_informs', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    # DROP COLUMN without a rebuild (SQLite 3.35 and later, PostgreSQL), so no trigger is lost.
    op.execute('ALTER TABLE decisions DROP COLUMN processor_informs')
