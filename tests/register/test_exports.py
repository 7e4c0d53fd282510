"""The CSV, XLSX and PDF exports read back with the same rows and values as the page's table."""

from __future__ import annotations

import io
from datetime import datetime

import pendulum
from openpyxl import load_workbook

from incidents.breaches import service
from incidents.core.instants import format_local
from incidents.extensions import db

from .conftest import page_table, pdf_text, read_csv, references

FILTERED = "from=2026-03-01&to=2026-06-30"


def xlsx_text(value, lang: str = "nl") -> str:
    """A spreadsheet cell as the page shows it."""
    if value is None:
        return ""
    if isinstance(value, datetime):  # the spreadsheet holds Amsterdam wall time without a zone
        return format_local(pendulum.instance(value, tz="Europe/Amsterdam"))
    if isinstance(value, float):
        text = f"{value:.2f}"
        return text if lang == "en" else text.replace(".", ",")
    return str(value)


def read_xlsx(body: bytes):
    return load_workbook(io.BytesIO(body)).active


def test_csv_equals_the_page(logged_in, register):
    for query in ("", FILTERED, f"controller_id={register.controllers['b'].id}"):
        headers, rows = page_table(logged_in.get(f"/register/?{query}"))
        response = logged_in.get(f"/register/export.csv?{query}")
        assert response.status_code == 200
        assert response.content_type == "text/csv; charset=utf-8"
        assert response.headers["Content-Disposition"].startswith('attachment; filename="register-')
        read = read_csv(response.data)
        assert read[0] == headers
        assert len(read) - 1 == len(rows) and rows
        for got, shown in zip(read[1:], rows, strict=True):
            assert got == shown  # cell by cell, newlines, quotes and semicolons included


def test_csv_in_english_uses_commas(logged_in, register):
    headers, rows = page_table(logged_in.get("/register/?lang=en"))
    read = read_csv(logged_in.get("/register/export.csv").data, separator=",")
    assert read == [headers, *rows]
    assert read[0][0] == "Reference"


def test_xlsx_equals_the_page(logged_in, register):
    headers, rows = page_table(logged_in.get(f"/register/?{FILTERED}"))
    response = logged_in.get(f"/register/export.xlsx?{FILTERED}")
    assert response.status_code == 200
    assert response.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = read_xlsx(response.data)
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == headers
    assert len(values) - 1 == len(rows) == 4
    for got, shown in zip(values[1:], rows, strict=True):
        assert [xlsx_text(v) for v in got] == shown
    # Real cells: a frozen header, local wall-clock datetimes without a zone, numbers as numbers.
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.b
    first = dict(zip(headers, values[1], strict=True))
    assert first["Kennisname (Amsterdamse tijd)"] == datetime(2026, 3, 2, 9, 0)
    assert first["SE-score"] == 4.25 and first["Verplichtingen gemist"] == 4
    assert first["Afgewezen op (Amsterdamse tijd)"] is None


def test_xlsx_in_english(logged_in, register):
    headers, rows = page_table(logged_in.get("/register/?lang=en"))
    values = list(read_xlsx(logged_in.get("/register/export.xlsx").data).iter_rows(values_only=True))
    assert [list(values[0]), *[[xlsx_text(v, "en") for v in row] for row in values[1:]]] == [headers, *rows]


def test_text_that_looks_like_a_formula_stays_text(logged_in, register, user):
    incident = register.incidents["i2"]
    service.update_incident(incident, title='=HYPERLINK("http://evil.example","klik")', actor=user)
    db.session.commit()
    headers, rows = page_table(logged_in.get("/register/?status=suspected"))
    assert rows[0][1] == '=HYPERLINK("http://evil.example","klik")'
    read = read_csv(logged_in.get("/register/export.csv?status=suspected").data)
    assert read[1][1] == "'" + rows[0][1]  # neutralised for spreadsheets
    assert read[1][:1] + read[1][2:] == rows[0][:1] + rows[0][2:]
    sheet = read_xlsx(logged_in.get("/register/export.xlsx?status=suspected").data)
    assert sheet["B2"].value == rows[0][1] and sheet["B2"].data_type == "s"


def test_pdf_holds_every_incident(logged_in, register):
    response = logged_in.get("/register/export.pdf")
    assert response.status_code == 200 and response.content_type == "application/pdf"
    pages, text = pdf_text(response.data)
    for reference in register.ref("i1", "i2", "i3", "i4", "i5"):
        assert reference in text
    assert "Register van datalekken" in text
    for number, page in enumerate(pages, start=1):
        assert f"Pagina {number} van {len(pages)}" in page
    # User text arrives as text, not as reportlab markup.
    assert "<b>niet vet</b>" in text and "Geen persoonsgegevens in de brief" in text


