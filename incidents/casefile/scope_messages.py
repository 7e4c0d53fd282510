"""What a refused scope or scope CSV means, in the interface's language (core/scope.py gives the codes)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.scope import CsvProblem
from ..errors import DomainError

MESSAGES = {
    "invalid_number": _l("%(field)s: “%(value)s” is not a whole number (0 or more)."),
    "invalid_type": _l("%(field)s does not have the right form."),
    "invalid_choice": _l("%(field)s: “%(value)s” is not one of the allowed values."),
    "too_long": _l("%(field)s is too long."),
    "unknown_field": _l("“%(field)s” is not a column of a scope."),
    "below_minimum": _l("%(field)s is below %(minimum)s."),
    "empty_file": _l("The file is empty: its first line must name the columns."),
    "unreadable": _l("The file cannot be read as CSV."),
    "unknown_column": _l("Unknown column(s): %(columns)s. Allowed: %(allowed)s."),
    "no_id_column": _l("A column controller_id or kvk is needed."),
    "duplicate_column": _l("A column appears twice."),
    "too_many_lines": _l("More than %(max)d lines: split the file."),
    "cell_count": _l("This line has %(cells)d cells where the first line has %(columns)d."),
    "bad_controller_id": _l("“%(value)s” is not a controller number."),
    "no_controller": _l("This line gives neither a controller_id nor a kvk."),
    "no_lines": _l("The file names its columns but has no lines."),
    "unknown_kvk": _l("KvK %(kvk)s is not that of a controller this incident affects."),
    "ambiguous_kvk": _l("KvK %(kvk)s belongs to %(n)d affected controllers: use controller_id."),
    "not_affected": _l("Controller %(id)s is not affected by this incident."),
    "kvk_mismatch": _l("KvK %(kvk)s is not that of controller %(id)s."),
    "repeated": _l("Controller %(id)s is named again (first on line %(first)d)."),
    "not_utf8": _l("The file is not UTF-8."),
    "invalid_text": _l("%(field)s contains a NUL byte or an unpaired surrogate, which cannot be stored."),
    "unstorable_column": _l("A column name contains a NUL byte or an unpaired surrogate, which cannot be stored."),
    "cell_too_long": _l("A cell is longer than %(max)d characters."),
}


def say(code: str, params: dict, fallback: str) -> str:
    """The message for a code in the interface's language; the English fallback only for an unknown code."""
    template = MESSAGES.get(code)
    if template is None:
        return fallback
    try:
        return str(template) % params  # translated in the request's language, then filled in
    except (KeyError, ValueError, TypeError):
        return fallback


def problem_text(problem: CsvProblem) -> str:
    return say(problem.code, problem.params, problem.message)


def scope_error_text(error: DomainError) -> str:
    """A refused scope value (its code and params come from core/scope.py through the service)."""
    return say(error.code, error.params, error.message)
