"""Webhooks call public addresses only (security review F-18), unless WEBHOOKS_ALLOW_PRIVATE_TARGETS: a URL on this
machine or a private network is refused when the webhook is created (the service, and the form in English and
Dutch), and every call checks again, on the addresses it connects to: a refused call fails at once, with the
address, and the receiver never hears of it."""

from __future__ import annotations

import re
import socket
import threading

import pytest
from sqlalchemy import func, select

from incidents.breaches import service as breaches
from incidents.errors import ValidationFailed
from incidents.extensions import db
from incidents.reminders.service import tick
from incidents.webhooks import service as webhooks
from incidents.webhooks.delivery import deliver_due
from incidents.webhooks.models import Webhook, WebhookDelivery
from incidents.webhooks.targets import TargetRefused, connect, forbidden

from .conftest import START, at

REFUSED = [
    ("http://127.0.0.1:8080/hook", "127.0.0.1"),  # loopback
    ("http://localhost/hook", "127.0.0.1|::1"),  # a name that resolves to loopback
    ("http://2130706433/hook", "127.0.0.1"),  # loopback, written as one number
    ("http://0x7f.1/hook", "127.0.0.1"),  # and in hexadecimal shorthand
    ("http://[::1]/hook", "::1"),
    ("http://10.1.2.3/hook", "10.1.2.3"),  # private
    ("http://172.16.0.1/hook", "172.16.0.1"),
    ("https://192.168.1.10/hook", "192.168.1.10"),
    ("http://[fc00::1]/hook", "fc00::1"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),  # link-local: a cloud's metadata service
    ("http://[fe80::1]/hook", "fe80::1"),
    ("http://0.0.0.0/hook", "0.0.0.0"),  # noqa: S104 (unspecified: the address refused, not one bound)
    ("http://[::]/hook", "::"),
    ("http://224.0.0.1/hook", "224.0.0.1"),  # multicast
    ("http://[ff02::1]/hook", "ff02::1"),
    ("http://240.0.0.1/hook", "240.0.0.1"),  # reserved
    ("http://100.64.0.1/hook", "100.64.0.1"),  # shared address space (carrier-grade NAT)
    ("http://192.0.2.1/hook", "192.0.2.1"),  # documentation
    ("http://[fec0::1]/hook", "fec0::1"),  # site-local
    ("http://[::ffff:127.0.0.1]/hook", "::ffff:127.0.0.1"),  # IPv4-mapped IPv6
    ("http://[::ffff:a00:1]/hook", "::ffff:10.0.0.1"),
    ("http://[2002:7f00:1::]/hook", "2002:7f00:1::"),  # 6to4 of 127.0.0.1
    ("http://[64:ff9b::a00:1]/hook", "64:ff9b::a00:1"),  # NAT64 of 10.0.0.1
]

PUBLIC = [
    "https://93.184.216.34/hook",
    "https://[2606:4700:4700::1111]/hook",
    "https://[::ffff:8.8.8.8]/hook",  # a public IPv4 address, written as IPv6
    "https://[64:ff9b::808:808]/hook",  # and reached through NAT64
    "https://hooks.slack.example/services/T0/B0/x",  # a name that does not resolve here is checked on each call
]


@pytest.mark.parametrize(("url", "address"), REFUSED)
def test_a_private_target_is_refused_at_creation(app, url, address):
    with pytest.raises(ValidationFailed) as refused:
        webhooks.create_webhook(name="Intern", url=url)
    assert (refused.value.field, refused.value.code) == ("url", "private_target")
    assert refused.value.params["address"] in address.split("|")
    assert "private network" in refused.value.message and "WEBHOOKS_ALLOW_PRIVATE_TARGETS" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Webhook)) == 0


@pytest.mark.parametrize("url", PUBLIC)
def test_a_public_target_is_accepted(app, url):
    assert webhooks.create_webhook(name="Openbaar", url=url).url == url
    db.session.rollback()


