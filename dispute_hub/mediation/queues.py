"""Work queues of mediators and organisation admins: read-only queries, always inside ``visible_cases``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..labels import CHANNELS, IP_TYPES, STATUSES
from ..models import Dispute, Party, User, utcnow
from ..permissions import visible_cases
from .transitions import TERMINAL_STATES

QUEUES: tuple[str, ...] = ("mine", "unassigned", "due_soon", "overdue", "waiting")
# outcomes that only wait to be filed; with the terminal states they are what routing's open_load leaves out
_OUTCOMES = frozenset({"settled", "failed", "declined", "referred", "decided"})
OPEN_STATUSES: tuple[str, ...] = tuple(s for s in STATUSES if s not in TERMINAL_STATES | _OUTCOMES)
# a suspended case's clock stands still (DESIGN.md §5), so it is neither due soon nor overdue
CLOCK_RUNNING: tuple[str, ...] = tuple(s for s in OPEN_STATUSES if s != "suspended")
SORTS: tuple[str, ...] = ("deadline", "filed")
PAGE_SIZE = 50
DEFAULT_DUE_DAYS = 3
MAX_DUE_DAYS = 60


@dataclass(frozen=True)
class QueueFilters:
    """What the query string narrows a queue to; unknown values are ignored rather than refused."""

    status: str | None = None
    ip_type: str | None = None
    channel: str | None = None
    sort: str = "deadline"
    days: int = DEFAULT_DUE_DAYS

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> QueueFilters:
        def pick(name: str, allowed: tuple[str, ...]) -> str | None:
            value = args.get(name) or None
            return value if value in allowed else None

        try:
            days = int(args.get("days") or DEFAULT_DUE_DAYS)
        except ValueError:
            days = DEFAULT_DUE_DAYS
        return cls(status=pick("status", OPEN_STATUSES), ip_type=pick("ip_type", IP_TYPES),
                   channel=pick("channel", CHANNELS), sort=pick("sort", SORTS) or "deadline",
                   days=min(max(days, 1), MAX_DUE_DAYS))

    def args(self) -> dict[str, str | int]:
        """The non-default filters, for links that keep them (pager, tabs)."""
        defaults = asdict(QueueFilters())
        return {k: v for k, v in asdict(self).items() if v is not None and v != defaults[k]}


@dataclass
class QueuePage:
    items: list[Dispute]
    total: int
    page: int
    pages: int


def _waiting_on_a_party() -> ColumnElement[bool]:
    # the claimant owes information, or an invited respondent has not answered yet
    invited = exists().where(Party.dispute_id == Dispute.id, Party.role == "respondent",
                             Party.invited_at.is_not(None), Party.response.is_(None))
    return or_(Dispute.status == "more_info", and_(Dispute.status == "assigned", invited))


def queue_conditions(user: User, *, now: datetime | None = None,
                     days: int = DEFAULT_DUE_DAYS) -> dict[str, ColumnElement[bool]]:
    """SQL condition of each queue on an open case (the scope and the open statuses come on top)."""
    now = now or utcnow()
    running = Dispute.status.in_(CLOCK_RUNNING)
    return {
        "mine": Dispute.mediator_id == user.id,
        "unassigned": Dispute.mediator_id.is_(None),
        "due_soon": and_(running, Dispute.deadline_at >= now, Dispute.deadline_at < now + timedelta(days=days)),
        "overdue": and_(running, Dispute.deadline_at < now),
        "waiting": _waiting_on_a_party(),
    }


def _open_cases(user: User) -> Select:
    return visible_cases(user).where(Dispute.status.in_(OPEN_STATUSES))


def queue_counts(user: User, *, now: datetime | None = None, days: int = DEFAULT_DUE_DAYS) -> dict[str, int]:
    """How many cases each queue holds for ``user``, in one grouped query over their open cases."""
    conditions = queue_conditions(user, now=now, days=days)
    columns = [func.count(case((cond, 1))).label(name) for name, cond in conditions.items()]
    row = db.session.execute(_open_cases(user).with_only_columns(*columns)).one()
    return {name: int(row._mapping[name] or 0) for name in conditions}


def queue_query(user: User, queue: str, filters: QueueFilters = QueueFilters(), *,
                now: datetime | None = None) -> Select:
    """``select(Dispute)`` of ``queue`` for ``user`` with ``filters`` applied, in queue order.

    :raises ValueError: for a queue name not in ``QUEUES``
    """
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    query = _open_cases(user).where(queue_conditions(user, now=now, days=filters.days)[queue])
    for column, value in ((Dispute.status, filters.status), (Dispute.ip_type, filters.ip_type),
                          (Dispute.channel, filters.channel)):
        if value:
            query = query.where(column == value)
    if filters.sort == "filed":
        return query.order_by(Dispute.filed_at.asc(), Dispute.id.asc())
    return query.order_by(Dispute.deadline_at.asc().nulls_last(), Dispute.filed_at.asc(), Dispute.id.asc())


def queue_page(user: User, queue: str, filters: QueueFilters = QueueFilters(), *, page: int = 1,
               now: datetime | None = None) -> QueuePage:
    """One page of ``queue`` for ``user``, filtered and sorted (deadline first, no deadline last)."""
    query = queue_query(user, queue, filters, now=now)
    total = db.session.execute(query.order_by(None).with_only_columns(func.count(Dispute.id))).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    items = db.session.execute(
        query.options(joinedload(Dispute.mediator)).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).scalars().all()
    return QueuePage(list(items), total, page, pages)


def reassign_targets(user: User) -> list[tuple[User, int]]:
    """Active mediators ``user`` may give cases to, by name, each with their open load.

    An org admin: their organisation's; a platform admin: every organisation's; anyone else: none.
    """
    if user.role not in ("org_admin", "admin") or (user.role == "org_admin" and not user.organization_id):
        return []
    query = select(User).where(User.role == "mediator", User.active.is_(True)).order_by(User.name, User.id)
    if user.role == "org_admin":
        query = query.where(User.organization_id == user.organization_id)
    mediators = list(db.session.execute(query).scalars())
    loads = dict(db.session.execute(
        select(Dispute.mediator_id, func.count()).where(
            Dispute.mediator_id.in_([m.id for m in mediators]), Dispute.status.in_(OPEN_STATUSES)
        ).group_by(Dispute.mediator_id)
    ).all()) if mediators else {}
    return [(m, loads.get(m.id, 0)) for m in mediators]


def default_queue(user: User) -> str:
    """The tab a user lands on: a mediator their own cases, an admin the cases nobody has yet."""
    return "mine" if user.role == "mediator" else "unassigned"
