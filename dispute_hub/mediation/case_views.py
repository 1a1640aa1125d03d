"""Lifecycle actions on the case page: one POST route per action, each parse → one service → commit → redirect."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import Response
from wtforms import SelectChoice

from ..extensions import db
from ..models import Dispute, utcnow
from ..permissions import can, load_case, tracked_ids
from . import case_actions as svc
from .case_forms import (
    ExtendForm,
    InviteForm,
    OutcomeForm,
    ReasonForm,
    ReferForm,
    ResponseForm,
    SessionForm,
    VersionForm,
)
from .deadlines import CalendarNotCoveredError, days_remaining
from .deadlines import status as deadline_status
from .transitions import ACTION_LABELS, TransitionError, allowed_actions
from .views import bp
from .workflow import StaleCase

REFUSALS = (TransitionError, StaleCase, StaleDataError, CalendarNotCoveredError)
# actions of this module that are not rows of the transition table
EXTRA_LABELS = {
    "invite": ("邀请被申请人", "Invite the respondent"),
    "respond": ("记录被申请人的答复", "Record the respondent's answer"),
    "session": ("安排调解会议", "Schedule a session"), "outcome": ("记录会议结果", "Record a session's outcome"),
    "extend": ("延长期限", "Extend the deadline"),
}
FORMS: dict[str, type[FlaskForm]] = {
    "screen": VersionForm, "accept": VersionForm, "claim": VersionForm, "resume": VersionForm,
    "schedule_hearing": VersionForm, "settle": VersionForm, "decide": VersionForm, "close": VersionForm,
    "request_info": ReasonForm, "reject": ReasonForm, "suspend": ReasonForm, "fail": ReasonForm,
    "withdraw": ReasonForm, "refer": ReferForm, "invite": InviteForm, "respond": ResponseForm,
    "session": SessionForm, "outcome": OutcomeForm, "extend": ExtendForm,
}
# staff record a respondent's answer given offline with the one "respond" form
TABLE_TO_FORM = {"start_mediation": "respond", "respondent_declines": "respond"}


def _run(action: str, dispute: Dispute, form) -> str:
    """Call the one service for ``action``; the success message."""
    user, version = current_user, form.version.data
    if action == "accept":
        svc.accept_case(dispute, actor=user, expected_version=version)
    elif action == "claim":
        svc.claim_case(dispute, actor=user, expected_version=version)
    elif action == "resume":
        svc.resume(dispute, actor=user, expected_version=version)
    elif action == "invite":
        code = svc.invite_respondent(dispute, form.party_id.data, actor=user, expected_version=version)
        return _("Invitation code (shown once; give it to the respondent with the tracking number): %(code)s",
                 code=code)
    elif action == "respond":
        svc.record_response(dispute, form.party_id.data, form.response.data, role=user.role, actor=user,
                            note=form.note.data, expected_version=version)
    elif action == "session":
        starts = form.starts_at.data.replace(tzinfo=svc.SHANGHAI)
        svc.schedule_session(dispute, starts_at=starts, duration_minutes=form.duration_minutes.data,
                             mode=form.mode.data, location=form.location.data, notes=form.notes.data, actor=user,
                             expected_version=version)
    elif action == "outcome":
        svc.record_session_outcome(dispute, form.session_id.data, outcome=form.outcome.data,
                                   notes=form.outcome_notes.data, actor=user, expected_version=version)
    elif action == "extend":
        svc.extend_deadline(dispute, new_deadline=form.new_deadline.data, claimant_consent=form.claimant_consent.data,
                            respondent_consent=form.respondent_consent.data, note=form.note.data, actor=user,
                            expected_version=version)
    else:
        data = {"referred_to": form.referred_to.data} if action == "refer" else None
        svc.take_action(dispute, action, actor=user, reason=getattr(form, "reason", None) and form.reason.data,
                        expected_version=version, data=data)
    return _("Done: %(action)s.", action=_label(action))


@bp.post("/<tracking_no>/act/<action>")
@login_required
def act(tracking_no: str, action: str) -> Response:
    dispute = load_case(current_user, tracking_no, "work", tracked_ids())
    if action not in FORMS:
        abort(404)
    form = FORMS[action](prefix=action)
    if not form.validate():
        return _invalid(form, tracking_no)
    try:
        message = _run(action, dispute, form)
        db.session.commit()
    except REFUSALS as exc:
        return _refused(exc, tracking_no)
    flash(message, "success")
    return redirect(url_for("mediation.detail", tracking_no=tracking_no))


def _english() -> bool:
    return str(get_locale() or "zh").startswith("en")


def _label(action: str) -> str:
    zh, en = ACTION_LABELS.get(action) or EXTRA_LABELS[action]
    return en if _english() else zh


def _invalid(form: FlaskForm, tracking_no: str) -> Response:
    for f in form:
        for error in f.errors:
            flash(f"{f.label.text}: {error}" if f.label.text else str(error), "error")
    flash(_("Nothing was saved."), "error")
    return redirect(url_for("mediation.detail", tracking_no=tracking_no))


def _refused(exc: Exception, tracking_no: str) -> Response:
    db.session.rollback()
    # a concurrent change caught only when the row is written is the same stale case
    refusal = StaleCase() if isinstance(exc, StaleDataError) else exc
    flash(getattr(refusal, "message_en" if _english() else "message_zh", str(refusal)), "error")
    return redirect(url_for("mediation.detail", tracking_no=tracking_no))


def _available(dispute: Dispute, role: str, sessions: list) -> list[str]:
    """The actions this role may take now, table rows first, then the records that depend on the state."""
    actions = [TABLE_TO_FORM.get(a, a) for a in allowed_actions(dispute.status, dispute.channel, role)]
    if "start_mediation" in allowed_actions(dispute.status, dispute.channel, "respondent"):
        actions.insert(0, "invite")
    if dispute.status in svc.SESSION_STATES:
        actions.append("session")
    if any(s.outcome is None for s in sessions):
        actions.append("outcome")
    rule = svc.deadline_rule_of(dispute)
    if dispute.status in svc.EXTENDABLE_STATES and dispute.deadline_at and rule and rule.extendable:
        actions.append("extend")
    return [a for a in dict.fromkeys(actions) if a in FORMS]


def _form(action: str, dispute: Dispute, sessions: list) -> FlaskForm:
    form = FORMS[action](prefix=action, formdata=None, data={"version": dispute.version})
    if isinstance(form, InviteForm):
        form.party_id.choices = [SelectChoice(p.id, p.name) for p in dispute.parties_in("respondent") if not p.response]
    if isinstance(form, OutcomeForm):
        form.session_id.choices = [SelectChoice(s.id, svc.local_date(s.starts_at).isoformat() + f" {s.mode}")
                                   for s in sessions if s.outcome is None]
    return form


def case_panel(dispute: Dispute, user, today: datetime | None = None) -> dict | None:
    """What templates/mediation/_actions.html shows: the deadline, the sessions and the allowed action forms."""
    if not getattr(user, "is_authenticated", False) or not can(user, "work", dispute):
        return None
    sessions = svc.case_sessions(dispute)
    deadline = None
    if dispute.deadline_at is not None:
        due, day = svc.local_date(dispute.deadline_at), svc.local_date(today or utcnow())
        deadline = {"due": due, "remaining": days_remaining(day, due), "status": deadline_status(day, due),
                    "rule": svc.deadline_rule_of(dispute)}
    forms = [(a, ACTION_LABELS.get(a) or EXTRA_LABELS[a], _form(a, dispute, sessions))
             for a in _available(dispute, user.role, sessions)]
    return {"forms": forms, "deadline": deadline, "sessions": sessions}