def test_the_setting_allows_private_targets(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE_TARGETS", True)
    assert webhooks.create_webhook(name="Intern", url="http://127.0.0.1:8080/hook").id
    db.session.rollback()


@pytest.fixture
def admin_client(app, make_person, browser):
    return browser(make_person("beheer@verwerker.example", "admin", two_factor=True))


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("", "127.0.0.1 is on this machine or a private network (127.0.0.1): a webhook may only call a public address"),
        ("?lang=nl", "127.0.0.1 staat op deze machine of in een privénetwerk (127.0.0.1): een webhook mag alleen"),
    ],
)
def test_the_form_says_why_a_private_target_is_refused(admin_client, lang, message):
    page = f"/admin/webhooks/{lang}"
    response = admin_client.post(
        page,
        data={
            "csrf_token": admin_client.csrf(page),
            "name": "Intern",
            "url": "http://127.0.0.1:9/x",
            "controller_id": "",
        },
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Webhook)) == 0


def _hook_to_the_receiver(receiver, app, monkeypatch, path: str) -> Webhook:
    """A webhook to the loopback receiver, made while the setting allowed it; then the setting is off again (or a
    name that resolved to a public address at creation resolves to a private one now)."""
    made = webhooks.create_webhook(name="Was toegestaan", url=receiver.url(path))
    db.session.commit()
    receiver.expect(path, made.secret)
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE_TARGETS", False)
    return made


@pytest.fixture
def incident(app, make_controller, make_contract):
    """A confirmed incident with a boz-24h contract: at 12 h two reminders are due, each with a webhook call."""
    contract = make_contract("boz-24h", make_controller(name="Kliniek X"))
    made = breaches.create_incident(
        title="Verloren laptop", aware_at=START, status="confirmed", contract_ids=[contract.id], now=START
    )
    db.session.commit()
    return made


def calls_of(hook: Webhook) -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_call_to_a_private_target_is_refused_at_delivery(app, incident, receiver, monkeypatch, host):
    made = _hook_to_the_receiver(receiver, app, monkeypatch, "/intern")
    made.url = made.url.replace("127.0.0.1", host)
    db.session.commit()
    tick(at(12))
    assert deliver_due(now=at(12)) == {"failed": 2}  # both reminders' calls, failed at once: never retried
    assert receiver.calls_to("/intern") == []
    calls = calls_of(made)
    assert len(calls) == 2
    for delivery in calls:
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 1, None)
        assert delivery.last_error in ("private_target 127.0.0.1", "private_target ::1")
        assert delivery.response_status is None
    assert deliver_due(now=at(20)) == {}


def test_the_page_shows_why_a_call_was_not_made(app, receiver, monkeypatch, admin_client):
    made = _hook_to_the_receiver(receiver, app, monkeypatch, "/intern")
    webhooks.queue_test(made)
    db.session.commit()
    assert deliver_due() == {"failed": 1}
    for lang, text in [
        ("", "Not called: 127.0.0.1 is on this machine or a private network."),
        ("?lang=nl", "Niet aangeroepen: 127.0.0.1 staat op deze machine of in een privénetwerk."),
    ]:
        page = admin_client.get(f"/admin/webhooks/{made.id}{lang}").get_data(as_text=True)
        row = re.search(r'<tr data-delivery="\d+" data-status="failed">(.*?)</tr>', page, re.S)
        assert row and text in row.group(1)
    assert receiver.calls_to("/intern") == []
    assert db.session.scalars(select(WebhookDelivery.last_error)).all() == ["private_target 127.0.0.1"]


def test_the_connection_itself_is_made_to_checked_addresses_only(app, monkeypatch):
    """The check at the moment of connecting (what urllib calls for a direct connection): the name is resolved
    once and the connection goes to one of the addresses checked, so a name resolving elsewhere later cannot slip
    through. With the setting, the same function connects."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        with pytest.raises(TargetRefused) as refused:
            connect(("localhost", port), 5)
        assert (refused.value.host, refused.value.address) == ("localhost", "127.0.0.1")
        monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE_TARGETS", True)
        accepted = threading.Thread(target=server.accept, daemon=True)
        accepted.start()
        with connect(("localhost", port), 5) as sock:
            assert sock.getpeername() == ("127.0.0.1", port)
        accepted.join(5)


ADDRESSES = [a for _url, addresses in REFUSED for a in addresses.split("|")]


@pytest.mark.parametrize(("address", "refused"), [(a, True) for a in ADDRESSES] + [("8.8.8.8", False)])
def test_forbidden(address, refused):
    assert forbidden(address) is refused
