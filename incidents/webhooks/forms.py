from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class WebhookForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    url = StringField(_l("URL (http:// or https://)"), validators=[DataRequired(), Length(max=500)])
    # "" is the processor itself; otherwise a controller's id (checked by the service).
    controller_id = SelectField(_l("Organisation"), choices=[], validate_choice=False)
