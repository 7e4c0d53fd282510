"""The pages: /notifications for every logged-in user (their own only), and /admin/webhooks for administrators
only (who log in with their second factor through /login and /login/2fa)."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from incidents.breaches import service as breaches
from incidents.breaches.service import FilingInput
from incidents.extensions import db
from incidents.notifications.models import Notification
from incidents.reminders.service import tick
from incidents.webhooks.models import Webhook, WebhookDelivery

from .conftest import START, at, nav_count, notifications_of, report_delivered


class Rows(HTMLParser):
    """The <tr data-notification> rows of the notifications table: their attributes, their links and texts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[dict] = []
        self.current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-notification" in attrs:
            self.current = {
                "id": int(attrs["data-notification"]),
                "read": attrs["data-read"] == "yes",
                "class": attrs.get("class") or "",
                "links": [],
                "text": "",
            }
            self.rows.append(self.current)
        elif tag == "a" and self.current is not None and "href" in attrs:
            self.current["links"].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "tr":
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current["text"] += data


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    parser = Rows()
    parser.feed(response.get_data(as_text=True))
    return parser.rows


@pytest.fixture
def cast(app, make_person, make_controller, make_contract):
    """Hanna's incident affecting X (boz-72h), the notice filed at 1 h so that X's AP clock (X's users) runs too;
    ticks until 73 h give Hanna and X's user notifications. Henk is another handler; Yvonne a user of Y."""
    x, y = make_controller(name="Kliniek X"), make_controller(name="Kliniek Y")
    cx = make_contract("boz-72h", x)
    make_contract("boz-72h", y)
    people = SimpleNamespace(
        hanna=make_person("hanna@verwerker.example", "handler"),
        henk=make_person("henk@verwerker.example", "handler"),
        viewer=make_person("vera@verwerker.example", "viewer"),
        admin=make_person("beheer@verwerker.example", "admin", two_factor=True),
        x_user=make_person("fg@kliniek-x.example", "controller", controller=x),
        y_user=make_person("fg@kliniek-y.example", "controller", controller=y),
    )
    incident = breaches.create_incident(
        title="Datalek X", aware_at=START, status="confirmed", contract_ids=[cx.id], actor=people.hanna.user, now=START
    )
    breaches.record_filing(
        incident, FilingInput(kind="controller_notice", contract_id=cx.id, at=at(1)), actor=people.hanna.user, now=at(1)
    )
    report_delivered(incident, (x,), 1)
    db.session.commit()
    for hours in (37, 55, 73):
        tick(at(hours))
    return SimpleNamespace(x=x, y=y, incident=incident, people=people)


# --- notifications ---


def test_the_list_shows_my_notifications_newest_first_unread_marked_with_a_link(cast, browser):
    hanna = cast.people.hanna
    mine = notifications_of(hanna.user)
    assert len(mine) == 6  # consultation 36 h, 54 h, 72 h (its deadline); AP clock 37 h, 55 h, 73 h (its deadline)
    page = browser(hanna).get("/notifications/")
    shown = rows(page)
    expected = sorted(mine, key=lambda n: (n.created_at, n.id), reverse=True)
    assert [r["id"] for r in shown] == [n.id for n in expected]
    assert all(not r["read"] and "unread" in r["class"] and "unread" in r["text"] for r in shown)
    assert {link for r in shown for link in r["links"]} == {f"/incidents/{cast.incident.id}"}
    assert cast.incident.reference in page.get_data(as_text=True)
    assert "Datalek X" not in page.get_data(as_text=True)  # the reminder text has no title


def test_a_controller_user_sees_theirs_with_portal_links(cast, browser):
    x = browser(cast.people.x_user)
    page = x.get("/notifications/")
    shown = rows(page)
    assert [r["id"] for r in shown] == [
        n.id
        for n in sorted(notifications_of(cast.people.x_user.user), key=lambda n: (n.created_at, n.id), reverse=True)
    ]
    assert len(shown) == 3
    assert {link for r in shown for link in r["links"]} == {f"/portal/incidents/{cast.incident.id}"}
    assert x.get(f"/portal/incidents/{cast.incident.id}").status_code == 200
    assert x.get(f"/incidents/{cast.incident.id}").status_code == 403  # the desk's page stays closed to them
    assert rows(browser(cast.people.y_user).get("/notifications/")) == []


