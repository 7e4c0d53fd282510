"""A refused request writes nothing, in every write view of the web interface (the API has its own `refused`
checks in tests/api). "Nothing" is checked on the content of every table, not on row counts: an UPDATE that a
refused request left behind would show as well.

Three checks: every write route (found in the app's URL map, so a new one cannot be forgotten) refuses a post
without its CSRF token; every route that takes input refuses a wrong one; and the list of cases covers the URL
map."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from incidents.breaches import service as breaches
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.intake import service as intake

from ..support.database import AUDIT_TRAIL
from ..support.forms import csrf_from
from ..support.intake import inbound_message

# A post that takes input, a wrong input, and the statuses a refusal may answer with (a redirect only with an
# error message on the page it leads to). {incident}, {controller}, ... are filled from the world below.
CASES = {
    "account.calendar.create": ("/account/calendar/", {"name": "x" * 5000}),
    "account.password": (
        "/account/password",
        {"pw-current": "wrong", "pw-new": "a new long password", "pw-confirm": "a new long password"},
    ),
    "account.tokens": ("/account/tokens", {"name": "SIEM", "expires_days": "-5"}),
    "account.two_factor_off": ("/account/two-factor/off", {"off-code": "000000"}),
    "admin.users": ("/admin/users", {"email": "not an address", "role": "handler", "password": "short"}),
    "admin.change_role": ("/admin/users/{handler}/role", {"role": "controller", "controller_id": ""}),
    "admin.deactivate": ("/admin/users/{admin}/deactivate", {}),  # one's own account
    "admin.reset_two_factor": ("/admin/users/{admin}/reset-2fa", {}),  # one's own
    "webhooks.create": ("/admin/webhooks/", {"name": "SIEM", "url": "ftp://not-a-webhook"}),
    "parties.controllers": ("/controllers", {"name": "", "contact_email": "nobody"}),
    "parties.edit_controller": ("/controllers/{controller}", {"name": "", "contact_email": "nobody"}),
    "parties.contracts": (
        "/contracts",
        {"controller_id": "{controller}", "profile": "no-such-profile", "reference": "VO-NEW"},
    ),
    "parties.edit_contract": (
        "/contracts/{contract}",
        {"controller_id": "{controller}", "profile": "nope", "reference": ""},
    ),
    "parties.import_csv": ("/contracts/import", {"text": "reference;controller\nVO-X;"}),
    "calendar.controller_create": ("/controllers/{controller}/calendar-feeds", {"name": "x" * 5000}),
    "incidents.new": (
        "/incidents/new",
        {"title": "Lek", "aware_at": "2026-03-29T02:30", "status": "suspected", "references": "VO-00001"},
    ),  # a wall time that does not exist
    "incidents.confirm": ("/incidents/{incident}/confirm", {"confirm-confirmed_at": "2099-01-01T10:00"}),
    "incidents.dismiss": ("/incidents/{incident}/dismiss", {"dismiss-reason": ""}),
    "incidents.correct_anchor": (
        "/incidents/{incident}/corrections",
        {"correct-field": "aware_at", "correct-value": "2099-01-01T10:00", "correct-reason": "Tikfout"},
    ),  # a time in the future (and later than the current one)
    "incidents.add_contracts": ("/incidents/{incident}/contracts", {"references": "VO-00002\nNO-SUCH-REF"}),
    "incidents.remove_contract": ("/incidents/{incident}/contracts/{contract}/remove", {"reason": "  "}),
    "incidents.withdraw_contract": (
        "/incidents/{incident}/contracts/{other_contract}/withdraw",
        {"reason": "Niet betrokken"},
    ),  # a contract the incident does not have
    "incidents.fields": ("/incidents/{incident}/fields", {"f-cause": "x" * 100_000}),
    "incidents.details": ("/incidents/{incident}/details", {"d-started_at": "2099-01-01T10:00"}),
    "incidents.filings": (
        "/incidents/{incident}/filings",
        {"filing-kind": "controller_notice", "filing-contract_id": "{other_contract}", "filing-channel": "email"},
    ),
    "incidents.severity": ("/incidents/{incident}/severity", {"sev-data_types": "basic", "sev-identification": "9"}),
    "incidents.decisions": (
        "/incidents/{incident}/decisions",
        {"decision-controller_id": "{controller}", "decision-notify_ap": "yes"},
    ),  # no maker
    "incidents.scope": ("/incidents/{incident}/controllers/{controller}/scope", {"scope-subjects_min": "-1"}),
    "incidents.scopes": ("/incidents/{incident}/scopes", {"csv-text": "controller_id;subjects_min\n99999;5"}),
    "incidents.bulk": (
        "/incidents/{incident}/bulk",
        {"target": "selected", "controller_ids": "{other_controller}", "version": "initial", "token": "a" * 32},
    ),  # a controller the incident does not affect
    "incidents.bulk_filings": (
        "/incidents/{incident}/bulk-filings",
        {"target": "selected", "controller_ids": "{other_controller}", "filing_channel": "phone"},
    ),  # the same
    "incidents.internal_note": ("/incidents/{incident}/internal-note", {"note-internal_note": "x" * 100_000}),
    "notices.send": ("/incidents/{incident}/notices", {"controller_id": "{other_controller}", "version": "initial"}),
    "notices.report": (
        "/incidents/{incident}/report",
        {"report-controller_id": "{other_controller}", "report-what_happened": "Iets"},
    ),
    "notices.consultation": (
        "/incidents/{incident}/consultation",
        {"consult-contract_id": "{contract}", "consult-with_whom": "", "consult-agreements": ""},
    ),
    "notices.acknowledge": ("/ack/forged-token", {"name": "Iemand"}),
    "incidents.authority_action": ("/incidents/{incident}/authority-action", {"authority-at": "2001-01-01T09:00"}),
    # the incident is not dismissed: there is nothing to close as unfounded
    "notices.send_final_all": ("/incidents/{incident}/notices/final-all", {"token": "a" * 20}),
    "portal.decision": ("/portal/incidents/{incident}/decisions", {"decision-notify_ap": "yes"}),
    "portal.filing": ("/portal/incidents/{incident}/filings", {"ap-kind": "ap_notification"}),
    "portal.question": ("/portal/incidents/{incident}/questions", {"q-text": "Vraag"}),
    # significant, but since a time before we knew of the incident at all
    "regimes.classify": (
        "/incidents/{incident}/regimes/nis2/classification",
        {"answer": "yes", "aware_at": "2001-01-01T09:00", "reason": "Uitval van de dienst"},
    ),
    "regimes.facts": ("/incidents/{incident}/regimes/nis2/facts", {"indicators": "x" * 100_000}),
    "regimes.request_report": (
        "/incidents/{incident}/regimes/nis2/requests/intermediate_report",
        {"at": "2099-01-01T09:00", "due_at": "2099-01-02T09:00"},
    ),  # not classified, and in the future
    "regimes.file_stage": (
        "/incidents/{incident}/regimes/nis2/stages/early_warning/filings",
        {"at": "2026-11-20T10:00", "channel": "portal", "reference": "ZC-1"},
    ),  # not classified as significant yet
    "regimes.not_needed": (
        "/incidents/{incident}/regimes/nis2/stages/early_warning/not-needed",
        {"reason": "Alles was bekend"},
    ),  # the early warning is owed without condition
    "intake.accept": ("/intake/{message}/accept", {"accept-title": "  "}),
    "intake.reject": ("/intake/{message}/reject", {"reject-reason": ""}),
    "portal.forward": (
        "/portal/incidents/{incident}/documents/99999/forward",
        {"fwd-recipients": "geen adres"},
    ),  # no such document (and no address)
    "parties.sub_processor_list": ("/sub-processors", {"name": "", "services": "x"}),
    "parties.edit_sub_processor": ("/sub-processors/99999", {"name": "MessageBird"}),  # no such sub-processor
}

# Posts without input: a button whose only refusal is a missing object or a missing right; the CSRF check below
# covers them, and each is refused here for an object that does not exist.
BUTTONS = {
    "account.calendar.revoke": "/account/calendar/99999/revoke",
    "account.revoke": "/account/tokens/99999/revoke",
    "account.two_factor_confirm": None,  # the administrator has it on already: back to the account page
    "account.recovery_codes": None,  # a new set of codes for oneself: no refusal but the CSRF one
    "admin.reactivate": "/admin/users/99999/reactivate",
    "admin.unlock": "/admin/users/99999/unlock",
    "webhooks.deactivate": "/admin/webhooks/99999/deactivate",
    "webhooks.send_test": "/admin/webhooks/99999/test",
    "calendar.controller_revoke": "/controllers/{controller}/calendar-feeds/99999/revoke",
    "incidents.answer": "/incidents/{incident}/questions/99999/answer",
    "notices.send_all": None,  # every controller not yet told: refused only by CSRF (checked below)
    "notices.retry": "/incidents/{incident}/outbox/99999/retry",
    "notifications.read": "/notifications/99999/read",
    "notifications.read_all": None,  # marks one's own notifications read: no refusal but the CSRF one
    "portal.acknowledge": "/portal/incidents/{incident}/messages/99999/acknowledge",
}

# The login pages write on a refusal, by design: a wrong password or code is counted towards the lockout
# (tests/security). Logging out has nothing to refuse.
AUTH = {"auth.login", "auth.second_factor", "auth.logout", "auth.logout_everywhere"}


def web_write_endpoints(app) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"} and not rule.rule.startswith("/api/")
    }


def snapshot(audit: bool = True) -> str:
    """A digest of every row of every table (without `audit`: but the audit trail, where a refused attempt of a
    controller user or a viewer is written on purpose)."""
    db.session.expire_all()
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        if not audit and table.name in AUDIT_TRAIL:
            continue
        key = list(table.primary_key.columns) or list(table.columns)
        for row in db.session.execute(select(table).order_by(*key)):
            digest.update(repr((table.name, tuple(row))).encode())
    return digest.hexdigest()


@pytest.fixture
def world(app, admin, admin_client, handler, make_contract, make_controller):
    controller, other = make_controller(), make_controller()
    contract = make_contract(controller=controller)
    other_contract = make_contract(controller=other)
    incident = breaches.create_incident(
        title="Storing", description="", aware_at=utcnow() - timedelta(hours=1), contract_ids=[contract.id], actor=None
    )
    message = intake.store_message(inbound_message(), channel="smtp", received_at=utcnow()).message
    db.session.commit()
    return {
        "message": message.id,
        "incident": incident.id,
        "controller": controller.id,
        "contract": contract.id,
        "other_controller": other.id,
        "other_contract": other_contract.id,
        "admin": admin.id,
        "handler": handler.id,
    }


def filled(text: str, world: dict) -> str:
    return text.format(**world)


def token_for(client) -> str:
    return csrf_from(client.get("/account/tokens"))


def test_the_cases_cover_every_write_route_of_the_web_interface(app):
    assert web_write_endpoints(app) == set(CASES) | set(BUTTONS) | AUTH


@pytest.mark.parametrize("endpoint", sorted(set(CASES) | set(BUTTONS)))
def test_a_post_without_its_csrf_token_is_refused_and_writes_nothing(admin_client, world, endpoint):
    url = CASES[endpoint][0] if endpoint in CASES else (BUTTONS[endpoint] or _button_url(endpoint))
    before = snapshot()
    response = admin_client.post(filled(url, world), data={})
    assert response.status_code == 400, (endpoint, response.status_code)
    assert snapshot() == before


def _button_url(endpoint: str) -> str:
    return {
        "account.recovery_codes": "/account/two-factor/recovery-codes",
        "account.two_factor_confirm": "/account/two-factor",
        "notices.send_all": "/incidents/{incident}/notices/all",
        "notifications.read_all": "/notifications/read-all",
    }[endpoint]


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_a_refused_form_writes_nothing(admin_client, world, endpoint):
    url, data = CASES[endpoint]
    form = {key: filled(value, world) for key, value in data.items()}
    form["csrf_token"] = token_for(admin_client)
    before = snapshot()
    response = admin_client.post(filled(url, world), data=form)
    assert snapshot() == before, endpoint
    if response.status_code in (302, 303):  # a button form: refused with a message on the page it leads back to
        page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
        assert re.search(r'class="flash error"|class="[^"]*\berror\b', page), (endpoint, response.headers["Location"])
    else:
        assert response.status_code in (400, 403, 404, 409, 410, 422), (endpoint, response.status_code)


@pytest.mark.parametrize("endpoint", sorted(e for e, url in BUTTONS.items() if url))
def test_a_button_for_something_that_does_not_exist_writes_nothing(admin_client, world, endpoint):
    before = snapshot()
    response = admin_client.post(filled(BUTTONS[endpoint], world), data={"csrf_token": token_for(admin_client)})
    assert response.status_code in (403, 404), (endpoint, response.status_code)
    assert snapshot() == before
