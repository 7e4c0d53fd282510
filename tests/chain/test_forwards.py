"""Forwarding a notice from the portal: only a processor-customer's own delivered notices, never another
controller's (404, nothing written); bad addresses refused; the forwards are append-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from incidents.breaches.models import AppendOnlyError
from incidents.breaches.service import create_incident
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices import service as notices
from incidents.notices.forwards import forward_notice
from incidents.notices.models import Document, NoticeForward, OutboxMessage
from incidents.notices.outbox import deliver_due

from ..support.forms import csrf_token, log_in
from .conftest import PASSWORD


@pytest.fixture
def two(chain, make_controller, make_contract, mail):
    """Two processor-customers in one incident, each with its delivered notice; a second incident of the first."""
    other = make_controller(name="Zorggroep Kennemerland", contact_email="fg@kennemerland.example", is_processor=True)
    other_contract = make_contract("boz-72h", other, reference="VO-KL-1")
    incident = create_incident(
        title="Storing", aware_at=utcnow() - timedelta(hours=2), status="confirmed",
        contract_ids=[chain.group_contract.id, other_contract.id],
    )  # fmt: skip
    second = create_incident(
        title="Tweede storing", aware_at=utcnow() - timedelta(hours=1), status="confirmed",
        contract_ids=[chain.group_contract.id],
    )  # fmt: skip
    notices.issue_notices(incident, all_=True)
    notices.issue_notices(second, all_=True)
    db.session.commit()
    deliver_due()
    docs = {(d.incident_id, d.controller_id): d for d in db.session.scalars(select(Document))}
    return {
        "incident": incident,
        "second": second,
        "mine": docs[(incident.id, chain.group.id)],
        "theirs": docs[(incident.id, other.id)],
        "mine_elsewhere": docs[(second.id, chain.group.id)],
    }


def _writes() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(NoticeForward)),
        db.session.scalar(select(func.count()).select_from(OutboxMessage)),
    )


def test_a_portal_user_forwards_only_its_own_controllers_notices(client, chain, two):
    log_in(client, chain.portal_user.email, PASSWORD)
    incident = two["incident"]
    token = csrf_token(client, f"/portal/incidents/{incident.id}")
    before = _writes()
    for document in (two["theirs"], two["mine_elsewhere"]):  # another controller's; its own, of another incident
        response = client.post(
            f"/portal/incidents/{incident.id}/documents/{document.id}/forward",
            data={"csrf_token": token, "fwd-recipients": "fg@huisarts.example"},
        )
        assert response.status_code == 404
    # an incident that does not touch it at all
    stranger = create_incident(title="Elders", aware_at=utcnow() - timedelta(hours=1), status="suspected")
    db.session.commit()
    response = client.post(
        f"/portal/incidents/{stranger.id}/documents/{two['mine'].id}/forward",
        data={"csrf_token": token, "fwd-recipients": "fg@huisarts.example"},
    )
    assert response.status_code == 404
    assert _writes() == before
    page = client.get(f"/portal/incidents/{incident.id}").get_data(as_text=True)
    assert "Zorggroep Kennemerland" not in page and f"/documents/{two['theirs'].id}/forward" not in page
    assert f"/documents/{two['mine'].id}/forward" in page


@pytest.mark.parametrize("recipients", ["", "geen adres", ", ".join(f"a{i}@x.example" for i in range(21))])
def test_bad_addresses_are_refused_and_nothing_is_written(client, chain, two, recipients):
    log_in(client, chain.portal_user.email, PASSWORD)
    incident = two["incident"]
    token = csrf_token(client, f"/portal/incidents/{incident.id}")
    before = _writes()
    response = client.post(
        f"/portal/incidents/{incident.id}/documents/{two['mine'].id}/forward",
        data={"csrf_token": token, "fwd-recipients": recipients},
    )
    assert response.status_code == 422
    assert _writes() == before


def test_a_notice_not_yet_delivered_cannot_be_forwarded(client, chain, app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing is sent
    incident = create_incident(
        title="Storing", aware_at=utcnow() - timedelta(hours=2), status="confirmed",
        contract_ids=[chain.group_contract.id],
    )  # fmt: skip
    notices.issue_notices(incident, all_=True)
    db.session.commit()
    document = db.session.scalar(select(Document))
    log_in(client, chain.portal_user.email, PASSWORD)
    token = csrf_token(client, f"/portal/incidents/{incident.id}")
    before = _writes()
    response = client.post(
        f"/portal/incidents/{incident.id}/documents/{document.id}/forward",
        data={"csrf_token": token, "fwd-recipients": "fg@huisarts.example"},
    )
    assert response.status_code == 422
    assert "deze melding is nog niet bij u afgeleverd" in response.get_data(as_text=True)
    assert _writes() == before


def test_forwards_are_append_only(chain, two):
    forward = forward_notice(two["mine"], "fg@huisarts.example", chain.portal_user)
    db.session.commit()
    forward.recipients = ["iemand@anders.example"]
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    for statement in ("UPDATE notice_forwards SET note = 'x'", "DELETE FROM notice_forwards"):
        with pytest.raises(Exception, match=r"append-only|refuse|permission denied"), db.session.begin_nested():
            db.session.execute(text(statement))
    assert db.session.scalar(select(NoticeForward.recipients)) == ["fg@huisarts.example"]
