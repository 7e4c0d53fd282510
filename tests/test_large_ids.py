"""A number in a URL that no id column can hold is an unknown id (404), never a server error.

Id columns are INTEGER: 32 bits on PostgreSQL, which refuses to compare a larger number with them ("integer out of
range"), and 64 bits on SQLite, whose driver cannot even bind a larger one. The test walks the URL map, so a route
added later is covered too: each integer path parameter in turn gets such a number while the others name rows that
exist, for a handler, a viewer, an administrator and a controller user, with every method of the route.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from incidents.auth import twofactor
from incidents.auth.service import create_token, create_user
from incidents.breaches.service import create_incident
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.service import issue_notices

BEYOND = (2**31, 2**63)  # past PostgreSQL's INTEGER; past SQLite's
PASSWORD = "correct horse battery"


def _urls(rule, value: int) -> list[str]:
    """The rule's path once per integer parameter: that one set to ``value``, the other integers 1."""
    count = rule.rule.count("<int:")
    urls = []
    for position in range(count):
        parts = re.split(r"<int:[^>]+>", rule.rule)
        numbers = [str(value) if i == position else "1" for i in range(count)]
        path = parts[0] + "".join(n + rest for n, rest in zip(numbers, parts[1:], strict=True))
        urls.append(re.sub(r"<[^>]+>", "x", path))
    return urls


def _log_in(client, email: str, secret: str | None = None) -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, (email, response.status_code)
    if secret:
        response = client.post("/login/2fa", data={"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302, (email, response.status_code)


@pytest.mark.parametrize("value", BEYOND)
def test_an_id_no_column_can_hold_is_not_found_on_every_route(app, make_contract, value):
    app.config["WTF_CSRF_ENABLED"] = False  # forms must reach their handlers, which look the ids up
    contract = make_contract("boz-72h")
    people = [create_user(f"{role}@verwerker.example", role, PASSWORD) for role in ("handler", "viewer", "admin")]
    people.append(create_user("fg@zorg.example", "controller", PASSWORD, controller_id=contract.controller_id))
    db.session.commit()
    admin = people[2]
    secret = twofactor.start_enrolment(admin)
    assert twofactor.confirm_enrolment(admin, pyotp.TOTP(secret).now())
    admin.totp_last_step = None  # the login below may use the same code again
    incident = create_incident(
        title="T", aware_at=utcnow() - timedelta(hours=3), status="confirmed", contract_ids=[contract.id]
    )
    db.session.commit()
    issue_notices(incident, all_=True)
    db.session.commit()
    _, token = create_token(people[0].email, "tests")
    db.session.commit()
    logins = [(person.email, secret if person is admin else None) for person in people]

    rules = [r for r in app.url_map.iter_rules() if "<int:" in r.rule]
    assert rules
    errors = []
    for email, code_secret in logins:
        client = app.test_client()
        _log_in(client, email, code_secret)
        for rule in rules:
            for url in _urls(rule, value):
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    api = url.startswith("/api/")
                    try:
                        response = client.open(
                            url,
                            method=method,
                            json={} if api else None,
                            data=None if api else {"x": "1"},
                            headers={"Authorization": f"Bearer {token}"} if api else {},
                        )
                        status = response.status_code
                    except Exception as exc:  # TESTING propagates what would be a 500
                        db.session.rollback()
                        status = f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}"
                    if not isinstance(status, int) or status >= 500:
                        errors.append((email, method, url, status))
    assert errors == []
