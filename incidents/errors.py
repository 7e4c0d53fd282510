"""Domain errors raised by services; views and the API turn them into pages and JSON errors.

A service says what is wrong in English, as a msgid with named placeholders (marked with `N_` for extraction) and
the values apart: `ValidationFailed(N_("%(label)s is required"), "title", "required", {"label": "title"})`.
`message` is the English text the API answers with; `translated()` is the same in the page's language. A value that
is itself a word to translate (a field's name) is given as a `Term`.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 (the conventional marker for babel extraction)
    return message


class Term(str):
    """A placeholder value that is a word to translate, such as a field's name: the English message (the API's) says
    the value itself ("contact_email"), a page says `msgid` in its language ("e-mailadres")."""

    msgid: str

    def __new__(cls, value: str, msgid: str | None = None) -> Term:
        term = super().__new__(cls, value)
        term.msgid = msgid or value
        return term


def fill(template: str, params: dict) -> str:
    if not params:
        return template
    try:
        return template % params
    except (KeyError, ValueError, TypeError):
        return template


def translate(msgid: str, params: dict) -> str:
    """A msgid and its values in the language of the request (English where the catalogue has no translation)."""
    from flask_babel import gettext

    values = {k: gettext(v.msgid) if isinstance(v, Term) else v for k, v in params.items()}
    return fill(gettext(msgid), values)


class DomainError(Exception):
    status = 422
    default_code = "validation_failed"

    def __init__(self, message: str, field: str | None = None, code: str | None = None, params: dict | None = None):
        self.msgid = message
        self.params = params or {}  # the values of the msgid's placeholders (and, for the scope, what its code needs)
        self.message = fill(message, self.params)  # English, as the API says it
        super().__init__(self.message)
        self.field = field
        self.code = code or self.default_code

    def translated(self) -> str:
        """The message in the language of the request (English where the catalogue has no translation)."""
        return translate(self.msgid, self.params)


class ValidationFailed(DomainError):
    status = 422
    default_code = "validation_failed"


class Conflict(DomainError):
    status = 409
    default_code = "conflict"


class NotFound(DomainError):
    status = 404
    default_code = "not_found"
