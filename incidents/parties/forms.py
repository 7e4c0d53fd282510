from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..authorities import all_authorities
from ..core.authorities import COUNTRY_CODES
from ..core.scope import country_name
from ..forms_common import choices


class ControllerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kvk = StringField(
        _l("KvK number"), validators=[Optional(), Regexp(r"^\s*\d{8}\s*$", message=_l("A KvK number has 8 digits."))]
    )
    contact_name = StringField(_l("Contact person for breach notices"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("E-mail for breach notices"), validators=[DataRequired(), Length(max=254)])
    language = SelectField(_l("Language of notices"), choices=choices([("nl", "Nederlands"), ("en", "English")]))
    contact_function = StringField(_l("Function of the contact person"), validators=[Optional(), Length(max=200)])
    contact_phone = StringField(_l("Phone of the contact person"), validators=[Optional(), Length(max=40)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    sector = StringField(_l("Sector"), validators=[Optional(), Length(max=200)])
    dpo_registration = StringField(_l("DPO registration number at the AP"), validators=[Optional(), Length(max=40)])
    legal_basis = SelectField(
        _l("Notifies the AP under"),
        default="AVG",
        choices=choices([("AVG", "AVG"), ("Wpg", "Wet politiegegevens (Wpg)"), ("Tw", "Telecommunicatiewet (Tw)")]),
    )
    joint_controllers = TextAreaField(_l("Joint controllers"), validators=[Optional(), Length(max=2000)])
    subjects_contact = TextAreaField(
        _l("Contact for data subjects (printed in letters to them)"), validators=[Optional(), Length(max=2000)]
    )
    is_processor = BooleanField(
        _l("This customer is itself a processor (it processes the data for controllers of its own)"),
        description=_l(
            "Its notices then say that it must inform its own controllers without undue delay (AVG art. 33 lid 2), "
            "and its portal users can forward them."
        ),
    )
    # The service checks the codes (with a message saying which are known); the lists only offer them.
    country = SelectField(_l("Country of establishment"), default="NL", validate_choice=False)
    main_establishment = SelectField(
        _l("Main establishment in the EU/EEA (cross-border processing)"), default="", validate_choice=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = "en" if str(get_locale() or "nl") == "en" else "nl"

        def named(codes):
            return sorted(((c, f"{country_name(c, language)} ({c})") for c in codes), key=lambda p: p[1])

        self.country.choices = choices(named(COUNTRY_CODES))
        self.main_establishment.choices = choices(
            [("", _("Same as the country / not cross-border")), *named(all_authorities().by_country)]
        )


class ContractForm(FlaskForm):
    controller_id = SelectField(_l("Controller"), coerce=int, choices=[])
    profile = SelectField(_l("Clause profile"), choices=[])
    reference = StringField(_l("Reference"), validators=[DataRequired(), Length(max=64)])
    services = TextAreaField(_l("Services"), validators=[Optional(), Length(max=2000)])
    data_categories = TextAreaField(_l("Data categories"), validators=[Optional(), Length(max=2000)])
    breach_contact_name = StringField(
        _l("Breach contact of this contract (name)"), validators=[Optional(), Length(max=200)]
    )
    breach_contact_email = EmailField(
        _l("Breach contact of this contract (e-mail)"), validators=[Optional(), Length(max=254)]
    )


class SubProcessorForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    services = TextAreaField(_l("Service and personal data"), validators=[Optional(), Length(max=2000)])
    contact = TextAreaField(_l("Contact for breach reports"), validators=[Optional(), Length(max=2000)])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"))
    text = TextAreaField(_l("…or paste the CSV here"), validators=[Optional(), Length(max=2_000_000)])
