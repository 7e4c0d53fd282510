"""notice batches (bulk notices queued by the request, rendered by the worker) and an index on one controller's
contracts of an incident

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 17:00:00

"""
from alembic import op
import sqlalchemy as sa
import incidents.db_types


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('created_at', incidents.db_types.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_notice_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_notice_batches_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_batches')),
    sa.UniqueConstraint('token', name=op.f('uq_notice_batches_token'))
    )
    with op.batch_alter_table('notice_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_batches_incident_id'), ['incident_id'], unique=False)
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_batch_id'), ['batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_batch_id_notice_batches'), 'notice_batches', ['batch_id'], ['id'])
    with op.batch_alter_table('affected_contracts', schema=None) as batch_op:
        batch_op.create_index('ix_affected_contracts_incident_controller', ['incident_id', 'controller_id'], unique=False)


def downgrade():
    with op.batch_alter_table('affected_contracts', schema=None) as batch_op:
        batch_op.drop_index('ix_affected_contracts_incident_controller')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_batch_id_notice_batches'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_batch_id'))
        batch_op.drop_column('batch_id')
    with op.batch_alter_table('notice_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_batches_incident_id'))
    op.drop_table('notice_batches')
