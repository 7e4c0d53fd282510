from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.regimes import CONTENT_KEYS
from ..forms_common import LocalDateTimeField, choices
from ..labels import REGIME_ANSWER_LABELS as ANSWER_LABELS
from .content import MAX_ANSWER, QUESTIONS
from .service import MAX_REASON

CHANNEL_LABELS = {
    "portal": _l("the recipient's portal or form"),
    "email": _l("e-mail"),
    "phone": _l("telephone"),
    "other": _l("other"),
}


class ClassificationForm(FlaskForm):
    answer = RadioField(_l("Answer"), choices=choices(ANSWER_LABELS.items()), validators=[DataRequired()])
    aware_at = LocalDateTimeField(_l("Known to fall under it since"))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MAX_REASON)])


class FactsForm(FlaskForm):
    """One text area per content key a regime's reports ask for (the view shows only the regime's own)."""


for _key in CONTENT_KEYS:
    setattr(FactsForm, _key, TextAreaField(QUESTIONS[_key], validators=[Optional(), Length(max=MAX_ANSWER)]))


class StageFilingForm(FlaskForm):
    # the SHA-256 and language of the draft as it was shown: what is kept with the filing must be what was filed
    shown = HiddenField()
    language = HiddenField()
    at = LocalDateTimeField(_l("Filed at"), required=True)
    channel = SelectField(_l("How"), choices=choices(CHANNEL_LABELS.items()), validators=[DataRequired()])
    reference = StringField(_l("The recipient's reference"), validators=[Optional(), Length(max=100)])
    # a report on request: which request it answers (the view offers the requests recorded)
    request_id = SelectField(
        _l("In answer to the request of"), choices=[], validate_choice=False, validators=[Optional()]
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class NotNeededForm(FlaskForm):
    reason = TextAreaField(_l("Why it is not needed"), validators=[DataRequired(), Length(max=MAX_REASON)])


class RequestForm(FlaskForm):
    at = LocalDateTimeField(_l("Requested at"), required=True)
    due_at = LocalDateTimeField(_l("Report due by"), required=True)
    note = TextAreaField(_l("What was asked"), validators=[Optional(), Length(max=2000)])
