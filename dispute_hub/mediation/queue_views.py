"""Work queues: the tabs, a mediator claiming an unassigned case, an org admin reassigning cases in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import Response

from ..extensions import db
from ..labels import CHANNELS, IP_TYPES
from ..models import Dispute, User, enqueue_index, utcnow
from ..permissions import load_case, require_roles, tracked_ids, visible_cases
from .queues import OPEN_STATUSES, QUEUES, QueueFilters, default_queue, queue_counts, queue_page, reassign_targets
from .reassign import MANAGERS, reassign
from .transitions import TransitionError, allowed_actions
from .views import bp
from .workflow import StaleCase, perform, record

STAFF = ("mediator", "org_admin", "admin")
REFUSALS = (TransitionError, StaleCase, StaleDataError)


@bp.app_context_processor
def queue_navigation() -> dict:
    """``queue_counts()`` for the navigation: computed once per request, and only when a page asks."""
    return {"queue_counts": _counts_for_navigation}


def _counts_for_navigation() -> dict[str, int]:
    if not current_user.is_authenticated or current_user.role not in STAFF:
        return {}
    if "queue_counts" not in g:
        g.queue_counts = queue_counts(current_user)
    return g.queue_counts


@bp.get("/queue")
@require_roles(*STAFF)
def queue() -> str:
    tab = request.args.get("tab")
    tab = tab if tab in QUEUES else default_queue(current_user)
    filters = QueueFilters.parse(request.args)
    page = queue_page(current_user, tab, filters, page=request.args.get("page", 1, type=int))
    counts = _counts_for_navigation() if filters.days == QueueFilters().days else queue_counts(
        current_user, days=filters.days)
    return render_template("mediation/queue.html", tab=tab, tabs=QUEUES, page=page, counts=counts,
                           filters=filters, statuses=OPEN_STATUSES, ip_types=IP_TYPES, channels=CHANNELS,
                           targets=reassign_targets(current_user), can_claim=current_user.role == "mediator",
                           now=utcnow())


@bp.post("/queue/claim/<tracking_no>")
@require_roles("mediator")
def claim(tracking_no: str) -> Response:
    dispute = load_case(current_user, tracking_no, "work", tracked_ids())
    try:
        claim_case(dispute, current_user, expected_version=request.form.get("version", type=int))
        db.session.commit()
    except REFUSALS as exc:
        db.session.rollback()
        flash(_refusal(exc), "error")
        return redirect(url_for("mediation.queue", tab="unassigned"))
    flash(_("You took case %(no)s.", no=tracking_no), "success")
    return redirect(url_for("mediation.queue", tab="mine"))


@bp.post("/queue/reassign")
@require_roles(*MANAGERS)
def bulk_reassign() -> Response:
    numbers = list(dict.fromkeys(n for n in request.form.getlist("case") if n))
    back = redirect(url_for("mediation.queue", tab=request.form.get("tab") or None))
    if not numbers:
        flash(_("Select at least one case."), "error")
        return back
    mediator = db.session.get(User, request.form.get("mediator_id", 0, type=int))
    versions = {n: request.form.get(f"version-{n}", type=int) for n in numbers}
    result = reassign_many(current_user, numbers, mediator, reason=request.form.get("reason", ""),
                           versions=versions)
    db.session.commit()
    if result.moved:
        flash(_("%(count)d case(s) given to %(name)s.", count=len(result.moved), name=mediator.name), "success")
    for number, why in result.refused:
        flash(_("Not reassigned: %(no)s (%(reason)s)", no=number, reason=why), "error")
    return back


# -- services of the two actions (flush, never commit) ------------------------------------------------------------

def claim_case(dispute: Dispute, mediator: User, *, expected_version: int | None = None,
               now: datetime | None = None) -> None:
    """``mediator`` takes ``dispute``, an open case of their organisation that nobody has yet.

    An ``accepted`` case moves to ``assigned`` where its channel has that step; a ``claimed`` event is recorded.

    :raises StaleCase: the case changed since ``expected_version``
    :raises TransitionError: codes wrong_role, case_closed, already_assigned
    """
    if expected_version is not None and dispute.version != expected_version:
        raise StaleCase()
    if (mediator.role != "mediator" or not mediator.active or dispute.organization_id is None
            or mediator.organization_id != dispute.organization_id):
        raise TransitionError("wrong_role", "只有本机构的在职调解员可以认领该案件。",
                              "Only an active mediator of the case's organisation may claim it.")
    if dispute.status not in OPEN_STATUSES:
        raise TransitionError("case_closed", "案件已结束，不能认领。", "The case has ended and cannot be claimed.")
    if dispute.mediator_id is not None:
        raise TransitionError("already_assigned", "该案件已有调解员，不能认领。",
                              "The case has a mediator already and cannot be claimed.")
    now = now or utcnow()
    if dispute.status == "accepted" and "claim" in allowed_actions(dispute.status, dispute.channel, "mediator"):
        perform(dispute, "claim", role="mediator", actor=mediator, data={"mediator_id": mediator.id}, now=now)
    dispute.mediator = mediator
    if mediator.mediator_profile is not None:
        # counts as an assignment for the idle-time order of automatic assignment
        mediator.mediator_profile.last_assigned_at = now
    record(dispute, "claimed", actor=mediator, data={"to": mediator.id, "to_name": mediator.name})
    enqueue_index(dispute.id)


@dataclass
class BulkResult:
    moved: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def reassign_many(actor: User, numbers: list[str], mediator: User | None, *, reason: str,
                  versions: dict[str, int | None]) -> BulkResult:
    """Give each case of ``numbers`` to ``mediator`` through ``reassign``, one savepoint each.

    A number outside ``actor``'s scope is refused as not found, exactly like one that does not exist.
    """
    found = {d.tracking_no: d for d in db.session.execute(
        visible_cases(actor).where(Dispute.tracking_no.in_(numbers))
    ).scalars()}
    result = BulkResult()
    for number in numbers:
        dispute = found.get(number)
        if dispute is None:
            result.refused.append((number, _("no such case among those you manage")))
            continue
        try:
            with db.session.begin_nested():
                reassign(dispute, mediator, reason=reason, actor=actor, expected_version=versions.get(number))
        except REFUSALS as exc:
            result.refused.append((number, _refusal(exc)))
        else:
            result.moved.append(number)
    return result


def _refusal(exc: Exception) -> str:
    # a concurrent change caught only when the row is written is the same stale case
    refusal = StaleCase() if isinstance(exc, StaleDataError) else exc
    english = str(get_locale() or "zh").startswith("en")
    return getattr(refusal, "message_en" if english else "message_zh", str(refusal))
