from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms_common import LocalDateTimeField, choices


class NoticeForm(FlaskForm):
    controller_id = SelectField(_l("Controller"), choices=[], validate_choice=False)
    version = SelectField(
        _l("Version"),
        choices=choices([("initial", _l("initial notice")), ("update", _l("update")), ("final", _l("final notice"))]),
    )
    next_update = StringField(_l("Next update expected"), validators=[Optional(), Length(max=500)])


def _token() -> str:
    return secrets.token_hex(16)


class BulkForm(FlaskForm):
    """Notices to many controllers: those selected in the list, or every one matching its filter. The token, new
    on every page, makes a second click of the same form find the batch the first one queued."""

    next_update = StringField(_l("Next update expected"), validators=[Optional(), Length(max=500)])
    version = SelectField(
        _l("Notice"), choices=choices([("initial", _l("initial notice")), ("update", _l("update"))]), default="initial"
    )
    token = HiddenField(default=_token, validators=[Optional(), Length(min=16, max=64)])


class ReportForm(FlaskForm):
    controller_id = SelectField(_l("Controller"), choices=[], validate_choice=False)
    what_happened = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=10000)])
    cause = TextAreaField(_l("Cause"), validators=[DataRequired(), Length(max=10000)])
    response = TextAreaField(_l("Response: measures taken"), validators=[DataRequired(), Length(max=10000)])
    follow_up = TextAreaField(_l("Follow-up steps"), validators=[DataRequired(), Length(max=10000)])


class ConsultationForm(FlaskForm):
    contract_id = SelectField(_l("Contract"), choices=[], validate_choice=False)
    at = LocalDateTimeField(_l("When (Amsterdam time; empty = now)"))
    with_whom = StringField(_l("With whom"), validators=[DataRequired(), Length(max=300)])
    agreements = TextAreaField(_l("Agreements made"), validators=[DataRequired(), Length(max=5000)])


class AckForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
