from __future__ import annotations

from sqlalchemy import func, select

from incidents.auth.models import ApiToken, User
from incidents.breaches.models import Decision, Incident
from incidents.breaches.scope import affected_controllers, incident_totals, scopes_of
from incidents.extensions import db
from incidents.parties.models import Contract, Controller
from incidents.profiles import all_profiles


def test_users_create_with_password_stdin_and_tokens_create(runner, client):
    result = runner.invoke(
        args=["users", "create", "fg@verwerker.example", "--role", "admin", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.role == "admin" and user.check_password("a long enough password")
    assert "a long enough password" not in user.password_hash

    result = runner.invoke(args=["tokens", "create", "fg@verwerker.example"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash != token and stored.token_hash == ApiToken.hash(token)
    assert client.get("/api/v1/profiles", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_users_create_refuses_short_password_and_duplicates(runner):
    short = runner.invoke(
        args=["users", "create", "a@b.example", "--role", "handler", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0 and "12 characters" in short.output
    ok = runner.invoke(args=["users", "create", "a@b.example", "--role", "handler"])
    assert ok.exit_code == 0 and "password:" in ok.output
    again = runner.invoke(args=["users", "create", "A@b.example", "--role", "handler"])
    assert again.exit_code != 0 and "already exists" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_tokens_create_for_unknown_user(runner):
    result = runner.invoke(args=["tokens", "create", "nobody@x.example"])
    assert result.exit_code != 0 and "no user" in result.output


def test_demo_load_is_realistic_and_repeatable(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert first.output.strip().splitlines()[-1].startswith("login: demo@verwerker.example  password: ")
    statuses = set(db.session.scalars(select(Incident.status)))
    assert statuses == {"suspected", "confirmed", "dismissed"}
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "already present" in second.output
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 6


# The companies behind the source contracts are processors (Doctolib, Citodent, Zivver) or a reseller (RSO
# Zorgring); "Ltd." suggests a UK controller (ICO, not the AP). None of them may be a demo customer.
SEED_PARTIES = ("doctolib", "citodent", "zivver", "zorgring", "ltd")


def test_demo_controllers_are_care_providers_with_their_contact_details(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "controller portal: fg@nwkliniek.example  password: " in result.output
    controllers = list(db.session.scalars(select(Controller)))
    assert len(controllers) >= 10
    for controller in controllers:
        assert not any(seed in controller.name.lower() for seed in SEED_PARTIES), controller.name
        assert controller.language == "nl" and controller.legal_basis == "AVG"
        assert controller.contact_email.endswith(".example")
        for field in ("contact_name", "contact_function", "contact_phone", "address", "sector", "subjects_contact"):
            assert getattr(controller, field), (controller.name, field)
    contracts = list(db.session.scalars(select(Contract)))
    assert {c.profile_key for c in contracts} == set(all_profiles())
    # The services say what our processor does; the profile is only the kind of clause, never a party.
    for contract in contracts:
        assert contract.services and not contract.services.lower().startswith(SEED_PARTIES), contract.services
    for decision in db.session.scalars(select(Decision)):
        assert decision.maker_name and decision.maker_via in ("email", "phone", "portal", "meeting", "letter")


def test_demo_has_a_multi_controller_incident_with_distinct_scopes(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    ransomware = db.session.scalar(select(Incident).where(Incident.title.like("Ransomware%")))
    controllers = affected_controllers(ransomware.id)
    scopes = scopes_of(ransomware.id)
    assert len(controllers) >= 3 and set(scopes) == set(controllers)
    values = list(scopes.values())
    # Each controller has its own figures, groups, kinds of data and a note only it is told.
    for key in ("subjects_min", "data_categories", "note"):
        shown = [repr(v.get(key)) for v in values]
        assert len(set(shown)) == len(values), key
    assert all(v.get("subject_groups") and v.get("note") for v in values)
    assert sum("health" in v.get("special_categories", ()) for v in values) >= 2
    assert sum("bsn" in v["data_categories"] for v in values) == 1
    assert any("health" not in v.get("special_categories", ()) for v in values)
    # The incident-level figures are the sums over the controllers.
    wide = incident_totals(ransomware.id)
    assert (ransomware.details["subjects_min"], ransomware.details["subjects_max"]) == (
        wide["subjects_min"],
        wide["subjects_max"],
    )
    assert ransomware.details["reporter_kind"] == "internal" and ransomware.internal_note


def test_demo_shows_a_significant_incident_under_nis2_with_its_early_warning_filed(runner):
    from incidents.regimes.models import RegimeFiling, RegimeObligation

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    ransomware = db.session.scalar(select(Incident).where(Incident.title.like("Ransomware%")))
    stages = {
        o.key: o.status
        for o in db.session.scalars(select(RegimeObligation).where(RegimeObligation.incident_id == ransomware.id))
    }
    assert stages == {"early_warning": "met", "notification": "running", "final_report": "running"}
    assert db.session.scalar(select(RegimeFiling.reference)) == "ZC-2026-0117"
