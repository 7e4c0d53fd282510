"""The forms of the incident pages: intake, the incident's fields and AP-form details, confirmation and
dismissal, added contracts, filings and severity. The decision form is the breach feature's (the portal uses it too)."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.ap_form import (
    CROSS_BORDER,
    INCIDENT_KINDS,
    MAX_DETAIL_TEXT,
    MAX_SUBJECTS,
    PROTECTIONS,
    REPORTER_KINDS,
    SUBJECT_GROUPS,
)
from ..core.ap_options import option
from ..core.fields import FIELD_KEYS, MAX_DESCRIPTION_LENGTH, MAX_FIELD_LENGTH, MAX_TITLE_LENGTH
from ..forms_common import LocalDateTimeField, choices
from ..labels import (
    AVAILABILITY_LABELS,
    CHANNEL_LABELS,
    CONFIDENTIALITY_LABELS,
    DATA_TYPE_LABELS,
    FIELD_FORM_LABELS,
    FILING_FORM_KINDS,
    FOLLOW_UP_LABELS,
    IDENTIFICATION_LABELS,
    INTEGRITY_LABELS,
    KIND_LABELS,
)


class PickerFields(FlaskForm):
    """The picker's own fields (the rest of its choices are plain inputs: see casefile/picker.py)."""

    profiles = SelectMultipleField(_l("Every contract of these profiles"), choices=[], validate_choice=True)
    references = TextAreaField(_l("Paste contract references"), validators=[Optional(), Length(max=500_000)])


class IntakeForm(PickerFields):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE_LENGTH)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=MAX_DESCRIPTION_LENGTH)])
    aware_at = LocalDateTimeField(_l("Processor became aware at (Amsterdam time)"), required=True)
    status = RadioField(
        _l("Status"),
        choices=choices([("suspected", _l("Suspected breach")), ("confirmed", _l("Confirmed breach"))]),
        default="suspected",
    )
    confirmed_at = LocalDateTimeField(_l("Confirmed at (Amsterdam time; empty = when aware)"))
    no_contracts = BooleanField(_l("No contracts yet: I will add the affected contracts later"))
    # Who reported it to us (optional; the Addendum's Annex B): then aware_at is when we were informed.
    reporter_kind = SelectField(
        _l("Reported to us by"),
        choices=[],  # casefile/views.py: REPORTER_KIND_LABELS
        default="",  # not posted (an older form, a script): not recorded
    )
    reporter_name = StringField(_l("Name of who reported it"), validators=[Optional(), Length(max=200)])
    sub_processor_id = SelectField(_l("Sub-processor"), choices=[], default="")
    sub_processor_aware_at = LocalDateTimeField(_l("Sub-processor itself became aware at (Amsterdam time; optional)"))


class FieldsForm(FlaskForm):
    pass


for _key in FIELD_KEYS:
    setattr(
        FieldsForm, _key, TextAreaField(FIELD_FORM_LABELS[_key], validators=[Optional(), Length(max=MAX_FIELD_LENGTH)])
    )


