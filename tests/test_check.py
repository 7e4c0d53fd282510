"""flask --app wsgi check: ready, or exit 1 with a clear message (outdated schema, unreachable database)."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade

from incidents import ROOT, create_app


def test_a_migrated_database_is_ready(app, runner):
    app.config["SECRET_KEY"] = "a-long-random-secret-key-for-this-test-0123456789"
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "ok: configuration, database, migrations and the record are ready" in result.output


def test_an_outdated_schema_is_refused_with_the_command_to_run(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}", "SECRET_KEY": "k" * 40}, testing=True
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        downgrade(directory=str(ROOT / "migrations"), revision="0005")
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert "schema is at revision 0005" in result.output and "flask --app wsgi db upgrade" in result.output


def test_an_unreachable_database_is_named_without_its_password(tmp_path):
    url = "postgresql+psycopg://incidents:hunter2-secret@127.0.0.1:1/nowhere"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k" * 40}, testing=True)
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert "is not reachable" in result.output and "hunter2-secret" not in result.output


def test_a_short_secret_key_is_an_error(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.sqlite'}", "SECRET_KEY": "short"}, testing=True
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1 and "SECRET_KEY" in result.output