def test_pdf_states_the_selection(logged_in, register):
    controller = register.controllers["a"]
    response = logged_in.get(f"/register/export.pdf?{FILTERED}&controller_id={controller.id}&severity=none")
    _, text = pdf_text(response.data)
    flat = " ".join(text.split())
    assert "2026-03-01 t/m 2026-06-30" in flat and "Alfa Zorg" in flat and "niet beoordeeld" in flat
    _, rows = page_table(logged_in.get(f"/register/?{FILTERED}&controller_id={controller.id}&severity=none"))
    assert references(rows) == register.ref("i2")
    assert register.incidents["i2"].reference in text
    assert register.incidents["i1"].reference not in text


def test_pdf_in_english_and_empty(logged_in, register):
    pages, text = pdf_text(logged_in.get("/register/export.pdf?lang=en&status=closed").data)
    assert "Breach register" in text and "No incidents in this selection." in text
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_exports_of_an_empty_register(logged_in):
    headers, rows = page_table(logged_in.get("/register/"))
    assert rows == []
    assert read_csv(logged_in.get("/register/export.csv").data) == [headers]
    assert [list(r) for r in read_xlsx(logged_in.get("/register/export.xlsx").data).iter_rows(values_only=True)] == [
        headers
    ]


def test_xlsx_cuts_text_longer_than_excel_allows(app):
    from incidents.core.instants import parse_instant
    from incidents.register.export import to_csv, to_xlsx
    from incidents.register.queries import RegisterRow

    # An incident touching thousands of controllers (the fan-out case): far beyond Excel's 32,767 characters.
    names = [f"Zorginstelling {n:05d}" for n in range(3000)]
    row = RegisterRow(
        id=1,
        reference="DL-2026-0001",
        title="Fan-out",
        status="confirmed",
        aware_at=parse_instant("2026-03-02T09:00"),
        confirmed_at=None,
        dismissed_at=None,
        dismiss_reason=None,
        description="",
        fields={},
        incident_kind=None,
        controllers=names,
    )
    sheet = read_xlsx(to_xlsx([row], "nl"))
    cell = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("Verwerkingsverantwoordelijken") + 1).value
    assert len(cell) == 32767 and cell.endswith("[afgekapt: zie CSV of PDF]")
    assert cell.startswith("Zorginstelling 00000; Zorginstelling 00001")
    header, values = read_csv(to_csv([row], "nl"))
    assert values[header.index("Verwerkingsverantwoordelijken")] == "; ".join(names)  # the CSV keeps everything


# --- Annex B, decisions, notices and missed obligations in every rendering ------------------------------------------

ANNEX_B_NL = {
    "Begin van de inbreuk (Amsterdamse tijd)": "01-03-2026 22:30 CET",
    "Einde van de inbreuk (Amsterdamse tijd)": "02-03-2026 08:15 CET",
    "Gemeld aan de verwerker door": "subverwerker (extern): Hostingpartner Noord B.V., J. Jansen (security officer)",
    "Procedure voor het herstellen van gegevens": "Back-up van 1 maart teruggezet; integriteit gecontroleerd met "
    "checksums",
}


def _first(headers: list[str], rows: list[list[str]]) -> dict[str, str]:
    return dict(zip(headers, rows[0], strict=True))


class FakeTransport:
    def __init__(self):
        self.sent: list[list[str]] = []

    def send(self, sender, recipients, message):
        self.sent.append(list(recipients))
        return "250 2.0.0 Ok: queued as TEST"


def _notices(register, user):
    """A notice e-mailed to bravo (two contracts in I5: filed twice, shown once) and one to Charlie still queued."""
    from incidents.notices.outbox import deliver
    from incidents.notices.service import issue_notices
    from incidents.parties import service as parties

    i4, i5 = register.incidents["i4"], register.incidents["i5"]
    extra = parties.create_contract(
        {"controller_id": register.controllers["b"].id, "profile": "boz-72h", "reference": "VO-EXTRA"}
    )
    service.add_contracts(i5, [extra.id], actor=user)
    sent = issue_notices(i5, controller_ids=[register.controllers["b"].id], actor=user)[0]
    queued = issue_notices(i4, controller_ids=[register.controllers["c"].id], actor=user)[0]
    db.session.commit()
    transport = FakeTransport()
    assert deliver(sent.id, transport) == "sent"
    return sent, queued


