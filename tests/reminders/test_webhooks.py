"""Webhooks: reminders POSTed to a real HTTP receiver on loopback, which checks the HMAC signature with the secret;
retries with backoff; the Slack/Teams "text" field and no incident title; only http(s) URLs; the test call."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from incidents.breaches import service as breaches
from incidents.breaches.service import FilingInput
from incidents.errors import Conflict, ValidationFailed
from incidents.extensions import db
from incidents.notices.models import OutboxMessage
from incidents.reminders.models import Reminder
from incidents.reminders.service import tick
from incidents.webhooks import service as webhooks
from incidents.webhooks.chat import chat_name
from incidents.webhooks.delivery import deliver_due
from incidents.webhooks.models import Webhook, WebhookDelivery

from .conftest import START, at, obligation

TITLE = "Geheime titel: dossier van mevrouw Jansen"
DESCRIPTION = "Beschrijving met BSN 123456782"


@pytest.fixture
def world(app, make_person, make_controller, make_contract):
    handler = make_person("hanna@verwerker.example", "handler").user
    x, y = make_controller(name="Kliniek X"), make_controller(name="Kliniek Y")
    cx, cy = make_contract("boz-24h", x), make_contract("boz-72h", y)
    incident = breaches.create_incident(
        title=TITLE,
        description=DESCRIPTION,
        aware_at=START,
        status="confirmed",
        contract_ids=[cx.id, cy.id],
        actor=handler,
        now=START,
        fields={"nature": "Inhoud met persoonsgegevens"},
    )
    db.session.commit()
    return SimpleNamespace(handler=handler, x=x, y=y, cx=cx, cy=cy, incident=incident)


def hook(receiver, path: str, statuses=None, controller=None, name="Slack") -> Webhook:
    made = webhooks.create_webhook(
        name=name, url=receiver.url(path), controller_id=controller.id if controller else None
    )
    db.session.commit()
    receiver.expect(path, made.secret, statuses)
    return made


def deliveries(hook_row: Webhook) -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook_row.id).order_by(WebhookDelivery.id)
        )
    )


def test_reminders_are_posted_signed_with_a_text_and_without_the_incident_title(world, receiver):
    everything = hook(receiver, "/processor")
    only_x = hook(receiver, "/x", controller=world.x, name="Teams van X")
    tick(at(12))  # boz-24h of X: 50 % of its notice and its consultation; Y's 72 h clock has no point yet
    assert deliver_due(now=at(12)) == {"sent": 4}
    calls = receiver.calls_to("/processor")
    assert len(calls) == 2 and len(receiver.calls_to("/x")) == 2
    reminders = {r.id: r for r in db.session.scalars(select(Reminder))}
    for call in receiver.calls:
        assert call.method == "POST" and call.signature_ok and call.fresh
        assert call.headers["Content-Type"].startswith("application/json")
        body = call.body.decode()
        assert TITLE not in body and "Jansen" not in body and DESCRIPTION not in body and "persoonsgegevens" not in body
        payload = call.payload
        assert payload["event"] == "deadline_reminder"
        assert world.incident.reference in payload["text"] and "Kliniek X" in payload["text"]
        assert payload["incident"] == {
            "id": world.incident.id,
            "reference": world.incident.reference,
            "url": f"http://localhost/incidents/{world.incident.id}",
            "portal_url": None,
        }
        delivery = db.session.get(WebhookDelivery, int(call.headers["X-Datalek-Delivery"]))
        assert delivery.payload == payload
        assert reminders[delivery.reminder_id].point == payload["point"] == "pct50"
    assert {d.status for d in deliveries(everything) + deliveries(only_x)} == {"sent"}
    # Y's reminders go to the processor's webhook only; X's webhook gets X's
    tick(at(36))
    deliver_due(now=at(36))
    assert {c.payload["obligation"]["controller"] for c in receiver.calls_to("/x")} == {"Kliniek X"}
    assert {c.payload["obligation"]["controller"] for c in receiver.calls_to("/processor")} == {
        "Kliniek X",
        "Kliniek Y",
    }


def test_a_500_is_retried_with_backoff_and_succeeds_later(world, receiver):
    flaky = hook(receiver, "/flaky", statuses=[500, 500])
    tick(at(12))
    first = deliveries(flaky)
    assert len(first) == 2
    t0 = at(12)
    assert deliver_due(now=t0) == {"retrying": 2}
    for d in deliveries(flaky):
        assert (d.status, d.attempts, d.response_status, d.last_error) == ("retrying", 1, 500, "HTTP 500")
        assert d.next_attempt_at == t0 + timedelta(seconds=60)  # WEBHOOK_BACKOFF_SECONDS[0]
    calls = len(receiver.calls_to("/flaky"))
    assert deliver_due(now=t0 + timedelta(seconds=59)) == {}  # not yet due: nothing is posted
    assert len(receiver.calls_to("/flaky")) == calls
    assert deliver_due(now=t0 + timedelta(seconds=60)) == {"sent": 2}
    for d in deliveries(flaky):
        assert (d.status, d.attempts, d.response_status, d.last_error, d.next_attempt_at) == (
            "sent",
            2,
            200,
            None,
            None,
        )
    bodies = [c.body for c in receiver.calls_to("/flaky") if c.headers["X-Datalek-Delivery"] == str(d.id)]
    assert len(bodies) == 2 and bodies[0] == bodies[1]  # the same payload again, signed again
    assert all(c.signature_ok for c in receiver.calls_to("/flaky"))


def test_the_backoff_grows_and_the_attempts_run_out(app, world, receiver):
    app.config.update(WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_BACKOFF_SECONDS=[60, 300])
    down = hook(receiver, "/down", statuses=[503] * 10)
    tick(at(12))
    only = deliveries(down)[0]
    moment = at(12)
    waits = []
    for _attempt in range(3):
        deliver_due(now=moment)
        only = db.session.get(WebhookDelivery, only.id)
        db.session.refresh(only)
        if only.next_attempt_at is None:
            break
        waits.append((only.next_attempt_at - moment).total_seconds())
        moment = only.next_attempt_at
    assert waits == [60, 300]
    assert (only.status, only.attempts, only.last_error, only.next_attempt_at) == ("failed", 3, "HTTP 503", None)
    assert deliver_due(now=moment + timedelta(days=1)) == {}
    assert len([c for c in receiver.calls_to("/down") if c.headers["X-Datalek-Delivery"] == str(only.id)]) == 3


def test_a_redirect_is_not_a_delivery(world, receiver):
    """urllib would follow a 302 with a GET without the body and count the GET's 200 as delivered."""
    moved = hook(receiver, "/redirect")
    tick(at(12))
    deliver_due(now=at(12))
    assert [c.method for c in receiver.calls] == ["POST", "POST"]  # no GET to /landing
    assert {(d.status, d.response_status, d.last_error) for d in deliveries(moved)} == {("retrying", 302, "HTTP 302")}


