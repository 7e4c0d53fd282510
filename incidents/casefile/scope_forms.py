"""Forms for a controller's scope, the scope CSV upload and the incident's internal note."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.ap_form import SUBJECT_GROUPS
from ..core.fields import MAX_DESCRIPTION_LENGTH
from ..core.scope import GENERAL_CATEGORIES, MAX_COUNT, MAX_NOTE, SPECIAL_CATEGORIES
from ..core.scope_words import CATEGORY_LABELS, GROUP_LABELS, labels
from ..forms_common import choices


def _checkboxes(label) -> SelectMultipleField:
    return SelectMultipleField(
        label, choices=[], validate_choice=False, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )


def _count(label) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=MAX_COUNT)])


class ScopeForm(FlaskForm):
    """One controller's own share of the incident: what only its documents say."""

    subjects_min = _count(_l("Number of data subjects: at least"))
    subjects_max = _count(_l("Number of data subjects: at most (the same number: exact)"))
    subject_groups = _checkboxes(_l("Groups of data subjects"))
    records_min = _count(_l("Number of records: at least"))
    records_max = _count(_l("Number of records: at most"))
    data_categories = _checkboxes(_l("Kinds of personal data (the AP form's list)"))
    special_categories = _checkboxes(_l("Special categories of personal data (AVG art. 9)"))
    countries = StringField(
        _l("Countries of the data subjects (two-letter codes, e.g. NL, BE)"), validators=[Optional(), Length(max=1000)]
    )
    note = TextAreaField(_l("Note for this controller only"), validators=[Optional(), Length(max=MAX_NOTE)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = str(get_locale() or "nl")
        for name, codes, table in (
            ("subject_groups", SUBJECT_GROUPS, GROUP_LABELS),
            ("data_categories", GENERAL_CATEGORIES, CATEGORY_LABELS),
            ("special_categories", SPECIAL_CATEGORIES, CATEGORY_LABELS),
        ):
            getattr(self, name).choices = choices(zip(codes, labels(codes, table, language), strict=True))

    @staticmethod
    def data_from(scope: dict) -> dict:
        """The form's values for a stored scope: a special category shows once, in its own list."""
        general = [c for c in scope.get("data_categories") or () if c in GENERAL_CATEGORIES]
        special = list(
            dict.fromkeys(
                [
                    *(scope.get("special_categories") or ()),
                    *(c for c in scope.get("data_categories") or () if c in SPECIAL_CATEGORIES),
                ]
            )
        )
        return {
            **scope,
            "data_categories": general,
            "special_categories": special,
            "countries": ", ".join(scope.get("countries") or ()),
        }

    def values(self) -> dict:
        """Every key, so that what was cleared in the form is removed (None removes a key)."""
        countries = [c for c in (self.countries.data or "").replace(";", ",").replace(" ", ",").split(",") if c]
        return {
            "subjects_min": self.subjects_min.data,
            "subjects_max": self.subjects_max.data,
            "subject_groups": list(self.subject_groups.data or []),
            "records_min": self.records_min.data,
            # the kinds of data name the special categories too, as the AP form's chapter 6 lists both
            "records_max": self.records_max.data,
            "data_categories": list(
                dict.fromkeys([*(self.data_categories.data or []), *(self.special_categories.data or [])])
            ),
            "special_categories": list(self.special_categories.data or []),
            "countries": countries,
            "note": self.note.data or None,
        }


class ScopeCsvForm(FlaskForm):
    file = FileField(_l("CSV file"))
    text = TextAreaField(_l("…or paste the CSV here"), validators=[Optional(), Length(max=5_000_000)])


class InternalNoteForm(FlaskForm):
    internal_note = TextAreaField(
        _l("Internal note (never sent to a controller)"), validators=[Optional(), Length(max=MAX_DESCRIPTION_LENGTH)]
    )
