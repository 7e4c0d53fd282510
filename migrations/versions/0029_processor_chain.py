"""the processor chain: a controller that is itself a processor, the processor's sub-processors, who reported an
incident and when the processor was informed, and the forwards of a notice by a processor-customer (append-only)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 09:00:00

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

import incidents.db_types
from incidents.database_roles import app_role, grant_app_role


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

FORWARDS = 'notice_forwards'


def upgrade():
    # Plain ADD COLUMN on both SQLite and PostgreSQL (as 0023, 0026): a batch rebuild would drop triggers.
    op.add_column('controllers', sa.Column('is_processor', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('sub_processors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('services', sa.Text(), server_default='', nullable=False),
    sa.Column('contact', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', incidents.db_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sub_processors'))
    )
    op.create_index(op.f('ix_sub_processors_name'), 'sub_processors', ['name'], unique=False)
    op.add_column('incidents', sa.Column('reported_by_kind', sa.String(length=20), nullable=True))
    op.add_column('incidents', sa.Column('reported_by_name', sa.String(length=200), nullable=True))
    op.add_column('incidents', sa.Column('sub_processor_id', sa.Integer(), nullable=True))
    op.add_column('incidents', sa.Column('sub_processor_aware_at', incidents.db_types.UTCDateTime(), nullable=True))
    op.add_column('incidents', sa.Column('informed_at', incidents.db_types.UTCDateTime(), nullable=True))
    op.create_table(FORWARDS,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('controller_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('forwarded_by_id', sa.Integer(), nullable=True),
    sa.Column('forwarded_at', incidents.db_types.UTCDateTime(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_notice_forwards_incident_id_incidents')),
    sa.ForeignKeyConstraint(['controller_id'], ['controllers.id'], name=op.f('fk_notice_forwards_controller_id_controllers')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_notice_forwards_document_id_documents')),
    sa.ForeignKeyConstraint(['forwarded_by_id'], ['users.id'], name=op.f('fk_notice_forwards_forwarded_by_id_users')),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_notice_forwards_outbox_id_outbox')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_forwards'))
    )
    op.create_index(op.f('ix_notice_forwards_incident_id'), FORWARDS, ['incident_id'], unique=False)
    op.create_index(op.f('ix_notice_forwards_controller_id'), FORWARDS, ['controller_id'], unique=False)
    # The forwards are append-only, refused by the database as the other append-only tables are (0024, 0025).
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for action in ('UPDATE', 'DELETE'):
            op.execute(
                f"CREATE TRIGGER {FORWARDS}_no_{action.lower()} BEFORE {action} ON {FORWARDS} "
                f"BEGIN SELECT RAISE(ABORT, '{FORWARDS} is append-only'); END"
            )
        op.execute(
            f"CREATE TRIGGER {FORWARDS}_no_replace BEFORE INSERT ON {FORWARDS} "
            f"WHEN EXISTS (SELECT 1 FROM {FORWARDS} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{FORWARDS} is append-only'); END"
        )
        return
    op.execute(
        f"CREATE TRIGGER {FORWARDS}_append_only BEFORE UPDATE OR DELETE ON {FORWARDS} "
        "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
    )
    op.execute(
        f"CREATE TRIGGER {FORWARDS}_no_truncate BEFORE TRUNCATE ON {FORWARDS} "
        "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()"
    )
    role = app_role(current_app.config)
    if role:
        grant_app_role(bind, role)


def downgrade():
    op.drop_index(op.f('ix_notice_forwards_controller_id'), table_name=FORWARDS)
    op.drop_index(op.f('ix_notice_forwards_incident_id'), table_name=FORWARDS)
    op.drop_table(FORWARDS)  # its triggers go with it
    # DROP COLUMN without a rebuild (SQLite 3.35 and later, PostgreSQL), so no trigger is lost.
    for column in ('informed_at', 'sub_processor_aware_at', 'sub_processor_id', 'reported_by_name', 'reported_by_kind'):
        op.execute(f'ALTER TABLE incidents DROP COLUMN {column}')
    op.drop_index(op.f('ix_sub_processors_name'), table_name='sub_processors')
    op.drop_table('sub_processors')
    op.execute('ALTER TABLE controllers DROP COLUMN is_processor')
