"""GET /contracts/search: the contract search the intake picker calls (JSON, for processor staff with a session;
controller users are kept out by security.gate like from every page outside the portal)."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from .search import MAX_PER_PAGE, PER_PAGE, BadSearch, parse_filter, parse_page, search
from .views import bp


def _refusal(exc: BadSearch):
    texts = {
        "q": _("The search text is too long (at most 100 characters)."),
        "profile": _("There is no such profile."),
        "controller_id": _("The controller must be given by its number."),
        "page": _("The page must be a whole number from 1."),
        "per_page": _("The number per page must be a whole number from 1 to 100."),
    }
    error = {"code": exc.code, "field": exc.field, "message": exc.message, "text": texts.get(exc.field or "", "")}
    return jsonify(error=error), exc.status


@bp.get("/contracts/search")
def search_contracts():
    """Contracts matching `q` (words in the controller's name or the reference; digits also the KvK number),
    `profile` and `controller_id`, page `page` of `per_page` (default 25, at most 100)."""
    try:
        wanted = parse_filter(request.args)
        page = parse_page(request.args.get("page"))
        per_page = parse_page(request.args.get("per_page"), "per_page", PER_PAGE, MAX_PER_PAGE)
    except BadSearch as exc:
        return _refusal(exc)
    found = search(wanted, page, per_page)
    return jsonify(
        query=wanted.args(),
        page=found.page,
        per_page=found.per_page,
        pages=found.pages,
        total=found.total,
        match=wanted.encode(),
        contracts=[hit.as_json() for hit in found.hits],
    )