def test_marking_one_read(cast, browser):
    hanna = browser(cast.people.hanna)
    first = notifications_of(cast.people.hanna.user)[0]
    response = hanna.post(f"/notifications/{first.id}/read", data={"csrf_token": hanna.csrf("/notifications/")})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/notifications/#notification-{first.id}")
    db.session.expire_all()
    read_at = db.session.get(Notification, first.id).read_at
    assert read_at is not None
    shown = {r["id"]: r for r in rows(hanna.get("/notifications/"))}
    assert shown[first.id]["read"] and "unread" not in shown[first.id]["class"]
    assert sum(not r["read"] for r in shown.values()) == 5
    assert nav_count(hanna.get("/")) == 5
    # marking it again keeps the first reading time
    hanna.post(f"/notifications/{first.id}/read", data={"csrf_token": hanna.csrf("/notifications/")})
    db.session.expire_all()
    assert db.session.get(Notification, first.id).read_at == read_at


def test_nobody_sees_or_marks_another_users_notification(cast, browser):
    hanna_first = notifications_of(cast.people.hanna.user)[0]
    x_first = notifications_of(cast.people.x_user.user)[0]
    for person, foreign in (
        (cast.people.henk, hanna_first),
        (cast.people.x_user, hanna_first),
        (cast.people.y_user, x_first),
        (cast.people.hanna, x_first),
        (cast.people.admin, hanna_first),
        (cast.people.viewer, hanna_first),
    ):
        client = browser(person)
        page = client.get("/notifications/")
        assert foreign.id not in [r["id"] for r in rows(page)]
        token = client.csrf("/notifications/")
        assert client.post(f"/notifications/{foreign.id}/read", data={"csrf_token": token}).status_code == 404
    hanna = browser(cast.people.hanna)
    token = hanna.csrf("/notifications/")
    for missing in (0, 999_999, 2**63, 2**70):
        assert hanna.post(f"/notifications/{missing}/read", data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert (
        db.session.scalar(select(func.count()).select_from(Notification).where(Notification.read_at.is_not(None))) == 0
    )


def test_read_all_marks_only_mine(cast, browser):
    hanna = browser(cast.people.hanna)
    response = hanna.post("/notifications/read-all", data={"csrf_token": hanna.csrf("/notifications/")})
    assert response.status_code == 302
    page = hanna.get("/notifications/")
    assert "6 notifications marked as read." in page.get_data(as_text=True)
    assert all(r["read"] for r in rows(page))
    assert nav_count(page) == 0
    assert all(n.read_at is None for n in notifications_of(cast.people.x_user.user))
    again = hanna.post("/notifications/read-all", data={"csrf_token": hanna.csrf("/notifications/")})
    assert "There were no unread notifications." in hanna.get(again.headers["Location"]).get_data(as_text=True)


def test_writes_need_the_csrf_token(cast, browser):
    hanna = browser(cast.people.hanna)
    first = notifications_of(cast.people.hanna.user)[0]
    assert hanna.post(f"/notifications/{first.id}/read").status_code == 400
    assert hanna.post("/notifications/read-all", data={"csrf_token": "forged"}).status_code == 400
    assert all(n.read_at is None for n in notifications_of(cast.people.hanna.user))


def test_anonymous_visitors_are_sent_to_the_login(cast, browser):
    anonymous = browser()
    for method, url in (
        ("get", "/notifications/"),
        ("post", "/notifications/read-all"),
        ("post", f"/notifications/{notifications_of(cast.people.hanna.user)[0].id}/read"),
    ):
        response = getattr(anonymous, method)(url, data={"csrf_token": anonymous.csrf("/login")})
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)


