"""The register page and its exports (CSV, XLSX, PDF), all with the same filters."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..breaches.models import INCIDENT_STATUSES
from ..core.instants import to_local, utcnow
from ..extensions import db
from ..filters import InvalidFilters
from ..parties.models import Controller
from .columns import COLUMNS
from .export import table, to_csv, to_pdf, to_xlsx
from .filters import SEVERITIES, parse_filters
from .queries import register_rows
from .words import AP_SEVERITY, PAGE, word

bp = Blueprint("register", __name__, url_prefix="/register")

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _language() -> str:
    return "en" if str(get_locale() or "nl") == "en" else "nl"


def _page(errors: list[str], rows=None, filters=None, status: int = 200):
    lang = _language()
    headers, cells = table(rows or [], lang)
    controllers = db.session.execute(select(Controller.id, Controller.name).order_by(Controller.name)).all()
    return render_template(
        "register/index.html",
        errors=errors,
        rows=rows or [],
        headers=headers,
        cells=cells,
        keys=[c.key for c in COLUMNS],
        long_keys={c.key for c in COLUMNS if c.long},
        filters=filters,
        summary_columns=[i for i, c in enumerate(COLUMNS) if c.summary],
        detail_columns=[i for i, c in enumerate(COLUMNS) if not c.summary],
        args=request.args,
        controllers=controllers,
        statuses=INCIDENT_STATUSES,
        severities=SEVERITIES,
        severity_words={key: word(AP_SEVERITY, key, lang) for key in SEVERITIES},
        page_words=PAGE[lang],
    ), status


def _translated(exc: InvalidFilters) -> list[str]:
    return [_(e.message, **e.params) for e in exc.errors]


@bp.get("/")
def index():
    try:
        filters = parse_filters(request.args)
    except InvalidFilters as exc:
        return _page(_translated(exc), status=400)
    return _page([], register_rows(filters, utcnow()), filters)


@bp.get("/export.<any(csv, xlsx, pdf):fmt>")
def export(fmt: str):
    try:
        filters = parse_filters(request.args)
    except InvalidFilters as exc:
        return _page(_translated(exc), status=400)
    now = utcnow()
    rows, lang = register_rows(filters, now), _language()
    if fmt == "csv":
        body = to_csv(rows, lang)
    elif fmt == "xlsx":
        body = to_xlsx(rows, lang)
    else:
        body = to_pdf(rows, lang, filters)
    name = f"register-{to_local(now).strftime('%Y-%m-%d')}.{fmt}"
    return Response(
        body, content_type=MIMETYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
