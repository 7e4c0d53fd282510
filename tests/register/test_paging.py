"""The register page for a register larger than a page: server-side pages, sort orders, search, totals counted over
the whole selection, and the page's size with an incident of many controllers."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from incidents.breaches import service
from incidents.breaches.assessment import record_severity
from incidents.breaches.models import Incident
from incidents.core.instants import parse_instant
from incidents.extensions import db

from .conftest import LOW, MEDIUM, VERY_HIGH, page_table, pdf_text, read_csv, references

COUNT = 62
START = parse_instant("2025-01-06T10:00")


@pytest.fixture
def many(app, user, make_controller, make_contract):
    """62 incidents, one a day, over three controllers; every third suspected, every fifth dismissed; some
    assessed. Titles run backwards against time, so that a sort on the title is not the order of awareness."""
    alfa = make_controller(name="Alfa Zorg")
    beta = make_controller(name="Beta Kliniek")
    gamma = make_controller(name="Gamma 50% Apotheek")
    contracts = [make_contract("boz-72h", c) for c in (alfa, beta, gamma)]
    made = []
    for n in range(COUNT):
        incident = service.create_incident(
            title=f"Incident {COUNT - n:03d} {'phishing' if n % 7 == 0 else 'laptop'}",
            aware_at=START + timedelta(days=n),
            status="suspected" if n % 3 == 0 else "confirmed",
            contract_ids=[contracts[n % 3].id],
            actor=user,
        )
        if n % 5 == 0 and n % 3:
            service.dismiss(incident, "Geen datalek", actor=user)
        if n % 4 == 0:
            record_severity(incident, (LOW, MEDIUM, VERY_HIGH)[n % 3], actor=user)
        made.append(incident)
    db.session.commit()
    return {"incidents": made, "alfa": alfa, "beta": beta, "gamma": gamma}


def in_order(*order_by) -> list[str]:
    return list(db.session.scalars(select(Incident.reference).order_by(*order_by)))


def links(html: str, rel: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(rf'<a rel="{rel}" href="([^"]+)"', html)]


def test_pages_of_fifty_in_order_of_awareness(logged_in, many):
    everything = in_order(Incident.aware_at, Incident.id)
    first = logged_in.get("/register/")
    _, rows = page_table(first)
    assert references(rows) == everything[:50]
    html = first.get_data(as_text=True)
    assert "Rijen 1–50 van 62" in html and "pagina 1 van 2" in html
    assert links(html, "next") == ["/register/?page=2"] and links(html, "last") == ["/register/?page=2"]
    assert not links(html, "prev")
    second = logged_in.get("/register/?page=2")
    _, rows = page_table(second)
    assert references(rows) == everything[50:]
    html = second.get_data(as_text=True)
    assert "Rijen 51–62 van 62" in html and links(html, "prev") == ["/register/"]
    _, rows = page_table(logged_in.get("/register/?per_page=100"))
    assert references(rows) == everything
    # a page past the last (the selection shrank since the link was made) shows the last
    _, rows = page_table(logged_in.get("/register/?page=9"))
    assert references(rows) == everything[50:]


def test_totals_count_the_whole_selection(logged_in, many):
    statuses = Counter(db.session.scalars(select(Incident.status)))
    html = logged_in.get("/register/").get_data(as_text=True)
    assert 'data-count="62"' in html and "62 incident(en)" in html
    for status, word in (("confirmed", "vastgesteld"), ("suspected", "vermoed"), ("dismissed", "afgewezen")):
        assert f'<span data-status="{status}">{word}: {statuses[status]}</span>' in html, status
    unassessed = db.session.scalar(
        select(func.count()).select_from(Incident).where(Incident.current_severity_id.is_(None))
    )
    assert f'<span data-status="unassessed">niet beoordeeld: {unassessed}</span>' in html
    filtered = logged_in.get(f"/register/?controller_id={many['alfa'].id}").get_data(as_text=True)
    assert 'data-count="21"' in filtered  # n % 3 == 0: 21 of 62


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("-aware_at", lambda: in_order(Incident.aware_at.desc(), Incident.id.desc())),
        ("title", lambda: in_order(Incident.title, Incident.id)),
        ("-title", lambda: in_order(Incident.title.desc(), Incident.id.desc())),
        ("reference", lambda: in_order(Incident.reference, Incident.id)),
    ],
)
def test_sort_orders_over_all_pages(logged_in, many, sort, order):
    expected = order()
    _, first = page_table(logged_in.get(f"/register/?sort={sort}"))
    _, second = page_table(logged_in.get(f"/register/?sort={sort}&page=2"))
    assert references(first) + references(second) == expected


def test_sort_on_status_and_severity(logged_in, many):
    _, rows = page_table(logged_in.get("/register/?sort=status&per_page=100"))
    shown = [r[2] for r in rows]  # the status column, in words
    assert shown == sorted(shown, key=["vermoed", "vastgesteld", "afgewezen", "gesloten"].index)
    headers, rows = page_table(logged_in.get("/register/?sort=-severity&per_page=100"))
    scores = [r[headers.index("SE-score")] for r in rows]
    numbers = [float(s.replace(",", ".")) for s in scores if s]
    assert numbers == sorted(numbers, reverse=True) and scores[len(numbers) :] == [""] * (len(scores) - len(numbers))


def test_the_header_links_sort_and_say_which_order_is_on(logged_in, many):
    html = logged_in.get("/register/?sort=title&status=confirmed").get_data(as_text=True)
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert (
        '<th scope="col" data-key="title" aria-sort="ascending"><a href="/register/?status=confirmed&amp;sort=-title"'
        in head
    )
    assert 'data-key="aware_at"><a href="/register/?status=confirmed"' in head
    assert '<th scope="col" data-key="obligations_missed">' in head  # not sortable: no link
    # the form keeps the order when the filters change
    assert '<input type="hidden" name="sort" value="title">' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=phishing", lambda m: [i for n, i in enumerate(m["incidents"]) if n % 7 == 0]),
        ("q=PHISHING", lambda m: [i for n, i in enumerate(m["incidents"]) if n % 7 == 0]),
        ("q=Incident+061", lambda m: [m["incidents"][1]]),
        ("q=beta+kliniek", lambda m: [i for n, i in enumerate(m["incidents"]) if n % 3 == 1]),
        ("q=50%25", lambda m: [i for n, i in enumerate(m["incidents"]) if n % 3 == 2]),  # % is a character
        ("q=5_%25", lambda m: []),  # _ too
        ("q=phishing&status=suspected", lambda m: [i for n, i in enumerate(m["incidents"]) if n % 21 == 0]),
    ],
)
def test_search(logged_in, many, query, expected):
    want = [i.reference for i in expected(many)]
    _, rows = page_table(logged_in.get(f"/register/?{query}&per_page=100"))
    assert references(rows) == want
    # the export holds the same selection, and the page's export links carry the search
    assert [r[0] for r in read_csv(logged_in.get(f"/register/export.csv?{query}").data)[1:]] == want


def test_a_reference_searched_for_is_found_exactly(logged_in, many):
    target = many["incidents"][17]
    _, rows = page_table(logged_in.get(f"/register/?q={target.reference}"))
    assert references(rows) == [target.reference]
    html = logged_in.get(f"/register/?q={target.reference}").get_data(as_text=True)
    assert f'href="/register/export.csv?q={target.reference}"' in html


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("page=0", "'0' is geen paginanummer."),
        ("page=abc", "'abc' is geen paginanummer."),
        ("page=-2", "'-2' is geen paginanummer."),
        ("per_page=20", "Onbekend aantal per pagina '20'"),
        ("sort=colour", "Onbekende sortering 'colour'"),
        ("q=" + "x" * 101, "De zoektekst is langer dan 100 tekens."),
    ],
)
def test_bad_paging_is_refused_with_a_dutch_message(logged_in, many, query, shown):
    response = logged_in.get(f"/register/?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="register-errors"' in html and shown in unescape(html) and 'id="register"' not in html


def test_an_incident_of_many_controllers_keeps_the_page_small(logged_in, user, make_controller, make_contract):
    contracts = [make_contract("boz-72h", make_controller(name=f"Zorginstelling {n:03d}")) for n in range(60)]
    incident = service.create_incident(
        title="Storing platform",
        aware_at=START,
        status="confirmed",
        contract_ids=[c.id for c in contracts],
        actor=user,
    )
    for contract in contracts:
        service.record_filing(
            incident,
            service.FilingInput(kind="controller_notice", contract_id=contract.id, at=START + timedelta(hours=1)),
            actor=user,
        )
    db.session.commit()
    response = logged_in.get("/register/")
    html = response.get_data(as_text=True)
    assert len(response.data) < 150_000
    assert "Hier ingekort; de exports (CSV, Excel, PDF) en de incidentpagina bevatten de volledige tekst." in html
    headers, rows = page_table(response)
    filings = rows[0][headers.index("Registraties (per verantwoordelijke)")]
    assert filings.endswith(" …") and filings.count("\n") < 20
    # the export holds everything
    header, row = read_csv(logged_in.get("/register/export.csv").data)
    full = row[header.index("Registraties (per verantwoordelijke)")]
    assert full.count("\n") == 59 and full.startswith(filings[:-2])


def test_a_pdf_of_more_than_the_limit_is_refused_in_words_and_offered_in_parts(app, logged_in, many, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_PDF_MAX", 40)
    html = logged_in.get("/register/").get_data(as_text=True)
    assert 'href="/register/export.pdf' not in html
    assert '<a id="register-pdf-parts" href="/register/export.zip">PDF in 2 delen (ZIP)</a>' in html
    assert "één PDF bevat hoogstens 40 incidenten; beperk de selectie, bijvoorbeeld tot één jaar, voor één PDF." in html
    response = logged_in.get("/register/export.pdf")
    assert response.status_code == 422 and response.content_type.startswith("text/html")
    refused = response.get_data(as_text=True)
    assert (
        "Deze selectie bevat 62 incidenten; een PDF bevat er hoogstens 40. Download haar als 2 PDF&#39;s in één "
        "ZIP-archief" in refused
    )
    assert 'id="register-refused"' in refused and 'id="register"' in refused
    narrower = logged_in.get("/register/export.pdf?to=2025-02-14")  # 40 days
    assert narrower.status_code == 200 and narrower.content_type == "application/pdf"
    assert 'href="/register/export.pdf?to=2025-02-14"' in logged_in.get("/register/?to=2025-02-14").get_data(
        as_text=True
    )


def test_the_parts_of_a_large_register_hold_every_incident_once_in_order(app, logged_in, many, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_PDF_MAX", 25)
    response = logged_in.get("/register/export.zip?status=confirmed")
    assert response.status_code == 200 and response.content_type == "application/zip"
    assert re.fullmatch(
        r'attachment; filename="register-\d{4}-\d{2}-\d{2}-pdf\.zip"', response.headers["Content-Disposition"]
    )
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    names = archive.namelist()
    assert [n.rsplit("-", 4)[1:] for n in names] == [["deel", "1", "van", "2.pdf"], ["deel", "2", "van", "2.pdf"]]
    expected = list(
        db.session.scalars(
            select(Incident.reference).where(Incident.status == "confirmed").order_by(Incident.aware_at, Incident.id)
        )
    )
    assert len(expected) > 25
    found, heads = [], []
    for name in names:
        pages, text = pdf_text(archive.read(name))
        heads.append(" ".join(pages[0].split()))
        found += dict.fromkeys(re.findall(r"DL-\d{4}-\d{4}", text))  # each part's, in its order, once
    assert found == expected  # every confirmed incident, once, oldest first, none of another status
    assert f"Deel 1 van 2: incident 1 t/m 25 van {len(expected)} (oudste kennisname eerst)" in heads[0]
    assert f"Deel 2 van 2: incident 26 t/m {len(expected)} van {len(expected)} (oudste kennisname eerst)" in heads[1]


def test_with_many_controllers_the_search_finds_them_instead_of_a_list(logged_in, many, monkeypatch):
    from incidents.register import views

    html = logged_in.get("/register/").get_data(as_text=True)
    assert '<select id="controller_id"' in html and html.count('<option value="') > 3
    monkeypatch.setattr(views, "MAX_CHOICES", 2)
    html = logged_in.get("/register/").get_data(as_text=True)
    assert '<select id="controller_id"' not in html and 'id="q"' in html
    chosen = logged_in.get(f"/register/?controller_id={many['beta'].id}&sort=title").get_data(as_text=True)
    assert f'<input type="hidden" name="controller_id" value="{many["beta"].id}">' in chosen
    assert '<p id="register-controller">Beta Kliniek · <a href="/register/">alle</a></p>' in chosen
    _, rows = page_table(logged_in.get(f"/register/?controller_id={many['beta'].id}"))
    assert references(rows) == [i.reference for n, i in enumerate(many["incidents"]) if n % 3 == 1]
