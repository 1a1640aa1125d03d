"""Case-page actions of staff and respondents (issue 5): each service checks, changes and records; none commits."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..intake.services import new_access_code
from ..models import CaseEvent, Dispute, MediationSession, Party, User, utcnow
from .deadlines import CalendarNotCoveredError, DeadlineRule, due_date, next_working_day, rule_for
from .transitions import TransitionError, allowed_actions, check
from .workflow import StaleCase, perform, record

SHANGHAI = ZoneInfo("Asia/Shanghai")
SYSTEM_LABEL = "系统 / System"
RESPONDENT_LABEL = "被申请人（邀请码） / Respondent (portal)"
# the step whose period starts when the case is accepted (for the court's cases: the file is signed for)
ACCEPTANCE_STEPS = {"people_mediation": "mediation", "industry_mediation": "mediation",
                    "litigation_mediation": "pre_filing_mediation", "administrative_adjudication": "conclusion"}
SESSION_STATES = frozenset({"in_mediation", "hearing"})
SESSION_MODES = ("online", "in_person")
SESSION_OUTCOMES = ("held", "postponed", "cancelled", "no_show")
EXTENDABLE_STATES = frozenset({"accepted", "assigned", "in_mediation", "suspended", "hearing"})
RESPONSES = ("consented", "declined")
# thin wrappers: the table alone judges these
SIMPLE_ACTIONS = frozenset({"screen", "request_info", "reject", "schedule_hearing", "settle", "fail", "decide",
                            "refer", "withdraw", "close", "suspend"})


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """The last second of ``day`` in Nantong, in UTC: a deadline is met all through its last day."""
    return datetime.combine(day, time(23, 59, 59), SHANGHAI).astimezone(UTC)


def _fresh(dispute: Dispute, expected_version: int | None) -> None:
    if expected_version is not None and dispute.version != expected_version:
        raise StaleCase()


def _refuse(code: str, zh: str, en: str) -> TransitionError:
    return TransitionError(code, zh, en)


def acceptance_rule(dispute: Dispute) -> DeadlineRule | None:
    """The deadline rule whose period starts at acceptance, for the case's channel (None: no such rule)."""
    step = ACCEPTANCE_STEPS.get(dispute.channel or "")
    if step is None:
        return None
    if dispute.channel == "litigation_mediation" and (dispute.existing_proceedings or {}).get("court_case_no"):
        step = "post_filing_mediation_ordinary"  # entrusted by the court after filing
    return rule_for(dispute.channel or "", step)


def accept_case(dispute: Dispute, *, actor: User, expected_version: int | None,
                now: datetime | None = None) -> CaseEvent:
    """Accept the case, set its deadline from the channel's rule, and assign the proposed mediator.

    :raises TransitionError, StaleCase: the move is not allowed or the case changed
    :raises CalendarNotCoveredError: the deadline cannot be computed (the caller saves nothing)
    """
    _fresh(dispute, expected_version)
    check("accept", status=dispute.status, channel=dispute.channel, role=actor.role)
    now = now or utcnow()
    rule = acceptance_rule(dispute)
    due = due_date(local_date(now), rule) if rule else None
    event = perform(dispute, "accept", role=actor.role, actor=actor, now=now, data={
        "deadline": due.isoformat() if due else None, "deadline_rule": rule.id if rule else None})
    dispute.deadline_at = end_of_day(due) if due else None
    dispute.deadline_rule = rule.id if rule else None
    if dispute.mediator_id is not None and "assign" in allowed_actions("accepted", dispute.channel, "system"):
        perform(dispute, "assign", role="system", actor_label=SYSTEM_LABEL, now=now,
                data={"mediator_id": dispute.mediator_id})
    return event


def claim_case(dispute: Dispute, *, actor: User, expected_version: int | None) -> CaseEvent:
    """A mediator of the organisation takes an accepted case nobody was given."""
    _fresh(dispute, expected_version)
    event = perform(dispute, "claim", role=actor.role, actor=actor, data={"mediator_id": actor.id})
    dispute.mediator_id = actor.id
    return event


def take_action(dispute: Dispute, action: str, *, actor: User, reason: str | None, expected_version: int | None,
                data: dict | None = None, now: datetime | None = None) -> CaseEvent:
    """Any move the table alone judges (reject, request_info, settle, fail, refer, close, suspend...)."""
    if action not in SIMPLE_ACTIONS:
        raise ValueError(f"{action!r} has its own service")
    return perform(dispute, action, role=actor.role, actor=actor, reason=reason or None, data=data,
                   expected_version=expected_version, now=now)


