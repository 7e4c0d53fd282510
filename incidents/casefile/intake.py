"""The steps of a form with the contract picker (the intake form, "add contracts"): browse without JavaScript,
review what the selection comes to, save only what was confirmed. The views say what to render and what saving
does; this module decides which step a post is and checks the selection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from ..errors import ValidationFailed
from ..extensions import db
from ..forms_common import attach_error
from ..parties.search import BadSearch, ContractFilter, parse_filter
from ..web import post_form
from .picker import Resolved, Selection, changed_by_step, picker_view, resolve, selection_from, step_of

# Posted names that are the page's own, not the user's input: never carried into the confirmation page.
NOT_CARRIED = {"csrf_token", "step", "digest"}


@dataclass
class PickerForm:
    """How one page with the picker is rendered and saved.

    render(form, picker, status): the page with the form; confirm(context, status): the confirmation page;
    apply(resolved): the service call that saves (it only flushes); done(result): the answer once saved (say so,
    redirect); none_allowed: an empty selection may be saved when the user ticked "no contracts yet" (intake)."""

    render: Callable[..., tuple[str, int]]
    confirm: Callable[..., tuple[str, int]]
    apply: Callable[[Resolved], Any]
    done: Callable[[Any], Response]
    none_allowed: bool = False


def carried(posted: MultiDict) -> list[tuple[str, str]]:
    """Every value the user posted, as hidden inputs of the confirmation page (so that "back" keeps everything)."""
    return [(name, value) for name, values in posted.lists() if name not in NOT_CARRIED for value in values]


def _wanted(posted: MultiDict) -> ContractFilter:
    try:
        return parse_filter({k: posted.get(k, "") for k in ("q", "profile", "controller_id")})
    except BadSearch:
        return ContractFilter()


def _check(resolved: Resolved, posted: MultiDict, none_allowed: bool) -> None:
    if resolved.unknown_references:
        shown = ", ".join(resolved.unknown_references[:20])
        raise ValidationFailed(_("Unknown contract references: %(refs)s", refs=shown), "references")
    none_yet = none_allowed and bool(posted.get("no_contracts"))
    if resolved.contracts and none_yet:
        raise ValidationFailed(
            ngettext(
                "You ticked “no contracts yet” but chose %(num)d contract: untick it, or remove the contract.",
                "You ticked “no contracts yet” but chose %(num)d contracts: untick it, or remove the contracts.",
                len(resolved.contracts),
            ),
            "no_contracts",
        )
    if not resolved.contracts and not none_yet:
        raise ValidationFailed(
            _("Choose at least one affected contract, or tick “no contracts yet” to add them later.")
            if none_allowed
            else _("Choose at least one contract to add."),
            "no_contracts" if none_allowed else "references",
        )


def handle(form, page: PickerForm) -> Response | tuple[str, int]:
    """A post of a form with the picker: a browsing button (without JavaScript) shows the form again with the
    selection changed; "review" shows what the selection comes to; "save" saves it, but only the very set that
    was confirmed (else the confirmation again, saying what changed)."""
    posted = request.form
    step = step_of(posted)
    try:
        selection = selection_from(posted)
    except ValidationFailed as exc:
        attach_error(form, exc)
        return page.render(form, picker_view(Selection(), posted), 422)
    if step not in ("review", "save"):
        selection = changed_by_step(selection, step, _wanted(posted))
        return page.render(form, picker_view(selection, posted), 200)

    def act(form):
        resolved = resolve(selection)
        if step == "save" and posted.get("digest") == resolved.digest:
            _check(resolved, posted, page.none_allowed)
            return page.done(page.apply(resolved))
        # The confirmation shows only what would save: the service runs in a savepoint that is rolled back, so
        # whatever it refuses (a time in the future, a closed incident) is said at the form, before the question.
        # It runs on the first contract only: the others were just found, and 10,000 would cost seconds twice.
        if resolved.contracts or page.none_allowed:
            with db.session.begin_nested() as trial:
                page.apply(Resolved(resolved.contracts[:1], []))
                trial.rollback()
        _check(resolved, posted, page.none_allowed)
        changed = step == "save"
        body, status = page.confirm(
            {"resolved": resolved, "hidden": carried(posted), "changed": changed, "selection": selection}, 200
        )
        return make_response(body, status)

    return post_form(
        form, act, again=lambda form: page.render(form, picker_view(selection, posted), 422), summary=False
    )


def confirmation(template: str, context: dict, **extra) -> tuple[str, int]:
    return render_template(template, **context, **extra), 200
