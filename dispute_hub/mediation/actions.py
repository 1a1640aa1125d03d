"""Case-page actions of staff: correct the classification (mediators), reassign the case (org admins)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import Response
from wtforms import SelectChoice

from ..extensions import db
from ..models import Dispute, User
from ..permissions import can, load_case, tracked_ids
from ..routing.corrections import CorrectionError, correct_classification
from ..routing.taxonomy import DEFAULT_VERSION, load_taxonomy
from .forms import CorrectionForm, ReassignForm
from .reassign import mediator_choices, reassign
from .views import bp
from .workflow import StaleCase, TransitionError

# the two forms share a page, so their fields get distinct names
CORRECT, REASSIGN = "correct", "reassign"


def case_forms(dispute: Dispute, user) -> dict:
    """Template values for the case page: each action form only for a user allowed to take the action."""
    values: dict = {"correct_form": None, "reassign_form": None, "cause_options": ()}
    if not getattr(user, "is_authenticated", False):
        return values
    if can(user, "work", dispute):
        c = dispute.classification or {}
        values["correct_form"] = CorrectionForm(prefix=CORRECT, data={
            "is_ip": c.get("is_ip", True) is not False, "ip_type": dispute.ip_type or "",
            "patent_kind": dispute.patent_kind or "", "cause": dispute.cause_name or "", "version": dispute.version,
        })
        values["cause_options"] = load_taxonomy(dispute.taxonomy_version or DEFAULT_VERSION).nodes
    if can(user, "manage", dispute):
        form = ReassignForm(prefix=REASSIGN, data={"version": dispute.version})
        form.mediator_id.choices = [SelectChoice(m.id, m.name) for m in mediator_choices(dispute)
                                    if m.id != dispute.mediator_id]
        values["reassign_form"] = form
    return values


@bp.post("/<tracking_no>/classification")
@login_required
def correct(tracking_no: str) -> Response:
    dispute = load_case(current_user, tracking_no, "work", tracked_ids())
    form = CorrectionForm(prefix=CORRECT)
    if not form.validate():
        return _invalid(form, tracking_no)
    is_ip = bool(form.is_ip.data)
    # unticking "IP dispute" sets the rest aside: the form shows them filled in from the current classification
    ip_type, kind, cause = (form.ip_type.data, form.patent_kind.data, form.cause.data) if is_ip else ("", "", "")
    try:
        correct_classification(
            dispute, ip_type=ip_type or None, patent_kind=kind or None, cause_name_or_code=cause, is_ip=is_ip,
            reason=form.reason.data, actor=current_user, expected_version=form.version.data,
        )
        db.session.commit()
    except (CorrectionError, StaleCase, StaleDataError) as exc:
        return _refused(exc, tracking_no)
    flash(_("The classification was corrected."), "success")
    return _back(tracking_no)


@bp.post("/<tracking_no>/reassign")
@login_required
def reassign_case(tracking_no: str) -> Response:
    dispute = load_case(current_user, tracking_no, "manage", tracked_ids())
    form = ReassignForm(prefix=REASSIGN)
    if not form.validate():
        return _invalid(form, tracking_no)
    mediator = db.session.get(User, form.mediator_id.data)
    try:
        reassign(dispute, mediator, reason=form.reason.data, actor=current_user, expected_version=form.version.data)
        db.session.commit()
    except (TransitionError, StaleCase, StaleDataError) as exc:
        return _refused(exc, tracking_no)
    flash(_("The case was given to %(name)s.", name=mediator.name if mediator else ""), "success")
    return _back(tracking_no)


def _back(tracking_no: str) -> Response:
    return redirect(url_for("mediation.detail", tracking_no=tracking_no))


def _invalid(form: CorrectionForm | ReassignForm, tracking_no: str) -> Response:
    for f in form:
        for error in f.errors:
            flash(f"{f.label.text}: {error}" if f.label.text else str(error), "error")
    flash(_("Nothing was saved."), "error")
    return _back(tracking_no)


def _refused(exc: Exception, tracking_no: str) -> Response:
    db.session.rollback()
    # a concurrent change caught only when the row is written is the same stale case
    refusal = StaleCase() if isinstance(exc, StaleDataError) else exc
    english = str(get_locale() or "zh").startswith("en")
    flash(getattr(refusal, "message_en" if english else "message_zh", str(refusal)), "error")
    return _back(tracking_no)
