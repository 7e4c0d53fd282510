"""Refused attempts are in the access log (NEN 7513 asks for attempts too; F-16): a controller user probing another
organisation's incident, document, outbox message or AP draft, through the web or with a token, and a viewer trying
to change something, leave an entry naming the user, what was asked for and the refusal; the other organisation's
data is not shown, and nothing else of the refused request is kept."""

from __future__ import annotations

from sqlalchemy import select

from incidents.audit.models import AccessEntry
from incidents.auth.service import create_token
from incidents.extensions import db

from ..conftest import MAKER
from ..support.database import count_rows, every_table_but_the_audit_trail
from ..support.forms import csrf_token
from .conftest import login

CONTROLLER_A = "fg@alfa.example"
VIEWER = "lezer@verwerker.example"


def _entries(user_id: int) -> list[AccessEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AccessEntry).where(AccessEntry.user_id == user_id).order_by(AccessEntry.id)))


def _refused(user_id: int) -> list[tuple]:
    """The user's refused attempts: (channel, action, status, path, incident, document, controller, route template)."""
    return [
        (e.channel, e.action, e.status, e.path, e.incident_id, e.document_id, e.controller_id, e.route)
        for e in _entries(user_id)
        if e.status != 200
    ]


def _shows_nothing_of_b(response) -> None:
    text = response.get_data(as_text=True)
    assert not any(marker in text for marker in ("Alleen Beta", "Kliniek Beta", "VO-BETA", "fg@beta.example")), text


def test_a_controller_user_probing_another_organisation_on_the_web_is_logged(client, make_user, world):
    user = make_user(CONTROLLER_A, role="controller", controller=world.a)
    login(client, CONTROLLER_A)
    b, only_b, shared = world.b, world.only_b, world.shared
    probes = [
        (f"/portal/incidents/{only_b.id}", 404),  # the portal's page of an incident of B alone
        (f"/incidents/{only_b.id}", 403),  # the processor's page of it: not for controller users at all
        (f"/portal/documents/{world.b_document_id}", 404),  # B's notice on the incident A and B share
        (f"/controllers/{b.id}", 403),
        (f"/contracts/{world.b_contract.id}", 403),
        ("/portal/incidents/987654", 404),  # an id that is no incident at all
    ]
    for path, status in probes:
        response = client.get(path)
        assert response.status_code == status, path
        _shows_nothing_of_b(response)
    # a change on B's behalf: acknowledging B's notice from A's portal
    token = csrf_token(client, f"/portal/incidents/{shared.id}")
    acknowledge = f"/portal/incidents/{shared.id}/messages/{world.b_message.id}/acknowledge"
    assert client.post(acknowledge, data={"csrf_token": token}).status_code == 404

    read = "refused_read"
    assert _refused(user.id) == [
        ("web", read, 404, probes[0][0], only_b.id, None, None, "/portal/incidents/<int:incident_id>"),
        ("web", read, 403, probes[1][0], only_b.id, None, None, "/incidents/<int:incident_id>"),
        ("web", read, 404, probes[2][0], shared.id, world.b_document_id, b.id, "/portal/documents/<int:document_id>"),
        ("web", read, 403, probes[3][0], None, None, b.id, "/controllers/<int:controller_id>"),
        ("web", read, 403, probes[4][0], None, None, None, "/contracts/<int:contract_id>"),
        ("web", read, 404, probes[5][0], None, None, None, "/portal/incidents/<int:incident_id>"),
        (
            "web",
            "refused_write",
            404,
            acknowledge,
            shared.id,
            None,
            None,
            "/portal/incidents/<int:incident_id>/messages/<int:message_id>/acknowledge",
        ),
    ]
    assert {e.role for e in _entries(user.id)} == {"controller"}
    # what A may open is logged as before, as allowed
    assert client.get(f"/portal/incidents/{shared.id}").status_code == 200
    last = _entries(user.id)[-1]
    assert (last.action, last.status, last.path) == ("open_incident", 200, f"/portal/incidents/{shared.id}")


