"""The intake form's contract picker, server side: the page never ships every contract; what is chosen is what is
shown; "all N matching" is resolved at save; a confirmation with the counts per profile and per controller comes
before anything is saved; without JavaScript every step still works and says what will be added."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, insert, select

from incidents.breaches.models import AffectedContract, Incident
from incidents.extensions import db
from incidents.parties.models import Contract, Controller

from ..support.forms import csrf_from, csrf_token, log_incident

INCIDENT = {"title": "Ransomware", "aware_at": "2026-11-20T09:15", "status": "confirmed"}


@pytest.fixture
def few(make_controller, make_contract):
    north = make_controller(name="Zorggroep Noord")
    south = make_controller(name="Zorggroep Zuid")
    pharmacy = make_controller(name="Apotheek Centraal")
    return {
        "N1": make_contract("boz-72h", north, reference="N-1"),
        "N2": make_contract("boz-24h", north, reference="N-2"),
        "Z1": make_contract("boz-72h", south, reference="Z-1"),
        "A1": make_contract("boz-24h", pharmacy, reference="A-1"),
    }


def _step(client, data: dict, url: str = "/incidents/new"):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, url)})


def _affected(incident_id: int | None = None) -> set[str]:
    db.session.expire_all()
    query = select(Contract.reference).join(AffectedContract, AffectedContract.contract_id == Contract.id)
    if incident_id is not None:
        query = query.where(AffectedContract.incident_id == incident_id)
    return set(db.session.scalars(query))


def _incidents() -> int:
    return db.session.scalar(select(func.count()).select_from(Incident)) or 0


def test_the_form_ships_one_page_of_contracts_not_all_of_them(logged_in, app):
    """2,000 contracts of 200 controllers: the form holds the first 25 and counts the rest."""
    db.session.execute(
        insert(Controller.__table__),
        [{"name": f"Kliniek {n:03d}", "contact_email": f"fg{n}@k.example", "language": "nl"} for n in range(200)],
    )
    ids = list(db.session.scalars(select(Controller.id).order_by(Controller.id)))
    db.session.execute(
        insert(Contract.__table__),
        [
            {"controller_id": ids[n % 200], "profile_key": "boz-72h", "reference": f"VO-{n:05d}", "services": ""}
            for n in range(2000)
        ],
    )
    db.session.commit()
    page = logged_in.get("/incidents/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert len(page.data) < 60_000, len(page.data)
    assert html.count("data-result=") == 25
    assert "2000 contracten in totaal." in html
    assert "VO-01999" not in html
    assert "boz-72h — 2000 contracten" in html  # the profile list says how many it adds


def test_review_shows_the_counts_and_save_adds_exactly_what_was_shown(logged_in, few):
    data = {**INCIDENT, "contract_ids": [str(few["N1"].id), str(few["A1"].id)], "references": "Z-1"}
    review = _step(logged_in, {**data, "step": "review"})
    assert review.status_code == 200
    html = review.get_data(as_text=True)
    assert _incidents() == 0  # nothing saved yet
    assert 'data-confirm-total="3"' in html
    assert "3 contracten" in html and "van 3 verwerkingsverantwoordelijken worden toegevoegd." in html
    per_profile = dict(re.findall(r'data-profile="([^"]+)"><td>.*?<td class="num">(\d+)</td>', html))
    assert per_profile == {"boz-24h": "1", "boz-72h": "2"}
    assert set(re.findall(r'data-reference="([^"]+)"', html)) == {"N-1", "A-1", "Z-1"}
    digest = csrf_from(html, "digest")
    saved = _step(logged_in, {**data, "step": "save", "digest": digest})
    assert saved.status_code == 302
    assert _affected() == {"N-1", "A-1", "Z-1"}


def test_all_matching_is_a_filter_resolved_when_saving(logged_in, few, make_contract, make_controller):
    data = {**INCIDENT, "match": "q=zorggroep&profile=boz-72h"}
    review = _step(logged_in, {**data, "step": "review"})
    html = review.get_data(as_text=True)
    assert 'data-confirm-total="2"' in html
    assert 'name="match" value="q=zorggroep&amp;profile=boz-72h"' in html  # carried, not 2 ids
    assert "contract_ids" not in html
    # A contract that matches is created before the user confirms: the set changed, so it asks again.
    make_contract("boz-72h", make_controller(name="Zorggroep West"), reference="W-1")
    again = _step(logged_in, {**data, "step": "save", "digest": csrf_from(html, "digest")})
    assert again.status_code == 200
    assert _incidents() == 0
    html = again.get_data(as_text=True)
    assert "zijn veranderd sinds u controleerde" in html and 'data-confirm-total="3"' in html
    saved = _step(logged_in, {**data, "step": "save", "digest": csrf_from(html, "digest")})
    assert saved.status_code == 302
    assert _affected() == {"N-1", "Z-1", "W-1"}


def test_an_incident_without_contracts_needs_the_deliberate_choice(logged_in, few):
    refused = _step(logged_in, {**INCIDENT, "step": "review"})
    assert refused.status_code == 422
    assert "Kies ten minste één betrokken contract, of vink “nog geen contracten” aan" in refused.get_data(as_text=True)
    both = _step(logged_in, {**INCIDENT, "no_contracts": "y", "references": "N-1", "step": "review"})
    assert both.status_code == 422
    assert "maar koos 1 contract" in both.get_data(as_text=True)
    assert _incidents() == 0
    saved = log_incident(logged_in, {**INCIDENT, "no_contracts": "y"})
    assert saved.status_code == 302
    assert _incidents() == 1 and _affected() == set()
    assert "er is nog geen contract getroffen, dus er loopt geen termijn" in logged_in.get(
        saved.headers["Location"]
    ).get_data(as_text=True)


def test_enter_without_a_button_never_saves(logged_in, few):
    """A post that names no step (what an old form or a script sends) is a review: the confirmation, not a save."""
    response = _step(logged_in, {**INCIDENT, "references": "N-1"})
    assert response.status_code == 200
    assert 'data-confirm-total="1"' in response.get_data(as_text=True)
    assert _incidents() == 0


def test_a_save_without_the_confirmed_digest_is_shown_the_confirmation(logged_in, few):
    response = _step(logged_in, {**INCIDENT, "references": "N-1", "step": "save", "digest": "forged"})
    assert response.status_code == 200
    assert _incidents() == 0


def test_without_javascript_search_add_and_remove_post_back_with_everything_kept(logged_in, few):
    found = _step(logged_in, {**INCIDENT, "q": "zuid", "step": "search"})
    html = found.get_data(as_text=True)
    assert found.status_code == 200
    assert set(re.findall(r'data-result="(\d+)"', html)) == {str(few["Z1"].id)}
    assert "1 contract gevonden." in html
    assert 'value="Ransomware"' in html  # the rest of the form is kept
    added = _step(logged_in, {**INCIDENT, "q": "zuid", "step": f"add-{few['Z1'].id}"})
    html = added.get_data(as_text=True)
    assert f'name="contract_ids" value="{few["Z1"].id}"' in html
    assert "1 contract een voor een gekozen." in html
    chosen = {"contract_ids": [str(few["Z1"].id), str(few["N2"].id)]}
    removed = _step(logged_in, {**INCIDENT, **chosen, "step": f"remove-{few['Z1'].id}"})
    html = removed.get_data(as_text=True)
    assert re.findall(r'name="contract_ids" value="(\d+)"', html) == [str(few["N2"].id)]
    whole = _step(logged_in, {**INCIDENT, "q": "zorggroep", "step": "add-matching"})
    html = whole.get_data(as_text=True)
    assert "Alle 3 contracten bij “zorggroep”" in html
    assert 'name="match" value="q=zorggroep"' in html
    assert _incidents() == 0


def test_back_from_the_confirmation_keeps_everything(logged_in, few):
    data = {
        **INCIDENT,
        "description": "Versleutelde schijven",
        "contract_ids": [str(few["A1"].id)],
        "match": "profile=boz-72h",
        "references": "N-2",
    }
    review = _step(logged_in, {**data, "step": "review"})
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', review.get_data(as_text=True))
    carried: dict[str, list[str]] = {}
    for name, value in hidden:
        carried.setdefault(name, []).append(value.replace("&amp;", "&"))
    assert carried["title"] == ["Ransomware"] and carried["references"] == ["N-2"]
    back = _step(logged_in, {**{k: v for k, v in carried.items() if k not in ("csrf_token", "digest")}, "step": "back"})
    html = back.get_data(as_text=True)
    assert back.status_code == 200
    assert 'value="Ransomware"' in html and "Versleutelde schijven" in html and "N-2</textarea>" in html
    assert f'name="contract_ids" value="{few["A1"].id}"' in html
    assert 'name="match" value="profile=boz-72h"' in html
    assert _incidents() == 0


def test_the_profile_list_without_javascript_is_counted_before_saving(logged_in, few):
    review = _step(logged_in, {**INCIDENT, "profiles": "boz-24h", "step": "review"})
    html = review.get_data(as_text=True)
    assert 'data-confirm-total="2"' in html
    assert set(re.findall(r'data-reference="([^"]+)"', html)) == {"N-2", "A-1"}


def test_unknown_references_are_named_and_nothing_is_saved(logged_in, few, row_counts):
    before = row_counts()
    response = _step(logged_in, {**INCIDENT, "references": "N-1, NOPE-9", "step": "review"})
    assert response.status_code == 422
    assert "NOPE-9" in response.get_data(as_text=True)
    assert row_counts() == before


def test_a_time_in_the_future_is_said_before_the_confirmation(logged_in, few):
    response = _step(logged_in, {**INCIDENT, "aware_at": "2099-01-01T10:00", "references": "N-1", "step": "review"})
    assert response.status_code == 422
    assert "data-confirm-total" not in response.get_data(as_text=True)
    assert _incidents() == 0


def test_adding_to_an_incident_uses_the_same_picker_and_confirmation(logged_in, few):
    created = log_incident(logged_in, {**INCIDENT, "references": "N-1"})
    incident_id = int(created.headers["Location"].rsplit("/", 1)[1])
    url = f"/incidents/{incident_id}/contracts"
    page = logged_in.get(url).get_data(as_text=True)
    assert "data-contract-picker" in page and 'data-result="' in page
    review = _step(logged_in, {"match": "q=zorggroep", "step": "review"}, url)
    html = review.get_data(as_text=True)
    assert 'data-confirm-total="3"' in html
    assert "1 daarvan zit al in dit incident" in html
    saved = _step(logged_in, {"match": "q=zorggroep", "step": "save", "digest": csrf_from(html, "digest")}, url)
    assert saved.status_code == 302
    assert "2 contracten toegevoegd." in logged_in.get(saved.headers["Location"]).get_data(as_text=True)
    assert _affected(incident_id) == {"N-1", "N-2", "Z-1"}
    empty = _step(logged_in, {"step": "review"}, url)
    assert empty.status_code == 422
    assert "Kies ten minste één contract om toe te voegen." in empty.get_data(as_text=True)


def test_a_dismissed_incident_takes_no_more_contracts(logged_in, few, row_counts):
    created = log_incident(logged_in, {**INCIDENT, "references": "N-1"})
    incident_id = int(created.headers["Location"].rsplit("/", 1)[1])
    url = f"/incidents/{incident_id}"
    logged_in.post(f"{url}/dismiss", data={"csrf_token": csrf_token(logged_in, url), "dismiss-reason": "Vals alarm"})
    token = csrf_token(logged_in, url)
    before = row_counts()
    response = logged_in.post(f"{url}/contracts", data={"references": "Z-1", "step": "review", "csrf_token": token})
    assert response.status_code == 302
    assert row_counts() == before
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Dit incident is afgewezen of gesloten: er kunnen geen contracten meer worden toegevoegd." in page