def test_a_receiver_that_does_not_speak_http_is_retried_without_breaking_the_pass(world, receiver):
    broken = hook(receiver, "/garbage")
    fine = hook(receiver, "/fine")
    tick(at(12))
    counts = deliver_due(now=at(12))  # http.client.BadStatusLine is not an OSError
    assert counts == {"retrying": 2, "sent": 2}
    assert {d.status for d in deliveries(broken)} == {"retrying"}
    assert all("BadStatusLine" in d.last_error for d in deliveries(broken))
    assert {d.status for d in deliveries(fine)} == {"sent"}


def test_a_deactivated_webhook_gets_no_calls(world, receiver):
    gone = hook(receiver, "/gone", statuses=[500] * 5)
    tick(at(12))
    deliver_due(now=at(12))  # attempt 1 fails; the calls wait for their retry
    assert webhooks.deactivate(gone) == 2
    db.session.commit()
    deliver_due(now=at(13))
    assert len(receiver.calls_to("/gone")) == 2
    assert {(d.status, d.last_error) for d in deliveries(gone)} == {("cancelled", "webhook deactivated")}
    tick(at(18))  # the next point: no delivery is queued for an inactive webhook
    assert len(deliveries(gone)) == 2


def test_a_call_queued_before_the_deactivation_is_not_made(world, receiver):
    """Deactivated between the queueing and the worker's pass, bypassing the service (another process, an old row):
    delivery itself checks."""
    late = hook(receiver, "/late")
    tick(at(12))
    late.active = False
    db.session.commit()
    deliver_due(now=at(12))
    assert receiver.calls_to("/late") == []
    assert {d.status for d in deliveries(late)} == {"cancelled"}


def test_the_test_call_is_signed_and_has_a_text(world, receiver):
    made = hook(receiver, "/test")
    delivery = webhooks.queue_test(made, now=at(1))
    db.session.commit()
    assert (delivery.status, delivery.reminder_id) == ("queued", None)
    assert deliver_due(now=at(1)) == {"sent": 1}
    (call,) = receiver.calls_to("/test")
    assert call.signature_ok and call.payload["event"] == "test" and "Slack" in call.payload["text"]
    made.active = False
    with pytest.raises(Conflict, match="deactivated"):
        webhooks.queue_test(made)
    db.session.rollback()


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/hook",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "mailto:fg@example.org",
        "//example.org/x",
        "example.org/hook",
        "http://",
        "https:///path",
        "http://exa mple.org/",
        "http://example.org:99999/",
        "http://user:pass@example.org/",
        "gopher://127.0.0.1:25/",
        "data:text/plain,hi",
        "",
    ],
)
def test_only_http_and_https_urls_are_accepted(app, url):
    with pytest.raises(ValidationFailed) as refused:
        webhooks.create_webhook(name="X", url=url)
    assert refused.value.field == "url"
    db.session.rollback()
    assert db.session.scalars(select(Webhook)).all() == []