def test_a_controller_token_probing_another_organisation_is_logged(client, make_user, world):
    user = make_user(CONTROLLER_A, role="controller", controller=world.a)
    _, secret = create_token(CONTROLLER_A, "probe")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    b, only_b, shared = world.b, world.only_b, world.shared
    probes = [
        (f"/api/v1/incidents/{only_b.id}", 404),
        (f"/api/v1/incidents/{only_b.id}/deadlines", 404),
        (f"/api/v1/documents/{world.b_document_id}", 404),
        (f"/api/v1/outbox/{world.b_message.id}", 404),
        (f"/api/v1/incidents/{shared.id}/ap-draft?controller_id={b.id}", 404),
        ("/api/v1/register", 403),
    ]
    for path, status in probes:
        response = client.get(path, headers=headers)
        assert response.status_code == status, path
        _shows_nothing_of_b(response)
    before = count_rows(every_table_but_the_audit_trail())
    decision = client.post(
        f"/api/v1/incidents/{shared.id}/decisions",
        json={"controller_id": b.id, "notify_ap": "no", "reason": "Niet van ons", "decision_maker": MAKER},
        headers=headers,
    )
    assert decision.status_code == 403
    assert count_rows(every_table_but_the_audit_trail()) == before, "the refused request keeps nothing else"

    read = "refused_read"
    assert _refused(user.id) == [
        (
            "api",
            read,
            404,
            f"/api/v1/incidents/{only_b.id}",
            only_b.id,
            None,
            None,
            "/api/v1/incidents/<int:incident_id>",
        ),
        (
            "api",
            read,
            404,
            f"/api/v1/incidents/{only_b.id}/deadlines",
            only_b.id,
            None,
            None,
            "/api/v1/incidents/<int:incident_id>/deadlines",
        ),
        (
            "api",
            read,
            404,
            f"/api/v1/documents/{world.b_document_id}",
            shared.id,
            world.b_document_id,
            b.id,
            "/api/v1/documents/<int:document_id>",
        ),
        ("api", read, 404, f"/api/v1/outbox/{world.b_message.id}", None, None, None, "/api/v1/outbox/<int:message_id>"),
        (  # the path without its query string; the controller asked for stands in its column
            "api",
            read,
            404,
            f"/api/v1/incidents/{shared.id}/ap-draft",
            shared.id,
            None,
            b.id,
            "/api/v1/incidents/<int:incident_id>/ap-draft",
        ),
        ("api", read, 403, "/api/v1/register", None, None, None, "/api/v1/register"),
        (
            "api",
            "refused_write",
            403,
            f"/api/v1/incidents/{shared.id}/decisions",
            shared.id,
            None,
            None,
            "/api/v1/incidents/<int:incident_id>/decisions",
        ),
    ]


def test_a_viewer_trying_to_change_something_is_logged(app, make_user, world):
    viewer = make_user(VIEWER, role="viewer")
    _, secret = create_token(VIEWER, "probe")
    db.session.commit()
    api = app.test_client()
    response = api.patch(
        f"/api/v1/incidents/{world.shared.id}", json={"title": "Anders"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 403
    web = app.test_client()
    login(web, VIEWER)
    token = csrf_token(web, "/account/")
    assert (
        web.post(f"/incidents/{world.shared.id}/dismiss", data={"csrf_token": token, "reason": "x"}).status_code == 403
    )
    assert [(e.channel, e.action, e.status, e.path, e.incident_id) for e in _entries(viewer.id) if e.status != 200] == [
        ("api", "refused_write", 403, f"/api/v1/incidents/{world.shared.id}", world.shared.id),
        ("web", "refused_write", 403, f"/incidents/{world.shared.id}/dismiss", world.shared.id),
    ]


def test_processor_staff_and_strangers_leave_no_refusals(app, client, make_user, world):
    """A handler sees every organisation: a 404 is an id that does not exist. An unknown token is nobody."""
    handler = make_user("hanna@verwerker.example")
    login(client, "hanna@verwerker.example")
    assert client.get("/incidents/987654").status_code == 404
    assert app.test_client().get(f"/api/v1/incidents/{world.only_b.id}").status_code == 401
    stranger = app.test_client().get(
        f"/api/v1/incidents/{world.only_b.id}", headers={"Authorization": "Bearer bd_not-a-token"}
    )
    assert stranger.status_code == 401
    db.session.expire_all()
    assert db.session.scalar(select(AccessEntry).where(AccessEntry.status != 200)) is None
    assert _entries(handler.id) == []
