"""Each controller is told its own truth: every output addressed to controller X (notice PDF and e-mail, the
investigation report, the AP draft as page, PDF and JSON, the letters to data subjects, the portal pages, the API
as X's token, the calendar feed and the webhook payloads) holds X's scope and none of another controller's, nor the
incident-wide totals, nor the processor's internal note. Each of three controllers gets distinct marker values;
every output is rendered for each of them in Dutch and in English, PDFs read back with pypdf.

The markers are written so that any one of them in a foreign output fails the test: numbers in every way a
document may print them, the notes, the controllers' names, and the countries and data categories only that
controller has.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from incidents.auth.service import create_token, create_user
from incidents.breaches import service as breaches
from incidents.breaches.models import Obligation
from incidents.breaches.scope import set_scope
from incidents.calendar import service as calendar_feeds
from incidents.core.instants import utcnow
from incidents.core.scope import country_name
from incidents.core.scope_words import CATEGORY_LABELS
from incidents.extensions import db
from incidents.notices import service as notices
from incidents.notices.models import Document, OutboxMessage
from incidents.notices.outbox import deliver_due
from incidents.reminders.service import tick
from incidents.webhooks.models import Webhook, WebhookDelivery

from ..support.forms import csrf_token

PASSWORD = "correct horse battery"
DIGEST = re.compile(r"[0-9a-f]{16,}")  # a hex digest, or a part of one that a PDF line wrapped
INTERNAL = "INTERN-VERWERKER-5150"
SCOPES = {
    "alfa": {
        "subjects_min": 7311,
        "subjects_max": 7377,
        "records_min": 61311,
        "records_max": 61399,
        "countries": ["NL", "BE"],
        "data_categories": ["name", "iban"],
        "special_categories": ["genetic"],
        "subject_groups": ["patients"],
        "note": "ALFA-NOTITIE-731",
    },
    "beta": {
        "subjects_min": 8422,
        "subjects_max": 8488,
        "records_min": 62422,
        "records_max": 62499,
        "countries": ["NL", "DE"],
        "data_categories": ["name", "credit_card"],
        "special_categories": ["biometric"],
        "subject_groups": ["patients"],
        "note": "BETA-NOTITIE-842",
    },
    "gamma": {
        "subjects_min": 9533,
        "subjects_max": 9599,
        "records_min": 63533,
        "records_max": 63599,
        "countries": ["NL", "FR"],
        "data_categories": ["name", "id_copy"],
        "special_categories": ["political"],
        "subject_groups": ["patients"],
        "note": "GAMMA-NOTITIE-953",
    },
}
NAMES = {"alfa": "Kliniek Alfa", "beta": "Kliniek Beta", "gamma": "Kliniek Gamma"}


def _numbers(n: int) -> set[str]:
    return {str(n), f"{n:,}", f"{n:,}".replace(",", ".")}


def markers(key: str) -> set[str]:
    """What only controller `key` may be told, in any form a document prints it."""
    scope = SCOPES[key]
    found = {scope["note"], NAMES[key], f"VO-{key.upper()}"}
    for name in ("subjects_min", "subjects_max", "records_min", "records_max"):
        found |= _numbers(scope[name])
    for code in scope["countries"]:
        if code != "NL":
            found |= {country_name(code, "nl"), country_name(code, "en")}
    for code in (c for c in scope["data_categories"] + scope["special_categories"] if c != "name"):
        found |= set(CATEGORY_LABELS[code])
    return found


def totals() -> set[str]:
    """The incident-wide sums: they hold every controller's numbers, so no single controller may see them."""
    found = {INTERNAL}
    for name in ("subjects_min", "subjects_max", "records_min", "records_max"):
        found |= _numbers(sum(s[name] for s in SCOPES.values()))
    return found


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages).split())


def text_of(response) -> str:
    assert response.status_code == 200, (response.request.path, response.status_code)
    if response.mimetype == "application/pdf":
        return pdf_text(response.data)
    return response.get_data(as_text=True)


