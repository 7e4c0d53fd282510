"""GET /api/v1/incidents: the total stays in the response (docs/API.md) and stays correct, counted without a
subquery of whole rows."""

from __future__ import annotations

from sqlalchemy import event

from incidents.extensions import db


def test_the_total_is_counted_without_reading_whole_incidents(api, new_incident):
    for n in range(3):
        new_incident(title=f"Lek {n}", status="confirmed" if n else "suspected")
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        body = api.get("/api/v1/incidents?status=confirmed").get_json()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert (body["total"], body["pages"], len(body["incidents"])) == (2, 1, 2)
    [counting] = [s for s in seen if "count(" in s.lower()]
    assert "description" not in counting and "details" not in counting  # no subquery of whole rows