def _respondent(dispute: Dispute, party_id: int | None) -> Party:
    party = next((p for p in dispute.parties_in("respondent") if p.id == party_id), None)
    if party is None:
        raise _refuse("not_a_respondent", "请选择本案的被申请人。", "Choose a respondent of this case.")
    return party


def invite_respondent(dispute: Dispute, party_id: int | None, *, actor: User, expected_version: int | None,
                      now: datetime | None = None) -> str:
    """Give a respondent an invitation code (shown once, stored hashed) and record the invitation.

    :returns: the code, to hand to the respondent with the tracking number
    """
    _fresh(dispute, expected_version)
    party = _respondent(dispute, party_id)
    if "start_mediation" not in allowed_actions(dispute.status, dispute.channel, "respondent"):
        raise _refuse("cannot_invite", "只有已分派调解员、尚未开始调解的案件可以邀请被申请人。",
                      "A respondent is invited once the case has a mediator and before mediation starts.")
    if party.response:
        raise _refuse("already_answered", f"{party.name}已作出答复。", f"{party.name} has answered already.")
    code = new_access_code()
    party.invite_code_hash = generate_password_hash(code)
    party.invited_at = now or utcnow()
    record(dispute, "respondent_invited", actor=actor, data={"party_id": party.id, "party_name": party.name})
    return code


def record_response(dispute: Dispute, party_id: int | None, response: str, *, role: str, actor: User | None = None,
                    actor_label: str | None = None, note: str | None = None, expected_version: int | None,
                    now: datetime | None = None) -> CaseEvent:
    """A respondent consents to or declines mediation, in the portal or as recorded by staff.

    Declining ends mediation; mediation starts once every respondent has consented.
    :param role: "respondent" in the portal, the staff member's role otherwise (a note is then required)
    """
    _fresh(dispute, expected_version)
    party = _respondent(dispute, party_id)
    if response not in RESPONSES:
        raise ValueError(f"unknown response {response!r}")
    note = (note or "").strip() or None
    if role != "respondent" and not note:
        raise _refuse("note_required", "请注明被申请人以何种方式作出答复。",
                      "Note how the respondent gave their answer.")
    if party.response:
        raise _refuse("already_answered", f"{party.name}已作出答复。", f"{party.name} has answered already.")
    others_agree = all(p.response == "consented" for p in dispute.parties_in("respondent") if p is not party)
    action = "respondent_declines" if response == "declined" else "start_mediation"
    check(action, status=dispute.status, channel=dispute.channel, role=role)
    now = now or utcnow()
    party.response, party.responded_at = response, now
    data = {"party_id": party.id, "response": response, "note": note}
    if response == "consented" and not others_agree:
        return record(dispute, "respondent_consented", actor=actor, actor_label=actor_label, data=data)
    return perform(dispute, action, role=role, actor=actor, actor_label=actor_label, data=data, now=now)


def schedule_session(dispute: Dispute, *, starts_at: datetime, duration_minutes: int, mode: str,
                     location: str | None, notes: str | None, actor: User, expected_version: int | None,
                     now: datetime | None = None) -> MediationSession:
    """Schedule a session (online or in person) of a case being mediated or heard."""
    _fresh(dispute, expected_version)
    if dispute.status not in SESSION_STATES:
        raise _refuse("no_sessions", "只有调解中或审理中的案件可以安排调解会议。",
                      "Sessions are scheduled only while the case is in mediation or being heard.")
    if starts_at <= (now or utcnow()) or mode not in SESSION_MODES or not 0 < duration_minutes <= 600:
        raise _refuse("bad_session", "会议时间须在将来，时长为1至600分钟。",
                      "The session must be in the future and last 1 to 600 minutes.")
    session = MediationSession(dispute_id=dispute.id, starts_at=starts_at, duration_minutes=duration_minutes,
                               mode=mode, location=location or None, notes=notes or None, scheduled_by_id=actor.id)
    db.session.add(session)
    db.session.flush()
    record(dispute, "session_scheduled", actor=actor, data={
        "session_id": session.id, "starts_at": starts_at.isoformat(), "mode": mode, "location": location or None})
    return session


