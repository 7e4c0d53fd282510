"""statutory regimes: an incident's classification under each (append-only), the filings and requests of their
stages (append-only, in the tamper-evident record), the answers their reports need, and the stages' deadlines

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 09:30:00

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

from incidents.database_roles import app_role, grant_app_role
from incidents.db_types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

APPEND_ONLY = ('regime_classifications', 'regime_filings')


def upgrade():
    op.create_table(
        'regime_classifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('regime', sa.String(length=64), nullable=False),
        sa.Column('answer', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('aware_at', UTCDateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name='fk_regime_classifications_incident_id_incidents'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name='fk_regime_classifications_decided_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_regime_classifications'),
    )
    op.create_index('ix_regime_classifications_incident_regime', 'regime_classifications', ['incident_id', 'regime', 'id'])
    op.create_table(
        'regime_filings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('regime', sa.String(length=64), nullable=False),
        sa.Column('stage', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('due_at', UTCDateTime(), nullable=True),
        sa.Column('channel', sa.String(length=20), nullable=True),
        sa.Column('recipient', sa.String(length=200), nullable=False),
        sa.Column('reference', sa.String(length=100), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('content', sa.Text(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', UTCDateTime(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name='fk_regime_filings_incident_id_incidents'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name='fk_regime_filings_recorded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_regime_filings'),
    )
    op.create_index('ix_regime_filings_incident_regime', 'regime_filings', ['incident_id', 'regime', 'stage'])
    op.create_table(
        'regime_facts',
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('regime', sa.String(length=64), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name='fk_regime_facts_incident_id_incidents'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name='fk_regime_facts_updated_by_id_users'),
        sa.PrimaryKeyConstraint('incident_id', 'regime', name='pk_regime_facts'),
    )
    op.create_table(
        'regime_obligations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('regime', sa.String(length=64), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('stage', sa.String(length=64), nullable=False),
        sa.Column('clause', sa.String(length=100), nullable=False),
        sa.Column('recipient', sa.String(length=200), nullable=False),
        sa.Column('starts_at', UTCDateTime(), nullable=True),
        sa.Column('due_at', UTCDateTime(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('provisional', sa.Boolean(), nullable=False),
        sa.Column('met_at', UTCDateTime(), nullable=True),
        sa.Column('filing_id', sa.Integer(), nullable=True),
        sa.Column('next_reminder_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name='fk_regime_obligations_incident_id_incidents'),
        sa.PrimaryKeyConstraint('id', name='pk_regime_obligations'),
        sa.UniqueConstraint('incident_id', 'regime', 'key', name='uq_regime_obligations_incident_regime_key'),
    )
    op.create_index('ix_regime_obligations_incident_id', 'regime_obligations', ['incident_id'])
    op.create_index('ix_regime_obligations_status_due', 'regime_obligations', ['status', 'due_at'])
    op.create_index(
        'ix_regime_obligations_status_next_reminder', 'regime_obligations', ['status', 'next_reminder_at']
    )
    bind = op.get_bind()
    for table in APPEND_ONLY:
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
    role = app_role(current_app.config)
    if role and bind.dialect.name != 'sqlite':
        grant_app_role(bind, role)


def downgrade():
    op.drop_index('ix_regime_obligations_status_next_reminder', table_name='regime_obligations')
    op.drop_index('ix_regime_obligations_status_due', table_name='regime_obligations')
    op.drop_index('ix_regime_obligations_incident_id', table_name='regime_obligations')
    op.drop_table('regime_obligations')
    op.drop_table('regime_facts')
    op.drop_index('ix_regime_filings_incident_regime', table_name='regime_filings')
    op.drop_table('regime_filings')
    op.drop_index('ix_regime_classifications_incident_regime', table_name='regime_classifications')
    op.drop_table('regime_classifications')
