"""Safe to click twice: no controller gets two initial notices, nor the same update twice. Updates that say
something new can be issued again and again."""

from __future__ import annotations

from sqlalchemy import func, select

from incidents.extensions import db
from incidents.notices.models import Document, OutboxMessage
from incidents.notices.outbox import deliver_due
from incidents.notices.service import issue_notices

from ..support.forms import csrf_from
from .helpers import PROCESSOR, parse, pdf_attachments


def count(model, **where) -> int:
    db.session.expire_all()
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def initial_documents(controller_id: int) -> int:
    return count(Document, controller_id=controller_id, kind="notice", version="initial")


def test_issuing_the_initial_notice_twice_returns_the_first(world, inbox):
    first = issue_notices(world.incident, all_=True, version="initial")
    db.session.commit()
    second = issue_notices(world.incident, all_=True, version="initial")
    db.session.commit()
    assert [m.id for m in second] == [m.id for m in first]
    assert [m.document_id for m in second] == [m.document_id for m in first]
    assert initial_documents(world.a.id) == initial_documents(world.b.id) == 1
    assert count(OutboxMessage) == 2

    assert deliver_due() == {"sent": 2}
    # and once more after delivery: still the same, nothing new to send
    third = issue_notices(world.incident, all_=True, version="initial")
    db.session.commit()
    assert [m.id for m in third] == [m.id for m in first]
    assert all(m.status == "sent" for m in third)
    assert deliver_due() == {}
    assert sorted(r.rcpt_tos[0] for r in inbox.received) == ["dpo@riverside.example", "fg@eendracht.example"]


def test_api_twice_gives_the_same_outbox_entries(world, inbox, api):
    url = f"/api/v1/incidents/{world.incident.id}/notices"
    first = api.post(url, json={"all": True, "version": "initial"})
    second = api.post(url, json={"all": True, "version": "initial"})
    assert first.status_code == second.status_code == 202
    assert first.get_json() == second.get_json()
    assert len(first.get_json()["outbox"]) == 2
    assert count(OutboxMessage) == 2 and count(Document) == 2
    assert deliver_due() == {"sent": 2}
    assert len(inbox.received) == 2


def test_notify_all_through_the_web_twice(world, inbox, logged_in):
    page = logged_in.get(f"/incidents/{world.incident.id}").get_data(as_text=True)
    assert 'id="notify-all"' in page
    token = csrf_from(page)
    url = f"/incidents/{world.incident.id}/notices/all"

    first = logged_in.post(url, data={"csrf_token": token, "next_update": "binnen 24 uur"})
    assert first.status_code == 302
    assert "/notices/batches/" in first.headers["Location"]
    progress = logged_in.get(first.headers["Location"])
    assert progress.status_code == 200
    # the request only queued: one row per controller, no document made yet (the worker makes it)
    ids = sorted(db.session.scalars(select(OutboxMessage.id)))
    assert len(ids) == 2 and count(Document) == 0

    second = logged_in.post(url, data={"csrf_token": token, "next_update": "binnen 24 uur"})
    assert second.status_code == 302
    assert "/notices/batches/" not in second.headers["Location"]
    # "Every affected controller already has an initial notice." (an info message, in the UI's language)
    assert 'class="flash flash-info"' in logged_in.get(second.headers["Location"]).get_data(as_text=True)

    assert sorted(db.session.scalars(select(OutboxMessage.id))) == ids
    after = logged_in.get(f"/incidents/{world.incident.id}").get_data(as_text=True)
    assert 'id="notify-all"' not in after

    assert deliver_due() == {"sent": 2}
    assert sorted(r.rcpt_tos[0] for r in inbox.received) == ["dpo@riverside.example", "fg@eendracht.example"]
    dutch = next(parse(r.content) for r in inbox.received if r.rcpt_tos == ["fg@eendracht.example"])
    assert "binnen 24 uur" in dutch.get_body(("plain",)).get_content()
    assert initial_documents(world.a.id) == initial_documents(world.b.id) == 1
    assert logged_in.get(first.headers["Location"] + ".json").get_json() == {
        "total": 2,
        "counts": {"sent": 2},
        "done": True,
    }


def test_updates_are_numbered_and_each_is_sent(world, inbox):
    for next_update in ("morgen 12:00", "overmorgen 12:00"):
        [update] = issue_notices(world.incident, controller_ids=[world.a.id], version="update", next_update=next_update)
        db.session.commit()
    updates = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(updates) == 2 and updates[0].id != updates[1].id
    assert [m.details["sequence"] for m in updates] == [1, 2]
    documents = db.session.scalars(select(Document).order_by(Document.id)).all()
    assert [(d.version, d.sequence) for d in documents] == [("update", 1), ("update", 2)]
    assert [d.filename for d in documents] == [
        f"{world.reference}-melding-aanvulling-1-Huisartsenpraktijk-De-Eendracht.pdf",
        f"{world.reference}-melding-aanvulling-2-Huisartsenpraktijk-De-Eendracht.pdf",
    ]

    assert deliver_due() == {"sent": 2}
    subjects = sorted(parse(r.content)["Subject"] for r in inbox.received)
    assert subjects == [
        f"Melding datalek {world.reference} (aanvulling 1) — {PROCESSOR}",
        f"Melding datalek {world.reference} (aanvulling 2) — {PROCESSOR}",
    ]
    attached = sorted(pdf_attachments(parse(r.content))[0][0] for r in inbox.received)
    assert attached == [d.filename for d in documents]


def test_final_notice_is_issued_once(world, inbox):
    first = issue_notices(world.incident, controller_ids=[world.b.id], version="final")
    db.session.commit()
    second = issue_notices(world.incident, controller_ids=[world.b.id], version="final")
    db.session.commit()
    assert [m.id for m in first] == [m.id for m in second]
    assert count(Document, version="final") == 1
    assert deliver_due() == {"sent": 1}
    assert parse(inbox.received[0].content)["Subject"] == (
        f"Data breach notice {world.reference} (final notice) — {PROCESSOR}"
    )


def test_send_one_form_initial_twice_update_twice_then_a_new_update(world, logged_in):
    page = logged_in.get(f"/incidents/{world.incident.id}").get_data(as_text=True)
    token = csrf_from(page)
    url = f"/incidents/{world.incident.id}/notices"
    for version, next_update in (
        ("initial", ""),
        ("initial", ""),
        ("update", ""),
        ("update", ""),
        ("update", "morgen"),
    ):
        response = logged_in.post(
            url,
            data={
                "csrf_token": token,
                "controller_id": str(world.b.id),
                "version": version,
                "next_update": next_update,
            },
        )
        assert response.status_code == 302
    documents = db.session.scalars(select(Document).order_by(Document.id)).all()
    assert [(d.controller_id, d.version, d.sequence) for d in documents] == [
        (world.b.id, "initial", 1),
        (world.b.id, "update", 1),
        (world.b.id, "update", 2),
    ]
    assert count(OutboxMessage) == 3
