"""wrong second-factor codes counted on their own

Revision ID: 0026
Revises: 0023
Create Date: 2026-12-05 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('failed_codes', sa.Integer(), server_default=sa.text('0'), nullable=False))


def downgrade():
    # DROP COLUMN without a rebuild (SQLite 3.35 and later, PostgreSQL).
    op.execute('ALTER TABLE users DROP COLUMN failed_codes')
