"""The register page (searchable, sortable, paged on the server) and its exports (CSV, XLSX, PDF), all with the
same filters. The exports stream: CSV batch by batch as it is written, the XLSX from a temporary file once it is
written; one PDF holds at most ``REGISTER_PDF_MAX`` incidents (pdf.py says why), a larger selection is a ZIP of PDFs
of that many each, streamed part by part."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..breaches.models import INCIDENT_STATUSES
from ..core.instants import to_local, utcnow
from ..core.scope_words import number
from ..extensions import db
from ..filters import InvalidFilters
from ..parties.models import Controller
from ..record.service import heads as record_heads
from ..record.service import heads_header
from .columns import COLUMNS, cell_text
from .export import csv_chunks, pdf_bytes, pdf_zip_chunks, xlsx_chunks
from .filters import PER_PAGE, SEVERITIES, Paging, RegisterFilters, parse_filters, parse_paging
from .queries import Page, register_batches, register_page, totals
from .shorten import shorten
from .words import AP_SEVERITY, PAGE, word

bp = Blueprint("register", __name__, url_prefix="/register")

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
MAX_CHOICES = 200  # controllers offered as a list in the filter; beyond that, the search finds them by name
# The overview columns a user can sort on, by column key: the sort argument's key.
SORTABLE = {
    "reference": "reference",
    "title": "title",
    "status": "status",
    "aware_at": "aware_at",
    "ap_severity": "severity",
}


def _language() -> str:
    return "en" if str(get_locale() or "nl") == "en" else "nl"


def pdf_max() -> int:
    return int(current_app.config["REGISTER_PDF_MAX"])


def _page_url(filters: RegisterFilters, paging: Paging, **changes) -> str:
    args: dict[str, str | int] = {
        **filters.query_args(),
        "sort": paging.sort.arg,
        "page": paging.page,
        "per_page": paging.per_page,
    }
    args.update(changes)
    defaults = {"sort": "aware_at", "page": 1, "per_page": PER_PAGE[0]}
    kept: dict[str, Any] = {k: v for k, v in args.items() if defaults.get(k) != v}
    return url_for("register.index", **kept)


def _sort_links(filters: RegisterFilters, paging: Paging) -> dict[str, tuple[str, str | None]]:
    """Per sortable column key: the link that sorts on it (ascending, or the other way when it is the current
    order), and the current direction (aria-sort) or None."""
    links = {}
    for column, key in SORTABLE.items():
        current = paging.sort.key == key
        descending = current and not paging.sort.descending
        direction = ("descending" if paging.sort.descending else "ascending") if current else None
        links[column] = (_page_url(filters, paging, sort=f"-{key}" if descending else key, page=1), direction)
    return links


def _details(page: Page | None, lang: str) -> list[dict[str, tuple[str, bool]]]:
    """Per row, its detail cells as the page shows them: a very long one (an incident of thousands of contracts)
    cut short, with a word that the exports hold it whole."""
    if page is None:
        return []
    return [{c.key: shorten(cell_text(c, row, lang)) for c in COLUMNS if not c.summary} for row in page.rows]


def _page(
    errors: list[str],
    page: Page | None = None,
    filters: RegisterFilters | None = None,
    paging: Paging | None = None,
    status: int = 200,
    refusal: str | None = None,
):
    lang = _language()
    paging = paging or Paging()
    # A list to choose from while it is short; with more, the search (which finds controllers by name) does it.
    found = db.session.execute(
        select(Controller.id, Controller.name).order_by(Controller.name).limit(MAX_CHOICES + 1)
    ).all()
    controllers = list(found) if len(found) <= MAX_CHOICES else None
    rows = page.rows if page is not None else []
    return render_template(
        "register/index.html",
        errors=errors,
        refusal=refusal,
        page=page,
        rows=rows,
        summary=[c for c in COLUMNS if c.summary],
        details=[c for c in COLUMNS if not c.summary],
        summary_cells=[{c.key: cell_text(c, r, lang) for c in COLUMNS if c.summary} for r in rows],
        detail_cells=_details(page, lang),
        lang=lang,
        filters=filters,
        paging=paging,
        sort_links=_sort_links(filters, paging) if filters is not None else {},
        page_url=(lambda **changes: _page_url(filters, paging, **changes)) if filters is not None else None,
        per_page_choices=PER_PAGE,
        pdf_max=pdf_max(),
        pdf_parts=pdf_parts(page.totals.count if page is not None else 0),
        number=lambda n: number(n, lang),
        args=request.args,
        controllers=controllers,
        all_controllers_url=_page_url(replace(filters, controller_id=None), Paging()) if filters is not None else None,
        statuses=INCIDENT_STATUSES,
        severities=SEVERITIES,
        severity_words={key: word(AP_SEVERITY, key, lang) for key in SEVERITIES},
        page_words=PAGE[lang],
    ), status


def _translated(exc: InvalidFilters) -> list[str]:
    return [_(e.message, **e.params) for e in exc.errors]


@bp.get("/")
def index():
    errors: list[str] = []
    filters, paging = None, Paging()
    try:
        filters = parse_filters(request.args)
    except InvalidFilters as exc:
        errors += _translated(exc)
    try:
        paging = parse_paging(request.args)
    except InvalidFilters as exc:
        errors += _translated(exc)
    if errors or filters is None:
        return _page(errors, status=400)
    page = register_page(filters, utcnow(), paging.sort, paging.page, paging.per_page)
    return _page([], page, filters, paging)


def pdf_parts(count: int) -> int:
    return max(1, -(-count // pdf_max()))


def _too_many_for_pdf(filters: RegisterFilters, count: int):
    message = _(
        "This selection holds %(count)s incidents; a PDF holds at most %(max)s. Download it as %(parts)s PDFs in "
        "one ZIP archive, narrow the selection (for instance to one year), or export it as CSV or Excel, which "
        "hold any number.",
        count=number(count, _language()),
        max=number(pdf_max(), _language()),
        parts=number(pdf_parts(count), _language()),
    )
    page = register_page(filters, utcnow(), Paging().sort, 1, PER_PAGE[0])
    return _page([], page, filters, status=422, refusal=message)


@bp.get("/export.<any(csv, xlsx, pdf):fmt>")
def export(fmt: str):
    try:
        filters = parse_filters(request.args)
    except InvalidFilters as exc:
        return _page(_translated(exc), status=400)
    now, lang = utcnow(), _language()
    name = f"register-{to_local(now).strftime('%Y-%m-%d')}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    # The record's chain heads at this moment: in the file (the PDF, a sheet of the workbook) and, for the CSV,
    # which has no place for them, in a header of the response.
    heads = record_heads()
    body: Iterable[bytes] | bytes
    if fmt == "csv":
        body = stream_with_context(csv_chunks(register_batches(filters, now), lang))
        headers["X-Record-Heads"] = heads_header(heads)
    elif fmt == "xlsx":
        body = xlsx_chunks(register_batches(filters, now), lang, heads, now)  # written whole to a temporary file
    else:
        count = totals(filters).count
        if count > pdf_max():
            return _too_many_for_pdf(filters, count)
        body = pdf_bytes(register_batches(filters, now), lang, filters, now, pdf_max(), heads)
    return Response(body, content_type=MIMETYPES[fmt], headers=headers)


@bp.get("/export.zip")
def export_pdf_parts():
    """The selection as PDFs of at most REGISTER_PDF_MAX incidents each, in one ZIP archive streamed part by part
    (for a selection too large for one PDF; a smaller one is one part)."""
    try:
        filters = parse_filters(request.args)
    except InvalidFilters as exc:
        return _page(_translated(exc), status=400)
    now, lang = utcnow(), _language()
    stem = f"register-{to_local(now).strftime('%Y-%m-%d')}"
    body = pdf_zip_chunks(
        register_batches(filters, now),
        lang,
        filters,
        now,
        total=totals(filters).count,
        part_size=pdf_max(),
        stem=stem,
        heads=record_heads(),
    )
    headers = {"Content-Disposition": f'attachment; filename="{stem}-pdf.zip"'}
    return Response(stream_with_context(body), content_type="application/zip", headers=headers)
