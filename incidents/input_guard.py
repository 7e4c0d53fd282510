"""Text no database can hold is refused before any view sees it (docs/API.md, "Safe retries and bad input").

Before every request that reached a route: its path values, its query string and its form fields (names and
values, and the names of uploaded files) may hold no NUL byte and no unpaired surrogate (core/text.py), and no
query value is longer than MAX_QUERY_VALUE. A refusal is a ValidationFailed (422, code invalid_text or too_long,
naming the field): the API answers it in its JSON error shape, a page with our "nothing was saved" page in the
user's language (error_pages.py). Nothing runs, so nothing is written.

A JSON body is the API's to read: `api.json_body` checks every string of it the same way. The services check their
own text again (`validation.clean_text`), for what reaches them by other ways (the CLI, the CSV imports).

A view that reads a field as a file of its own (a pasted CSV) names it with `@checks_own_text(...)`: that field is
left to the view, which reports each bad value with its line number.

Werkzeug decodes the query string and form fields as UTF-8 with replacement characters, so bytes that are not UTF-8
(surrogates written as UTF-8 included) arrive as U+FFFD: stored safely, and visible. A percent-encoded NUL (%00)
arrives as it is, and that is what this refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import Blueprint, Flask, current_app, request

from .errors import N_, Term, ValidationFailed
from .validation import A_KEY, FIELD_WORDS, refuse_unstorable

# A longer value cannot reach us in production anyway: gunicorn refuses a request line over 4094 bytes. The test
# client and other servers have no such limit; a parameter that takes less says so itself (?q= 100, ?reference= 64).
MAX_QUERY_VALUE = 4096
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# What holds the text, as a page says it (the API's English message names the parameter or field itself).
A_PARAMETER = Term("a parameter name", N_("a parameter name"))
THE_ADDRESS = Term("the address", N_("the address"))
A_VALUE_IN_THE_ADDRESS = N_("a value in the address")
A_FIELD = N_("a field")
# Blueprints that run the check among their own hooks (see `check_in`).
CHECKED_IN_BLUEPRINT: set[str] = set()

View = TypeVar("View", bound=Callable[..., object])


def init_app(app: Flask) -> None:
    app.before_request(_before_any_view)


def check_in(bp: Blueprint) -> None:
    """Run the check as `bp`'s next before_request hook instead of before all of them: the API asks for its token
    first (401), and claims an Idempotency-Key only for a request that passed."""
    CHECKED_IN_BLUEPRINT.add(bp.name)
    bp.before_request(refuse_unstorable_input)


def checks_own_text(*fields: str) -> Callable[[View], View]:
    """Mark a view that checks these posted fields itself (a pasted CSV, reported line by line)."""

    def mark(view: View) -> View:
        view.own_text_fields = frozenset(fields)  # type: ignore[attr-defined]
        return view

    return mark


def _before_any_view() -> None:
    if request.blueprint in CHECKED_IN_BLUEPRINT:
        return None
    return refuse_unstorable_input()


def refuse_unstorable_input() -> None:
    if request.url_rule is None:  # no route: the 404 or 405 answers, and no view reads anything
        return None
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            refuse_unstorable(value, name, THE_ADDRESS)
    _check_pairs(request.args.items(multi=True), A_PARAMETER, A_VALUE_IN_THE_ADDRESS, longest=MAX_QUERY_VALUE)
    if request.mimetype in FORM_TYPES:
        # Read the body once and keep it, so that a view which reads it raw (the API's JSON) still finds it.
        request.get_data(cache=True)
        view = current_app.view_functions.get(request.endpoint or "")
        own: frozenset[str] = getattr(view, "own_text_fields", frozenset())
        _check_pairs(((k, v) for k, v in request.form.items(multi=True) if k not in own), A_KEY, A_FIELD)
        for name, upload in request.files.items(multi=True):
            _check_pairs([(name, upload.filename or "")], A_KEY, A_FIELD)
    return None


def _check_pairs(pairs: Iterable[tuple[str, str]], key_holder: Term, unknown: str, longest: int | None = None) -> None:
    for key, value in pairs:
        refuse_unstorable(key, None, key_holder)
        # A page names the field by its word (without the form's prefix: "decision-reason" is the reason), else by
        # `unknown` ("a field"): never by a key in English.
        label = Term(key, FIELD_WORDS.get(key.rsplit("-", 1)[-1]) or unknown)
        refuse_unstorable(value, key, label)
        if longest is not None and len(value) > longest:
            raise ValidationFailed(
                N_("%(field)s is longer than %(max)d characters"), key, "too_long", {"field": label, "max": longest}
            )
