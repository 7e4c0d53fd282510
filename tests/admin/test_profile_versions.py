"""The administrators' view of the clause profile versions: every version stored, which is loaded now, what changed
from the one before, and where each is used (issue 13, item 8)."""

from __future__ import annotations

import shutil

from incidents.breaches.service import create_incident
from incidents.core.instants import parse_instant
from incidents.core.profiles import load_profiles
from incidents.extensions import db
from incidents.paths import FILES

from .conftest import table


def test_versions_their_changes_and_their_use(app, admin_client, monkeypatch, tmp_path, make_contract):
    contract = make_contract("boz-72h")
    aware = parse_instant("2026-11-02T09:00:00Z")
    old = create_incident(title="Lek A", aware_at=aware, contract_ids=[contract.id])
    db.session.commit()
    before = app.extensions["clause_profiles"]["boz-72h"].version

    folder = tmp_path / "profiles"
    shutil.copytree(FILES / "config" / "profiles", folder)
    path = folder / "boz-72h.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("hours = 72", "hours = 48"), encoding="utf-8")
    monkeypatch.setitem(app.extensions, "clause_profiles", load_profiles(folder))
    monkeypatch.setitem(app.extensions, "profile_versions", {})
    after = app.extensions["clause_profiles"]["boz-72h"].version
    new = [create_incident(title=f"Lek {n}", aware_at=aware, contract_ids=[contract.id]) for n in "BC"]
    db.session.commit()

    page = admin_client.get("/admin/profiles")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Clause profiles</h1>" in html
    parsed = table(page, "versions-boz-72h")
    assert parsed.headers == [
        "Version",
        "First loaded",
        "Loaded now",
        "Incidents",
        "Affected contracts",
        "Latest incidents",
    ]
    rows = [cells for attrs, cells in parsed.rows if "data-version" in attrs]
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [(before, "no", "1", "1"), (after, "yes", "2", "2")]
    assert rows[0][5] == old.reference
    assert rows[1][5] == ", ".join(i.reference for i in reversed(new))
    assert f'data-diff="{after}"' in html and "-hours = 72" in html and "+hours = 48" in html
    # A profile no incident used yet is listed without versions.
    assert 'id="profile-doctolib"' in html


def test_the_page_in_dutch(app, admin_client, make_contract):
    contract = make_contract("citodent")
    create_incident(title="Lek", aware_at=parse_instant("2026-11-02T09:00:00Z"), contract_ids=[contract.id])
    db.session.commit()
    html = admin_client.get("/admin/profiles?lang=nl").get_data(as_text=True)
    assert "<h1>Clausuleprofielen</h1>" in html and "Nu geladen" in html and ">ja<" in html
    for english in ("Clause profiles", "Loaded now", "First loaded", "Latest incidents", "No version stored yet"):
        assert english not in html