def test_a_webhook_gets_a_fresh_secret(app, make_controller):
    controller = make_controller()
    one = webhooks.create_webhook(name="A", url="https://hooks.slack.com/services/T0/B0/x")
    two = webhooks.create_webhook(name="B", url="HTTP://example.org/hook", controller_id=str(controller.id))
    db.session.commit()
    assert one.secret != two.secret and len(one.secret) >= 43
    assert (one.controller_id, two.controller_id) == (None, controller.id)
    with pytest.raises(ValidationFailed):
        webhooks.create_webhook(name="C", url="https://example.org", controller_id="999999")
    db.session.rollback()


def test_the_ap_clock_of_a_controller_carries_the_portal_link(world, receiver):
    """The controller's own AP clock reminds the controller's users too; its payload (and e-mail) carries the
    portal's link, which they can open."""
    hook(receiver, "/processor")
    breaches.record_filing(
        world.incident,
        FilingInput(kind="controller_notice", contract_id=world.cx.id, at=at(1)),
        actor=world.handler,
        now=at(1),
    )
    db.session.commit()
    ap = obligation(world.incident, "ap_notification", controller=world.x)
    assert ap.owner == "controller"
    tick(at(37))
    deliver_due(now=at(37))
    ap_calls = [c for c in receiver.calls_to("/processor") if c.payload["obligation"]["id"] == ap.id]
    assert len(ap_calls) == 1
    assert ap_calls[0].payload["incident"]["portal_url"] == f"http://localhost/portal/incidents/{world.incident.id}"


HOSTILE = "<!channel> <http://evil.example|Klik hier> & [Klik](http://evil.example) <at>Iedereen</at>\nPortaal: x"


def test_names_in_the_text_are_no_slack_or_teams_markup(world, receiver):
    """Security review F-15: a controller named with Slack's control sequences (`<!channel>`, a disguised link)
    and Teams' Markdown and mention syntax. In the `text` they are inert: `&`, `<`, `>` escaped as Slack asks
    (`&amp;`, `&lt;`, `&gt;`; Teams decodes them too), the Markdown link's brackets escaped, the line break a space;
    the desk's own link intact. The structured fields and the e-mail keep the name as it is."""
    world.x.name = HOSTILE
    db.session.commit()
    hook(receiver, "/processor")
    tick(at(12))
    assert deliver_due(now=at(12)) == {"sent": 2}
    escaped = (
        "&lt;!channel&gt; &lt;http://evil.example|Klik hier&gt; &amp; \\[Klik\\](http://evil.example) "
        "&lt;at&gt;Iedereen&lt;/at&gt; Portaal: x"
    )
    for call in receiver.calls_to("/processor"):
        text = call.payload["text"]
        dutch, english, link = text.split("\n")
        assert f" voor {escaped} uiterlijk " in dutch and f" for {escaped} due " in english
        assert "<" not in text and ">" not in text and "[Klik]" not in text
        assert link == f"http://localhost/incidents/{world.incident.id}"  # our own link, as it is
        assert call.payload["obligation"]["controller"] == HOSTILE
    subjects = db.session.scalars(select(OutboxMessage.subject)).all()  # the reminders' e-mails
    assert subjects and all(" voor <!channel> <http://evil.example|Klik hier> & [Klik]" in s for s in subjects)


def test_the_test_call_escapes_the_webhook_name(world, receiver):
    made = hook(receiver, "/test", name="<!here> [x](http://evil.example)")
    webhooks.queue_test(made, now=at(1))
    db.session.commit()
    assert deliver_due(now=at(1)) == {"sent": 1}
    (call,) = receiver.calls_to("/test")
    assert "webhook “&lt;!here&gt; \\[x\\](http://evil.example)” werkt." in call.payload["text"]
    assert call.payload["webhook"]["name"] == "<!here> [x](http://evil.example)"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Kliniek X", "Kliniek X"),
        ("Zorggroep Één & Co", "Zorggroep Één &amp; Co"),
        ("<@U123> <#C1|algemeen>", "&lt;@U123&gt; &lt;#C1|algemeen&gt;"),
        ("![beeld](http://evil.example/x.png)", "!\\[beeld\\](http://evil.example/x.png)"),
        ("a\\[b]", "a\\\\\\[b\\]"),  # a backslash of its own cannot undo the escape of the bracket after it
        ("&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;"),  # an entity typed in the name stays text
        ("Kliniek\r\nNoord", "Kliniek Noord"),
    ],
)
def test_chat_name(name, shown):
    assert chat_name(name) == shown
