"""a controller's country and main establishment decide its competent supervisory authority (config/authorities.toml)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN with server defaults: every existing controller is Dutch and not cross-border, as before.
    op.add_column('controllers', sa.Column('country', sa.String(length=2), server_default='NL', nullable=False))
    op.add_column(
        'controllers', sa.Column('main_establishment', sa.String(length=2), server_default='', nullable=False)
    )


def downgrade():
    with op.batch_alter_table('controllers', schema=None) as batch_op:
        batch_op.drop_column('main_establishment')
        batch_op.drop_column('country')
