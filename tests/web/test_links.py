"""Links that leave the page (acknowledgement links in notices, calendar feeds, reminders) point at the address the
app is served on when BASE_URL is not set, and at BASE_URL when it is; `make run` gives the worker its port."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

from sqlalchemy import select

from incidents import ROOT
from incidents.breaches import service as breaches
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.links import base_url
from incidents.notices.models import OutboxMessage

from ..support.forms import log_in

SERVED_AT = "http://desk.example:8123"


def an_incident(user, make_controller, make_contract):
    controller = make_controller(name="Ziekenhuis West", contact_email="fg@west.example")
    incident = breaches.create_incident(
        title="Storing",
        aware_at=utcnow() - timedelta(hours=2),
        status="confirmed",
        contract_ids=[make_contract("boz-72h", controller).id],
        actor=user,
    )
    db.session.commit()
    return incident


def test_without_base_url_a_notice_links_to_the_address_of_the_request(app, api, user, make_controller, make_contract):
    app.config["BASE_URL"] = None
    incident = an_incident(user, make_controller, make_contract)
    response = api.post(f"/api/v1/incidents/{incident.id}/notices", json={"all": True}, base_url=SERVED_AT)
    assert response.status_code == 202, response.get_json()
    message = db.session.scalar(select(OutboxMessage))
    links = re.findall(r"https?://[^\s'\"<>]+/ack/\S+", message.body_text + message.body_html)
    assert links and all(link.startswith(f"{SERVED_AT}/ack/") for link in links)


def test_with_base_url_every_link_uses_it(app, api, user, make_controller, make_contract):
    app.config["BASE_URL"] = "https://datalek.example.nl/"
    incident = an_incident(user, make_controller, make_contract)
    api.post(f"/api/v1/incidents/{incident.id}/notices", json={"all": True}, base_url=SERVED_AT)
    message = db.session.scalar(select(OutboxMessage))
    assert "https://datalek.example.nl/ack/" in message.body_text and SERVED_AT not in message.body_text


def at(app, address: str):
    """A test client whose every request reaches the app at `address` (its cookies are that host's)."""
    plain = app.test_client_class

    class At(plain):
        def open(self, *args, **kwargs):
            kwargs.setdefault("base_url", address)
            return super().open(*args, **kwargs)

    app.test_client_class = At
    try:
        return app.test_client()
    finally:
        app.test_client_class = plain


def test_outside_a_request_the_address_a_signed_in_user_last_reached(app, user):
    app.config["BASE_URL"] = None
    assert base_url() == "http://127.0.0.1:5000"  # nothing reached yet: the development server's default
    stranger = at(app, "http://evil.example")
    assert stranger.get("/login").status_code == 200  # anonymous: a made-up Host is not remembered
    assert base_url() == "http://127.0.0.1:5000"
    client = at(app, SERVED_AT)
    log_in(client, user.email, "correct horse battery")
    assert client.get("/").status_code == 200
    assert base_url() == SERVED_AT
    app.config["BASE_URL"] = "https://datalek.example.nl"
    assert base_url() == "https://datalek.example.nl"


def test_make_run_starts_the_worker_with_the_port_and_stops_it_with_the_app():
    recipe = subprocess.run(
        ["make", "-n", "--always-make", "run", "PORT=5111", "BIN=/nowhere"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\\\n", " ")  # the recipe's continued lines are one shell command
    [line] = [line for line in recipe.splitlines() if "wsgi worker" in line]
    assert (
        'INCIDENTS_BASE_URL="${INCIDENTS_BASE_URL:-http://127.0.0.1:5111}" /nowhere/flask --app wsgi worker &' in line
    )
    # one shell: the worker in the background, killed by the trap when the web app ends (Ctrl-C included)
    assert "trap 'kill $worker" in line and "EXIT INT TERM" in line
    assert line.rstrip().endswith("/nowhere/flask --app wsgi run --host 127.0.0.1 --port 5111")
