"""Form pieces shared by features: Amsterdam date-time input that refuses DST gaps and overlaps."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from .core.instants import InstantError, parse_instant

OFFSETS = ("+02:00", "+01:00")


def attach_error(form, exc) -> None:
    """Show a service's DomainError at the form field it names, or as a page message, in the page's language."""
    from flask import flash

    # "fields.cause" or "details.started_at" is shown at the form's "cause" or "started_at".
    target = getattr(form, exc.field.rsplit(".", 1)[-1], None) if exc.field else None
    if target is not None and isinstance(getattr(target, "errors", None), list | tuple):
        target.errors = [*target.errors, exc.translated()]
    else:
        flash(exc.translated(), "error")


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class LocalDateTimeField(StringField):
    """A datetime-local input in Amsterdam time. ``data`` is an aware UTC datetime or None.

    When the wall time occurs twice (end of summer time) the form asks which one was meant with a
    second input ``<name>_offset``; nothing is guessed.
    """

    def __init__(self, label=None, validators=None, required: bool = False, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("type", "datetime-local")
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.raw_text = ""
        self.ambiguous = False

    def process_formdata(self, valuelist):
        self.raw_text = (valuelist[0] if valuelist else "").strip()
        self.data = None

    def _value(self):
        if self.raw_text:
            return self.raw_text
        from .core.instants import local_input_value

        return local_input_value(self.data) if self.data else ""

    def pre_validate(self, form):
        from flask import request

        if not self.raw_text:
            if self.required:
                raise ValidationError(_l("This date and time is required."))
            return
        text = self.raw_text
        offset = request.form.get(f"{self.name}_offset", "") if request else ""
        if offset in OFFSETS and "+" not in text[10:] and not text.endswith("Z"):
            text = text + offset
        try:
            self.data = parse_instant(text)
        except InstantError as exc:
            self.ambiguous = exc.code == "ambiguous_local_time"
            if exc.code == "nonexistent_local_time":
                raise ValidationError(
                    _l(
                        "This time does not exist in Amsterdam: the clocks skipped it when "
                        "summer time started. Check the time."
                    )
                ) from None
            if self.ambiguous:
                raise ValidationError(
                    _l(
                        "This time occurred twice in Amsterdam (the clocks went back). "
                        "Choose summer time or winter time below."
                    )
                ) from None
            raise ValidationError(_l("Enter a date and time, e.g. 27-03-2026 14:00.")) from None
