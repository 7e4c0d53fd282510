"""Parallel or repeated "update" requests for one controller never fail and never send two (security review F-11:
10 parallel requests gave 3×500 and 7 updates per controller), and later updates still go out: one with anything
new at once, the very same text again once NOTICE_REPEAT_MINUTES have passed (incidents/notices/repeats.py)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from sqlalchemy import func, select

from incidents.extensions import db
from incidents.notices.models import Document, OutboxMessage
from incidents.notices.service import issue_notices

from ..support.forms import csrf_from
from ..support.live import at_once, send, send_json


def updates(controller_id: int) -> list[int]:
    """The sequence numbers of the controller's update notices."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Document.sequence)
            .where(Document.controller_id == controller_id, Document.kind == "notice", Document.version == "update")
            .order_by(Document.sequence)
        )
    )


def test_ten_parallel_update_requests_send_one_update_per_controller(world, token, api, live_server):
    url = f"/api/v1/incidents/{world.incident.id}/notices"
    answers = at_once(10, lambda n: send_json(live_server, "POST", url, {"all": True, "version": "update"}, token))

    assert [a.status for a in answers] == [202] * 10, [a.body[:300] for a in answers if a.status != 202]
    assert len({json.dumps(a.json(), sort_keys=True) for a in answers}) == 1, "every request answers the same update"
    assert updates(world.a.id) == updates(world.b.id) == [1]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2

    # An update with something new goes out at once, as the next one.
    later = api.post(url, json={"all": True, "version": "update", "next_update": "morgen 12:00"})
    assert later.status_code == 202
    assert {e["id"] for e in later.get_json()["outbox"]}.isdisjoint(e["id"] for e in answers[0].json()["outbox"])
    assert updates(world.a.id) == updates(world.b.id) == [1, 2]


def test_the_same_update_again_is_sent_once_the_repeat_window_has_passed(app, world):
    [first] = issue_notices(world.incident, controller_ids=[world.a.id], version="update", next_update="morgen")
    db.session.commit()
    [again] = issue_notices(world.incident, controller_ids=[world.a.id], version="update", next_update="morgen")
    db.session.commit()
    assert again.id == first.id
    assert updates(world.a.id) == [1]

    app.config["NOTICE_REPEAT_MINUTES"] = 0  # as if the window had passed
    [later] = issue_notices(world.incident, controller_ids=[world.a.id], version="update", next_update="morgen")
    db.session.commit()
    assert later.id != first.id
    assert updates(world.a.id) == [1, 2]


def test_only_the_last_update_counts_as_repeated(world):
    """A, then B, then A again: the third says something other than the last one, so it is sent."""
    sent = []
    for text in ("vandaag 17:00", "morgen 09:00", "vandaag 17:00"):
        [message] = issue_notices(world.incident, controller_ids=[world.a.id], version="update", next_update=text)
        db.session.commit()
        sent.append(message.id)
    assert len(set(sent)) == 3
    assert updates(world.a.id) == [1, 2, 3]


def test_a_changed_fact_makes_a_new_update(world, api):
    url = f"/api/v1/incidents/{world.incident.id}/notices"
    first = api.post(url, json={"controller_ids": [world.b.id], "version": "update"}).get_json()["outbox"]
    assert (
        api.patch(f"/api/v1/incidents/{world.incident.id}", json={"fields": {"measures": "Map verwijderd"}}).status_code
        == 200
    )
    second = api.post(url, json={"controller_ids": [world.b.id], "version": "update"}).get_json()["outbox"]
    assert first[0]["id"] != second[0]["id"]
    assert updates(world.b.id) == [1, 2]


def _form(logged_in, world) -> dict:
    page = logged_in.get(f"/incidents/{world.incident.id}").get_data(as_text=True)
    return {"csrf_token": csrf_from(page), "controller_id": str(world.a.id), "version": "update", "next_update": ""}


def test_the_update_form_sent_twice_sends_one_update(world, logged_in):
    url = f"/incidents/{world.incident.id}/notices"
    data = _form(logged_in, world)
    first = logged_in.post(url, data=data)
    second = logged_in.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert updates(world.a.id) == [1]
    page = logged_in.get(second.headers["Location"]).get_data(as_text=True)
    # "This was already issued on …; it is not sent twice." in the UI's language (Dutch)
    assert "wordt geen tweede keer verstuurd" in page and 'class="flash flash-info"' in page


def test_the_update_form_sent_in_parallel_sends_one_update(world, logged_in, live_server):
    data = urlencode(_form(logged_in, world)).encode()
    cookie = logged_in.get_cookie("session")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"session={cookie.value}"}
    url = f"/incidents/{world.incident.id}/notices"
    answers = at_once(6, lambda n: send(live_server, "POST", url, data, headers))
    assert [a.status for a in answers] == [302] * 6, [a.body[:300] for a in answers]
    assert updates(world.a.id) == [1]
