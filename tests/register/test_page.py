"""The register page: every incident (dismissed and never notified included), each filter, combinations,
and refused filters with a clear message instead of a server error."""

from __future__ import annotations

import pytest

from .conftest import page_table, references


def test_login_required(client, register):
    for url in ("/register/", "/register/export.csv", "/register/export.xlsx", "/register/export.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_nav_links_to_the_register(logged_in, register):
    html = logged_in.get("/").get_data(as_text=True)
    assert 'href="/register/"' in html


def test_every_incident_is_in_the_register(logged_in, register):
    headers, rows = page_table(logged_in.get("/register/"))
    assert references(rows) == register.ref("i1", "i2", "i3", "i4", "i5")  # oldest awareness first
    by_ref = {r[0]: dict(zip(headers, r, strict=True)) for r in rows}
    dismissed = by_ref[register.incidents["i3"].reference]
    assert dismissed["Status"] == "afgewezen"
    assert dismissed["Reden afwijzing"] == "Geen persoonsgegevens in de brief"
    assert dismissed["Afgewezen op (Amsterdamse tijd)"] != ""
    never_notified = by_ref[register.incidents["i2"].reference]
    assert (
        never_notified["Status"],
        never_notified["Aantal registraties"],
        never_notified["Registraties (per verantwoordelijke)"],
    ) == ("vermoed", "0", "")
    assert never_notified["Kennisname (Amsterdamse tijd)"] == "01-04-2026 00:30 CEST"


def test_the_row_of_a_handled_incident(logged_in, register):
    headers, rows = page_table(logged_in.get("/register/"))
    row = dict(zip(headers, rows[0], strict=True))
    assert row["Referentie"] == register.incidents["i1"].reference
    assert row["Kennisname (Amsterdamse tijd)"] == "02-03-2026 09:00 CET"
    assert row["Vastgesteld op (Amsterdamse tijd)"] == "02-03-2026 09:00 CET"
    assert row["Verwerkingsverantwoordelijken"] == "Alfa Zorg; bravo Kliniek"  # sorted regardless of case
    assert row["Soort incident"] == "Hacking, malware of phishing"
    assert row["Feiten"] == (
        'Versleuteld door "LockBit" <b>niet vet</b> & meer; zie log\nTweede regel: café\n'
        "Aard van de inbreuk: Versleuteling van de server\n(Vermeende) oorzaak: Phishing"
    )
    assert row["Gevolgen"].splitlines() == [
        "Getroffen persoonsgegevens (categorieën): NAW, BSN",
        "Betrokkenen (categorieën en aantal): Patiënten, ca. 1200",
        "Aantal records (bij benadering): 1200",
        "Geconstateerde en vermoedelijke gevolgen: Identiteitsfraude",
    ]
    assert row["Genomen maatregelen"] == (
        "Genomen of voorgenomen maatregelen: Wachtwoorden vervangen; back-up teruggezet"
    )
    # The latest assessment counts (the first one, "beperkt", was superseded).
    assert (row["Ernst (ENISA)"], row["Ernst (AP)"], row["SE-score"]) == ("zeer hoog", "zeer groot", "4,25")
    assert (row["Verplichtingen nagekomen"], row["Verplichtingen gemist"], row["Verplichtingen open"]) == (
        "3",
        "4",  # two notices' consultations and two reports of the investigation (BOZ 5.3, 5.4)
        "0",
    )
    assert row["Besluiten (laatste per verantwoordelijke)"].startswith(
        "Alfa Zorg: ja, melden bij de AP; nee, betrokkenen niet informeren (gegevens onbegrijpelijk voor "
        "onbevoegden (AVG art. 34 lid 3 sub a)); reden: Hoog risico; "
    )
    assert row["Aantal registraties"] == "4"
    a, b = (register.contracts[k].reference for k in "ab")
    assert row["Registraties (per verantwoordelijke)"] == (
        f"Alfa Zorg: Melding aan de verwerkingsverantwoordelijke 02-03-2026 19:00 CET (e-mail, contract {a}, MAIL-1); "
        f"Overleg met de verwerkingsverantwoordelijke 03-03-2026 05:00 CET (contract {a}); "
        "Melding aan de AP 03-03-2026 15:00 CET (AP-2026-001)\n"
        f"bravo Kliniek: Melding aan de verwerkingsverantwoordelijke 05-03-2026 17:00 CET (e-mail, contract {b})"
    )
    html = logged_in.get("/register/").get_data(as_text=True)
    assert "<b>niet vet</b>" not in html and "&lt;b&gt;niet vet&lt;/b&gt;" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["i1", "i2", "i3", "i4", "i5"]),
        ("from=2026-04-01", ["i2", "i3", "i4", "i5"]),  # i2: 1 April in Amsterdam, 31 March in UTC
        ("to=2026-03-31", ["i1"]),
        ("from=2026-04-01&to=2026-04-01", ["i2"]),  # one local day, both ends inclusive
        ("from=2026-03-02&to=2026-06-01", ["i1", "i2", "i3", "i4"]),
        ("from=2026-03-03&to=2026-05-31", ["i2", "i3"]),
        ("status=dismissed", ["i3"]),
        ("status=suspected", ["i2"]),
        ("status=confirmed", ["i1", "i4", "i5"]),
        ("status=closed", []),
        ("severity=zeer+groot", ["i1"]),
        ("severity=beperkt", []),  # only a superseded assessment said "beperkt"
        ("severity=verwaarloosbaar", ["i3"]),
        ("severity=none", ["i2", "i4", "i5"]),
        ("from=&to=&controller_id=&status=&severity=", ["i1", "i2", "i3", "i4", "i5"]),  # an empty form
    ],
)
def test_filters(logged_in, register, query, expected):
    _, rows = page_table(logged_in.get(f"/register/?{query}"))
    assert references(rows) == register.ref(*expected)


