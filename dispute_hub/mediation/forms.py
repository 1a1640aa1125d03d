"""Forms of the case page's actions; they carry input only (the services judge it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..labels import LABELS
from ..routing.vocab import PATENT_KINDS

NONE_CHOICE = SelectChoice("", "—")


def _choices(table: dict[str, tuple[str, str]]) -> list[SelectChoice]:
    return [NONE_CHOICE] + [SelectChoice(code, f"{zh} / {en}") for code, (zh, en) in table.items()]


class CorrectionForm(FlaskForm):
    is_ip = BooleanField(_l("This is an IP dispute"), default=True)
    ip_type = SelectField(_l("IP type"), choices=_choices(LABELS["ip_type"]), validate_choice=False)
    patent_kind = SelectField(_l("Patent kind"), choices=_choices(PATENT_KINDS), validate_choice=False)
    cause = StringField(_l("Case cause (name or code)"), validators=[Optional(), Length(max=128)],
                        render_kw={"list": "cause-options", "autocomplete": "off"})
    reason = TextAreaField(_l("Why is it corrected?"), validators=[Length(max=2000)], render_kw={"rows": 3})
    # the case version shown: a change by someone else in the meantime is refused, not overwritten
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ReassignForm(FlaskForm):
    mediator_id = SelectField(_l("New mediator"), coerce=int, choices=[], validate_choice=False)
    reason = TextAreaField(_l("Reason for the reassignment"), validators=[Length(max=2000)], render_kw={"rows": 2})
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
