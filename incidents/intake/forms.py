from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.fields import MAX_TITLE_LENGTH
from .service import MAX_REASON


class AcceptForm(FlaskForm):
    title = StringField(_l("Title of the incident"), validators=[DataRequired(), Length(max=MAX_TITLE_LENGTH)])


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Why this message is not a (suspected) breach"), validators=[DataRequired(), Length(max=MAX_REASON)]
    )
