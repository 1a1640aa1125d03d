"""Satisfaction ratings: at the end of a case the claimant and the respondent may each rate it once (1–5)."""

from __future__ import annotations

from ..models import Dispute, User
from .workflow import TransitionError, record

# a case is over for its parties once it is in one of these states
RATEABLE = frozenset({"settled", "failed", "declined", "referred", "decided", "closed", "withdrawn"})
ROLE_COLUMNS = {"claimant": "satisfaction", "respondent": "respondent_satisfaction"}


def may_rate(dispute: Dispute, role: str) -> bool:
    """Has the case ended, and has ``role`` not rated it yet?"""
    return dispute.status in RATEABLE and getattr(dispute, ROLE_COLUMNS[role]) is None


def rate_case(dispute: Dispute, role: str, score: int, comment: str | None, *, actor: User | None = None,
              actor_label: str | None = None) -> None:
    """Keep ``role``'s rating on the case and as a ``rated`` event in its chain (flushes, never commits).

    :param role: "claimant" or "respondent"
    :param score: 1 to 5; 4 and 5 count as satisfied in the statistics
    :raises TransitionError: when the case has not ended, or this party rated it already
    """
    if role not in ROLE_COLUMNS:
        raise ValueError(f"unknown rating role {role!r}")
    if not 1 <= int(score) <= 5:
        raise ValueError("a rating is 1 to 5")
    if not may_rate(dispute, role):
        raise TransitionError("not_rateable", "只能在案件结束后评价一次。",
                              "A case can be rated once, after it has ended.")
    setattr(dispute, ROLE_COLUMNS[role], int(score))
    record(dispute, "rated", actor=actor, actor_label=actor_label,
           data={"role": role, "score": int(score), "comment": (comment or "").strip() or None})
