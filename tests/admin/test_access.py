"""Who reaches the administration: administrators with two-step verification, nobody else."""

from __future__ import annotations

import pytest
from flask import url_for

from ..support.people import log_in_as
from .conftest import post, reload


def admin_urls(app, user_id: int) -> list[tuple[str, str]]:
    """(method, url) of every route of the admin blueprint, with a real user id where one is needed."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("admin."):
                continue
            values = {"user_id": user_id} if "user_id" in rule.arguments else {}
            assert set(rule.arguments) <= set(values), f"{rule.rule}: add a value for {rule.arguments}"
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((method, url_for(rule.endpoint, **values)))
    return found


def test_the_admin_blueprint_has_the_expected_routes(app, handler):
    urls = {url for _method, url in admin_urls(app, handler.id)}
    assert {
        "/admin/",
        "/admin/users",
        "/admin/access-log",
        "/admin/access-log.csv",
        f"/admin/users/{handler.id}/role",
        f"/admin/users/{handler.id}/deactivate",
        f"/admin/users/{handler.id}/reactivate",
        f"/admin/users/{handler.id}/unlock",
        f"/admin/users/{handler.id}/reset-2fa",
    } <= urls


@pytest.mark.parametrize("role", ["handler", "viewer", "controller"])
def test_other_roles_get_403_on_every_admin_url(app, client, make_person, make_controller, role):
    controller = make_controller() if role == "controller" else None
    person = make_person(f"{role}@verwerker.example", role, controller=controller)
    target = make_person("doel@verwerker.example", "handler")
    log_in_as(client, person)
    before = (target.user.role, target.user.active, target.user.session_version)
    urls = admin_urls(app, target.id)
    assert len(urls) >= 9
    for method, url in urls:
        form = {"role": "viewer", "controller_id": ""}
        response = client.get(url) if method == "GET" else post(client, url, form)
        assert response.status_code == 403, (method, url, response.status_code)
    stored = reload(target)
    assert (stored.role, stored.active, stored.session_version) == before
    assert "Administration" not in client.get("/account/tokens").get_data(as_text=True)


def test_not_logged_in_is_sent_to_login(client):
    for url in ("/admin/users", "/admin/access-log", "/admin/access-log.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_admin_without_two_factor_is_sent_to_enrol_first(app, client, make_person):
    person = make_person("nieuw@verwerker.example", "admin")
    log_in_as(client, person)
    for method, url in admin_urls(app, person.id):
        response = client.get(url) if method == "GET" else post(client, url, token_page="/account/two-factor")
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].endswith("/account/two-factor"), (method, url)
    assert reload(person).active and reload(person).role == "admin"


def test_admin_with_two_factor_sees_the_pages_and_the_nav_link(admin_client, admin):
    page = admin_client.get("/admin/users")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert admin.email in html and 'href="/admin/users"' in html and "Administration" in html
    assert admin_client.get("/admin/access-log").status_code == 200
    assert admin_client.get("/admin/").headers["Location"].endswith("/admin/users")
