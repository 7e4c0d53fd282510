from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms_common import LocalDateTimeField, choices
from ..labels import FOLLOW_UP_LABELS


class APFilingForm(FlaskForm):
    kind = SelectField(
        _l("What did you file with the AP?"),
        choices=choices(
            [
                ("ap_notification", _l("Notification to the AP")),
                ("ap_follow_up", _l("Follow-up to the AP notification")),
            ]
        ),
    )
    at = LocalDateTimeField(_l("When (Amsterdam time; empty = now)"))
    reference = StringField(_l("AP reference (meldnummer)"), validators=[DataRequired(), Length(max=100)])
    follow_up = SelectField(
        _l("Kind of follow-up (AP)"), choices=choices(FOLLOW_UP_LABELS.items()), default="supplement"
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Your question to the processor"), validators=[DataRequired(), Length(max=5000)])


class AnswerForm(FlaskForm):
    text = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=5000)])


class ForwardForm(FlaskForm):
    """Forward a delivered notice, unchanged, to the controllers of a controller that is itself a processor."""

    recipients = TextAreaField(
        _l("To (e-mail addresses of your own controllers; separate them with commas or new lines)"),
        validators=[DataRequired(), Length(max=5000)],
    )
    note = TextAreaField(_l("Your note (optional, added to the cover text)"), validators=[Optional(), Length(max=2000)])
