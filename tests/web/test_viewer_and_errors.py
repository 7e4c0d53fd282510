"""A viewer (an auditor) reads everything and is offered no form that changes data; the error pages (403, 404, 500,
a stale form) are the desk's own, in the user's language, with a way back."""

from __future__ import annotations

import re

import pytest

from incidents.auth.service import create_user
from incidents.extensions import db

from ..support.app import own_app
from ..support.forms import csrf_token, log_in

PASSWORD = "lang genoeg wachtwoord"
# The forms every signed-in user has: logging out, and marking one's own notifications read.
OWN = ("/logout", "/notifications/")


def post_forms(html: str) -> list[str]:
    """The actions of the page's POST forms, but for the user's own (logging out, notifications)."""
    actions = []
    for form in re.findall(r"<form\b[^>]*>", html):
        if 'method="post"' not in form:
            continue
        action = (re.search(r'action="([^"]*)"', form) or [None, ""])[1]
        if not action.startswith(OWN):
            actions.append(action or "(this page)")
    return actions


@pytest.fixture
def viewer(client, make_controller, make_contract):
    controller = make_controller(name="Ziekenhuis West")
    contract = make_contract("boz-72h", controller, reference="VO-W-1")
    create_user("audit@verwerker.example", "viewer", PASSWORD)
    db.session.commit()
    log_in(client, "audit@verwerker.example", PASSWORD)
    return {"controller": controller, "contract": contract}


def test_a_viewer_sees_no_write_form_on_the_pages_outside_the_incident(client, viewer):
    pages = [
        "/",
        "/incidents/",
        "/register/",
        "/controllers",
        f"/controllers/{viewer['controller'].id}",
        "/contracts",
        f"/contracts/{viewer['contract'].id}",
        "/notifications/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert post_forms(html) == [], url
        assert "Datalek melden" not in html and "Contracten importeren uit CSV" not in html, url
    # what the edit pages hold is shown as text
    details = client.get(f"/contracts/{viewer['contract'].id}").get_data(as_text=True)
    assert 'id="contract-details"' in details and "VO-W-1" in details and "<textarea" not in details


@pytest.mark.parametrize("url", ["/incidents/new", "/contracts/import"])
def test_a_page_that_is_only_a_form_refuses_a_viewer_with_the_desks_own_page(client, viewer, url):
    response = client.get(url)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert '<html lang="nl">' in html and 'id="error" data-status="403"' in html
    assert "Uw account mag lezen, niet wijzigen" in html
    assert 'href="/"' in html and "Forbidden" not in html and post_forms(html) == []


def test_a_write_refused_to_a_viewer_says_why_in_english_when_english_is_chosen(client, viewer):
    client.get("/?lang=en")
    response = client.post("/controllers", data={"csrf_token": csrf_token(client, "/controllers"), "name": "X"})
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html and "Your account may read, not change" in html


def test_not_found_is_our_page_with_navigation(client, logged_in):
    response = client.get("/incidents/999999")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="nl">' in html and "Pagina niet gevonden" in html and 'class="mainnav"' in html
    unmatched = client.get("/no-such-page")
    assert unmatched.status_code == 404 and "Pagina niet gevonden" in unmatched.get_data(as_text=True)
    # an anonymous visitor gets the same page, with the way to the login page
    anonymous = client.application.test_client().get("/no-such-page")
    assert anonymous.status_code == 404 and 'href="/login"' in anonymous.get_data(as_text=True)


def test_a_stale_form_is_explained(client, logged_in):
    response = client.post("/controllers", data={"csrf_token": "stale", "name": "X"})
    assert response.status_code == 400
    assert "zonder geldig beveiligingstoken" in response.get_data(as_text=True)


def test_a_json_caller_still_gets_json(client, logged_in):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_a_server_error_is_our_page_and_keeps_nothing(database_uri, user):
    with own_app(database_uri, PROPAGATE_EXCEPTIONS=False) as app:

        @app.get("/boom")
        def boom():
            raise RuntimeError("a bug")

        client = app.test_client()
        log_in(client, user.email, "correct horse battery")
        response = client.get("/boom")
        assert response.status_code == 500
        html = response.get_data(as_text=True)
        assert "Er ging iets mis aan onze kant" in html and "RuntimeError" not in html and "a bug" not in html


def test_favicon_and_skip_link(client, logged_in):
    assert client.get("/favicon.ico").status_code == 301
    assert client.get("/static/favicon.svg").status_code == 200
    html = client.get("/").get_data(as_text=True)
    assert '<a class="skip" href="#main">' in html and '<main id="main"' in html and 'rel="icon"' in html
