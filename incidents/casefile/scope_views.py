"""Pages for each controller's scope of an incident, the scope CSV upload and the incident's internal note.
They parse, call the scope or incident service, and commit once; a refusal shows why and saves nothing."""

from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ..breaches import scope as scope_service
from ..breaches import service
from ..breaches.lookup import incident_or_404
from ..core.ap_form import SUBJECT_GROUPS
from ..core.scope import (
    DATA_CATEGORIES,
    LIST_KEYS,
    SCOPE_KEYS,
    SPECIAL_CATEGORIES,
    CsvProblem,
)
from ..core.scope_words import CATEGORY_LABELS, GROUP_LABELS, labels
from ..core.spreadsheet import spreadsheet_safe
from ..core.text import line_of_error
from ..errors import DomainError, ValidationFailed
from ..forms_common import attach_error
from ..input_guard import checks_own_text
from ..transaction import refuse
from .scope_forms import InternalNoteForm, ScopeCsvForm, ScopeForm
from .scope_messages import problem_text, scope_error_text
from .views import bp


def _controller(incident, controller_id: int):
    controller = scope_service.affected_controllers(incident.id).get(controller_id)
    if controller is None:
        abort(404)
    return controller


@bp.route("/<int:incident_id>/controllers/<int:controller_id>/scope", methods=["GET", "POST"])
def scope(incident_id: int, controller_id: int):
    incident = incident_or_404(incident_id)
    controller = _controller(incident, controller_id)
    current = scope_service.scope_of(incident.id, controller.id)
    # A posted form is the whole scope: a field left out is cleared, never kept from the stored values.
    form = (
        ScopeForm(prefix="scope")
        if request.method == "POST"
        else ScopeForm(prefix="scope", data=ScopeForm.data_from(current))
    )
    if form.validate_on_submit():
        try:
            scope_service.set_scope(incident, controller.id, form.values(), actor=current_user)
        except DomainError as exc:
            refuse()
            # refused values are explained in the page's language
            attach_error(form, ValidationFailed(scope_error_text(exc), exc.field, exc.code))
        else:
            flash(_("Saved for %(name)s.", name=controller.name), "success")
            return redirect(
                url_for("incidents.controller", incident_id=incident.id, controller_id=controller.id, _anchor="scope")
            )
    status = 422 if form.is_submitted() else 200
    if status == 422:
        flash(_("Nothing was saved: see the messages at the form."), "error")
    return render_template("incidents/scope.html", incident=incident, controller=controller, form=form), status


def _csv_text(form: ScopeCsvForm) -> str:
    upload = form.file.data
    if upload and getattr(upload, "filename", ""):
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = CsvProblem(line_of_error(exc), "", "the file is not UTF-8", "not_utf8")
            raise scope_service.ScopeCsvRefused([problem]) from None
    return form.text.data or ""


@bp.route("/<int:incident_id>/scopes", methods=["GET", "POST"])
@checks_own_text("csv-text")  # a pasted CSV: every bad value is reported with its line
def scopes(incident_id: int):
    """Many controllers' scopes at once from a CSV: all or nothing, every bad line reported by number."""
    incident = incident_or_404(incident_id)
    form = ScopeCsvForm(prefix="csv")
    problems = []
    if form.validate_on_submit():
        try:
            done = scope_service.set_scopes_from_csv(incident, _csv_text(form), actor=current_user)
        except scope_service.ScopeCsvRefused as exc:
            refuse()
            problems = [(p.line, p.field, problem_text(p)) for p in exc.problems]
        except DomainError as exc:
            refuse()
            attach_error(form, exc)
        else:
            flash(
                ngettext("Scope saved for %(num)d controller.", "Scopes saved for %(num)d controllers.", len(done)),
                "success",
            )
            return redirect(url_for("incidents.show", incident_id=incident.id, _anchor="scopes"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "incidents/scopes.html",
        incident=incident,
        form=form,
        problems=problems,
        columns=("controller_id", "kvk", *SCOPE_KEYS),
        allowed=_allowed(),
    ), status


def _allowed() -> list[tuple[str, list[tuple[str, str]]]]:
    """The codes each list column takes, with their words in the interface's language."""
    language = str(get_locale() or "nl")
    return [
        (column, list(zip(codes, labels(codes, table, language), strict=True)))
        for column, codes, table in (
            ("subject_groups", SUBJECT_GROUPS, GROUP_LABELS),
            ("data_categories", DATA_CATEGORIES, CATEGORY_LABELS),
            ("special_categories", SPECIAL_CATEGORIES, CATEGORY_LABELS),
        )
    ]


@bp.get("/<int:incident_id>/scopes.csv")
def scopes_csv(incident_id: int):
    """Every affected controller with its current scope: a file to fill in and upload again."""
    incident = incident_or_404(incident_id)
    recorded = scope_service.scopes_of(incident.id)
    out = io.StringIO()
    # Semicolons, as a Dutch spreadsheet expects; lists inside a cell are then quoted. Text that a spreadsheet
    # would run as a formula gets an apostrophe, which the upload drops again.
    writer = csv.writer(out, delimiter=";")
    writer.writerow(("controller_id", "kvk", "name", *SCOPE_KEYS))
    for controller in scope_service.affected_controllers(incident.id).values():
        values = recorded.get(controller.id, {})
        writer.writerow(
            (
                controller.id,
                controller.kvk or "",
                spreadsheet_safe(controller.name),
                *(spreadsheet_safe(_cell(key, values.get(key))) for key in SCOPE_KEYS),
            )
        )
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={incident.reference}-scopes.csv"},
    )


def _cell(key: str, value: object) -> str:
    """A scope value as the upload reads it back: a list joined by semicolons, a number as digits."""
    if value is None:
        return ""
    return ";".join(value) if key in LIST_KEYS else str(value)  # type: ignore[arg-type]


@bp.post("/<int:incident_id>/internal-note")
def internal_note(incident_id: int):
    incident = incident_or_404(incident_id)
    form = InternalNoteForm(prefix="note")
    if form.validate_on_submit():
        try:
            service.update_incident(incident, internal_note=form.internal_note.data or "", actor=current_user)
        except DomainError as exc:
            refuse()
            flash(exc.translated(), "error")
        else:
            flash(_("Internal note saved."), "success")
    else:
        flash(_("Nothing was saved: the note is too long."), "error")
    return redirect(url_for("incidents.show", incident_id=incident.id, _anchor="internal-note"))
