"""The unit of work at the request boundary (incidents/transaction.py): one commit after a successful response,
nothing kept of a refused or failed one, and work queued for after the commit runs only then."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from incidents.extensions import db
from incidents.parties.models import Controller
from incidents.parties.service import create_controller
from incidents.transaction import after_commit, refuse

from .support.app import own_app


@pytest.fixture
def app(database_uri):
    """An app of this module's own: the tests add routes to it (the shared app has served requests, after which
    Flask refuses new routes)."""
    with own_app(database_uri) as own:
        yield own


@pytest.fixture
def routes(app):
    """Routes that write a controller, then answer in the way the test names; `ran` records after-commit work."""
    ran: list[str] = []

    def write(name: str) -> None:
        create_controller({"name": name, "contact_email": f"{name}@zorg.example"})
        after_commit(lambda: ran.append(name))

    def ok():
        write("ok")
        return "saved"

    def redirected_refusal():
        write("refused")
        refuse()
        return "", 302, {"Location": "/"}

    def error_status():
        write("unprocessable")
        return "no", 422

    def crash():
        write("crash")
        raise RuntimeError("boom")

    for rule, view in (
        ("/t/ok", ok),
        ("/t/refused", redirected_refusal),
        ("/t/422", error_status),
        ("/t/crash", crash),
    ):
        app.add_url_rule(rule, rule, view, methods=["POST"])
    app.config.update(PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=False)  # bare test routes, no forms
    return ran


def names() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Controller.name).order_by(Controller.id)))


def test_a_successful_request_commits_once_and_then_runs_what_follows_the_commit(app, routes):
    client = app.test_client()
    assert client.post("/t/ok").status_code == 200
    assert names() == ["ok"] and routes == ["ok"]


@pytest.mark.parametrize("url, status", [("/t/refused", 302), ("/t/422", 422), ("/t/crash", 500)])
def test_a_refused_or_failed_request_keeps_nothing_and_runs_nothing_after(app, routes, url, status):
    client = app.test_client()
    assert client.post(url).status_code == status
    assert names() == [] and routes == []
    # the next request is not affected by the refusal before it
    assert client.post("/t/ok").status_code == 200
    assert names() == ["ok"] and routes == ["ok"]
    assert db.session.scalar(select(func.count()).select_from(Controller)) == 1


def test_a_domain_error_no_view_caught_is_a_refusal_page_with_its_status_and_keeps_nothing(app, routes):
    from incidents.errors import N_, Conflict, Term

    def conflicting():
        create_controller({"name": "half", "contact_email": "half@zorg.example"})
        after_commit(lambda: routes.append("half"))
        raise Conflict(
            N_("incident %(reference)s is %(status)s; it cannot be %(action)s"),
            params={"reference": "IN-1", "status": Term("dismissed"), "action": Term("confirmed")},
        )

    app.add_url_rule("/t/conflict", "conflict", conflicting, methods=["POST"])
    client = app.test_client()
    response = client.post("/t/conflict")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    # Dutch first: the page says it in Dutch, the service's reason translated
    assert "Er is niets opgeslagen" in page and "Dit botst met wat intussen is vastgelegd" in page
    assert "incident IN-1 is afgewezen; het kan niet meer worden vastgesteld" in page
    assert "dismissed" not in page
    english = client.post("/t/conflict?lang=en").get_data(as_text=True)
    assert "Nothing was saved" in english and "incident IN-1 is dismissed; it cannot be confirmed" in english
    assert names() == [] and routes == []


def test_a_caller_that_asks_for_json_gets_the_refusal_in_the_api_error_shape(app, routes):
    from incidents.errors import ValidationFailed

    def refused():
        create_controller({"name": "half", "contact_email": "half@zorg.example"})
        raise ValidationFailed("name is too long", "name", "too_long")

    app.add_url_rule("/t/json", "json", refused, methods=["POST"])
    response = app.test_client().post("/t/json", headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert response.get_json() == {"error": {"code": "too_long", "message": "name is too long", "field": "name"}}
    assert names() == []
