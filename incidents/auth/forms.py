from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"), validators=[DataRequired(), Length(max=20)]
    )


class EnrolForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app"), validators=[DataRequired(), Length(max=20)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(_l("New password (at least 12 characters)"), validators=[DataRequired(), Length(max=1024)])
    repeat = PasswordField(
        _l("New password again"), validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))]
    )


class TokenForm(FlaskForm):
    name = StringField(_l("What the token is for"), validators=[DataRequired(), Length(max=100)])
    expires_days = IntegerField(
        _l("Valid for (days; empty = until revoked)"), validators=[Optional(), NumberRange(min=1, max=3650)]
    )


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    controller_id = SelectField(_l("Controller (controller users only)"), choices=[], validate_choice=False)
    password = PasswordField(
        _l("Initial password (at least 12 characters)"), validators=[DataRequired(), Length(max=1024)]
    )


class EditUserForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    controller_id = SelectField(_l("Controller (controller users only)"), choices=[], validate_choice=False)