def test_a_viewer_may_mark_their_own_read(app, make_person, browser):
    viewer = make_person("vera@verwerker.example", "viewer")
    note = Notification(user_id=viewer.id, incident_id=None, kind="reminder", text="Herinnering", created_at=START)
    db.session.add(note)
    db.session.commit()
    client = browser(viewer)
    page = client.get("/notifications/")
    assert rows(page)[0]["links"] == []  # no incident, no link
    assert nav_count(page) == 1
    assert (
        client.post(f"/notifications/{note.id}/read", data={"csrf_token": client.csrf("/notifications/")}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is not None


def test_an_administrator_without_the_second_factor_enrols_first(app, make_person, browser):
    novice = make_person("nieuw@verwerker.example", "admin")
    client = browser()
    response = client.post(
        "/login",
        data={"email": novice.email, "password": "Lange-zin met 5 woorden", "csrf_token": client.csrf("/login")},
    )
    assert response.status_code == 302
    assert client.get("/notifications/").headers["Location"].endswith("/account/two-factor")
    assert client.get("/admin/webhooks/").headers["Location"].endswith("/account/two-factor")


def test_pages_of_fifty(app, make_person, browser):
    hanna = make_person("hanna@verwerker.example", "handler")
    for n in range(55):
        db.session.add(
            Notification(
                user_id=hanna.id, kind="reminder", text=f"Bericht {n:02d}", created_at=START + timedelta(minutes=n)
            )
        )
    db.session.commit()
    client = browser(hanna)
    first, second = rows(client.get("/notifications/")), rows(client.get("/notifications/?page=2"))
    assert [r["text"].split("Bericht ")[1][:2] for r in first][:3] == ["54", "53", "52"]
    assert len(first) == 50 and len(second) == 5
    assert "Bericht 00" in second[-1]["text"]
    assert rows(client.get("/notifications/?page=99")) == []
    assert client.get("/notifications/?page=-3").status_code == 200
    assert client.get("/notifications/?page=abc").status_code == 200


# --- webhooks administration ---

SECRET = re.compile(r'id="webhook-secret"[^>]*>([^<]+)<')


@pytest.fixture
def admin_client(app, make_person, browser):
    admin = make_person("beheer@verwerker.example", "admin", two_factor=True)
    return browser(admin)


def test_webhook_pages_are_for_administrators_only(app, make_person, make_controller, browser):
    controller = make_controller()
    hook = Webhook(name="Slack", url="https://example.org/hook", secret="s" * 43, active=True)
    db.session.add(hook)
    db.session.commit()
    others = [
        make_person("hanna@verwerker.example", "handler"),
        make_person("vera@verwerker.example", "viewer"),
        make_person("fg@x.example", "controller", controller=controller),
    ]
    urls = [
        ("get", "/admin/webhooks/"),
        ("post", "/admin/webhooks/"),
        ("get", f"/admin/webhooks/{hook.id}"),
        ("post", f"/admin/webhooks/{hook.id}/deactivate"),
        ("post", f"/admin/webhooks/{hook.id}/test"),
    ]
    for person in others:
        client = browser(person)
        token = client.csrf()
        for method, url in urls:
            response = getattr(client, method)(
                url, data={"csrf_token": token, "name": "x", "url": "https://evil.example/"}
            )
            assert response.status_code == 403, (person.email, method, url)
            assert "s" * 43 not in response.get_data(as_text=True)
    anonymous = browser()
    assert "/login" in anonymous.get("/admin/webhooks/").headers["Location"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Webhook)) == 1
    assert db.session.get(Webhook, hook.id).active
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


def test_an_administrator_creates_a_webhook_and_sees_its_secret(admin_client, make_controller):
    controller = make_controller(name="Kliniek X")
    page = admin_client.get("/admin/webhooks/")
    assert page.status_code == 200 and "Kliniek X" in page.get_data(as_text=True)
    response = admin_client.post(
        "/admin/webhooks/",
        data={
            "csrf_token": admin_client.csrf("/admin/webhooks/"),
            "name": "Teams van X",
            "url": "https://x.example/webhook",
            "controller_id": str(controller.id),
        },
    )
    assert response.status_code == 302
    hook = db.session.scalars(select(Webhook)).one()
    assert response.headers["Location"].endswith(f"/admin/webhooks/{hook.id}")
    assert (hook.name, hook.url, hook.controller_id, hook.active) == (
        "Teams van X",
        "https://x.example/webhook",
        controller.id,
        True,
    )
    shown = admin_client.get(f"/admin/webhooks/{hook.id}")
    assert SECRET.search(shown.get_data(as_text=True)).group(1) == hook.secret
    assert "X-Datalek-Signature" in shown.get_data(as_text=True)
    listing = admin_client.get("/admin/webhooks/").get_data(as_text=True)
    assert f'data-webhook="{hook.id}"' in listing and "Kliniek X" in listing
    # the processor itself: an empty organisation
    admin_client.post(
        "/admin/webhooks/",
        data={
            "csrf_token": admin_client.csrf("/admin/webhooks/"),
            "name": "Slack",
            "url": "http://hooks.example:9/x",
            "controller_id": "",
        },
    )
    assert db.session.scalars(select(Webhook).where(Webhook.name == "Slack")).one().controller_id is None


@pytest.mark.parametrize(
    "url",
    ["ftp://x.example/hook", "javascript:alert(1)", "file:///etc/passwd", "x.example", "https://user:pw@x.example/"],
)
def test_a_url_that_is_not_http_is_refused_at_creation(admin_client, url):
    response = admin_client.post(
        "/admin/webhooks/",
        data={"csrf_token": admin_client.csrf("/admin/webhooks/"), "name": "Kwaad", "url": url, "controller_id": ""},
    )
    assert response.status_code == 422
    assert "A webhook URL must start with http:// or https://" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Webhook)) == 0


