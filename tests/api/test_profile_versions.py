"""Clause profiles are versioned data (issue 13, item 8; legal review §4 item 15): a profile file edited while
incidents run makes a new version for incidents from then on, never moves the deadlines of existing incidents, and
the store keeps every version used; a profile removed while contracts still name it stops start-up, naming them."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from incidents import create_app
from incidents.breaches.models import AffectedContract, Incident, Obligation
from incidents.breaches.obligations import recompute
from incidents.core.profiles import ProfileError, load_profiles
from incidents.extensions import db
from incidents.parties.models import ProfileVersion
from incidents.paths import FILES

from ..notices.helpers import pdf_text
from .conftest import one


@pytest.fixture
def profile_folder(tmp_path):
    folder = tmp_path / "profiles"
    shutil.copytree(FILES / "config" / "profiles", folder)
    return folder


def restart_with(app, monkeypatch, folder):
    """What a restart after editing the profile files loads: the folder's profiles, and no version read yet."""
    monkeypatch.setitem(app.extensions, "clause_profiles", load_profiles(folder))
    monkeypatch.setitem(app.extensions, "profile_versions", {})


def test_an_edited_profile_is_a_new_version_for_new_incidents_only(
    app, api, monkeypatch, profile_folder, make_contract, new_incident, deadlines
):
    first, second = make_contract("boz-72h"), make_contract("boz-72h")
    before = app.extensions["clause_profiles"]["boz-72h"].version
    old = new_incident(status="confirmed", aware_at="2026-11-02T09:00:00Z", contract_ids=[first.id])
    notice = one(deadlines(old["id"]), kind="controller_notice")
    assert (notice["due_at"], notice["profile_version"]) == ("2026-11-05T09:00:00Z", before)

    path = profile_folder / "boz-72h.toml"
    edited = path.read_text(encoding="utf-8").replace("hours = 72", "hours = 48")
    edited = edited.replace('required_fields = ["nature",', 'required_fields = ["records", "nature",')
    path.write_text(edited, encoding="utf-8")
    restart_with(app, monkeypatch, profile_folder)
    after = app.extensions["clause_profiles"]["boz-72h"].version
    assert after != before

    # The running incident: recomputed in full and given another contract of the same profile, its deadlines stay
    # those of the version it started with.
    recompute(db.session.get(Incident, old["id"]))
    db.session.commit()
    assert api.post(f"/api/v1/incidents/{old['id']}/contracts", json={"contract_ids": [second.id]}).status_code == 200
    for contract in (first, second):
        kept = one(deadlines(old["id"]), kind="controller_notice", contract_id=contract.id)
        assert (kept["hours"], kept["profile_version"]) == (72, before)

    new = new_incident(status="confirmed", aware_at="2026-11-02T09:00:00Z", contract_ids=[first.id])
    # the facts each asks for follow the same versions
    asked = {
        iid: api.get(f"/api/v1/incidents/{iid}").get_json()["completeness"][0]["required"]
        for iid in (old["id"], new["id"])
    }
    assert "records" not in asked[old["id"]] and "records" in asked[new["id"]]
    fresh = one(deadlines(new["id"]), kind="controller_notice")
    assert (fresh["due_at"], fresh["hours"], fresh["profile_version"]) == ("2026-11-04T09:00:00Z", 48, after)

    stored = set(db.session.execute(select(ProfileVersion.key, ProfileVersion.version)).all())
    assert {("boz-72h", before), ("boz-72h", after)} <= stored
    pinned = dict(
        db.session.execute(
            select(AffectedContract.incident_id, AffectedContract.profile_version).where(
                AffectedContract.contract_id == first.id
            )
        ).all()
    )
    assert pinned == {old["id"]: before, new["id"]: after}


def test_a_deadline_and_its_notice_keep_the_words_it_was_computed_from(
    app, api, monkeypatch, profile_folder, make_contract, new_incident
):
    contract = make_contract("citodent")
    incident = new_incident(aware_at="2026-11-02T09:00:00Z", contract_ids=[contract.id])
    path = profile_folder / "citodent.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Ook bij het vermoeden", "Bij een vermoeden"), encoding="utf-8"
    )
    restart_with(app, monkeypatch, profile_folder)
    recompute(db.session.get(Incident, incident["id"]))
    db.session.commit()
    wording = db.session.scalar(
        select(Obligation.wording).where(
            Obligation.incident_id == incident["id"], Obligation.kind == "awareness_notice"
        )
    )
    assert "Ook bij het vermoeden van een datalek" in wording and "Bij een vermoeden" not in wording

    # The notice quotes the clause its deadline counts from, not the edited file.
    [entry] = api.post(f"/api/v1/incidents/{incident['id']}/notices", json={"all": True}).get_json()["outbox"]
    text = pdf_text(api.get(f"/api/v1/documents/{entry['document_id']}").data)
    # (a notice of the suspicion answers 6.2)
    assert "Ook bij het vermoeden van een datalek" in text and "Bij een vermoeden" not in text


@pytest.mark.live_database
def test_start_up_refuses_when_contracts_use_a_removed_profile(database_uri, profile_folder, make_contract):
    used = make_contract("doctolib", reference="VO-DOCTOLIB-7")
    make_contract("boz-72h")
    (profile_folder / "doctolib.toml").unlink()
    with pytest.raises(ProfileError) as raised:
        create_app({"PROFILES_DIR": str(profile_folder), "SQLALCHEMY_DATABASE_URI": database_uri}, testing=True)
    message = str(raised.value)
    assert "1 contract(s) use a profile that is no longer configured" in message
    assert f"{used.reference} ({used.controller.name}): doctolib" in message

    # With the file back, the same database starts, and the loaded versions are stored.
    shutil.copy(FILES / "config" / "profiles" / "doctolib.toml", profile_folder / "doctolib.toml")
    started = create_app({"PROFILES_DIR": str(profile_folder), "SQLALCHEMY_DATABASE_URI": database_uri}, testing=True)
    with started.app_context():
        keys = set(db.session.scalars(select(ProfileVersion.key)))
        db.session.remove()
        db.engine.dispose()
    assert keys == set(started.extensions["clause_profiles"])
