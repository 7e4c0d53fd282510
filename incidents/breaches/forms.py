"""The decision form: a controller's decision on notifying the AP and informing data subjects. Both the incident
page (processor staff record it for a controller) and the portal (the controller records it itself) use it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.fields import MAX_DESCRIPTION_LENGTH
from ..forms_common import choices
from ..labels import DECISION_VIA_LABELS, GROUND_LABELS, NOTIFY_AP_LABELS, SUBJECTS_LABELS


class DecisionForm(FlaskForm):
    controller_id = SelectField(_l("Controller"), choices=[], coerce=str, validate_choice=False)
    notify_ap = RadioField(_l("Notify the AP?"), choices=choices(NOTIFY_AP_LABELS.items()), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=MAX_DESCRIPTION_LENGTH)])
    inform_subjects = RadioField(
        _l("Inform data subjects? (GDPR art. 34)"), choices=choices(SUBJECTS_LABELS.items()), validators=[Optional()]
    )
    subjects_ground = SelectField(
        _l("Ground for not informing them"),
        choices=choices([("", "—"), *GROUND_LABELS.items()]),
        validators=[Optional()],
    )
    processor_informs = BooleanField(_l("The processor informs the data subjects on the controller's behalf"))
    # Who at the controller decided; the portal fills these from the controller user itself.
    maker_name = StringField(_l("Decided by (name at the controller)"), validators=[Optional(), Length(max=200)])
    maker_function = StringField(_l("Their function"), validators=[Optional(), Length(max=200)])
    maker_via = SelectField(
        _l("How the controller told us"),
        choices=choices([("", "—"), *DECISION_VIA_LABELS.items()]),
        validators=[Optional()],
    )