@pytest.fixture(params=["nl", "en"])
def world(request, app, tmp_path, make_controller, make_contract):
    language = request.param
    app.config.update(MAIL_SERVER=None, MAIL_FOLDER=str(tmp_path / "mail"))
    staff = create_user("dpo@verwerker.example", "handler", PASSWORD)
    controllers, contracts = {}, []
    for n, key in enumerate(SCOPES, 1):
        controllers[key] = make_controller(
            name=NAMES[key], contact_email=f"fg@{key}.example", kvk=f"5555000{n}", language=language
        )
        contracts.append(make_contract("boz-72h", controllers[key], reference=f"VO-{key.upper()}-1"))
    now = utcnow().replace(microsecond=0)
    incident = breaches.create_incident(
        # 40 hours ago: past half of each contract's 72-hour consultation window, so a reminder (and its webhook
        # call) is due when the tick runs
        title="Ransomware op het platform",
        description="Versleuteling van de opslag.",
        aware_at=now - timedelta(hours=40),
        status="confirmed",
        contract_ids=[c.id for c in contracts],
        actor=staff,
        fields={
            "nature": "Ransomware",
            "measures": "Systemen hersteld uit back-up",
            "consequences": "Onbeschikbaarheid",
        },
        details={
            "incident_kind": "hacking_malware_phishing",
            "protection": "none",
            "started_at": now - timedelta(hours=44),
        },
    )
    breaches.update_incident(incident, internal_note=INTERNAL, actor=staff)
    for key, controller in controllers.items():
        set_scope(incident, controller.id, SCOPES[key], actor=staff)
    db.session.commit()
    notices.issue_notices(incident, all_=True, actor=staff)
    for controller in controllers.values():
        notices.issue_report(
            incident,
            controller.id,
            {
                "what_happened": "Versleuteling.",
                "cause": "Phishing.",
                "response": "Herstel.",
                "follow_up": "Monitoring.",
            },
            actor=staff,
        )
    db.session.commit()
    deliver_due()
    users, tokens, feeds, hooks = {}, {}, {}, {}
    for key, controller in controllers.items():
        users[key] = create_user(f"fg@{key}.example", "controller", PASSWORD, controller_id=controller.id)
        db.session.flush()
        tokens[key] = create_token(users[key].email, "tests")[1]
        feeds[key] = calendar_feeds.create_feed(name="Agenda", controller=controller, actor=staff)[1]
        hooks[key] = Webhook(
            controller_id=controller.id, name=f"Kanaal {key}", url=f"https://{key}.example/hook", secret=f"{key}-secret"
        )
        db.session.add(hooks[key])
    db.session.commit()
    # Every deadline is reminded of now: the reminder tick queues the webhook calls, with their payloads.
    db.session.execute(
        update(Obligation)
        .where(Obligation.incident_id == incident.id)
        .values(next_reminder_at=now - timedelta(seconds=1))
    )
    db.session.commit()
    tick()
    return language, incident, controllers, users, tokens, feeds, hooks, staff