def test_an_unknown_organisation_or_missing_name_is_refused(admin_client):
    token = admin_client.csrf("/admin/webhooks/")
    bad_org = admin_client.post(
        "/admin/webhooks/",
        data={"csrf_token": token, "name": "A", "url": "https://a.example/", "controller_id": "424242"},
    )
    assert bad_org.status_code == 422
    assert "Choose the processor or a controller from the list." in bad_org.get_data(as_text=True)
    no_name = admin_client.post(
        "/admin/webhooks/", data={"csrf_token": token, "name": "", "url": "https://a.example/", "controller_id": ""}
    )
    assert no_name.status_code == 422
    assert admin_client.post("/admin/webhooks/", data={"name": "A", "url": "https://a.example/"}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Webhook)) == 0


def test_send_test_deactivate_and_the_deliveries(admin_client, receiver):
    from incidents.webhooks.delivery import deliver_due

    admin_client.post(
        "/admin/webhooks/",
        data={
            "csrf_token": admin_client.csrf("/admin/webhooks/"),
            "name": "Slack",
            "url": receiver.url("/hook"),
            "controller_id": "",
        },
    )
    hook = db.session.scalars(select(Webhook)).one()
    receiver.expect("/hook", hook.secret, [500])
    token = admin_client.csrf(f"/admin/webhooks/{hook.id}")
    response = admin_client.post(f"/admin/webhooks/{hook.id}/test", data={"csrf_token": token})
    assert response.status_code == 302
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert (delivery.status, delivery.reminder_id, delivery.payload["event"]) == ("queued", None, "test")
    assert "text" in delivery.payload
    deliver_due()  # the receiver answers 500 the first time
    page = admin_client.get(f"/admin/webhooks/{hook.id}").get_data(as_text=True)
    row = re.search(rf'<tr data-delivery="{delivery.id}" data-status="([a-z]+)">(.*?)</tr>', page, re.S)
    assert row.group(1) == "retrying"
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row.group(2), re.S)]
    assert cells[1:5] == ["test", "retrying", "1", "500"] and cells[6] == "HTTP 500"
    assert receiver.calls_to("/hook")[0].signature_ok

    response = admin_client.post(f"/admin/webhooks/{hook.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Webhook, hook.id).active
    assert db.session.get(WebhookDelivery, delivery.id).status == "cancelled"
    shown = admin_client.get(f"/admin/webhooks/{hook.id}").get_data(as_text=True)
    assert 'data-active="no"' in shown and "Send test" not in shown
    refused = admin_client.post(f"/admin/webhooks/{hook.id}/test", data={"csrf_token": token})
    assert refused.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1
    assert admin_client.get("/admin/webhooks/999999").status_code == 404
    assert admin_client.post("/admin/webhooks/999999/test", data={"csrf_token": token}).status_code == 404
