"""Admin forms for organisations and users."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from ..labels import LABELS
from ..models import CHANNELS, ORG_KINDS, ROLES

IP_TYPES = list(LABELS["ip_type"])


def _choices(kind: str, codes) -> list[SelectChoice]:
    return [SelectChoice(c, f"{LABELS[kind][c][0]} / {LABELS[kind][c][1]}") for c in codes]


class OrganizationForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(r"^[a-z0-9_-]+$", message=_l("Lower-case letters, digits, - and _ only.")),
        ],
    )
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=128)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=256)])
    kind = SelectField(_l("Kind"), choices=_choices("org_kind", ORG_KINDS))
    channels = SelectMultipleField(_l("Channels"), choices=_choices("channel", CHANNELS))
    district_code = SelectField(_l("District"), choices=[], validators=[Optional()])
    specialties = SelectMultipleField(_l("IP types taken (none: all)"), choices=_choices("ip_type", IP_TYPES))
    industries = StringField(_l("Industries (comma-separated; empty: any)"), validators=[Length(max=256)])
    active = BooleanField(_l("Active"), default=True)


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=128)])
    role = SelectField(_l("Role"), choices=_choices("role", ROLES))
    organization_id = SelectField(_l("Organisation"), choices=[], coerce=int)
    password = PasswordField(_l("Password (leave empty to keep)"), validators=[Optional(), Length(min=10)])
    active = BooleanField(_l("Active"), default=True)
    specialties = SelectMultipleField(_l("Mediator specialties"), choices=_choices("ip_type", IP_TYPES))
    languages = SelectMultipleField(
        _l("Mediator languages"), choices=[SelectChoice("zh", "中文"), SelectChoice("en", "English")], default=["zh"]
    )
    capacity = IntegerField(_l("Capacity (open cases)"), default=20, validators=[NumberRange(min=0, max=500)])
    on_leave = BooleanField(_l("On leave"))
    declared_interests = TextAreaField(_l("Declared interests and past representation (one name a line)"))
