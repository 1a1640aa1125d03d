"""Similar cases and keyword search as a user may see them. Read-only.

The index knows nothing of users: every hit is checked against ``case_scope`` in the database. A hit
the user may open shows its tracking number, title, shared terms and highlighted facts; any other hit
shows only anonymised figures (cause, IP type, channel, outcome, days to close), never a title, a
party name, a number or the words of its facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select

from search import SearchHit

from ..extensions import db
from ..models import Dispute, User
from ..permissions import case_scope
from .backend import search_backend
from .documents import duplicate_numbers

MAX_K = 50
PAGE_SIZE = 20
SEARCH_FACETS = ("cause_name", "channel", "status", "district", "year")
# roles that see hits of every organisation in keyword search (as case_scope lets them open every case)
ALL_CASES_ROLES = ("admin", "liaison")
ORG_ROLES = ("mediator", "org_admin")


@dataclass(frozen=True)
class CaseHit:
    """One hit as shown to one user; ``visible`` False means only the anonymised fields are set."""

    visible: bool
    score: float
    cause_name: str | None
    ip_type: str | None
    channel: str | None
    closure: str | None
    status: str | None
    days_to_close: int | None
    year: int | None
    duplicate: bool = False
    tracking_no: str | None = None
    external_id: str | None = None
    title: str | None = None
    terms: tuple[str, ...] = ()
    highlight: Markup = field(default_factory=Markup)

    def to_api(self) -> dict:
        return {
            "tracking_no": self.tracking_no, "external_id": self.external_id, "score": round(self.score, 4),
            "cause_name": self.cause_name, "ip_type": self.ip_type, "channel": self.channel,
            "closure": self.closure, "days_to_close": self.days_to_close, "terms": list(self.terms),
            "visible": self.visible, "duplicate": self.duplicate,
        }


def visible_ids(user: User | None, ids: Iterable[int], tracked: Iterable[int] = ()) -> set[int]:
    """Which of these case ids the user may open (the one permission function, in SQL)."""
    wanted = list(ids)
    if not wanted:
        return set()
    query = select(Dispute.id).where(Dispute.id.in_(wanted), case_scope(user, tracked))
    return set(db.session.execute(query).scalars())


def present(hits: Sequence[SearchHit], user: User | None, *, tracked: Iterable[int] = (),
            duplicates: Iterable[str] = (), of_case: str | None = None) -> list[CaseHit]:
    """Turn backend hits into what ``user`` may see.

    :param duplicates: tracking numbers to mark as possible duplicates of the case asking
    :param of_case: the tracking number of the case asking; hits flagged as its duplicates are marked too
    """
    allowed = visible_ids(user, [int(hit.id) for hit in hits if hit.id.isdigit()], tracked)
    marked = set(duplicates)
    shown = []
    for hit in hits:
        extra: Mapping = hit.extra
        number = extra.get("tracking_no")
        duplicate = number in marked or (of_case is not None and of_case in extra.get("duplicates", ()))
        common = {
            "score": hit.score, "cause_name": extra.get("cause_name"), "ip_type": extra.get("ip_type"),
            "channel": extra.get("channel"), "closure": extra.get("closure"), "status": extra.get("status"),
            "days_to_close": extra.get("days_to_close"), "year": hit.fields.get("year"), "duplicate": duplicate,
        }
        if hit.id.isdigit() and int(hit.id) in allowed:
            # search.highlight escapes the facts and adds only <mark> tags, so the snippet is safe HTML
            snippet = Markup(hit.highlight)  # noqa: S704
            shown.append(CaseHit(visible=True, tracking_no=number, external_id=extra.get("external_id"),
                                 title=hit.title, terms=hit.shared_terms, highlight=snippet, **common))
        else:
            shown.append(CaseHit(visible=False, **common))
    return shown


def _clamp(k: int) -> int:
    return max(1, min(int(k), MAX_K))


def similar_to_case(dispute: Dispute, user: User | None, *, k: int = 10, filters: Mapping | None = None,
                    tracked: Iterable[int] = ()) -> list[CaseHit]:
    """The cases most like ``dispute`` (itself left out), as ``user`` may see them.

    A case the outbox has not indexed yet is compared by its facts text.

    :raises search.SearchError: when the backend cannot answer; ValueError on an unknown filter field
    """
    backend = search_backend()
    hits = backend.similar(doc_id=str(dispute.id), filters=filters, limit=_clamp(k))
    if not hits and dispute.description:
        hits = backend.similar(dispute.description, doc_id=str(dispute.id), filters=filters, limit=_clamp(k))
    return present(hits, user, tracked=tracked, duplicates=duplicate_numbers(dispute), of_case=dispute.tracking_no)


def similar_to_text(text: str, user: User | None, *, k: int = 10, filters: Mapping | None = None,
                    tracked: Iterable[int] = ()) -> list[CaseHit]:
    """The cases most like a text (e.g. a complaint not filed yet), as ``user`` may see them."""
    hits = search_backend().similar(text, filters=filters, limit=_clamp(k))
    return present(hits, user, tracked=tracked)


@dataclass(frozen=True)
class SearchPage:
    total: int
    page: int
    pages: int
    hits: list[CaseHit]
    facets: dict[str, dict]


def scope_filter(user: User) -> dict | None:
    """The index filter matching ``case_scope`` for keyword search; None when the user may see nothing."""
    if user.role in ALL_CASES_ROLES:
        return {}
    if user.role in ORG_ROLES and user.organization is not None:
        return {"organization": user.organization.code}
    return None


def keyword_search(user: User, query: str, filters: Mapping, *, page: int = 1) -> SearchPage:
    """Keyword search over the cases ``user`` may open, with facet counts over the same cases.

    :param filters: exact values of the search filter fields (cause_name, channel, status, district, year)
    :raises search.SearchError: when the backend cannot answer
    """
    scope = scope_filter(user)
    if scope is None:
        return SearchPage(0, 1, 1, [], {name: {} for name in SEARCH_FACETS})
    page = max(1, page)
    result = search_backend().search(query, filters={**filters, **scope}, limit=PAGE_SIZE,
                                     offset=(page - 1) * PAGE_SIZE, facets=SEARCH_FACETS)
    pages = max(1, -(-result.total // PAGE_SIZE))
    return SearchPage(result.total, page, pages, present(result.hits, user), result.facets)
