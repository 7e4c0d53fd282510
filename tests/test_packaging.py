"""The wheel is a complete app: it carries the templates, migrations, config, fonts and static files, and compiled
translations, and an app unpacked from it outside the checkout starts and serves a Dutch page. The translations are
compiled at set-up or build time; the app only checks them."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from incidents import ROOT
from incidents.catalogues import compile_catalogues, problems

# What the build needs from the checkout (tests/, .venv/, instance/ and the compiled .mo stay behind).
SOURCES = ("incidents", "templates", "migrations", "config", "pyproject.toml", "setup.py", "MANIFEST.in")
PO = ROOT / "incidents" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    # Without build isolation and without an index: the build backend and Babel come from the locked dev install.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("incidents-*.whl")
    return built


def test_the_wheel_carries_the_app_files_and_compiled_translations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "templates/layout/base.html",
        "templates/incidents/show.html",
        "migrations/env.py",
        "migrations/alembic.ini",
        "migrations/versions/0001_initial_schema.py",
        "config/defaults.py",
        "config/gunicorn.conf.py",
        "config/profiles/gdpr-art33.toml",
    ):
        assert f"incidents/_bundle/{name}" in names
    for name in (
        "fonts/DejaVuSans.ttf",
        "fonts/DejaVuSans-Bold.ttf",
        "static/app.js",
        "static/app.css",
        "translations/nl/LC_MESSAGES/messages.mo",
    ):
        assert f"incidents/{name}" in names
    assert not [n for n in names if n.endswith(".po")], "the wheel carries compiled catalogues, not their sources"
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]


def test_the_compiled_catalogue_in_the_wheel_translates(wheel):
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    translated = [m for m in catalogue if m.id and isinstance(m.id, str) and m.string and not m.fuzzy]
    with zipfile.ZipFile(wheel).open("incidents/translations/nl/LC_MESSAGES/messages.mo") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert len(translated) > 500
    assert all(compiled.gettext(m.id) == m.string for m in translated)


def test_an_app_unpacked_from_the_wheel_runs_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = textwrap.dedent("""
        import incidents
        from flask_migrate import upgrade

        assert incidents.FILES == incidents.BUNDLE, incidents.FILES
        app = incidents.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + __import__("sys").argv[1],
                                    "SECRET_KEY": "packaging-test"}, testing=True)
        with app.app_context():
            upgrade()
        page = app.test_client().get("/login")
        assert page.status_code == 200, page.status_code
        print(incidents.__file__)
        print(app.instance_path)
        print(page.get_data(as_text=True))
    """)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("INCIDENTS_", "FLASK_"))}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(site)  # ahead of the checkout's editable install
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "app.sqlite")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    module, instance, page = result.stdout.split("\n", 2)
    assert Path(module).is_relative_to(site)
    assert Path(instance).is_relative_to(tmp_path)
    assert 'lang="nl"' in page and "Wachtwoord" in page


def test_catalogues_are_checked_not_compiled_at_start(tmp_path):
    source = tmp_path / "translations"
    (source / "nl" / "LC_MESSAGES").mkdir(parents=True)
    po = source / "nl" / "LC_MESSAGES" / "messages.po"
    shutil.copy2(PO, po)
    assert problems(source, ["nl"]) == [f"{po.with_suffix('.mo')} is missing"]

    assert compile_catalogues(source) == [po.with_suffix(".mo")]
    assert problems(source, ["nl"]) == []
    assert compile_catalogues(source) == []  # up to date: nothing written

    later = time.time() + 10
    os.utime(po, (later, later))
    assert problems(source, ["nl"]) == [f"{po.with_suffix('.mo')} is older than messages.po"]

    po.unlink()  # as in an installed wheel: the .mo alone is fine
    assert problems(source, ["nl"]) == []
    assert problems(source, ["de"]) == [f"{source / 'de' / 'LC_MESSAGES' / 'messages.mo'} is missing"]
