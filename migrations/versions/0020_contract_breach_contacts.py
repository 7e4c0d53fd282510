"""a contract can name its own breach contact (BOZ Bijlage 3), who receives its notices instead of the controller's

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('breach_contact_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('breach_contact_email', sa.String(length=254), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_column('breach_contact_email')
        batch_op.drop_column('breach_contact_name')
