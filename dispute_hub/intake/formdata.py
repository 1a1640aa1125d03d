"""Between the filing form and the filing shape: form → JSON body, and error paths → form fields."""

from __future__ import annotations

import re

from wtforms import Field, FieldList, FormField

from .forms import IntakeForm
from .validators import ValidationError

# JSON paths whose form field has another name
_RENAMED = {
    "claims.damages": "claim_damages",
    "claims.other": "claim_other",
    "existing_proceedings.court_case_no": "court_case_no",
    "existing_proceedings.accepted_elsewhere": "accepted_elsewhere",
}
_STEP = re.compile(r"^(\w+)(?:\[(\d+)\])?$")


def filing_body(form: IntakeForm, language: str) -> dict:
    """The API's filing shape from the submitted form."""
    respondents = [dict(entry.data) for entry in form.respondents]
    return {
        "claimant": dict(form.claimant.data) if _filled(form.claimant.data) else None,
        "agent": dict(form.agent.data) if form.has_agent.data else None,
        "respondents": [r for r in respondents if _filled(r)],
        "ip_right": dict(form.ip_right.data),
        "description": form.description.data,
        "discovered_on": form.discovered_on.data or None,
        "district": form.district.data or None,
        "industry": form.industry.data or None,
        "claims": {"stop": bool(form.claim_stop.data), "damages": form.claim_damages.data or None,
                   "other": form.claim_other.data or None},
        "arbitration_agreement": bool(form.arbitration_agreement.data),
        "existing_proceedings": {"court_case_no": form.court_case_no.data or None,
                                 "accepted_elsewhere": form.accepted_elsewhere.data or None},
        "preferred_channel": form.preferred_channel.data or None,
        "consent_online": bool(form.consent_online.data),
        "language": language,
    }


def _filled(party: dict) -> bool:
    """Whether a party's sub-form has anything typed in it (kind and country have defaults)."""
    return any((value or "").strip() for key, value in party.items() if key not in ("kind", "country"))


def form_field(form: IntakeForm, path: str) -> Field | None:
    """The form field for a JSON path such as ``respondents[1].id_number``, or None."""
    node: object = form
    for step in _RENAMED.get(path, path).split("."):
        match = _STEP.match(step)
        if isinstance(node, FormField):
            node = node.form
        fields = getattr(node, "_fields", None)
        if match is None or fields is None or match.group(1) not in fields:
            return None
        node = fields[match.group(1)]
        if match.group(2) is not None:
            index = int(match.group(2))
            if not isinstance(node, FieldList) or index >= len(node.entries):
                return None
            node = node.entries[index]
    if isinstance(node, (FormField, FieldList)) or not isinstance(node, Field):
        return None
    return node


def attach_errors(form: IntakeForm, errors: list[ValidationError], lang: str) -> list[str]:
    """Put each error on its field; return the messages that have no field (shown at the top)."""
    loose = []
    for error in errors:
        field = form_field(form, error.field)
        message = error.message(lang)
        if field is None:
            loose.append(message)
        else:
            field.errors = [*list(field.errors or []), message]
    return loose
