"""an index on incidents.aware_at, and the incident's current severity assessment stored on it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 16:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# incidents/breaches/assessment.py current_severity_id, for every incident at once: the newest assessment for the
# whole incident, else the newest for any one controller (newest by assessed_at, then id).
FILL = """
UPDATE incidents SET current_severity_id = (
    SELECT s.id FROM severity_assessments s
    WHERE s.incident_id = incidents.id
    ORDER BY CASE WHEN s.controller_id IS NULL THEN 0 ELSE 1 END, s.assessed_at DESC, s.id DESC
    LIMIT 1
)
"""


def upgrade():
    op.create_index(op.f('ix_incidents_aware_at'), 'incidents', ['aware_at'], unique=False)
    # A plain column on both databases (as severity_assessments.controller_id in 0007): SQLite adds no constraint
    # without a table rebuild; only breaches/assessment.py record_severity writes it.
    op.add_column('incidents', sa.Column('current_severity_id', sa.Integer(), nullable=True))
    op.execute(FILL)


def downgrade():
    # DROP COLUMN without a rebuild (SQLite 3.35 and later, PostgreSQL).
    op.execute('ALTER TABLE incidents DROP COLUMN current_severity_id')
    op.drop_index(op.f('ix_incidents_aware_at'), table_name='incidents')
