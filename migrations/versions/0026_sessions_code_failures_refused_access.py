"""wrong second-factor codes counted on their own; web sessions kept on the server; the path asked for in the
access log (a refused attempt names what it asked for)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import incidents.db_types


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('failed_codes', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', incidents.db_types.UTCDateTime(), nullable=False),
    sa.Column('last_seen', incidents.db_types.UTCDateTime(), nullable=False),
    sa.Column('ended_at', incidents.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    op.create_index(op.f('ix_user_sessions_user_id'), 'user_sessions', ['user_id'], unique=False)
    # Plain ADD COLUMN on both SQLite and PostgreSQL (as 0023): a batch rebuild would drop the append-only triggers.
    op.add_column('access_log', sa.Column('path', sa.String(length=300), nullable=True))


def downgrade():
    # DROP COLUMN without a rebuild (SQLite 3.35 and later, PostgreSQL), so no trigger is lost.
    op.execute('ALTER TABLE access_log DROP COLUMN path')
    op.drop_index(op.f('ix_user_sessions_user_id'), table_name='user_sessions')
    op.drop_table('user_sessions')
    op.execute('ALTER TABLE users DROP COLUMN failed_codes')
