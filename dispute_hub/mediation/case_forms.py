"""Forms of the lifecycle actions on the case page and of the respondent portal; input only, services judge."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

REFERRAL_TARGETS = {
    "court": ("人民法院（诉讼）", "Court (litigation)"),
    "administrative_adjudication": ("行政裁决", "Administrative adjudication"),
    "arbitration": ("仲裁", "Arbitration"),
    "enforcement": ("行政执法 / 公安机关", "Enforcement / public security"),
}
MODE_LABELS = {"online": ("线上", "Online"), "in_person": ("现场", "In person")}
OUTCOME_LABELS = {"held": ("已举行", "Held"), "postponed": ("延期", "Postponed"),
                  "cancelled": ("取消", "Cancelled"), "no_show": ("当事人未到场", "A party did not come")}
RESPONSE_LABELS = {"consented": ("同意调解", "Consents to mediation"), "declined": ("拒绝调解", "Declines mediation")}


def _pairs(table: dict[str, tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(code, f"{zh} / {en}") for code, (zh, en) in table.items()]


class VersionForm(FlaskForm):
    """An action with nothing to enter; the version seen guards against a concurrent change."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ReasonForm(VersionForm):
    # optional here: the transition table says which actions need a reason, and says so in both languages
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)], render_kw={"rows": 2})


class ReferForm(ReasonForm):
    referred_to = SelectField(_l("Refer to"), choices=_pairs(REFERRAL_TARGETS))


class InviteForm(VersionForm):
    party_id = SelectField(_l("Respondent"), coerce=int, choices=[], validate_choice=False)


class ResponseForm(InviteForm):
    response = SelectField(_l("Answer"), choices=_pairs(RESPONSE_LABELS))
    note = TextAreaField(_l("How was the answer given? (phone, letter, in person…)"),
                         validators=[Length(max=2000)], render_kw={"rows": 2})


class SessionForm(VersionForm):
    starts_at = DateTimeLocalField(_l("Starts at"), validators=[DataRequired()], format="%Y-%m-%dT%H:%M")
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=60,
                                    validators=[InputRequired(), NumberRange(min=1, max=600)])
    mode = SelectField(_l("Mode"), choices=_pairs(MODE_LABELS))
    location = StringField(_l("Address or meeting link"), validators=[Optional(), Length(max=512)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)], render_kw={"rows": 2})


class OutcomeForm(VersionForm):
    session_id = SelectField(_l("Session"), coerce=int, choices=[], validate_choice=False)
    outcome = SelectField(_l("Outcome"), choices=_pairs(OUTCOME_LABELS))
    outcome_notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)], render_kw={"rows": 2})


class ExtendForm(VersionForm):
    new_deadline = DateField(_l("New deadline"), validators=[Optional()])
    claimant_consent = BooleanField(_l("The claimant agrees to the extension"))
    respondent_consent = BooleanField(_l("The respondent agrees to the extension"))
    note = TextAreaField(_l("How was consent given? (signed statement, recorded call…)"),
                         validators=[Length(max=2000)], render_kw={"rows": 2})


class RespondLoginForm(FlaskForm):
    tracking_no = StringField(_l("Tracking number"), validators=[DataRequired(), Length(max=20)])
    invite_code = StringField(_l("Invitation code"), validators=[DataRequired(), Length(max=20)])


class RespondentAnswerForm(VersionForm):
    """The respondent's consent or refusal; the button pressed gives the answer."""

    response = SelectField(choices=_pairs(RESPONSE_LABELS), validators=[DataRequired()])