@pytest.mark.parametrize(
    ("controller", "extra", "expected"),
    [
        ("a", "", ["i1", "i2"]),
        ("b", "", ["i1", "i5"]),
        ("c", "", ["i3", "i4"]),
        ("d", "", []),
        ("c", "&status=confirmed", ["i4"]),
        ("a", "&severity=none", ["i2"]),
        ("b", "&severity=zeer+groot&from=2026-03-02&to=2026-03-02", ["i1"]),
        ("b", "&severity=zeer+groot&from=2026-03-03", []),
        ("c", "&from=2026-01-01&to=2026-12-31&severity=none", ["i4"]),
    ],
)
def test_controller_filter_and_combinations(logged_in, register, controller, extra, expected):
    controller_id = register.controllers[controller].id
    _, rows = page_table(logged_in.get(f"/register/?controller_id={controller_id}{extra}"))
    assert references(rows) == register.ref(*expected)


def test_export_links_carry_the_filters(logged_in, register):
    controller_id = register.controllers["a"].id
    html = logged_in.get(f"/register/?from=2026-03-01&controller_id={controller_id}&severity=none").get_data(
        as_text=True
    )
    for fmt in ("csv", "xlsx", "pdf"):
        assert (
            f'href="/register/export.{fmt}?from=2026-03-01&amp;controller_id={controller_id}&amp;severity=none"' in html
        )


BAD = [
    ("from=2026-02-30", "2026-02-30"),
    ("to=yesterday", "yesterday"),
    ("from=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-01-01", "２０２６-01-01"),  # full-width digits
    ("from=0001-01-01", "0001-01-01"),
    ("from=2026-04-02&to=2026-04-01", "2026-04-02"),
    ("controller_id=999999", "999999"),
    ("controller_id=abc", "abc"),
    ("controller_id=-1", "-1"),
    ("controller_id=99999999999999999999999999", "99999999999999999999999999"),
    ("status=open", "open"),
    ("severity=high", "high"),
]


@pytest.mark.parametrize(("query", "shown"), BAD)
def test_bad_filters_on_the_page(logged_in, make_controller, query, shown):
    make_controller()
    response = logged_in.get(f"/register/?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="register-errors"' in html and shown in html
    assert 'id="register"' not in html  # no table for a selection that could not be applied


@pytest.mark.parametrize(("query", "shown"), BAD)
def test_bad_filters_on_an_export(logged_in, make_controller, query, shown):
    make_controller()
    for fmt in ("csv", "xlsx", "pdf"):
        response = logged_in.get(f"/register/export.{fmt}?{query}")
        assert response.status_code == 400, fmt
        assert response.content_type.startswith("text/html"), fmt
        html = response.get_data(as_text=True)
        assert 'id="register-errors"' in html and shown in html, fmt


def test_every_problem_is_listed(logged_in, register):
    html = logged_in.get("/register/?from=x&to=y&status=z&severity=w&controller_id=0").get_data(as_text=True)
    errors = html.split('id="register-errors"', 1)[1].split("</ul>", 1)[0]
    assert errors.count("<li>") == 5


def test_english_headers(logged_in, register):
    headers, rows = page_table(logged_in.get("/register/?lang=en"))
    assert headers[:4] == ["Reference", "Title", "Status", "Aware at (Amsterdam time)"]
    assert dict(zip(headers, rows[0], strict=True))["SE score"] == "4.25"


def test_the_page_is_compact_with_details_per_incident(logged_in, register):
    from incidents.register.columns import COLUMNS

    html = logged_in.get("/register/").get_data(as_text=True)
    table = html.split('id="register"', 1)[1].split("</table>", 1)[0]
    head = table.split("</thead>", 1)[0]
    summary = [c.key for c in COLUMNS if c.summary]
    assert head.count("<th ") == len(summary) <= 6
    assert table.count('<tbody class="register-incident"') == 5
    assert table.count("<details>") == 5 and "<summary>Details van DL-2026-0001</summary>" in table
    # On a phone every overview cell names its column (app.css shows data-label); no inline style or script.
    assert 'data-label="Kennisname (Amsterdamse tijd)"' in table
    assert " style=" not in html and "<script>" not in html
    css = logged_in.get("/static/app.css")
    assert css.status_code == 200 and css.content_type.startswith("text/css")
    assert b"@media (max-width: 640px)" in css.data and b"attr(data-label)" in css.data


def test_the_page_in_english_has_no_dutch_words_of_its_own(logged_in, register):
    html = logged_in.get("/register/?lang=en").get_data(as_text=True)
    table = html.split('id="register"', 1)[1].split("</table>", 1)[0]
    assert "<summary>Details of DL-2026-0001</summary>" in table
    for dutch in ("Details van", "vastgesteld", "te laat", "Gemeld aan", "besloten door", "zeer groot"):
        assert dutch not in table, dutch
    assert '<option value="zeer groot" >very large</option>' in html  # the severity filter in words too
