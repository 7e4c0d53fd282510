from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..forms_common import choices


class ControllerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kvk = StringField(_l("KvK number"), validators=[Optional(), Regexp(r"^\s*\d{8}\s*$",
                                                                        message=_l("A KvK number has 8 digits."))])
    contact_name = StringField(_l("Contact person for breach notices"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("E-mail for breach notices"), validators=[DataRequired(), Length(max=254)])
    language = SelectField(_l("Language of notices"), choices=choices([("nl", "Nederlands"), ("en", "English")]))


class ContractForm(FlaskForm):
    controller_id = SelectField(_l("Controller"), coerce=int, choices=[])
    profile = SelectField(_l("Clause profile"), choices=[])
    reference = StringField(_l("Reference"), validators=[DataRequired(), Length(max=64)])
    services = TextAreaField(_l("Services"), validators=[Optional(), Length(max=2000)])
    data_categories = TextAreaField(_l("Data categories"), validators=[Optional(), Length(max=2000)])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"))
    text = TextAreaField(_l("…or paste the CSV here"), validators=[Optional(), Length(max=2_000_000)])
