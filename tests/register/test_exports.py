"""The CSV, XLSX and PDF exports read back with the same rows and values as the page's table."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from pypdf import PdfReader

from incidents.breaches import service
from incidents.extensions import db

from .conftest import page_table, read_csv, references

FILTERED = "from=2026-03-01&to=2026-06-30"


def xlsx_text(value, lang: str = "nl") -> str:
    """A spreadsheet cell as the page shows it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        text = f"{value:.2f}"
        return text if lang == "en" else text.replace(".", ",")
    return str(value)


def read_xlsx(body: bytes):
    return load_workbook(io.BytesIO(body)).active


def pdf_text(body: bytes) -> tuple[list[str], str]:
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages]
    return pages, "\n".join(pages)


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
    assert first["SE-score"] == 4.25 and first["Verplichtingen gemist"] == 2
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
        headers]


def test_xlsx_cuts_text_longer_than_excel_allows(app):
    from incidents.core.instants import parse_instant
    from incidents.register.export import to_csv, to_xlsx
    from incidents.register.queries import RegisterRow

    # An incident touching thousands of controllers (the fan-out case): far beyond Excel's 32,767 characters.
    names = [f"Zorginstelling {n:05d}" for n in range(3000)]
    row = RegisterRow(id=1, reference="DL-2026-0001", title="Fan-out", status="confirmed",
                      aware_at=parse_instant("2026-03-02T09:00"), confirmed_at=None, dismissed_at=None,
                      dismiss_reason=None, description="", fields={}, incident_kind=None, controllers=names)
    sheet = read_xlsx(to_xlsx([row], "nl"))
    cell = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("Verwerkingsverantwoordelijken") + 1).value
    assert len(cell) == 32767 and cell.endswith("[afgekapt: zie CSV of PDF]")
    assert cell.startswith("Zorginstelling 00000; Zorginstelling 00001")
    header, values = read_csv(to_csv([row], "nl"))
    assert values[header.index("Verwerkingsverantwoordelijken")] == "; ".join(names)  # the CSV keeps everything
