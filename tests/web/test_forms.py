"""Server-rendered forms: CSRF, validation with clear errors, nothing half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from incidents.breaches.models import Filing, Incident
from incidents.extensions import db
from tests.conftest import MAKER_FORM

from ..support.forms import csrf_token, log_incident


def test_pages_need_login(client):
    for url in ("/", "/incidents/", "/incidents/new", "/controllers", "/contracts", "/contracts/import"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_login_refuses_wrong_password_and_foreign_next(client, user):
    token = csrf_token(client, "/login")
    wrong = client.post("/login", data={"email": user.email, "password": "nope", "csrf_token": token})
    assert wrong.status_code == 200
    assert "/login" in wrong.request.path
    right = client.post(
        "/login?next=//evil.example/x",
        data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
    )
    assert right.status_code == 302
    assert right.headers["Location"] == "/"


def test_post_without_csrf_token_is_refused(logged_in, row_counts):
    before = row_counts()
    response = logged_in.post("/controllers", data={"name": "X", "contact_email": "x@x.example"})
    assert response.status_code == 400
    assert row_counts() == before


def test_intake_form_creates_incident_with_clocks(logged_in, make_contract):
    contract = make_contract("boz-24h", reference="VO-9")
    response = log_incident(
        logged_in,
        {
            "title": "Gestolen laptop",
            "aware_at": "2026-11-20T09:15",
            "status": "confirmed",
            "confirmed_at": "",
            "references": "VO-9",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    incident = db.session.scalar(select(Incident))
    assert incident.reference.startswith("DL-2026-")
    # 09:15 CET is 08:15 UTC; confirmed without a time means confirmed when aware.
    assert incident.aware_at.isoformat() == "2026-11-20T08:15:00+00:00"
    assert incident.confirmed_at == incident.aware_at
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Art. 5.2" not in page  # the incident page lists controllers; each one's clocks are on its own page
    page = logged_in.get(f"{response.headers['Location']}/controllers/{contract.controller_id}").get_data(as_text=True)
    assert contract.reference in page
    assert "Art. 5.2" in page
    assert 'class="countdown"' in page
    # 20-11-2026 09:15 + 24 h = 21-11-2026 09:15 Amsterdam time
    assert "21-11-2026 09:15 CET" in page


def test_intake_form_refuses_unknown_reference_and_writes_nothing(logged_in, make_contract, row_counts):
    make_contract("boz-24h", reference="VO-9")
    before = row_counts()
    token = csrf_token(logged_in, "/incidents/new")
    response = logged_in.post(
        "/incidents/new",
        data={
            "csrf_token": token,
            "title": "Test",
            "aware_at": "2026-11-20T09:15",
            "status": "suspected",
            "references": "VO-9, VO-404",
        },
    )
    assert response.status_code == 422
    assert "VO-404" in response.get_data(as_text=True)
    assert row_counts() == before


def test_intake_form_asks_which_time_when_ambiguous(logged_in, row_counts):
    before = row_counts()
    token = csrf_token(logged_in, "/incidents/new")
    data = {"title": "Test", "aware_at": "2026-10-25T02:30", "status": "suspected", "no_contracts": "y"}
    response = logged_in.post("/incidents/new", data={**data, "csrf_token": token})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'name="aware_at_offset"' in html
    assert row_counts() == before
    # Answering the question resolves it: 02:30 winter time (+01:00) is 01:30 UTC.
    response = log_incident(logged_in, {**data, "aware_at_offset": "+01:00"})
    assert response.status_code == 302
    assert db.session.scalar(select(Incident.aware_at)).isoformat() == "2026-10-25T01:30:00+00:00"


def test_intake_form_refuses_future_time(logged_in, row_counts):
    before = row_counts()
    token = csrf_token(logged_in, "/incidents/new")
    response = logged_in.post(
        "/incidents/new",
        data={"csrf_token": token, "title": "Test", "aware_at": "2099-01-01T10:00", "status": "suspected"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # in Dutch, naming the moment in words rather than by the service's field name (aware_at)
    assert "het moment van kennisname (01-01-2099 10:00 CET) ligt in de toekomst" in html
    assert "future" not in html and "aware_at" not in html.split("</form>")[0].split("<form")[0]
    assert row_counts() == before


def _incident(logged_in, make_contract, profile="boz-72h"):
    contract = make_contract(profile, reference="VO-1")
    response = log_incident(
        logged_in,
        {
            "title": "Test",
            "aware_at": "2026-11-20T09:15",
            "status": "suspected",
            "references": "VO-1",
        },
    )
    assert response.status_code == 302
    return db.session.scalar(select(Incident)), contract


def test_confirm_fields_filing_and_decision_through_forms(logged_in, make_contract):
    incident, contract = _incident(logged_in, make_contract)
    url = f"/incidents/{incident.id}"
    token = csrf_token(logged_in, url)
    assert (
        logged_in.post(
            f"{url}/confirm", data={"csrf_token": token, "confirm-confirmed_at": "2026-11-20T10:00"}
        ).status_code
        == 302
    )
    assert (
        logged_in.post(
            f"{url}/fields", data={"csrf_token": token, "f-nature": "Phishing", "f-measures": "Wachtwoorden gereset"}
        ).status_code
        == 302
    )
    assert (
        logged_in.post(
            f"{url}/filings",
            data={
                "csrf_token": token,
                "filing-kind": "controller_notice",
                "filing-contract_id": str(contract.id),
                "filing-at": "2026-11-20T12:00",
                "filing-channel": "phone",
                "filing-note": "FG gebeld",
            },
        ).status_code
        == 302
    )
    assert (
        logged_in.post(
            f"{url}/decisions",
            data={
                "csrf_token": token,
                "decision-controller_id": str(contract.controller_id),
                **MAKER_FORM,
                "decision-notify_ap": "no",
                "decision-reason": "Geen risico",
            },
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert incident.fields == {"nature": "Phishing", "measures": "Wachtwoorden gereset"}
    filing = db.session.scalar(select(Filing))
    assert (filing.channel, filing.note) == ("phone", "FG gebeld")
    page = logged_in.get(f"{url}/controllers/{contract.controller_id}").get_data(as_text=True)
    assert "status-met" in page and "status-not_required" in page
    summary = logged_in.get(url).get_data(as_text=True)
    assert 'data-urgency="met"' in summary and 'data-urgency="not_required"' in summary


def test_decision_no_without_reason_is_refused(logged_in, make_contract, row_counts):
    incident, contract = _incident(logged_in, make_contract)
    url = f"/incidents/{incident.id}"
    token = csrf_token(logged_in, url)
    before = row_counts()
    response = logged_in.post(
        f"{url}/decisions",
        data={
            "csrf_token": token,
            "decision-controller_id": str(contract.controller_id),
            **MAKER_FORM,
            "decision-notify_ap": "no",
        },
    )
    assert response.status_code == 422
    assert "reason" in response.get_data(as_text=True)
    assert row_counts() == before


def test_filing_in_future_is_refused(logged_in, make_contract, row_counts):
    incident, contract = _incident(logged_in, make_contract)
    url = f"/incidents/{incident.id}"
    token = csrf_token(logged_in, url)
    before = row_counts()
    response = logged_in.post(
        f"{url}/filings",
        data={
            "csrf_token": token,
            "filing-kind": "controller_notice",
            "filing-contract_id": str(contract.id),
            "filing-at": "2099-11-20T12:00",
            "filing-channel": "email",
        },
    )
    assert response.status_code == 422
    assert row_counts() == before


def test_dismiss_needs_reason_and_ends_obligations(logged_in, make_contract):
    incident, contract = _incident(logged_in, make_contract, "citodent")
    url = f"/incidents/{incident.id}"
    token = csrf_token(logged_in, url)
    assert logged_in.post(f"{url}/dismiss", data={"csrf_token": token, "dismiss-reason": ""}).status_code == 422
    assert (
        logged_in.post(
            f"{url}/dismiss", data={"csrf_token": token, "dismiss-reason": "Geen persoonsgegevens"}
        ).status_code
        == 302
    )
    page = logged_in.get(f"{url}/controllers/{contract.controller_id}").get_data(as_text=True)
    assert "status-ended" in page and "status-running" not in page
    summary = logged_in.get(url).get_data(as_text=True)
    assert 'data-urgency="ended"' in summary and 'data-urgency="running"' not in summary


def test_user_text_is_escaped(logged_in, make_contract):
    incident, _ = _incident(logged_in, make_contract)
    url = f"/incidents/{incident.id}"
    token = csrf_token(logged_in, url)
    logged_in.post(f"{url}/fields", data={"csrf_token": token, "f-nature": "<script>alert(1)</script>"})
    page = logged_in.get(url).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_controller_and_contract_forms(logged_in, row_counts):
    token = csrf_token(logged_in, "/controllers")
    bad = logged_in.post(
        "/controllers",
        data={
            "csrf_token": token,
            "name": "Kliniek",
            "kvk": "123",
            "contact_email": "fg@kliniek.example",
            "language": "nl",
        },
    )
    assert bad.status_code == 422
    assert row_counts()["controllers"] == 0
    ok = logged_in.post(
        "/controllers",
        data={
            "csrf_token": token,
            "name": "Kliniek",
            "kvk": "12345678",
            "contact_email": "fg@kliniek.example",
            "language": "nl",
        },
    )
    assert ok.status_code == 302
    from incidents.parties.models import Controller

    controller = db.session.scalar(select(Controller))
    token = csrf_token(logged_in, "/contracts")
    created = logged_in.post(
        "/contracts",
        data={"csrf_token": token, "controller_id": controller.id, "profile": "doctolib", "reference": "VO-77"},
    )
    assert created.status_code == 302
    duplicate = logged_in.post(
        "/contracts",
        data={"csrf_token": token, "controller_id": controller.id, "profile": "doctolib", "reference": "VO-77"},
    )
    assert duplicate.status_code == 422
    assert row_counts()["contracts"] == 1
    edit = logged_in.post(
        f"/controllers/{controller.id}",
        data={
            "csrf_token": token,
            "name": "Kliniek Zuid",
            "kvk": "12345678",
            "contact_email": "fg@kliniek.example",
            "language": "en",
        },
    )
    assert edit.status_code == 302
    db.session.expire_all()
    assert (controller.name, controller.language) == ("Kliniek Zuid", "en")


def test_english_is_available(logged_in):
    dutch = logged_in.get("/").get_data(as_text=True)
    english = logged_in.get("/?lang=en").get_data(as_text=True)
    assert 'lang="nl"' in dutch and 'lang="en"' in english
    assert "Log out" in english
    assert "Log out" not in dutch


@pytest.mark.parametrize(
    ("status", "profile", "says"),
    [
        ("confirmed", "boz-72h", "termijnen lopen"),
        ("suspected", "boz-72h", "de termijnen uit de contracten wachten tot de inbreuk is vastgesteld"),
        ("suspected", "citodent", "termijnen lopen"),  # this contract's clock starts on a suspicion
        ("suspected", None, "er is nog geen contract getroffen, dus er loopt geen termijn"),
    ],
)
def test_the_intake_says_truthfully_whether_clocks_run(logged_in, make_contract, status, profile, says):
    if profile:
        make_contract(profile, reference="VO-1")
    data = {"title": "Test", "aware_at": "2026-11-20T09:15", "status": status}
    data.update({"references": "VO-1"} if profile else {"no_contracts": "y"})
    response = log_incident(logged_in, data)
    assert response.status_code == 302
    assert says in logged_in.get(response.headers["Location"]).get_data(as_text=True)