def test_annex_b_and_decisions_in_page_csv_xlsx_and_pdf(logged_in, register):
    headers, rows = page_table(logged_in.get("/register/"))
    row = _first(headers, rows)
    for header, value in ANNEX_B_NL.items():
        assert row[header] == value, header
    decisions = row["Besluiten (laatste per verantwoordelijke)"].splitlines()
    assert decisions[0].startswith("Alfa Zorg: ja, melden bij de AP; nee, betrokkenen niet informeren")
    assert (
        "; reden: Hoog risico; besloten door Fenna de Graaf (Functionaris gegevensbescherming), per e-mail; "
        "vastgelegd door Hanna Handler op " in decisions[0]
    )
    assert decisions[1].startswith(
        "bravo Kliniek: nee, melden bij de AP niet vereist; reden: Geen risico voor "
        "betrokkenen; besloten door Fenna de Graaf"
    )
    missed = row["Gemiste verplichtingen en hoe laat"].splitlines()
    b = register.contracts["b"].reference
    assert missed[0] == (
        f"bravo Kliniek: Melding aan de verwerkingsverantwoordelijke (contract {b}), uiterlijk "
        "05-03-2026 09:00 CET, gedaan 05-03-2026 17:00 CET: 8 u 00 min te laat"
    )
    assert (
        missed[1].startswith(
            f"bravo Kliniek: Overleg met de verwerkingsverantwoordelijke (contract {b}), "
            "uiterlijk 05-03-2026 09:00 CET, nog niet gedaan: "
        )
        and " d " in missed[1]
    )
    assert row["Meldingen aan verwerkingsverantwoordelijken"] == (
        "Alfa Zorg: 02-03-2026 19:00 CET, e-mail (MAIL-1)\nbravo Kliniek: 05-03-2026 17:00 CET, e-mail"
    )

    # The same cells in the CSV, the spreadsheet and the PDF.
    csv_row = dict(zip(*read_csv(logged_in.get("/register/export.csv").data)[:2], strict=True))
    assert csv_row == row
    values = list(read_xlsx(logged_in.get("/register/export.xlsx").data).iter_rows(values_only=True))
    assert {h: xlsx_text(v) for h, v in zip(values[0], values[1], strict=True)} == row
    assert dict(zip(values[0], values[1], strict=True))["Begin van de inbreuk (Amsterdamse tijd)"] == datetime(
        2026, 3, 1, 22, 30
    )
    _, text = pdf_text(logged_in.get("/register/export.pdf").data)
    flat = " ".join(text.split())
    for header, value in ANNEX_B_NL.items():
        assert " ".join(header.split()) in flat and " ".join(value.split()) in flat, header
    for needle in (
        "reden: Hoog risico",
        "besloten door Fenna de Graaf (Functionaris gegevensbescherming), per e-mail",
        "vastgelegd door Hanna Handler",
        "8 u 00 min te laat",
        "Alfa Zorg: 02-03-2026 19:00 CET, e-mail (MAIL-1)",
        "Gemiste verplichtingen en hoe laat",
        "Meldingen aan verwerkingsverantwoordelijken",
    ):
        assert needle in flat, needle


def test_dutch_exports_carry_no_codes(logged_in, register):
    body = logged_in.get("/register/export.csv").data.decode("utf-8-sig")
    for word in (
        "vastgesteld",
        "afgewezen",
        "vermoed",
        "Hacking, malware of phishing",
        "zeer hoog",
        "ja, melden bij de AP",
        "per e-mail",
        "subverwerker (extern)",
        "Melding aan de verwerkingsverantwoordelijke",
        "Overleg met de verwerkingsverantwoordelijke",
        "Melding aan de AP",
        "nee, betrokkenen niet informeren",
    ):
        assert word in body, word
    for code in (
        "confirmed",
        "dismissed",
        "suspected",
        "hacking_malware_phishing",
        "very_high",
        "controller_notice",
        "controller_consultation",
        "ap_notification",
        "sub_processor",
        "unintelligible",
        "needs_info",
        "email",
    ):
        assert code not in body, code
    _, text = pdf_text(logged_in.get("/register/export.pdf").data)
    for code in ("hacking_malware_phishing", "controller_notice", "very_high", "dismissed"):
        assert code not in text.replace("\n", ""), code
    sheet = "\n".join(
        str(v)
        for row in read_xlsx(logged_in.get("/register/export.xlsx").data).iter_rows(values_only=True)
        for v in row
        if v is not None
    )
    assert "hacking_malware_phishing" not in sheet and "Hacking, malware of phishing" in sheet