class DetailsForm(FlaskForm):
    """What the AP's form asks beyond the contract fields; option wording comes from the AP form's own words."""

    incident_kind = SelectField(_l("Kind of incident"), choices=[], validate_choice=False)
    started_at = LocalDateTimeField(_l("Breach started (Amsterdam time)"))
    ended_at = LocalDateTimeField(_l("Breach ended (Amsterdam time; empty = not ended or unknown)"))
    discovery = TextAreaField(_l("How was it discovered?"), validators=[Optional(), Length(max=MAX_DETAIL_TEXT)])
    subject_groups = SelectMultipleField(
        _l("Groups of data subjects"),
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    subjects_min = IntegerField(
        _l("Number of data subjects: at least"), validators=[Optional(), NumberRange(min=0, max=MAX_SUBJECTS)]
    )
    subjects_max = IntegerField(
        _l("Number of data subjects: at most"), validators=[Optional(), NumberRange(min=0, max=MAX_SUBJECTS)]
    )
    protection = SelectField(
        _l("Were the data encrypted, hashed or otherwise unintelligible?"), choices=[], validate_choice=False
    )
    cross_border = SelectField(_l("Data subjects in other countries?"), choices=[], validate_choice=False)
    reporter_kind = SelectField(_l("Who reported the breach to us?"), choices=[], validate_choice=False)
    reported_by = StringField(
        _l("Reported by (name or organisation)"), validators=[Optional(), Length(max=MAX_DETAIL_TEXT)]
    )
    recovery = TextAreaField(
        _l("Procedure for recovering the data"), validators=[Optional(), Length(max=MAX_DETAIL_TEXT)]
    )
    other_supervisors = TextAreaField(
        _l("Reported to supervisors under other notification duties (e.g. IGJ, Z-CERT)"),
        validators=[Optional(), Length(max=MAX_DETAIL_TEXT)],
    )
    attachments = TextAreaField(_l("Attachments for the AP"), validators=[Optional(), Length(max=MAX_DETAIL_TEXT)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = str(get_locale() or "nl")
        for name, group, codes in (
            ("incident_kind", "incident_kind", INCIDENT_KINDS),
            ("protection", "protection", PROTECTIONS),
            ("cross_border", "cross_border", CROSS_BORDER),
            ("reporter_kind", "reporter_kind", REPORTER_KINDS),
            ("subject_groups", "subject_groups", SUBJECT_GROUPS),
        ):
            empty = [] if name == "subject_groups" else [("", "—")]
            getattr(self, name).choices = choices(empty + [(c, option(group, c, language)) for c in codes])

    def values(self) -> dict:
        return {
            "incident_kind": self.incident_kind.data or None,
            "started_at": self.started_at.data,
            "ended_at": self.ended_at.data,
            "discovery": self.discovery.data or "",
            "subject_groups": list(self.subject_groups.data or []),
            "subjects_min": self.subjects_min.data,
            "subjects_max": self.subjects_max.data,
            "protection": self.protection.data or None,
            "cross_border": self.cross_border.data or None,
            "reporter_kind": self.reporter_kind.data or None,
            "reported_by": self.reported_by.data or "",
            "recovery": self.recovery.data or "",
            "other_supervisors": self.other_supervisors.data or "",
            "attachments": self.attachments.data or "",
        }


class ConfirmForm(FlaskForm):
    confirmed_at = LocalDateTimeField(_l("Confirmed at (empty = now)"))


class AuthorityActionForm(FlaskForm):
    """When the processor learned of an investigation or seizure by authorities, or a suspicion of one
    (breaches.service.record_authority_action)."""

    at = LocalDateTimeField(_l("Learned of it at"), validators=[DataRequired()])


class CorrectionForm(FlaskForm):
    """Correct aware_at or confirmed_at: earlier only, with a reason (breaches.service.correct_anchor)."""

    field = SelectField(
        _l("Which time"),
        choices=[("aware_at", _l("Processor aware at")), ("confirmed_at", _l("Confirmed at"))],
    )
    value = LocalDateTimeField(_l("The correct, earlier time"), validators=[DataRequired()])
    reason = TextAreaField(
        _l("Why (kept in the timeline)"), validators=[DataRequired(), Length(max=MAX_DESCRIPTION_LENGTH)]
    )


class DismissForm(FlaskForm):
    reason = TextAreaField(
        _l("Why this is not a personal data breach"), validators=[DataRequired(), Length(max=MAX_DESCRIPTION_LENGTH)]
    )


class AddContractsForm(PickerFields):
    pass


class FilingForm(FlaskForm):
    kind = SelectField(_l("What was done"), choices=choices((k, KIND_LABELS[k]) for k in FILING_FORM_KINDS))
    contract_id = SelectField(_l("Contract (notice, consultation)"), choices=[], coerce=str, validate_choice=False)
    controller_id = SelectField(_l("Controller (AP notification)"), choices=[], coerce=str, validate_choice=False)
    at = LocalDateTimeField(_l("When (Amsterdam time; empty = now)"))
    channel = SelectField(_l("Channel"), choices=choices(CHANNEL_LABELS.items()), default="email")
    reference = StringField(_l("AP reference (meldnummer)"), validators=[Optional(), Length(max=100)])
    follow_up = SelectField(
        _l("Kind of follow-up (AP)"), choices=choices(FOLLOW_UP_LABELS.items()), default="supplement"
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_FIELD_LENGTH)])


def at_least_one(form, field) -> None:
    """Like DataRequired, without the HTML `required` flag: on a checkbox group that would demand every box."""
    if not field.data:
        raise ValidationError(_l("Choose at least one kind of personal data."))


class SeverityForm(FlaskForm):
    data_types = SelectMultipleField(
        _l("Kinds of personal data"),
        choices=choices(DATA_TYPE_LABELS.items()),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[at_least_one],
    )
    dpc_adjustment = SelectField(
        _l("Context adjusts the data score by"),
        default="0",
        choices=choices((str(n), f"{n:+d}" if n else "0") for n in range(-3, 4)),
    )
    identification = SelectField(_l("Ease of identification"), choices=choices(IDENTIFICATION_LABELS.items()))
    confidentiality = SelectField(_l("Confidentiality"), choices=choices(CONFIDENTIALITY_LABELS.items()))
    integrity = SelectField(_l("Integrity"), choices=choices(INTEGRITY_LABELS.items()))
    availability = SelectField(_l("Availability"), choices=choices(AVAILABILITY_LABELS.items()))
    malicious = BooleanField(_l("Malicious intent"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    # For the whole incident (""), or for one controller whose data differ from the others'.
    controller_id = SelectField(_l("Assessment for"), choices=[], validate_choice=False, default="")


class BulkFilingForm(FlaskForm):
    """On the incident page's list: the ticked controllers (or all matching the filter) were given notice another
    way (by phone, letter, their portal, …). The fields share the list's form, hence their own names."""

    filing_channel = SelectField(
        _l("How they were told"),
        choices=choices((k, v) for k, v in CHANNEL_LABELS.items() if k != "email"),
        default="phone",
    )
    filing_at = LocalDateTimeField(_l("When (Amsterdam time; empty = now)"))
    filing_note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_FIELD_LENGTH)])
