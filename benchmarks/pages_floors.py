"""The bare baselines of benchmarks/pages.py: hand-written set-based SQL through the bare driver (sqlite3 or psycopg),
output written by bare code (f-strings + html.escape, hand-written iCalendar text, csv.writer, openpyxl write-only,
a reportlab canvas with a built-in font); no Flask, no ORM, no templates.

What each floor shows is what the issue asks the page to show (issue 12, "What to build"), not what the page shows
today: a list is one page of PAGE_ROWS rows with its total, the incident page a summary (counts per obligation
status and per controller state, the most urgent deadline) and the first page of its controllers. The feed and the
exports have no pages: their floors hold every open deadline and every incident, streamed in batches.
"""

from __future__ import annotations

import csv
import html
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

PAGE_ROWS = 50
FETCH = 2_000
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
OPEN = "('suspected', 'confirmed')"


class Database:
    """One bare connection; SQL is written with ? placeholders and instants are passed as each driver stores them."""

    def __init__(self, url: str, sqlite_path: Path | None):
        self.postgres = sqlite_path is None
        self.streams = 0
        if sqlite_path is not None:
            self.connection = sqlite3.connect(sqlite_path)
        else:
            import psycopg

            self.connection = psycopg.connect(url, autocommit=True)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self.cursor(sql, params).fetchall()

    def cursor(self, sql: str, params: tuple = ()):
        if self.postgres:
            return self.connection.execute(sql.replace("?", "%s"), params)
        return self.connection.execute(sql, params)

    def instant(self, value: datetime):
        return value if self.postgres else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    def names(self, column: str) -> str:
        """Distinct values of a column, joined, per group."""
        return f"string_agg(DISTINCT {column}, ', ')" if self.postgres else f"group_concat(DISTINCT {column})"

    def stream(self, sql: str, params: tuple = ()):
        """A cursor that fetches as it is read (on PostgreSQL a server-side one: psycopg's default cursor would
        hold the whole result in memory, which is not what a streamed export does)."""
        if not self.postgres:
            return self.connection.execute(sql, params)
        self.streams += 1
        cursor = self.connection.cursor(name=f"floor_{self.streams}", withhold=True)
        cursor.itersize = FETCH
        return cursor.execute(sql.replace("?", "%s"), params)

    def close(self) -> None:
        self.connection.close()


