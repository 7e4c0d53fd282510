"""The CSV import refuses a file with one bad row, names the line, and imports nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from incidents.extensions import db
from incidents.parties.models import Contract, Controller

from .conftest import login

pytestmark = pytest.mark.browser

GOOD = (
    "controller,contact_email,kvk,profile,reference\n"
    "Ziekenhuis Noord,fg@noord.example,12345678,boz-72h,VO-N-1\n"
    "Ziekenhuis Noord,fg@noord.example,12345678,boz-24h,VO-N-2\n"
    "Tandarts Zuid,info@zuid.example,,citodent,VO-Z-1\n"
)


def counts():
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Controller)),
        db.session.scalar(select(func.count()).select_from(Contract)),
    )


def test_bad_row_refuses_whole_file(page, user, tmp_path):
    bad = GOOD.replace("boz-24h", "boz-48h")  # line 3: unknown profile
    path = tmp_path / "contracten.csv"
    path.write_text(bad, encoding="utf-8")

    login(page)
    page.goto(page.base + "/contracts/import")
    page.set_input_files("#file", str(path))
    page.click("#import-form button[type=submit]")
    errors = page.locator("#import-errors li")
    assert errors.count() == 1
    assert errors.first.get_attribute("data-line") == "3"
    assert "boz-48h" in errors.first.inner_text()
    assert counts() == (0, 0)

    path.write_text(GOOD, encoding="utf-8")
    page.set_input_files("#file", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_url(page.base + "/contracts")
    assert page.locator("#contracts tbody tr").count() == 3
    assert counts() == (2, 3)
