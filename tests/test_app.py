"""Start-up, configuration, logging and the migrations themselves."""

from __future__ import annotations

import json
import shutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from incidents import ROOT, create_app
from incidents.core.profiles import ProfileError
from incidents.extensions import db

from .support.database import REWRITE_REFUSED


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_append_only_tables_refuse_update_and_delete_in_the_database(app, api, make_contract):
    contract = make_contract("boz-72h")
    incident = api.post(
        "/api/v1/incidents",
        json={"title": "T", "aware_at": "2026-11-01T10:00:00Z", "status": "confirmed", "contract_ids": [contract.id]},
    ).get_json()
    api.post(
        f"/api/v1/incidents/{incident['id']}/filings",
        json={"kind": "controller_notice", "contract_id": contract.id, "at": "2026-11-01T11:00:00Z"},
    )
    for statement in (
        "UPDATE filings SET at = at",
        "DELETE FROM filings",
        "UPDATE timeline_events SET kind = 'x'",
        "DELETE FROM timeline_events",
    ):
        with pytest.raises(Exception, match=REWRITE_REFUSED):
            db.session.execute(text(statement))
        db.session.rollback()


def test_bad_profile_stops_start_up_naming_file_and_key(tmp_path):
    folder = tmp_path / "profiles"
    shutil.copytree(ROOT / "config" / "profiles", folder)
    bad = folder / "doctolib.toml"
    bad.write_text(bad.read_text().replace("processor_files_with_ap = false", 'processor_files_with_ap = "no"'))
    with pytest.raises(ProfileError) as raised:
        create_app(
            {"PROFILES_DIR": str(folder), "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}, testing=True
        )
    assert "doctolib.toml" in str(raised.value) and "processor_files_with_ap" in str(raised.value)


def test_environment_configures_database_and_key(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("INCIDENTS_API_PAGE_SIZE", "7")
    app = create_app(testing=True)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.sqlite"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["API_PAGE_SIZE"] == 7


def test_mail_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAIL_SERVER", "smtp.verwerker.example")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("MAIL_FROM", "Datalek <datalek@verwerker.example>")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}, testing=True)
    assert (app.config["MAIL_SERVER"], app.config["MAIL_PORT"], app.config["MAIL_USE_TLS"]) == (
        "smtp.verwerker.example",
        587,
        True,
    )
    assert app.config["MAIL_FROM"] == "Datalek <datalek@verwerker.example>"


def test_request_id_and_json_logs_without_personal_data(app, api, make_contract, capsys):
    from incidents.logs import configure_logging

    configure_logging("json", "INFO")
    contract = make_contract("boz-72h")
    secret_text = "Patiënt Jansen, BSN 123456782"
    response = api.post(
        "/api/v1/incidents",
        json={
            "title": secret_text,
            "aware_at": "2026-11-01T10:00:00Z",
            "contract_ids": [contract.id],
            "fields": {"nature": secret_text},
        },
    )
    assert response.status_code == 201
    request_id = response.headers["X-Request-ID"]
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    logged = [entry for entry in lines if entry.get("event") == "request"]
    assert logged and logged[-1]["request_id"] == request_id
    assert logged[-1]["path"] == "/api/v1/incidents" and logged[-1]["status"] == 201
    assert all(secret_text not in json.dumps(entry) and "Jansen" not in json.dumps(entry) for entry in lines)
