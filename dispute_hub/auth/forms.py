"""Login and registration forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in"))


class RegistrationForm(FlaskForm):
    name = StringField(_l("Name (person or company)"), validators=[DataRequired(), Length(max=128)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=10, message=_l("At least 10 characters."))],
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
