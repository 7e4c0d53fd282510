"""flask --app wsgi check: ready, or exit 1 with a clear message (outdated schema, unreachable database)."""

from __future__ import annotations

import multiprocessing

import pytest
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


def _warnings(result) -> list[str]:
    return [line.removeprefix("warning: ") for line in result.output.splitlines() if line.startswith("warning: ")]


def _rate_limit_warnings(runner) -> list[str]:
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    return [line for line in _warnings(result) if "rate limits" in line]


@pytest.fixture
def rate_limited(app, monkeypatch):
    """The rate limits on, in each process's memory (the defaults of config/defaults.py), and no gunicorn settings in
    the environment."""
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-long-random-secret-key-for-this-test-0123456789")
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    return app


def test_memory_rate_limits_with_gunicorns_default_workers_are_named(rate_limited, runner):
    """config/gunicorn.conf.py starts 2 × cores + 1 workers unless told otherwise: each counts logins on its own."""
    workers = multiprocessing.cpu_count() * 2 + 1
    [warning] = _rate_limit_warnings(runner)
    assert f"gunicorn runs {workers} web processes" in warning
    assert "2 × cores + 1" in warning and f"{workers} times LOGIN_RATE_LIMIT (10 per minute)" in warning
    assert "RATELIMIT_STORAGE_URI" in warning


@pytest.mark.parametrize(
    ("variable", "value", "workers"),
    [
        ("WEB_CONCURRENCY", "3", 3),
        ("GUNICORN_CMD_ARGS", "--bind 0.0.0.0:8000 --workers 4", 4),
        ("GUNICORN_CMD_ARGS", "--workers=6", 6),
        ("GUNICORN_CMD_ARGS", "-w 2 --threads 4", 2),
    ],
)
def test_memory_rate_limits_with_several_workers_warn(rate_limited, runner, monkeypatch, variable, value, workers):
    monkeypatch.setenv(variable, value)
    [warning] = _rate_limit_warnings(runner)
    assert f"gunicorn runs {workers} web processes ({variable})" in warning


def test_memory_rate_limits_with_one_worker_only_mention_several_servers(rate_limited, runner, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert _rate_limit_warnings(runner) == [
        "login rate limits are kept in memory, per process: set RATELIMIT_STORAGE_URI when several app servers run"
    ]


def test_an_unreadable_worker_count_is_said(rate_limited, runner, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "many")
    [warning] = _rate_limit_warnings(runner)
    assert "the number of web processes is unclear" in warning


def test_shared_rate_limit_storage_gives_no_warning(rate_limited, runner, monkeypatch):
    monkeypatch.setitem(rate_limited.config, "RATELIMIT_STORAGE_URI", "redis://cache.internal:6379/0")
    monkeypatch.setenv("WEB_CONCURRENCY", "8")
    assert _rate_limit_warnings(runner) == []