def local(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def utc_text(value) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


e = html.escape


def page(title: str, body: str) -> bytes:
    return (
        f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{e(title)}</title>'
        f'<link rel="stylesheet" href="/static/app.css"></head><body><main><h1>{e(title)}</h1>{body}</main>'
        '<script src="/static/app.js"></script></body></html>'
    ).encode()


def table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def pager(total: int) -> str:
    pages = max(1, -(-total // PAGE_ROWS))
    return f'<nav class="pager">{total:,} rijen · pagina 1 van {pages:,} <a href="?page=2">volgende</a></nav>'


# --- pages -----------------------------------------------------------------------------------------------------


def incident_page(db: Database, incident_id: int, now: datetime) -> bytes:
    reference, title, status, aware_at, confirmed_at = db.rows(
        "SELECT reference, title, status, aware_at, confirmed_at FROM incidents WHERE id = ?", (incident_id,)
    )[0]
    by_status = db.rows(
        "SELECT status, count(*) FROM obligations WHERE incident_id = ? GROUP BY status", (incident_id,)
    )
    overdue = db.rows(
        "SELECT count(*) FROM obligations WHERE incident_id = ? AND status = 'running' AND due_at < ?",
        (incident_id, db.instant(now)),
    )[0][0]
    states = db.rows(
        "SELECT kind, count(DISTINCT controller_id) FROM filings WHERE incident_id = ? "
        "AND kind IN ('controller_notice', 'controller_acknowledgement', 'ap_notification') GROUP BY kind",
        (incident_id,),
    )
    controllers = db.rows(
        "SELECT count(DISTINCT controller_id) FROM affected_contracts WHERE incident_id = ?", (incident_id,)
    )[0][0]
    urgent = db.rows(
        "SELECT o.kind, o.due_at, c.name FROM obligations o JOIN controllers c ON c.id = o.controller_id "
        "WHERE o.incident_id = ? AND o.status = 'running' ORDER BY o.due_at, o.id LIMIT 1",
        (incident_id,),
    )
    first = db.rows(
        "SELECT c.id, c.name, c.kvk, count(*) FROM affected_contracts a JOIN controllers c ON c.id = a.controller_id "
        "WHERE a.incident_id = ? GROUP BY c.id, c.name, c.kvk ORDER BY c.name, c.id LIMIT ?",
        (incident_id, PAGE_ROWS),
    )
    ids = [row[0] for row in first]
    due = dict(
        db.rows(
            f"SELECT controller_id, min(due_at) FROM obligations WHERE incident_id = ? AND status = 'running' "
            f"AND controller_id IN ({', '.join('?' * len(ids))}) GROUP BY controller_id",
            (incident_id, *ids),
        )
        if ids
        else []
    )
    summary = table(["Status", "Aantal"], [[s, f"{n:,}"] for s, n in by_status] + [["te laat", f"{overdue:,}"]])
    state_rows = [["betrokken", f"{controllers:,}"]] + [[k, f"{n:,}"] for k, n in states]
    most = (
        f"<p>Eerstvolgende deadline: {e(urgent[0][0])} {local(urgent[0][1])} ({e(urgent[0][2])})</p>" if urgent else ""
    )
    rows = [[name, kvk or "", f"{n:,}", local(due.get(cid))] for cid, name, kvk, n in first]
    body = (
        f"<p>{e(reference)} · {e(status)} · kennisname {local(aware_at)} · vastgesteld {local(confirmed_at)}</p>"
        f"{summary}{table(['Verwerkingsverantwoordelijken', 'Aantal'], state_rows)}{most}"
        '<form method="get"><input type="search" name="q"><select name="status"></select><button>Zoek</button></form>'
        f"{table(['Naam', 'KvK', 'Contracten', 'Eerstvolgende deadline'], rows)}{pager(controllers)}"
    )
    return page(title, body)


def contract_page_rows(db: Database) -> tuple[int, list[list[str]]]:
    total = db.rows("SELECT count(*) FROM contracts")[0][0]
    rows = db.rows(
        "SELECT k.reference, c.name, c.kvk, k.profile_key FROM contracts k "
        "JOIN controllers c ON c.id = k.controller_id ORDER BY k.reference LIMIT ?",
        (PAGE_ROWS,),
    )
    return total, [[r, n, kvk or "", p] for r, n, kvk, p in rows]


def intake_form(db: Database, now: datetime) -> bytes:
    total, rows = contract_page_rows(db)
    profiles = db.rows("SELECT profile_key, count(*) FROM contracts GROUP BY profile_key ORDER BY profile_key")
    fields = "".join(
        f'<label>{e(n)}<textarea name="{n}"></textarea></label>' for n in ("description", "nature", "cause")
    )
    body = (
        '<form method="post"><input type="hidden" name="csrf_token" value="x">'
        f'<label>Titel<input name="title"></label><label>Kennisname<input name="aware_at" value="{local(now)}"></label>'
        f"{fields}<fieldset><legend>Contracten</legend>"
        '<input type="search" name="q" placeholder="Zoek op verantwoordelijke, referentie, KvK of profiel">'
        + "".join(
            f'<label><input type="checkbox" name="profile" value="{e(p)}"> {e(p)} ({n:,})</label>' for p, n in profiles
        )
        + f"{table(['Referentie', 'Verantwoordelijke', 'KvK', 'Profiel'], rows)}{pager(total)}</fieldset>"
        "<button>Opslaan</button></form>"
    )
    return page("Nieuw incident", body)


def contracts_list(db: Database, now: datetime) -> bytes:
    total, rows = contract_page_rows(db)
    return page("Contracten", table(["Referentie", "Verantwoordelijke", "KvK", "Profiel"], rows) + pager(total))


def incidents_list(db: Database, now: datetime) -> bytes:
    total = db.rows("SELECT count(*) FROM incidents")[0][0]
    rows = db.rows(
        "SELECT reference, title, status, aware_at FROM incidents ORDER BY aware_at DESC, id DESC LIMIT ?", (PAGE_ROWS,)
    )
    return page(
        "Incidenten",
        table(["Referentie", "Titel", "Status", "Kennisname"], [[r, t, s, local(a)] for r, t, s, a in rows])
        + pager(total),
    )


def dashboard(db: Database, now: datetime) -> bytes:
    counts = db.rows("SELECT status, count(*) FROM incidents GROUP BY status ORDER BY status")
    open_rows = db.rows(
        "SELECT i.reference, i.title, i.status, n.kind, n.due_at, c.name FROM ("
        "  SELECT incident_id, kind, due_at, controller_id,"
        "   ROW_NUMBER() OVER (PARTITION BY incident_id ORDER BY due_at, id) AS rn"
        "  FROM obligations WHERE status = 'running'"
        f"  AND incident_id IN (SELECT id FROM incidents WHERE status IN {OPEN})"
        ") n JOIN incidents i ON i.id = n.incident_id JOIN controllers c ON c.id = n.controller_id "
        "WHERE n.rn = 1 ORDER BY n.due_at LIMIT ?",
        (PAGE_ROWS,),
    )
    since = now - timedelta(days=365)
    on_time = db.rows(
        "SELECT status, count(*) FROM obligations WHERE kind = 'controller_notice' AND due_at >= ? AND due_at < ? "
        "AND status IN ('met', 'missed') GROUP BY status",
        (db.instant(since), db.instant(now)),
    )
    body = (
        table(["Status", "Aantal"], [[s, f"{n:,}"] for s, n in counts])
        + table(
            ["Referentie", "Titel", "Status", "Eerstvolgende", "Deadline", "Verantwoordelijke"],
            [[r, t, s, k, local(d), c] for r, t, s, k, d, c in open_rows],
        )
        + table(["Meldingen (12 maanden)", "Aantal"], [[s, f"{n:,}"] for s, n in on_time])
    )
    return page("Overzicht", body)


def register_page(db: Database, now: datetime) -> bytes:
    total = db.rows("SELECT count(*) FROM incidents")[0][0]
    rows = db.rows(
        "SELECT i.reference, i.title, i.status, i.aware_at,"
        " (SELECT s.ap_severity FROM severity_assessments s WHERE s.incident_id = i.id"
        "  ORDER BY s.assessed_at DESC, s.id DESC LIMIT 1),"
        " (SELECT count(*) FROM obligations o WHERE o.incident_id = i.id AND o.status = 'missed') "
        "FROM incidents i ORDER BY i.aware_at DESC, i.id DESC LIMIT ?",
        (PAGE_ROWS,),
    )
    return page(
        "Register",
        table(
            ["Referentie", "Titel", "Status", "Kennisname", "Ernst (AP)", "Gemist"],
            [[r, t, s, local(a), sev or "", str(m)] for r, t, s, a, sev, m in rows],
        )
        + pager(total),
    )


# --- the calendar feed -----------------------------------------------------------------------------------------


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    if len(line) <= 75:
        return line
    parts = [line[:75]] + [" " + line[i : i + 74] for i in range(75, len(line), 74)]
    return "\r\n".join(parts)


def feed(db: Database, now: datetime, base_url: str = "http://127.0.0.1:5000") -> bytes:
    """Every open deadline (running, of an open incident) as iCalendar text, written by hand."""
    rows = db.stream(
        "SELECT o.id, o.kind, o.due_at, o.clause, o.owner, o.incident_id, i.reference, c.name, coalesce(t.n, 0) "
        "FROM obligations o JOIN incidents i ON i.id = o.incident_id JOIN controllers c ON c.id = o.controller_id "
        "LEFT JOIN (SELECT incident_id, count(*) AS n FROM timeline_events "
        f"  WHERE incident_id IN (SELECT id FROM incidents WHERE status IN {OPEN}) GROUP BY incident_id) t "
        "  ON t.incident_id = o.incident_id "
        f"WHERE o.status = 'running' AND o.due_at IS NOT NULL AND i.status IN {OPEN} ORDER BY o.due_at, o.id"
    )
    stamp = utc_text(now)
    out = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Datalekdesk//bare//NL",
        "X-WR-CALNAME:Datalekdesk · Alle deadlines",
        "REFRESH-INTERVAL;VALUE=DURATION:PT15M",
    ]
    for oid, kind, due_at, clause, owner, incident_id, reference, name, sequence in rows:
        due = utc_text(due_at)
        summary = _ics_text(f"{reference}: {kind} · {name}")
        description = _ics_text(f"{clause} · eigenaar: {owner}\n{base_url}/incidents/{incident_id}")
        out += [
            "BEGIN:VEVENT",
            f"UID:obligation-{oid}@datalekdesk",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{due}",
            f"DTEND:{due}",
            f"SEQUENCE:{sequence}",
            _fold(f"SUMMARY:{summary}"),
            _fold(f"DESCRIPTION:{description}"),
            f"URL:{base_url}/incidents/{incident_id}",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER:-PT2H",
            _fold(f"DESCRIPTION:{summary}"),
            "END:VALARM",
            "END:VEVENT",
        ]
    out.append("END:VCALENDAR")
    return ("\r\n".join(out) + "\r\n").encode()


# --- the exports -----------------------------------------------------------------------------------------------

EXPORT_HEADERS = [
    "Referentie",
    "Titel",
    "Status",
    "Kennisname",
    "Vastgesteld",
    "Afgewezen",
    "Verwerkingsverantwoordelijken",
    "Ernst (AP)",
    "Ernst (ENISA)",
    "Nagekomen",
    "Gemist",
    "Open",
    "Registraties",
    "Besluiten AP ja",
]


def register_rows(db: Database) -> Iterator[list[str]]:
    """Every incident with its controllers, latest severity, obligation counts, filings and decisions, in batches."""
    cursor = db.stream(
        "SELECT i.reference, i.title, i.status, i.aware_at, i.confirmed_at, i.dismissed_at, p.names, s.ap_severity,"
        " s.band, o.met, o.missed, o.open, f.n, d.yes "
        "FROM incidents i "
        f"LEFT JOIN (SELECT a.incident_id, {db.names('c.name')} AS names FROM affected_contracts a"
        "  JOIN controllers c ON c.id = a.controller_id GROUP BY a.incident_id) p ON p.incident_id = i.id "
        "LEFT JOIN (SELECT incident_id, ap_severity, band, ROW_NUMBER() OVER"
        "  (PARTITION BY incident_id ORDER BY assessed_at DESC, id DESC) AS rn FROM severity_assessments) s"
        "  ON s.incident_id = i.id AND s.rn = 1 "
        "LEFT JOIN (SELECT incident_id, sum(CASE WHEN status = 'met' THEN 1 ELSE 0 END) AS met,"
        "  sum(CASE WHEN status = 'missed' THEN 1 ELSE 0 END) AS missed,"
        "  sum(CASE WHEN status IN ('running', 'pending') THEN 1 ELSE 0 END) AS open"
        "  FROM obligations GROUP BY incident_id) o ON o.incident_id = i.id "
        "LEFT JOIN (SELECT incident_id, count(*) AS n FROM filings GROUP BY incident_id) f ON f.incident_id = i.id "
        "LEFT JOIN (SELECT incident_id, count(*) AS yes FROM decisions WHERE notify_ap = 'yes' GROUP BY incident_id) d"
        "  ON d.incident_id = i.id "
        "ORDER BY i.aware_at, i.id"
    )
    while batch := cursor.fetchmany(FETCH):
        for ref, title, status, aware, confirmed, dismissed, names, sev, band, met, missed, opened, n, yes in batch:
            yield [
                ref,
                title,
                status,
                local(aware),
                local(confirmed),
                local(dismissed),
                names or "",
                sev or "",
                band or "",
                str(met or 0),
                str(missed or 0),
                str(opened or 0),
                str(n or 0),
                str(yes or 0),
            ]


class Counter:
    """A file-like sink that only counts what is written (the response body a server would stream)."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, text: str) -> None:
        self.bytes += len(text.encode())


def export_csv(db: Database) -> int:
    sink = Counter()
    writer = csv.writer(sink)
    writer.writerow(EXPORT_HEADERS)
    for row in register_rows(db):
        writer.writerow(row)
    return sink.bytes


def export_xlsx(db: Database) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    sheet.append(EXPORT_HEADERS)
    for row in register_rows(db):
        sheet.append(row)
    with tempfile.TemporaryFile() as out:
        book.save(out)
        return out.tell()


PDF_COLUMNS = ((0, 62), (1, 180), (2, 50), (3, 72), (6, 150), (7, 60), (10, 30))  # (row index, width in points)


def export_pdf(db: Database) -> int:
    """A landscape A4 table, 40 rows a page, drawn on a canvas in Helvetica; long text is cut to its column."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    width, height = landscape(A4)
    with tempfile.TemporaryFile() as out:
        canvas = Canvas(out, pagesize=(width, height), invariant=True)
        y, number = 0.0, 0

        def start_page() -> float:
            canvas.setFont("Helvetica-Bold", 8)
            x = 30.0
            for index, column_width in PDF_COLUMNS:
                canvas.drawString(x, height - 40, EXPORT_HEADERS[index][:20])
                x += column_width
            canvas.setFont("Helvetica", 8)
            return height - 56

        y = start_page()
        for row in register_rows(db):
            if y < 40:
                number += 1
                canvas.drawString(width - 80, 20, f"pagina {number}")
                canvas.showPage()
                y = start_page()
            x = 30.0
            for index, column_width in PDF_COLUMNS:
                value = row[index]
                while value and stringWidth(value, "Helvetica", 8) > column_width - 4:
                    value = value[: max(1, int(len(value) * 0.8))]
                canvas.drawString(x, y, value)
                x += column_width
            y -= 12.5
        canvas.drawString(width - 80, 20, f"pagina {number + 1}")
        canvas.save()
        return out.tell()