def outputs_for(key, app, world) -> dict[str, str]:
    """Every output addressed to controller `key`, as text, by a name that says what it is."""
    language, incident, controllers, users, tokens, feeds, hooks, _staff = world
    controller = controllers[key]
    found: dict[str, str] = {}
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.controller_id == controller.id)):
        found[f"e-mail {message.id} text"] = message.subject + "\n" + message.body_text
        found[f"e-mail {message.id} html"] = message.body_html
    for document in db.session.scalars(select(Document).where(Document.controller_id == controller.id)):
        found[f"document {document.filename}"] = pdf_text(document.content)
    assert len([k for k in found if k.startswith("document")]) == 2  # the notice and the report

    staff_client = app.test_client()
    staff_client.post(
        "/login",
        data={"email": "dpo@verwerker.example", "password": PASSWORD, "csrf_token": csrf_token(staff_client, "/login")},
    )
    lang = f"lang={language}"
    base = f"/incidents/{incident.id}"
    for name, url in (
        ("AP draft page", f"{base}/ap-draft/{controller.id}?{lang}"),
        ("AP draft PDF", f"{base}/ap-draft/{controller.id}.pdf?{lang}"),
        ("EDPB draft page", f"{base}/edpb-draft/{controller.id}?{lang}"),
        ("EDPB draft PDF", f"{base}/edpb-draft/{controller.id}.pdf?{lang}"),
        ("letters", f"{base}/subjects-letter/{controller.id}?{lang}&letter_lang={language}"),
    ):
        found[name] = text_of(staff_client.get(url))
    bearer = {"Authorization": f"Bearer {tokens[key]}"}
    api = f"/api/v1/incidents/{incident.id}"
    for name, url in (
        ("API incident", api),
        ("API deadlines", f"{api}/deadlines"),
        ("API scope", f"{api}/controllers/{controller.id}/scope"),
        ("API AP draft", f"{api}/ap-draft?controller_id={controller.id}&language={language}"),
        ("API AP draft PDF", f"{api}/ap-draft?controller_id={controller.id}&language={language}&format=pdf"),
        ("API EDPB draft", f"{api}/edpb-draft?controller_id={controller.id}&language={language}"),
        ("API EDPB draft PDF", f"{api}/edpb-draft?controller_id={controller.id}&language={language}&format=pdf"),
    ):
        found[name] = text_of(staff_client.get(url, headers=bearer))

    portal = app.test_client()
    response = portal.post(
        "/login", data={"email": users[key].email, "password": PASSWORD, "csrf_token": csrf_token(portal, "/login")}
    )
    assert response.status_code == 302
    for name, url in (
        ("portal index", f"/portal/?{lang}"),
        ("portal incident", f"/portal/incidents/{incident.id}?{lang}"),
        ("portal AP draft", f"/portal/incidents/{incident.id}/ap-draft?{lang}"),
        ("portal AP draft PDF", f"/portal/incidents/{incident.id}/ap-draft.pdf?{lang}"),
        ("portal EDPB draft", f"/portal/incidents/{incident.id}/edpb-draft?{lang}"),
        ("portal EDPB draft PDF", f"/portal/incidents/{incident.id}/edpb-draft.pdf?{lang}"),
    ):
        found[name] = text_of(portal.get(url))
    found["calendar feed"] = text_of(app.test_client().get(f"/calendar/{feeds[key]}.ics"))
    payloads = db.session.scalars(select(WebhookDelivery.payload).where(WebhookDelivery.webhook_id == hooks[key].id))
    found["webhook payloads"] = "\n".join(json.dumps(p, ensure_ascii=False) for p in payloads)
    assert found["webhook payloads"], "the reminder tick queued no webhook call for this controller"
    return found


def test_every_output_for_each_controller_holds_its_own_scope_and_nothing_of_another(app, world):
    for key in SCOPES:
        outputs = outputs_for(key, app, world)
        foreign = set().union(*(markers(other) for other in SCOPES if other != key)) | totals()
        # a document states the record's chain heads: a SHA-256 in hex may hold a marker's digits by chance
        outputs = {name: DIGEST.sub(" ", text) for name, text in outputs.items()}
        leaks = [(name, marker) for name, text in outputs.items() for marker in foreign if marker in text]
        assert not leaks, f"{key} was told another's facts: {leaks[:10]}"
        # and it was told its own: the scope note and its number in the notice, the AP draft and the portal
        own = SCOPES[key]
        for name in ("API AP draft", "AP draft PDF", "portal incident"):
            assert any(n in outputs[name] for n in _numbers(own["subjects_min"])), (key, name)
        notice = next(
            text
            for name, text in outputs.items()
            if name.startswith("document") and ("-melding-eerste-" in name or "-notice-initial-" in name)
        )
        assert own["note"] in notice and any(n in notice for n in _numbers(own["records_max"])), key
        assert own["note"] in outputs["portal incident"]
