"""Notices to many controllers from the incident page: the request only queues (one batch, one outbox row per
controller, no document yet), the worker makes each document and sends it, a second click finds the first batch,
and a delivery recomputes only its own controller's deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from incidents.breaches.models import Filing, Obligation
from incidents.breaches.obligations import recompute
from incidents.breaches.service import FilingInput, create_incident, dismiss, record_filing
from incidents.core.instants import utcnow
from incidents.errors import Conflict
from incidents.extensions import db
from incidents.notices.batches import queue_batch
from incidents.notices.models import Document, NoticeBatch, OutboxMessage
from incidents.notices.outbox import deliver_due
from incidents.notices.service import issue_notices

from ..support.forms import csrf_from
from .helpers import parse


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.fixture
def many(app, make_controller, make_contract):
    """An incident on 12 controllers, two contracts each (BOZ and Doctolib), named so that a search finds some."""
    controllers = [
        make_controller(name=f"{'Kliniek' if n % 3 else 'Apotheek'} {n:02d}", contact_email=f"fg{n}@k{n}.example")
        for n in range(12)
    ]
    contracts = []
    for n, controller in enumerate(controllers):
        contracts.append(make_contract("boz-72h", controller, reference=f"VO-B-{n:02d}"))
        contracts.append(make_contract("doctolib", controller, reference=f"VO-D-{n:02d}"))
    incident = create_incident(
        title="Storing portaal",
        aware_at=utcnow() - timedelta(hours=3),
        status="confirmed",
        contract_ids=[c.id for c in contracts],
        fields={"nature": "Portaal was open", "affected_data": "Namen", "consequences": "Inzage", "measures": "Dicht"},
    )
    db.session.commit()
    return incident, controllers


def page_form(client, url: str) -> dict:
    page = client.get(url).get_data(as_text=True)
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    return {"csrf_token": csrf_from(page), "token": token, "version": "initial", "next_update": "binnen 24 uur"}


def test_ticked_controllers_are_queued_without_documents_and_a_second_click_finds_the_same_batch(
    many, logged_in, inbox
):
    incident, controllers = many
    url = f"/incidents/{incident.id}"
    form = page_form(logged_in, url)
    chosen = [controllers[1].id, controllers[4].id]
    data = {**form, "target": "selected", "controller_ids": [str(i) for i in chosen]}
    first = logged_in.post(f"{url}/bulk", data=data)
    assert first.status_code == 302 and "/notices/batches/" in first.headers["Location"]
    assert count(OutboxMessage) == 2 and count(Document) == 0
    assert sorted(db.session.scalars(select(OutboxMessage.controller_id))) == sorted(chosen)
    again = logged_in.post(f"{url}/bulk", data=data)
    assert again.headers["Location"] == first.headers["Location"]
    assert count(OutboxMessage) == 2 and count(NoticeBatch) == 1

    progress = logged_in.get(first.headers["Location"]).get_data(as_text=True)
    assert 'data-batch-status="queued">2<' in progress
    assert deliver_due() == {"sent": 2}
    assert count(Document) == 2
    assert logged_in.get(first.headers["Location"] + ".json").get_json() == {
        "total": 2,
        "counts": {"sent": 2},
        "done": True,
    }
    # what the worker made is a real notice: the controller's name, the next-update text, the PDF attached
    message = next(parse(r.content) for r in inbox.received if r.rcpt_tos == [controllers[1].contact_email])
    assert "binnen 24 uur" in message.get_body(("plain",)).get_content()
    assert controllers[1].name in message.get_body(("plain",)).get_content()
    # the delivery is the filing of the notice, one per contract of that controller only
    filings = db.session.execute(
        select(Filing.controller_id, Filing.contract_id).where(Filing.kind == "controller_notice")
    )
    assert sorted(c for c, _ in filings) == sorted(chosen * 2)


def test_all_matching_the_filter_on_every_page_are_queued(many, logged_in):
    incident, controllers = many
    url = f"/incidents/{incident.id}"
    data = {**page_form(logged_in, url), "target": "matching", "q": "apotheek"}
    response = logged_in.post(f"{url}/bulk", data=data)
    assert response.status_code == 302
    pharmacies = {c.id for c in controllers if c.name.startswith("Apotheek")}
    assert len(pharmacies) == 4
    assert set(db.session.scalars(select(OutboxMessage.controller_id))) == pharmacies
    # once they have their initial notice, all-matching skips them: nothing is ever sent twice
    data = {**page_form(logged_in, url), "target": "matching", "q": "apotheek"}
    second = logged_in.post(f"{url}/bulk", data=data)
    assert second.status_code == 302
    assert count(OutboxMessage) == 4
    batches = db.session.scalars(select(NoticeBatch).order_by(NoticeBatch.id)).all()
    assert [b.total for b in batches] == [4, 0]


def test_refused_choices_write_nothing(many, logged_in, make_controller, row_counts):
    incident, _controllers = many
    stranger = make_controller(name="Niet betrokken")
    url = f"/incidents/{incident.id}"
    before = (count(OutboxMessage), count(NoticeBatch))
    for extra in ({"target": "selected"}, {"target": "selected", "controller_ids": [str(stranger.id)]}):
        response = logged_in.post(f"{url}/bulk", data={**page_form(logged_in, url), **extra})
        assert response.status_code == 302 and response.headers["Location"].endswith("#controllers")
    response = logged_in.post(f"{url}/bulk", data={**page_form(logged_in, url), "target": "matching", "q": "zzz"})
    assert (count(OutboxMessage), count(NoticeBatch)) == before


def test_updates_queued_by_a_batch_are_numbered_with_those_issued_one_by_one(many):
    incident, controllers = many
    first = controllers[0]
    [single] = issue_notices(incident, controller_ids=[first.id], version="update", next_update="morgen")
    queue_batch(incident, [first.id], version="update", next_update="overmorgen", token="u" * 32)
    db.session.commit()
    [queued] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.batch_id.is_not(None))).all()
    assert (single.details["sequence"], queued.details["sequence"]) == (1, 2)
    [later] = issue_notices(incident, controller_ids=[first.id], version="update", next_update="vrijdag")
    assert later.details["sequence"] == 3


def test_a_delivery_leaves_the_other_controllers_deadlines_as_a_full_recompute_would(many, inbox):
    incident, controllers = many
    queue_batch(incident, [c.id for c in controllers[:3]], version="initial", next_update="", token="r" * 32)
    db.session.commit()
    others = {
        row.key: (row.status, row.due_at, row.met_at)
        for row in db.session.scalars(
            select(Obligation).where(Obligation.controller_id.not_in([c.id for c in controllers[:3]]))
        )
    }
    assert deliver_due() == {"sent": 3}
    db.session.expire_all()
    # the scoped recomputes left nothing for a full one to change
    assert recompute(incident) == 0
    after = {
        row.key: (row.status, row.due_at, row.met_at)
        for row in db.session.scalars(
            select(Obligation).where(Obligation.controller_id.not_in([c.id for c in controllers[:3]]))
        )
    }
    assert after == others
    met = db.session.scalars(
        select(Obligation.controller_id).where(Obligation.kind == "controller_notice", Obligation.status == "met")
    ).all()
    assert sorted(set(met)) == sorted(c.id for c in controllers[:3])


def test_a_viewer_sees_no_notice_forms_and_cannot_queue(many, client, app):
    from ..support.people import log_in_as, make_person

    incident, controllers = many
    viewer = make_person("kijker@verwerker.example", "viewer", password="een lang wachtwoord")
    db.session.commit()
    log_in_as(client, viewer)
    page = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert 'id="controller-list"' in page
    assert 'id="bulk-actions"' not in page and 'id="notify-all"' not in page and 'name="controller_ids"' not in page
    controller_page = client.get(f"/incidents/{incident.id}/controllers/{controllers[0].id}").get_data(as_text=True)
    assert 'id="notice-one"' not in controller_page and 'id="filing_form"' not in controller_page
    assert 'id="decision_form"' not in controller_page
    response = client.post(
        f"/incidents/{incident.id}/bulk",
        data={"csrf_token": csrf_from(page), "target": "selected", "controller_ids": [str(controllers[0].id)]},
    )
    assert response.status_code == 403
    assert count(OutboxMessage) == 0


def test_after_a_dismissal_the_final_notice_goes_in_one_batch_to_those_told_only(many, logged_in, inbox):
    incident, controllers = many
    told = [controllers[0].id, controllers[5].id, controllers[7].id]
    issue_notices(incident, controller_ids=told[:2])
    db.session.commit()
    assert deliver_due() == {"sent": 2}
    # one was told by phone, recorded by hand
    contract = next(c for c in controllers[7].contracts if c.profile_key == "boz-72h")
    data = {"kind": "controller_notice", "contract_id": contract.id, "channel": "phone"}
    record_filing(incident, FilingInput(**data))
    dismiss(incident, "Geen persoonsgegevens betrokken")
    db.session.commit()

    url = f"/incidents/{incident.id}"
    page = logged_in.get(url).get_data(as_text=True)
    assert 'id="final-all"' in page and "Meld alle 3 geïnformeerde verwerkingsverantwoordelijken" in page
    token = page.split('id="final-all"')[1].split('name="token" value="')[1].split('"')[0]
    response = logged_in.post(f"{url}/notices/final-all", data={"csrf_token": csrf_from(page), "token": token})
    assert response.status_code == 302 and "/notices/batches/" in response.headers["Location"]
    finals = db.session.execute(
        select(OutboxMessage.controller_id, OutboxMessage.details).where(OutboxMessage.batch_id.is_not(None))
    ).all()
    assert sorted(c for c, _ in finals) == sorted(told)
    assert {d["version"] for _, d in finals} == {"final"}
    assert deliver_due() == {"sent": 3}
    subjects = [parse(m.content)["Subject"] for m in inbox.received[2:]]
    assert len(subjects) == 3 and all("ongegrond" in s.lower() for s in subjects), subjects


def test_a_batch_of_any_other_notice_is_still_refused_after_a_dismissal(many):
    incident, controllers = many
    dismiss(incident, "Vals alarm")
    db.session.commit()
    with pytest.raises(Conflict):
        queue_batch(incident, [controllers[0].id], version="update", next_update="", token="a" * 20)
