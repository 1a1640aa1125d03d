"""Rules admin: the rule table in force, its stored versions, an editor with a what-if dry run."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..extensions import db
from ..labels import label
from ..models import User
from ..permissions import require_roles
from .rules_store import (
    activate_version,
    active_ruleset,
    active_version,
    list_versions,
    organization_names,
    save_version,
    table_text,
    use_repository_rules,
)
from .ruleset import DEFAULT_RULES, Condition, RulesError
from .vocab import CHANNELS, OUTCOMES
from .whatif import DEFAULT_LAST, MAX_LAST, dry_run

bp = Blueprint("rules_admin", __name__, url_prefix="/admin/rules")

# the shape of every RulesError message (ruleset._Where.error): "<source>: rule 'x' field 'y': problem"
_RULE_ERROR = re.compile(r"^(?P<source>.*?): rule '(?P<rule>[^']*)' field '(?P<field>[^']*)': (?P<problem>.*)$", re.S)
_FIELD_ERROR = re.compile(r"^(?P<source>.*?): field '(?P<field>[^']*)': (?P<problem>.*)$", re.S)


class RuleTableForm(FlaskForm):
    source = TextAreaField(_l("Rule table (YAML)"), validators=[DataRequired(), Length(max=200_000)])
    note = StringField(_l("Note: what changed and why"), validators=[Optional(), Length(max=512)])
    last = IntegerField(_l("Filings to replay"), default=DEFAULT_LAST,
                        validators=[Optional(), NumberRange(min=1, max=MAX_LAST)])


def _english() -> bool:
    return str(get_locale() or "zh").startswith("en")


def lane_label(code: str | None) -> str:
    """A channel's name, or the outcome's for a decision that routes nowhere."""
    if code in CHANNELS or code is None:
        return label("channel", code)
    pair = OUTCOMES.get(code, (code, code))
    return pair[1] if _english() else pair[0]


def condition_text(condition: Condition) -> str:
    """A condition as it reads in the rules file: ``predicate(arg=value, ...)``."""
    parts = []
    for name, value in condition.args.items():
        if isinstance(value, tuple) and value and isinstance(value[0], Condition):
            shown = "; ".join(condition_text(c) for c in value)
        elif isinstance(value, tuple):
            shown = ", ".join(str(v) for v in value)
        else:
            shown = str(value).lower() if isinstance(value, bool) else str(value)
        parts.append(f"{name}={shown}")
    return f"{condition.predicate}({', '.join(parts)})" if parts else condition.predicate


def explain(exc: RulesError) -> dict[str, Any]:
    """A validation error split into rule, field and problem where the message names them."""
    message = str(exc)
    match = _RULE_ERROR.match(message) or _FIELD_ERROR.match(message)
    return {"message": message, **(match.groupdict() if match else {})}


def _render_edit(form: RuleTableForm, *, problem: dict | None = None, result=None, status: int = 200):
    names = organization_names()
    return render_template("routing/edit.html", form=form, problem=problem, result=result, org_names=names,
                           lane_label=lane_label, en=_english(), max_last=MAX_LAST), status


@bp.get("/")
@require_roles("admin")
def index():
    try:
        rules, problem = active_ruleset(), None
    except RulesError as exc:
        rules, problem = None, explain(exc)
    return render_template(
        "routing/rules.html", rules=rules, problem=problem, active=active_version(), versions=list_versions(),
        org_names=organization_names(), condition_text=condition_text, lane_label=lane_label, en=_english(),
        repository_file=DEFAULT_RULES.name,
    )


@bp.get("/edit")
@require_roles("admin")
def edit():
    form = RuleTableForm()
    try:
        form.source.data = table_text(request.args.get("version", type=int),
                                      repository=request.args.get("version") == "repository")
    except LookupError:
        abort(404)
    return _render_edit(form)


@bp.post("/dry-run")
@require_roles("admin")
def dry_run_view():
    form = RuleTableForm()
    if not form.validate_on_submit():
        return _render_edit(form, status=400)
    try:
        result = dry_run(form.source.data, last=form.last.data or DEFAULT_LAST)
    except RulesError as exc:
        return _render_edit(form, problem=explain(exc), status=400)
    # a dry run writes nothing, so there is nothing to commit
    return _render_edit(form, result=result)


@bp.post("/versions")
@require_roles("admin")
def save():
    form = RuleTableForm()
    if not form.validate_on_submit():
        return _render_edit(form, status=400)
    try:
        row = save_version(form.source.data, note=form.note.data, created_by=db.session.get(User, current_user.id))
    except RulesError as exc:
        db.session.rollback()
        return _render_edit(form, problem=explain(exc), status=400)
    db.session.commit()
    flash(_("Saved as version %(version)s. It is not in force until you activate it.", version=row.version),
          "success")
    return redirect(url_for("rules_admin.index"))


@bp.post("/versions/<int:version_id>/activate")
@require_roles("admin")
def activate(version_id: int):
    try:
        row = activate_version(version_id)
    except LookupError:
        abort(404)
    except RulesError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("rules_admin.index"))
    db.session.commit()
    flash(_("Version %(version)s is now in force.", version=row.version), "success")
    return redirect(url_for("rules_admin.index"))


@bp.post("/repository/activate")
@require_roles("admin")
def use_repository():
    use_repository_rules()
    db.session.commit()
    flash(_("The table shipped with the platform is now in force."), "success")
    return redirect(url_for("rules_admin.index"))
