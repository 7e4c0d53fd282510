"""Each controller's scope on the incident page: one controller at a time, many by CSV (all or nothing), and the
processor's internal note, which stays inside."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from incidents.breaches.models import ControllerScope, Incident
from incidents.breaches.scope import scope_of
from incidents.extensions import db
from tests.conftest import MAKER_FORM

from ..support.forms import csrf_token, log_incident


@pytest.fixture
def three(logged_in, make_controller, make_contract):
    """A confirmed incident on three controllers' contracts, made through the intake form."""
    controllers = [make_controller(name=f"Kliniek {n}", kvk=f"7000000{n}") for n in (1, 2, 3)]
    for n, controller in enumerate(controllers, 1):
        make_contract("boz-72h", controller, reference=f"VO-{n}")
    response = log_incident(
        logged_in,
        {
            "title": "Ransomware",
            "aware_at": "2026-11-20T09:15",
            "status": "confirmed",
            "references": "VO-1, VO-2, VO-3",
        },
    )
    assert response.status_code == 302
    return db.session.scalar(select(Incident)), controllers


def test_one_controllers_scope_is_saved_and_shown_only_in_its_card(logged_in, three):
    incident, (a, b, _c) = three
    url = f"/incidents/{incident.id}/controllers/{a.id}/scope"
    page = logged_in.get(url)
    assert page.status_code == 200 and "Kliniek 1" in page.get_data(as_text=True)
    response = logged_in.post(
        url,
        data={
            "csrf_token": csrf_token(logged_in, url),
            "scope-subjects_min": "1200",
            "scope-subjects_max": "1500",
            "scope-subject_groups": ["patients"],
            "scope-data_categories": ["name", "bsn", "health"],
            "scope-special_categories": ["health"],
            "scope-countries": "nl, be",
            "scope-note": "Alleen voor kliniek 1",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/incidents/{incident.id}/controllers/{a.id}#scope")
    assert scope_of(incident.id, a.id) == {
        "subjects_min": 1200,
        "subjects_max": 1500,
        "subject_groups": ["patients"],
        "data_categories": ["name", "bsn", "health"],
        "special_categories": ["health"],
        "countries": ["NL", "BE"],
        "note": "Alleen voor kliniek 1",
    }
    assert scope_of(incident.id, b.id) == {}
    # each controller's page shows its own scope, and nothing of the other's
    page_a = logged_in.get(f"/incidents/{incident.id}/controllers/{a.id}").get_data(as_text=True)
    page_b = logged_in.get(f"/incidents/{incident.id}/controllers/{b.id}").get_data(as_text=True)
    card_a = page_a.split(f'id="scope-{a.id}"')[1].split("</div>")[0]
    card_b = page_b.split(f'id="scope-{b.id}"')[1].split("</div>")[0]
    assert f'id="scope-{b.id}"' not in page_a
    assert "minimaal 1.200, maximaal 1.500" in card_a and "Alleen voor kliniek 1" in card_a
    assert "1.200" not in card_b and "Alleen voor kliniek 1" not in card_b
    # clearing a box in the form removes that value
    response = logged_in.post(
        url, data={"csrf_token": csrf_token(logged_in, url), "scope-subjects_min": "1200", "scope-subjects_max": "1500"}
    )
    assert response.status_code == 302
    assert scope_of(incident.id, a.id) == {"subjects_min": 1200, "subjects_max": 1500}


def test_a_refused_scope_says_why_and_saves_nothing(logged_in, three, row_counts):
    incident, (a, _b, _c) = three
    url = f"/incidents/{incident.id}/controllers/{a.id}/scope"
    before = row_counts()
    response = logged_in.post(
        url,
        data={
            "csrf_token": csrf_token(logged_in, url),
            "scope-subjects_min": "50",
            "scope-subjects_max": "10",
            "scope-countries": "XX",
        },
    )
    assert response.status_code == 422
    assert row_counts() == before and db.session.scalar(select(ControllerScope)) is None


def test_an_unaffected_controller_has_no_scope_page(logged_in, three, make_controller):
    incident, _ = three
    other = make_controller(name="Niet geraakt")
    assert logged_in.get(f"/incidents/{incident.id}/controllers/{other.id}/scope").status_code == 404


def test_csv_upload_sets_many_scopes_at_once(logged_in, three):
    incident, (a, b, c) = three
    url = f"/incidents/{incident.id}/scopes"
    csv_text = (
        "controller_id,kvk,subjects_min,subjects_max,data_categories,note\n"
        f"{a.id},,100,100,name;bsn,noot A\n"
        f",{b.kvk},200,250,health,noot B\n"
        f"{c.id},{c.kvk},300,,,\n"
    )
    response = logged_in.post(url, data={"csrf_token": csrf_token(logged_in, url), "csv-text": csv_text})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert scope_of(incident.id, a.id) == {
        "subjects_min": 100,
        "subjects_max": 100,
        "data_categories": ["name", "bsn"],
        "note": "noot A",
    }
    assert scope_of(incident.id, b.id) == {
        "subjects_min": 200,
        "subjects_max": 250,
        "data_categories": ["health"],
        "note": "noot B",
    }
    assert scope_of(incident.id, c.id) == {"subjects_min": 300}
    html = logged_in.get(f"/incidents/{incident.id}").get_data(as_text=True)
    totals = html.split('id="scope-totals"')[1].split("</dl>")[0]
    assert "minimaal 600" in totals  # 100 + 200 + 300; no maximum, as Kliniek 3 gives none
    # the download lists every affected controller with its scope, and uploads again unchanged
    download = logged_in.get(f"/incidents/{incident.id}/scopes.csv")
    assert download.mimetype == "text/csv"
    again = logged_in.post(
        url, data={"csrf_token": csrf_token(logged_in, url), "csv-text": download.get_data(as_text=True)}
    )
    assert again.status_code == 302
    assert scope_of(incident.id, b.id)["data_categories"] == ["health"]


def test_a_csv_with_bad_lines_changes_nothing_and_names_every_line(logged_in, three, make_controller, row_counts):
    incident, (a, b, _c) = three
    stranger = make_controller(name="Vreemde")
    url = f"/incidents/{incident.id}/scopes"
    csv_text = (
        "controller_id,subjects_min,subjects_max,data_categories,countries\n"
        f"{a.id},10,20,name,NL\n"  # line 2: fine
        f"{b.id},30,20,name,NL\n"  # line 3: max below min
        f"{stranger.id},1,1,name,NL\n"  # line 4: not affected
        f"{a.id},1,1,name,NL\n"  # line 5: named again
        f"{b.id},1,1,paspoort,NL\n"  # line 6: unknown category
        f"{b.id},1,1,name,XY\n"
    )  # line 7: unknown country
    before = row_counts()
    response = logged_in.post(url, data={"csrf_token": csrf_token(logged_in, url), "csv-text": csv_text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    lines = [int(part.split('"')[0]) for part in html.split('data-line="')[1:]]
    assert lines == [3, 4, 5, 6, 7]
    assert row_counts() == before


def test_internal_note_is_kept_but_never_in_a_notice(logged_in, three):
    incident, _ = three
    url = f"/incidents/{incident.id}"
    response = logged_in.post(
        f"{url}/internal-note",
        data={"csrf_token": csrf_token(logged_in, url), "note-internal_note": "INTERN-GEHEIM-42"},
    )
    assert response.status_code == 302
    db.session.refresh(incident)
    assert incident.internal_note == "INTERN-GEHEIM-42"
    assert "INTERN-GEHEIM-42" in logged_in.get(url).get_data(as_text=True)


def test_processor_staff_cannot_record_a_decision_without_the_decision_maker(logged_in, three, row_counts):
    incident, (a, _b, _c) = three
    url = f"/incidents/{incident.id}"
    before = row_counts()
    refused = logged_in.post(
        f"{url}/decisions",
        data={
            "csrf_token": csrf_token(logged_in, url),
            "decision-controller_id": str(a.id),
            "decision-notify_ap": "no",
            "decision-reason": "Geen risico",
        },
    )
    assert refused.status_code == 422 and row_counts() == before
    assert "Leg vast wie bij de verwerkingsverantwoordelijke dit besluit nam." in refused.get_data(as_text=True)
    decided = logged_in.post(
        f"{url}/decisions",
        data={
            "csrf_token": csrf_token(logged_in, url),
            "decision-controller_id": str(a.id),
            "decision-notify_ap": "no",
            "decision-reason": "Geen risico",
            **MAKER_FORM,
        },
    )
    assert decided.status_code == 302
    assert "Fenna de Graaf" in logged_in.get(url).get_data(as_text=True)


def test_refusals_are_explained_in_dutch_on_the_dutch_pages(logged_in, three, make_controller):
    incident, (a, b, _c) = three
    url = f"/incidents/{incident.id}/controllers/{a.id}/scope"
    refused = logged_in.post(
        url, data={"csrf_token": csrf_token(logged_in, url), "scope-subjects_min": "50", "scope-subjects_max": "10"}
    ).get_data(as_text=True)
    assert "subjects_max is lager dan subjects_min." in refused and "is below" not in refused
    refused = logged_in.post(
        url, data={"csrf_token": csrf_token(logged_in, url), "scope-countries": "Nederland"}
    ).get_data(as_text=True)
    assert "countries: “Nederland” is geen van de toegestane waarden." in refused
    stranger = make_controller(name="Vreemde")
    upload = f"/incidents/{incident.id}/scopes"
    html = logged_in.post(
        upload,
        data={
            "csrf_token": csrf_token(logged_in, upload),
            "csv-text": (
                "controller_id,subject_groups,subjects_min\n"
                f"{a.id},kinderen,1\n"
                f"{stranger.id},patients,1\n"
                f"{b.id},patients\n"
            ),
        },
    ).get_data(as_text=True)
    errors = html.split('id="scope-errors"')[1].split("</div>")[0]
    assert "subject_groups: “kinderen” is geen van de toegestane waarden." in errors
    assert f"Verwerkingsverantwoordelijke {stranger.id} is niet getroffen door dit incident." in errors
    assert "Deze regel heeft 2 cellen, de eerste regel 3." in errors
    for english in ("is not", "cells where", "not affected"):
        assert english not in errors, english
    # the allowed values are listed, with their Dutch words
    assert "<code>minors</code> (Minderjarigen)" in html


def test_the_csv_download_is_safe_in_a_spreadsheet_and_reads_back_unchanged(logged_in, three):
    incident, (a, _b, _c) = three
    url = f"/incidents/{incident.id}/controllers/{a.id}/scope"
    logged_in.post(
        url,
        data={
            "csrf_token": csrf_token(logged_in, url),
            "scope-subjects_min": "5",
            "scope-note": '=HYPERLINK("https://evil.example")',
        },
    )
    download = logged_in.get(f"/incidents/{incident.id}/scopes.csv").get_data(as_text=True)
    header, first = download.lstrip("\ufeff").splitlines()[:2]
    assert header.startswith("controller_id;kvk;name;subjects_min")  # Dutch spreadsheets split on semicolons
    assert "\"'=HYPERLINK" in first  # never a live formula
    upload = f"/incidents/{incident.id}/scopes"
    again = logged_in.post(upload, data={"csrf_token": csrf_token(logged_in, upload), "csv-text": download})
    assert again.status_code == 302
    assert scope_of(incident.id, a.id)["note"] == '=HYPERLINK("https://evil.example")'
