"""Filing and portal forms. They only carry input; the rules live in schema.parse_filing."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..labels import LABELS
from .schema import CHANNELS, INDUSTRIES, IP_TYPES

INDUSTRY_LABELS = {
    "home_textile": ("家纺", "Home textiles"), "furniture": ("家具", "Furniture"), "apparel": ("服装", "Apparel"),
    "electronics": ("电子电器", "Electronics"), "machinery": ("机械装备", "Machinery"),
    "software": ("软件与信息服务", "Software and IT"), "food": ("食品", "Food"), "chemicals": ("化工", "Chemicals"),
    "e_commerce": ("电子商务", "E-commerce"), "culture_media": ("文化传媒", "Culture and media"),
    "agriculture": ("农业与种业", "Agriculture and seeds"), "other": ("其他", "Other"),
}


class Select(SelectField):
    """A select whose choice is checked by schema.parse_filing, which names the field in its message."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


def _pairs(table: dict, codes) -> list[SelectChoice]:
    return [SelectChoice(c, f"{table[c][0]} / {table[c][1]}") for c in codes]


class ClaimantForm(Form):
    kind = Select(_l("Applicant is a"), choices=[SelectChoice("company", "单位 / Company"),
                                                     SelectChoice("person", "个人 / Person")])
    name = StringField(_l("Name (person or company)"))
    id_number = StringField(_l("ID number or unified social credit code"))
    country = StringField(_l("Country or region (two letters)"), default="CN")
    phone = StringField(_l("Phone"))
    email = StringField(_l("Email"))
    address = StringField(_l("Address"))


class AgentForm(Form):
    name = StringField(_l("Agent's name"))
    phone = StringField(_l("Phone"))
    email = StringField(_l("Email"))


class RespondentForm(Form):
    kind = Select(_l("Respondent is a"), choices=[SelectChoice("company", "单位 / Company"),
                                                      SelectChoice("person", "个人 / Person")])
    name = StringField(_l("Name"))
    id_number = StringField(_l("Unified social credit code, if known"))
    address = StringField(_l("Address"))
    online_store = StringField(_l("Online shop or platform link"))


class RightForm(Form):
    type = Select(_l("Type of right"), choices=[SelectChoice("", "—")] + _pairs(LABELS["ip_type"], IP_TYPES))
    number = StringField(_l("Patent, trademark or registration number"))
    title = StringField(_l("Title of the right"))
    owner = StringField(_l("Owner of the right"))


class IntakeForm(FlaskForm):
    idempotency_key = HiddenField()
    claimant = FormField(ClaimantForm)
    has_agent = BooleanField(_l("An agent files for me"))
    agent = FormField(AgentForm)
    respondents = FieldList(FormField(RespondentForm), min_entries=1, max_entries=10)
    ip_right = FormField(RightForm)
    description = TextAreaField(_l("Facts and reasons"), render_kw={"rows": 8})
    discovered_on = StringField(_l("Date you learned of the infringement"), render_kw={"type": "date"})
    district = Select(_l("District where it happened"), choices=[])
    industry = Select(_l("Industry"), choices=[SelectChoice("", "—")] + _pairs(INDUSTRY_LABELS, INDUSTRIES))
    claim_stop = BooleanField(_l("Stop the infringement"), default=True)
    claim_damages = StringField(_l("Damages claimed (yuan)"))
    claim_other = TextAreaField(_l("Other claims"), render_kw={"rows": 2})
    arbitration_agreement = BooleanField(_l("There is a written arbitration agreement"))
    arbitration_file = MultipleFileField(_l("Arbitration agreement (file)"))
    court_case_no = StringField(_l("Court case number, if a court referred it"))
    accepted_elsewhere = StringField(_l("Body that already accepted this dispute, if any"))
    preferred_channel = Select(
        _l("Preferred channel"),
        choices=[SelectChoice("", "由平台推荐 / Let the platform decide")] + _pairs(LABELS["channel"], CHANNELS),
    )
    consent_online = BooleanField(_l("I agree to online mediation"), default=True)
    evidence = MultipleFileField(_l("Evidence files"))
    remove_drafts = FieldList(HiddenField())
    add_respondent = SubmitField(_l("Add another respondent"))
    preview = SubmitField(_l("Where will my case go?"))
    submit = SubmitField(_l("Submit the complaint"))


class TrackForm(FlaskForm):
    tracking_no = StringField(_l("Tracking number"), validators=[DataRequired(), Length(max=20)])
    access_code = StringField(_l("Access code"), validators=[DataRequired(), Length(max=20)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=5000)])
    evidence = MultipleFileField(_l("More evidence"))


class EvidenceForm(FlaskForm):
    evidence = MultipleFileField(_l("More evidence"))
    note = StringField(_l("What the files show"), validators=[Optional(), Length(max=512)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why do you withdraw?"), validators=[Optional(), Length(max=2000)])
    confirm = BooleanField(_l("I understand the case will be closed"), validators=[DataRequired()])


class RatingForm(FlaskForm):
    score = IntegerField(_l("Your rating (1–5)"), validators=[DataRequired(), NumberRange(min=1, max=5)])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])
