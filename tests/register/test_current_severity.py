"""The incident's current severity, stored on it: kept by record_severity, filled for existing incidents by migration
0009, and what the register shows and filters on."""

from __future__ import annotations

from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from incidents import create_app
from incidents.breaches import service
from incidents.breaches.assessment import current_severity_id, record_severity
from incidents.core.instants import parse_instant
from incidents.extensions import db
from incidents.register.filters import RegisterFilters
from incidents.register.queries import register_rows

from ..test_migrations import MIGRATIONS, scratch_uri  # noqa: F401 (a fixture)
from .conftest import LOW, MEDIUM, VERY_HIGH

AWARE = parse_instant("2026-03-02T09:00")


def test_record_severity_keeps_the_current_one(app, user, make_contract):
    first, second = make_contract("boz-72h"), make_contract("boz-72h")
    incident = service.create_incident(
        title="Lek", aware_at=AWARE, status="confirmed", contract_ids=[first.id, second.id], actor=user
    )
    assert incident.current_severity_id is None
    # one controller's own assessment counts while there is none for the whole incident
    own = record_severity(incident, LOW, actor=user, now=AWARE + timedelta(hours=1), controller_id=first.controller_id)
    assert incident.current_severity_id == own.id
    whole = record_severity(incident, MEDIUM, actor=user, now=AWARE + timedelta(hours=2))
    assert incident.current_severity_id == whole.id
    # a newer one for a controller does not replace the one for the whole incident
    record_severity(incident, VERY_HIGH, actor=user, now=AWARE + timedelta(hours=3), controller_id=first.controller_id)
    assert incident.current_severity_id == whole.id
    # an assessment recorded afterwards for an earlier moment does not supersede a later one
    record_severity(incident, VERY_HIGH, actor=user, now=AWARE + timedelta(hours=1, minutes=30))
    assert incident.current_severity_id == whole.id
    newest = record_severity(incident, VERY_HIGH, actor=user, now=AWARE + timedelta(hours=4))
    db.session.commit()
    db.session.expire_all()
    assert incident.current_severity_id == newest.id == current_severity_id(incident.id)
    [row] = register_rows(RegisterFilters(severity="zeer groot"))
    assert (row.reference, row.severity_band, row.se) == (incident.reference, "very_high", newest.se)
    assert register_rows(RegisterFilters(severity="beperkt")) == []


INSERTS = """
INSERT INTO incidents (id, reference, title, description, status, aware_at, fields, details, internal_note,
                       created_at, updated_at)
VALUES (1, 'DL-1', 'a', '', 'confirmed', '2026-03-02 08:00:00', '{}', '{}', '', '2026-03-02 08:00:00',
        '2026-03-02 08:00:00'),
       (2, 'DL-2', 'b', '', 'confirmed', '2026-03-02 08:00:00', '{}', '{}', '', '2026-03-02 08:00:00',
        '2026-03-02 08:00:00'),
       (3, 'DL-3', 'c', '', 'confirmed', '2026-03-02 08:00:00', '{}', '{}', '', '2026-03-02 08:00:00',
        '2026-03-02 08:00:00');
INSERT INTO severity_assessments (id, incident_id, controller_id, data_types, identification, dpc_adjustment,
    confidentiality, integrity, availability, malicious, dpc, ei, cb, se, band, ap_severity, note, assessed_at)
VALUES (10, 1, NULL, '[]', 'limited', 0, 'none', 'none', 'none', false, 1, 0.5, 0, 1.0, 'low', 'verwaarloosbaar', '',
        '2026-03-02 12:00:00'),
       (11, 1, NULL, '[]', 'limited', 0, 'none', 'none', 'none', false, 1, 0.5, 0, 2.0, 'medium', 'beperkt', '',
        '2026-03-02 10:00:00'),
       (12, 1, 7, '[]', 'limited', 0, 'none', 'none', 'none', false, 1, 0.5, 0, 4.0, 'very_high', 'zeer groot', '',
        '2026-03-02 13:00:00'),
       (13, 2, 7, '[]', 'limited', 0, 'none', 'none', 'none', false, 1, 0.5, 0, 4.0, 'very_high', 'zeer groot', '',
        '2026-03-02 13:00:00');
"""


def test_migration_0009_fills_the_current_severity_of_existing_incidents(scratch_uri):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_uri, "SECRET_KEY": "x"}, testing=True)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0007")
        engine = create_engine(scratch_uri)
        with engine.begin() as connection:
            for statement in INSERTS.split(";"):
                if statement.strip():
                    connection.execute(text(statement))
        upgrade(directory=MIGRATIONS, revision="0009")
        with engine.connect() as connection:
            found = dict(connection.execute(text("SELECT id, current_severity_id FROM incidents")).all())
        # 1: the newest for the whole incident (by assessed_at, not by id); 2: only one controller's; 3: none
        assert found == {1: 10, 2: 13, 3: None}
        downgrade(directory=MIGRATIONS, revision="0007")
        with engine.connect() as connection:
            columns = connection.execute(text("SELECT * FROM incidents")).keys()
        assert "current_severity_id" not in columns
        engine.dispose()
        db.engine.dispose()
