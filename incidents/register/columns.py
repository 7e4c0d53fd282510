"""The register's columns: one column list serves the web table, CSV, XLSX and PDF, so every rendering
shows the same values.

Instants are shown in Europe/Amsterdam local time as "YYYY-MM-DD HH:MM" (the header says so); the API's
JSON carries them in UTC. Codes (status, kind, severity, decisions, channels, filing kinds) are shown as words in
the document's language (words.py), Dutch unless it is English; the API's JSON keeps the codes.

The columns marked ``summary`` make the overview (the page's table, the PDF's first table); the others are shown
per incident below it (the page's expandable details, the PDF's sections). CSV and XLSX hold all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..authorities import authority_of
from ..core.fields import label
from ..core.instants import format_local, to_local
from ..core.scope import totals
from ..core.scope_words import scope_rows
from ..pdf import clean
from . import words as w
from .queries import EFFECT_FIELDS, FACT_FIELDS, REMEDIAL_FIELDS, RegisterRow


@dataclass(frozen=True)
class Column:
    key: str
    nl: str
    en: str
    value: Callable[[RegisterRow, str], object]
    kind: str = "text"  # text | instant | int | number
    width: int = 14  # characters in the spreadsheet; relative width in the PDF table
    long: bool = False  # long text: wrapped in the spreadsheet
    summary: bool = False  # in the overview table (page and PDF), else in the details per incident

    def header(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


def local_text(value: datetime) -> str:
    """Amsterdam time as every other page shows it: 27-11-2026 12:42 CET."""
    return format_local(value)


def _labelled(row: RegisterRow, keys: tuple[str, ...], lang: str, lead: str = "") -> str:
    parts = [lead] if lead else []
    parts += [f"{label(k, lang)}: {v}" for k, v in row.field_values(keys).items() if v]
    return "\n".join(parts)


def _grouped(lines: list[tuple[str, int, str]]) -> str:
    """One line per controller, "Name: part; part", in the order the parts came (callers sort by name)."""
    groups: dict[tuple[str, int], list[str]] = {}
    for name, controller_id, part in lines:
        groups.setdefault((name, controller_id), []).append(part)
    return "\n".join(f"{name}: " + "; ".join(parts) for (name, _), parts in groups.items())


def _by_name(name: str, controller_id: int) -> tuple[str, int]:
    return name.casefold(), controller_id


def _decisions(row: RegisterRow, lang: str) -> str:
    lines = []
    for d in row.decisions:
        parts = [w.word(w.NOTIFY_AP, d.notify_ap, lang) or ""]
        if d.inform_subjects:
            subjects = w.word(w.INFORM_SUBJECTS, d.inform_subjects, lang)
            parts.append(
                subjects + (f" ({w.word(w.SUBJECTS_GROUND, d.subjects_ground, lang)})" if d.subjects_ground else "")
            )
        if d.reason:
            parts.append(f"{w.phrase('reason', lang)}: {d.reason}")
        if d.maker_name:
            maker = f"{w.phrase('decided_by', lang)} {d.maker_name}"
            maker += f" ({d.maker_function})" if d.maker_function else ""
            maker += f", {w.word(w.DECISION_VIA, d.maker_via, lang)}" if d.maker_via else ""
            parts.append(maker)
        at = local_text(d.decided_at)
        parts.append(
            w.phrase("recorded_by", lang, user=d.recorded_by, at=at)
            if d.recorded_by
            else w.phrase("recorded_at", lang, at=at)
        )
        lines.append(f"{d.controller}: " + "; ".join(parts))
    return "\n".join(lines)


def _controllers(row: RegisterRow, lang: str) -> str:
    """The affected controllers; one whose every contract was withdrawn by a correction says so."""
    withdrawn = w.word(w.WITHDRAWN, "withdrawn", lang)
    return "; ".join(f"{name} ({withdrawn})" if name in row.withdrawn else name for name in row.controllers)


def _reporter(row: RegisterRow, lang: str) -> str | None:
    """Who reported it (Addendum Annex B): as recorded when it was logged, else as the AP-form detail says."""
    recorded = row.recorded_kind is not None
    kind = w.word(w.REPORTER_KIND, row.recorded_kind if recorded else row.reporter_kind, lang)
    who = ", ".join(p for p in (row.sub_processor, row.recorded_name if recorded else row.reported_by) if p) or None
    text = f"{kind}: {who}" if kind and who else who or kind
    if text and row.informed_at:
        when = [w.phrase("informed", lang, at=local_text(row.informed_at))]
        if row.sub_processor_aware_at:
            when.append(w.phrase("sub_aware", lang, at=local_text(row.sub_processor_aware_at)))
        text = f"{text} ({'; '.join(when)})"
    return text


def _notices(row: RegisterRow, lang: str) -> str:
    lines = []
    for n in row.notices:
        if n.status == "sent":
            text = f"{local_text(n.at)}, {w.word(w.CHANNEL, n.channel, lang) or '—'}"
        else:  # still in the outbox, or failed: when it was made, and what became of it
            text = f"{w.phrase('queued', lang, at=local_text(n.at))}, {w.word(w.OUTBOX_STATUS, n.status, lang)}"
        if n.recipients:
            text += " " + w.phrase("to", lang, who=", ".join(n.recipients))
        if n.reference:
            text += f" ({n.reference})"
        if n.note:
            text += f": {n.note}"
        lines.append((n.controller, n.controller_id, text))
    return _grouped(lines)


def _scopes(row: RegisterRow, lang: str) -> str:
    """Per controller, how many of its data subjects and records and which data: the register is the
    processor's own, so it holds every controller's scope, and the sums."""
    lines = []
    for name, _cid, values in row.scopes:
        parts = [
            f"{label_}: {value}" for label_, value in scope_rows({k: v for k, v in values.items() if k != "note"}, lang)
        ]
        if parts:
            lines.append(f"{name}: " + "; ".join(parts))
    if len(row.scopes) > 1:
        # every affected controller counts: one without a scope leaves the total without an upper bound
        every = [v for _n, _c, v in row.scopes] + [{}] * (len(row.controllers) - len(row.scopes))
        total = scope_rows(
            {
                k: v
                for k, v in totals(every).items()
                if k in ("subjects_min", "subjects_max", "records_min", "records_max")
            },
            lang,
        )
        if total:
            lines.append(w.phrase("total", lang) + ": " + "; ".join(f"{a}: {b}" for a, b in total))
    return "\n".join(lines)


def _kind(kind: str, controller_id: int, lang: str) -> str:
    """A filing's or deadline's kind in words; the AP notification named after the controller's own authority (for
    a Dutch controller exactly "Melding aan de AP")."""
    if kind in w.AUTHORITY_KIND:
        found = authority_of(controller_id)
        if found is None or found.country != "NL":
            name = found.short_name if found else w.word(w.EACH_AUTHORITY, "", lang)
            return w.word(w.AUTHORITY_KIND, kind, lang).format(authority=name)
    return w.word(w.FILING_KIND, kind, lang) or kind


def _duty(kind: str, contract: str | None, lang: str, controller_id: int) -> str:
    """A deadline in words: its kind, and its contract when it has one."""
    what = _kind(kind, controller_id, lang)
    return f"{what} ({w.phrase('contract', lang, ref=contract)})" if contract else what


def _missed(row: RegisterRow, lang: str) -> str:
    lines = []
    for m in row.missed:
        what = _duty(m.kind, m.contract, lang, m.controller_id)
        due = w.phrase("due", lang, due=local_text(m.due_at))
        if m.met_at is not None:
            late = (
                f"{w.phrase('done', lang, at=local_text(m.met_at))}: "
                f"{w.phrase('late', lang, span=w.span(m.late_by, lang))}"
            )
        else:
            late = w.phrase("not_done", lang, span=w.span(m.late_by, lang), now=local_text(m.due_at + m.late_by))
        lines.append(f"{m.controller}: {what}, {due}, {late}")
    return "\n".join(lines)


def _backdated(row: RegisterRow, lang: str) -> str:
    lines = []
    for b in row.backdated:
        lines.append(
            f"{b.controller}: {_duty(b.kind, b.contract, lang, b.controller_id)}, "
            f"{w.phrase('due', lang, due=local_text(b.due_at))}, "
            f"{w.phrase('done', lang, at=local_text(b.met_at))}, "
            f"{w.phrase('recorded_at', lang, at=local_text(b.recorded_at))}"
        )
    return "\n".join(lines)


def _filings(row: RegisterRow, lang: str) -> str:
    lines = []
    for f in sorted(row.filings, key=lambda f: _by_name(f.controller, f.controller_id)):  # stable: oldest first
        text = _kind(f.kind, f.controller_id, lang)
        if f.follow_up:
            text += f" ({w.word(w.FOLLOW_UP, f.follow_up, lang)})"
        text += f" {local_text(f.at)}"
        extra = [
            x
            for x in (
                w.word(w.CHANNEL, f.channel, lang),
                w.phrase("contract", lang, ref=f.contract) if f.contract else None,
                f.reference,
            )
            if x
        ]
        if extra:
            text += f" ({', '.join(extra)})"
        lines.append((f.controller, f.controller_id, text))
    return _grouped(lines)


COLUMNS: tuple[Column, ...] = (
    Column("reference", "Referentie", "Reference", lambda r, _: r.reference, width=14, summary=True),
    Column("title", "Titel", "Title", lambda r, _: r.title, width=30, summary=True),
    Column(
        "status", "Status", "Status", lambda r, lang: w.word(w.INCIDENT_STATUS, r.status, lang), width=11, summary=True
    ),
    Column(
        "aware_at",
        "Kennisname (Amsterdamse tijd)",
        "Aware at (Amsterdam time)",
        lambda r, _: r.aware_at,
        "instant",
        17,
        summary=True,
    ),
    Column(
        "ap_severity",
        "Ernst (AP)",
        "Severity (AP)",
        lambda r, lang: w.word(w.AP_SEVERITY, r.ap_severity, lang),
        width=13,
        summary=True,
    ),
    Column(
        "obligations_missed",
        "Verplichtingen gemist",
        "Obligations missed",
        lambda r, _: r.obligations_missed,
        "int",
        10,
        summary=True,
    ),
    Column(
        "confirmed_at",
        "Vastgesteld op (Amsterdamse tijd)",
        "Confirmed at (Amsterdam time)",
        lambda r, _: r.confirmed_at,
        "instant",
        17,
    ),
    Column(
        "dismissed_at",
        "Afgewezen op (Amsterdamse tijd)",
        "Dismissed at (Amsterdam time)",
        lambda r, _: r.dismissed_at,
        "instant",
        17,
    ),
    Column(
        "dismiss_reason", "Reden afwijzing", "Reason for dismissal", lambda r, _: r.dismiss_reason, width=30, long=True
    ),
    Column(
        "started_at",
        "Begin van de inbreuk (Amsterdamse tijd)",
        "Breach started (Amsterdam time)",
        lambda r, _: r.started_at,
        "instant",
        17,
    ),
    Column(
        "ended_at",
        "Einde van de inbreuk (Amsterdamse tijd)",
        "Breach ended (Amsterdam time)",
        lambda r, _: r.ended_at,
        "instant",
        17,
    ),
    Column(
        "reported_by", "Gemeld aan de verwerker door", "Reported to the processor by", _reporter, width=30, long=True
    ),
    Column(
        "controllers",
        "Verwerkingsverantwoordelijken",
        "Controllers",
        _controllers,
        width=30,
        long=True,
    ),
    Column(
        "scopes",
        "Betrokkenen en gegevens per verwerkingsverantwoordelijke",
        "Data subjects and data per controller",
        _scopes,
        width=50,
        long=True,
    ),
    Column(
        "incident_kind",
        "Soort incident",
        "Kind of incident",
        lambda r, lang: w.word(w.INCIDENT_KIND, r.incident_kind, lang),
        width=18,
    ),
    Column(
        "facts", "Feiten", "Facts", lambda r, lang: _labelled(r, FACT_FIELDS, lang, r.description), width=45, long=True
    ),
    Column("effects", "Gevolgen", "Effects", lambda r, lang: _labelled(r, EFFECT_FIELDS, lang), width=45, long=True),
    Column(
        "remedial_action",
        "Genomen maatregelen",
        "Remedial action",
        lambda r, lang: _labelled(r, REMEDIAL_FIELDS, lang),
        width=45,
        long=True,
    ),
    Column(
        "recovery",
        "Procedure voor het herstellen van gegevens",
        "Data recovery procedure",
        lambda r, _: r.recovery,
        width=45,
        long=True,
    ),
    Column(
        "severity_band",
        "Ernst (ENISA)",
        "Severity (ENISA)",
        lambda r, lang: w.word(w.BAND, r.severity_band, lang),
        width=10,
    ),
    Column("se", "SE-score", "SE score", lambda r, _: r.se, "number", 8),
    Column("obligations_met", "Verplichtingen nagekomen", "Obligations met", lambda r, _: r.obligations_met, "int", 10),
    Column("obligations_open", "Verplichtingen open", "Obligations open", lambda r, _: r.obligations_open, "int", 10),
    Column(
        "missed", "Gemiste verplichtingen en hoe laat", "Missed obligations and how late", _missed, width=50, long=True
    ),
    Column(
        "backdated",
        "Na de termijn vastgelegd, met een eerder tijdstip",
        "Recorded after the deadline, with an earlier time",
        _backdated,
        width=50,
        long=True,
    ),
    Column(
        "decisions",
        "Besluiten (laatste per verantwoordelijke)",
        "Decisions (latest per controller)",
        _decisions,
        width=50,
        long=True,
    ),
    Column(
        "notices",
        "Meldingen aan verwerkingsverantwoordelijken",
        "Notices to controllers",
        _notices,
        width=50,
        long=True,
    ),
    Column("filings_count", "Aantal registraties", "Number of filings", lambda r, _: len(r.filings), "int", 10),
    Column(
        "filings", "Registraties (per verantwoordelijke)", "Filings (per controller)", _filings, width=50, long=True
    ),
)


def cell_text(column: Column, row: RegisterRow, lang: str) -> str:
    """The value as text: the web table, the CSV and the PDF show exactly this."""
    value = column.value(row, lang)
    if value is None or value == "":
        return ""
    if column.kind == "instant":
        return local_text(value)  # type: ignore[arg-type]
    if column.kind == "number":
        text = f"{value:.2f}"
        return text.replace(".", ",") if lang != "en" else text
    if column.kind == "int":
        return str(value)
    return clean(str(value))


def cell_value(column: Column, row: RegisterRow, lang: str) -> object:
    """The value for a spreadsheet cell: numbers as numbers, instants as local wall-clock datetimes."""
    value = column.value(row, lang)
    if value is None or value == "":
        return None
    if column.kind == "instant":
        local = to_local(value)  # type: ignore[arg-type]
        return datetime(local.year, local.month, local.day, local.hour, local.minute)  # noqa: DTZ001 (openpyxl writes naive datetimes: Amsterdam wall time)
    if column.kind in ("int", "number"):
        return value
    return clean(str(value))
