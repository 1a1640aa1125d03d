"""The one permission function: which cases a user may see, and what they may do with one.

Lists and detail pages both filter through ``case_scope`` so the two can never disagree; a case
outside the scope is answered with 404 so that its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import wraps

from flask import abort, session
from flask_login import current_user
from sqlalchemy import Select, and_, exists, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from .extensions import db
from .models import Dispute, Party

# action -> roles that may take it on a case inside their scope
ACTIONS: dict[str, frozenset[str]] = {
    "view": frozenset({"claimant", "respondent", "mediator", "org_admin", "liaison", "admin"}),
    "download_evidence": frozenset({"claimant", "respondent", "mediator", "org_admin", "liaison", "admin"}),
    "work": frozenset({"mediator", "org_admin", "admin"}),
    "manage": frozenset({"org_admin", "admin"}),
    "record_outcome": frozenset({"liaison", "admin"}),
}
# the portal's tracking number + access code grants these to an anonymous visitor
PORTAL_ACTIONS = frozenset({"view", "download_evidence"})


def _is_party(user_id: int, roles: Iterable[str]) -> ColumnElement[bool]:
    return exists().where(
        and_(Party.dispute_id == Dispute.id, Party.user_id == user_id, Party.role.in_(tuple(roles)))
    )


def case_scope(user, tracked_ids: Iterable[int] = ()) -> ColumnElement[bool]:
    """SQL condition on ``Dispute`` selecting exactly the cases ``user`` may open.

    :param user: the current user (an anonymous user sees no case by role)
    :param tracked_ids: case ids unlocked in this session with a tracking number and access code
    """
    tracked = tuple(tracked_ids)
    by_portal = Dispute.id.in_(tracked) if tracked else false()
    if user is None or not getattr(user, "is_authenticated", False):
        return by_portal
    role = user.role
    if role in ("admin", "liaison"):
        clause: ColumnElement[bool] = true()
    elif role in ("mediator", "org_admin"):
        clause = Dispute.organization_id == user.organization_id if user.organization_id else false()
    elif role == "claimant":
        clause = or_(Dispute.claimant_user_id == user.id, _is_party(user.id, ("claimant", "agent")))
    elif role == "respondent":
        clause = _is_party(user.id, ("respondent",))
    else:
        clause = false()
    return or_(clause, by_portal) if tracked else clause


def visible_cases(user, tracked_ids: Iterable[int] = ()) -> Select:
    """``select(Dispute)`` restricted to ``case_scope``: the start of every case list."""
    return select(Dispute).where(case_scope(user, tracked_ids))


def can(user, action: str, dispute: Dispute, tracked_ids: Iterable[int] = ()) -> bool:
    """May ``user`` take ``action`` on ``dispute``? Role first, then the same scope as the lists."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    role_allows = authenticated and user.role in ACTIONS[action]
    portal_allows = action in PORTAL_ACTIONS and dispute.id in set(tracked_ids)
    if not (role_allows or portal_allows):
        return False
    if portal_allows:
        return True
    found = db.session.execute(
        select(Dispute.id).where(Dispute.id == dispute.id, case_scope(user))
    ).first()
    return found is not None


def load_case(user, tracking_no: str, action: str = "view", tracked_ids: Iterable[int] = ()) -> Dispute:
    """The case ``tracking_no`` if ``user`` may take ``action`` on it; 404 when out of scope, 403 when
    visible but the action is not theirs."""
    tracked = tuple(tracked_ids)
    dispute = db.session.execute(
        visible_cases(user, tracked).where(Dispute.tracking_no == tracking_no)
    ).scalar_one_or_none()
    if dispute is None:
        _audit_out_of_scope(tracking_no, action)
        abort(404)
    if not can(user, action, dispute, tracked):
        abort(403)
    return dispute


def _audit_out_of_scope(tracking_no: str, action: str) -> None:
    """A case that exists but is not the user's is a refusal worth keeping; a mistyped number is not."""
    exists_at_all = db.session.execute(
        select(Dispute.id).where(Dispute.tracking_no == tracking_no)
    ).first()
    if exists_at_all is not None:
        from . import audit

        db.session.rollback()
        audit.record("case_out_of_scope", status=404, tracking_no=tracking_no[:20], action=action)


def tracked_ids() -> tuple[int, ...]:
    """Case ids unlocked in this browser session with a tracking number and access code."""
    return tuple(session.get("tracked", ()))


def require_roles(*roles: str):
    """View decorator: 401 (login redirect) when anonymous, 403 when the role is not listed."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from .extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