def test_english_exports_use_english_words(logged_in, register):
    headers, rows = page_table(logged_in.get("/register/?lang=en"))
    row = _first(headers, rows)
    assert (row["Status"], row["Kind of incident"], row["Severity (ENISA)"], row["Severity (AP)"]) == (
        "confirmed",
        "Hacking, malware or phishing",
        "very high",
        "very large",
    )
    assert row["Reported to the processor by"].startswith("sub-processor (external): Hostingpartner")
    assert row["Data recovery procedure"].startswith("Back-up van 1 maart")  # the user's own text, as written
    assert row["Breach started (Amsterdam time)"] == "01-03-2026 22:30 CET"
    assert row["Decisions (latest per controller)"].startswith(
        "Alfa Zorg: yes, notify the AP; no, do not inform data subjects (data unintelligible to unauthorised people "
        "(GDPR Art. 34(3)(a))); reason: Hoog risico; decided by Fenna de Graaf (Functionaris gegevensbescherming), "
        "by e-mail; recorded by Hanna Handler at "
    )
    assert (
        row["Missed obligations and how late"]
        .splitlines()[0]
        .endswith("due 05-03-2026 09:00 CET, done 05-03-2026 17:00 CET: 8 h 00 min late")
    )
    assert row["Filings (per controller)"].startswith(
        "Alfa Zorg: Notice to the controller 02-03-2026 19:00 CET (e-mail"
    )
    read = read_csv(logged_in.get("/register/export.csv").data, separator=",")
    assert read == [headers, *rows]
    body = logged_in.get("/register/export.csv").data.decode("utf-8-sig")
    for dutch in ("vastgesteld", "ja, melden bij de AP", "uiterlijk", "te laat", "Melding aan", "subverwerker"):
        assert dutch not in body, dutch
    _, text = pdf_text(logged_in.get("/register/export.pdf").data)
    flat = " ".join(text.split())
    assert "Missed obligations and how late" in flat and "8 h 00 min late" in flat and "very large" in flat
    assert "te laat" not in flat and "Begin van de inbreuk" not in flat


def test_notices_per_controller_with_recipient_and_channel(logged_in, register, user):
    sent, queued = _notices(register, user)
    b, c = register.controllers["b"], register.controllers["c"]
    headers, rows = page_table(logged_in.get("/register/"))
    by_ref = {r[0]: dict(zip(headers, r, strict=True)) for r in rows}
    i5 = by_ref[register.incidents["i5"].reference]
    notices = i5["Meldingen aan verwerkingsverantwoordelijken"]
    assert notices.startswith("bravo Kliniek: ") and f", e-mail aan {b.contact_email}" in notices
    assert len(notices.splitlines()) == 1  # e-mailed once, filed for each of its two contracts
    assert i5["Aantal registraties"] == "2"
    i4 = by_ref[register.incidents["i4"].reference]
    assert i4["Meldingen aan verwerkingsverantwoordelijken"].startswith("Charlie GGZ: aangemaakt ")
    assert f"nog niet verzonden aan {c.contact_email}" in i4["Meldingen aan verwerkingsverantwoordelijken"]

    csv_rows = read_csv(logged_in.get("/register/export.csv").data)
    assert csv_rows == [headers, *rows]
    values = list(read_xlsx(logged_in.get("/register/export.xlsx").data).iter_rows(values_only=True))
    assert [[xlsx_text(v) for v in r] for r in values[1:]] == rows
    _, text = pdf_text(logged_in.get("/register/export.pdf").data)
    assert b.contact_email in text and c.contact_email in text

    english = logged_in.get("/register/export.csv?lang=en").data.decode("utf-8-sig")
    assert f"e-mail to {b.contact_email}" in english and f"not sent yet to {c.contact_email}" in english


def test_each_controllers_scope_and_the_sums_in_the_register(logged_in, register):
    rows = read_csv(logged_in.get("/register/export.csv").data)
    column = rows[0].index("Betrokkenen en gegevens per verwerkingsverantwoordelijke")
    i1 = next(row for row in rows[1:] if row[0] == register.ref("i1")[0])
    assert i1[column].split("\n") == [
        "Alfa Zorg: Aantal betrokkenen: minimaal 1.200, maximaal 1.500; Soorten persoonsgegevens: Naam, "
        "Burgerservicenummer (BSN)",
        "bravo Kliniek: Aantal betrokkenen: exact 40; Bijzondere persoonsgegevens (AVG art. 9): Gezondheidsgegevens",
        "Totaal: Aantal betrokkenen: minimaal 1.240, maximaal 1.540",
    ]
    assert "Alleen voor Alfa" not in i1[column]  # a note is for one controller's documents, not the register
    page = logged_in.get("/register/").get_data(as_text=True)
    assert "minimaal 1.240, maximaal 1.540" in page