def record_session_outcome(dispute: Dispute, session_id: int | None, *, outcome: str, notes: str | None,
                           actor: User, expected_version: int | None) -> MediationSession:
    """What came of a session: held, postponed, cancelled or no-show, once."""
    _fresh(dispute, expected_version)
    session = db.session.get(MediationSession, session_id) if session_id else None
    if session is None or session.dispute_id != dispute.id or outcome not in SESSION_OUTCOMES:
        raise _refuse("bad_session", "请选择本案的一次会议及其结果。", "Choose a session of this case and its outcome.")
    if session.outcome is not None:
        raise _refuse("outcome_recorded", "该次会议的结果已记录。", "That session's outcome is recorded already.")
    session.outcome, session.outcome_notes = outcome, (notes or "").strip() or None
    record(dispute, "session_outcome", actor=actor,
           data={"session_id": session.id, "outcome": outcome, "notes": session.outcome_notes})
    return session


def _suspended_on(dispute: Dispute) -> datetime | None:
    return db.session.execute(
        select(CaseEvent.created_at).where(CaseEvent.dispute_id == dispute.id, CaseEvent.to_status == "suspended")
        .order_by(CaseEvent.seq.desc()).limit(1)).scalar_one_or_none()


def deadline_rule_of(dispute: Dispute) -> DeadlineRule | None:
    channel, _, step = (dispute.deadline_rule or "").partition(".")
    try:
        return rule_for(channel, step) if step else None
    except KeyError:
        return None


def resume(dispute: Dispute, *, actor: User, expected_version: int | None, now: datetime | None = None) -> CaseEvent:
    """Resume a suspended case: the days it was suspended are added to its deadline and to suspended_days."""
    _fresh(dispute, expected_version)
    now = now or utcnow()
    since = _suspended_on(dispute)
    days = max(0, (local_date(now) - local_date(since)).days) if since else 0
    due = local_date(dispute.deadline_at) + timedelta(days=days) if dispute.deadline_at else None
    rule = deadline_rule_of(dispute)
    if due and days and rule and rule.holiday_rollover:
        # without next year's calendar the unrolled day stands: earlier, so on the safe side
        with contextlib.suppress(CalendarNotCoveredError):
            due = next_working_day(due)
    event = perform(dispute, "resume", role=actor.role, actor=actor, now=now,
                    data={"suspended_days": days, "deadline": due.isoformat() if due else None})
    dispute.suspended_days = (dispute.suspended_days or 0) + days
    if due:
        dispute.deadline_at = end_of_day(due)
    return event


def extend_deadline(dispute: Dispute, *, new_deadline: date | None, claimant_consent: bool, respondent_consent: bool,
                    note: str | None, actor: User, expected_version: int | None) -> CaseEvent:
    """Extend the deadline, which needs the recorded consent of both parties and how it was given."""
    _fresh(dispute, expected_version)
    note = (note or "").strip()
    if not (claimant_consent and respondent_consent and note):
        raise _refuse("consent_required", "延长期限须记录双方当事人的同意，并注明同意的方式。",
                      "Extending the deadline needs both parties' recorded consent and a note of how it was given.")
    rule = deadline_rule_of(dispute)
    if dispute.status not in EXTENDABLE_STATES or dispute.deadline_at is None or rule is None or not rule.extendable:
        raise _refuse("not_extendable", "本案当前没有可以延长的期限。",
                      "This case has no deadline that may be extended.")
    current = local_date(dispute.deadline_at)
    latest = (due_date(current, replace(rule, length=rule.max_extension, max_extension=None))
              if rule.max_extension else None)
    if new_deadline is None or new_deadline <= current or (latest and new_deadline > latest):
        cap_zh, cap_en = (f"且不晚于{latest}", f" and not after {latest}") if latest else ("", "")
        raise _refuse("bad_extension", f"新的期限须晚于{current}{cap_zh}。",
                      f"The new deadline must be after {current}{cap_en}.")
    dispute.deadline_at = end_of_day(new_deadline)
    return record(dispute, "deadline_extended", actor=actor, data={
        "from": current.isoformat(), "to": new_deadline.isoformat(), "rule": rule.id,
        "claimant_consent": True, "respondent_consent": True, "note": note})


def case_sessions(dispute: Dispute) -> list[MediationSession]:
    return list(db.session.execute(select(MediationSession).where(MediationSession.dispute_id == dispute.id)
                                   .order_by(MediationSession.starts_at, MediationSession.id)).scalars())
