"""per-controller scope, the controller's contact details, decision makers, the incident's internal note,
severity assessments per controller

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa
import incidents.db_types


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

CONTROLLER_COLUMNS = (
    ('contact_function', sa.String(length=200), ''), ('contact_phone', sa.String(length=40), ''),
    ('address', sa.String(length=300), ''), ('sector', sa.String(length=200), ''),
    ('dpo_registration', sa.String(length=40), ''), ('legal_basis', sa.String(length=10), 'AVG'),
    ('joint_controllers', sa.Text(), ''), ('subjects_contact', sa.Text(), ''),
)
DECISION_COLUMNS = (('maker_name', sa.String(length=200)), ('maker_function', sa.String(length=200)),
                    ('maker_via', sa.String(length=20)))


def upgrade():
    op.create_table('controller_scopes',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('controller_id', sa.Integer(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('updated_at', incidents.db_types.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['controller_id'], ['controllers.id'], name=op.f('fk_controller_scopes_controller_id_controllers')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_controller_scopes_incident_id_incidents')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_controller_scopes_updated_by_id_users')),
    sa.PrimaryKeyConstraint('incident_id', 'controller_id', name=op.f('pk_controller_scopes'))
    )
    # Plain ADD COLUMN on both SQLite and PostgreSQL: no table rebuild, so the append-only triggers of
    # decisions stay in place.
    op.add_column('incidents', sa.Column('internal_note', sa.Text(), server_default=sa.text("''"), nullable=False))
    for name, type_, default in CONTROLLER_COLUMNS:
        op.add_column('controllers', sa.Column(name, type_, server_default=default, nullable=False))
    for name, type_ in DECISION_COLUMNS:
        op.add_column('decisions', sa.Column(name, type_, nullable=True))
    # An assessment for one controller's own share (NULL: for the whole incident). A plain column on both
    # databases: SQLite adds no constraint without a table rebuild, which would drop the append-only triggers, and
    # the schema stays the same on both; the service checks that the controller is an affected one.
    op.add_column('severity_assessments', sa.Column('controller_id', sa.Integer(), nullable=True))


def downgrade():
    # DROP COLUMN without a rebuild (SQLite 3.35 and later, PostgreSQL), so no trigger is lost.
    op.execute('ALTER TABLE severity_assessments DROP COLUMN controller_id')
    for name, _ in DECISION_COLUMNS:
        op.execute(f'ALTER TABLE decisions DROP COLUMN {name}')
    for name, _, _ in CONTROLLER_COLUMNS:
        op.execute(f'ALTER TABLE controllers DROP COLUMN {name}')
    op.execute('ALTER TABLE incidents DROP COLUMN internal_note')
    op.drop_table('controller_scopes')
