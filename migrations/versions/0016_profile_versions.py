"""clause profile versions are stored, each affected contract is pinned to the version its deadlines use, and a
deadline keeps the clause's words it was computed from

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 23:00:00

"""
from alembic import op
import sqlalchemy as sa
import incidents.db_types


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'profile_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('version', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('target_hours', sa.Integer(), nullable=True),
        sa.Column('first_seen_at', incidents.db_types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_versions')),
        sa.UniqueConstraint('key', 'version', name='uq_profile_versions_key_version'),
    )
    with op.batch_alter_table('affected_contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('profile_version', sa.String(length=20), nullable=True))
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wording', sa.Text(), server_default='', nullable=False))
    # The contracts' profile keys now; their versions are pinned at the next start-up (parties/profile_versions.py),
    # which knows the profile files.
    op.execute(
        "UPDATE affected_contracts SET profile_key = "
        "(SELECT contracts.profile_key FROM contracts WHERE contracts.id = affected_contracts.contract_id)"
    )


def downgrade():
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.drop_column('wording')
    with op.batch_alter_table('affected_contracts', schema=None) as batch_op:
        batch_op.drop_column('profile_version')
        batch_op.drop_column('profile_key')
    op.drop_table('profile_versions')
