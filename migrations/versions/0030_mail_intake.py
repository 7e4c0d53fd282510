"""intake by e-mail: the inbound messages as received (append-only, in the record) and their one review each

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 09:00:00

"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from incidents.database_roles import app_role, grant_app_role
from incidents.db_types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

TABLES = ('inbound_messages', 'inbound_reviews')


def upgrade():
    op.create_table('inbound_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('envelope_from', sa.String(length=320), nullable=True),
    sa.Column('envelope_to', sa.JSON(), nullable=False),
    sa.Column('from_header', sa.String(length=1000), nullable=False),
    sa.Column('to_header', sa.String(length=1000), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('stored_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_messages')),
    sa.UniqueConstraint('message_id', name=op.f('uq_inbound_messages_message_id')),
    sa.UniqueConstraint('sha256', name=op.f('uq_inbound_messages_sha256'))
    )
    op.create_index('ix_inbound_messages_received_at', 'inbound_messages', ['received_at'], unique=False)
    op.create_table('inbound_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inbound_message_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['inbound_message_id'], ['inbound_messages.id'], name=op.f('fk_inbound_reviews_inbound_message_id_inbound_messages')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_inbound_reviews_incident_id_incidents')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_inbound_reviews_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_reviews')),
    sa.UniqueConstraint('inbound_message_id', name=op.f('uq_inbound_reviews_inbound_message_id'))
    )
    op.create_index(op.f('ix_inbound_reviews_incident_id'), 'inbound_reviews', ['incident_id'], unique=False)
    bind = op.get_bind()
    # Append-only in the database itself, as the record's other tables (0001, 0024, 0025): no UPDATE or DELETE, on
    # SQLite no REPLACE over a row either, on PostgreSQL no TRUNCATE, and the application's role may only read and
    # insert them.
    for table in TABLES:
        if bind.dialect.name == 'sqlite':
            for action in ('UPDATE', 'DELETE'):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()"
            )
    if bind.dialect.name != 'sqlite':
        role = app_role(current_app.config)
        if role:
            grant_app_role(bind, role)


def downgrade():
    # The tables' triggers go with them. Their links in the record's chain are left: the chain is append-only, and a
    # downgrade that drops the rows leaves verify to name them (as the other tables' rows would be).
    op.drop_index(op.f('ix_inbound_reviews_incident_id'), table_name='inbound_reviews')
    op.drop_table('inbound_reviews')
    op.drop_index('ix_inbound_messages_received_at', table_name='inbound_messages')
    op.drop_table('inbound_messages')
