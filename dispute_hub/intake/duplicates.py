"""Duplicate detection at intake: candidates from indexed keys, then fuzzy scoring of names."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import select, union

from ..extensions import db
from ..models import Dispute, IPRight, Party
from .schema import FilingData

# per look-up key; a key shared by more cases than this is too common to tell duplicates apart
CANDIDATES_PER_KEY = 200
SAME_NAME = 90.0  # WRatio on normalised cores (see normalize.name_similarity)


@dataclass(frozen=True)
class DuplicateHit:
    tracking_no: str
    status: str
    same_claimant: float
    same_respondent: float
    same_right: bool

    def reason(self, lang: str = "zh") -> str:
        parts_zh = ["申请人相同"]
        parts_en = ["same claimant"]
        if self.same_respondent >= SAME_NAME:
            parts_zh.append("被申请人相同")
            parts_en.append("same respondent")
        if self.same_right:
            parts_zh.append("权利编号相同")
            parts_en.append("same right number")
        if lang.startswith("en"):
            return f"possible duplicate of {self.tracking_no} ({', '.join(parts_en)})"
        return f"可能与 {self.tracking_no} 重复（{'、'.join(parts_zh)}）"


def _candidate_ids(filing: FilingData) -> set[int]:
    """Disputes sharing the claimant's or a respondent's name core or number, or the right number."""
    queries = []
    names = {r.name_normalized for r in filing.respondents if r.name_normalized}
    ids = {r.id_number for r in filing.respondents if r.id_number}
    if filing.claimant is not None and filing.claimant.name_normalized:
        queries.append(
            select(Party.dispute_id)
            .where(Party.role == "claimant", Party.name_normalized == filing.claimant.name_normalized)
            .order_by(Party.id.desc())
            .limit(CANDIDATES_PER_KEY)
        )
    if names:
        queries.append(
            select(Party.dispute_id)
            .where(Party.role == "respondent", Party.name_normalized.in_(names))
            .order_by(Party.id.desc())
            .limit(CANDIDATES_PER_KEY)
        )
    if ids:
        queries.append(
            select(Party.dispute_id).where(Party.id_number.in_(ids)).order_by(Party.id.desc()).limit(CANDIDATES_PER_KEY)
        )
    if filing.ip_right.number_normalized:
        queries.append(
            select(IPRight.dispute_id)
            .where(IPRight.number_normalized == filing.ip_right.number_normalized)
            .order_by(IPRight.id.desc())
            .limit(CANDIDATES_PER_KEY)
        )
    if not queries:
        return set()
    # each branch is limited on its own, so wrap them as subqueries before the union
    branches = [select(q.subquery().c[0]) for q in queries]
    return set(db.session.execute(union(*branches)).scalars())


def find_possible_duplicates(
    filing: FilingData, *, exclude_id: int | None = None, limit: int = 5
) -> list[DuplicateHit]:
    """Earlier cases with the same claimant and the same respondent or right number, best first.

    Candidates come only from indexed look-ups (normalised names, id numbers, right numbers), never a
    scan of all cases; names are then compared with rapidfuzz so spelling variants still match.
    """
    ids = _candidate_ids(filing) - {exclude_id}
    if not ids or filing.claimant is None:
        return []
    parties: dict[int, list[Party]] = {}
    for party in db.session.execute(select(Party).where(Party.dispute_id.in_(ids))).scalars():
        parties.setdefault(party.dispute_id, []).append(party)
    rights: dict[int, set[str]] = {}
    for dispute_id, number in db.session.execute(
        select(IPRight.dispute_id, IPRight.number_normalized).where(IPRight.dispute_id.in_(ids))
    ):
        rights.setdefault(dispute_id, set()).add(number)
    hits = []
    for dispute_id, case_parties in parties.items():
        hit = _score(filing, case_parties, rights.get(dispute_id, set()))
        if hit is not None:
            hits.append((dispute_id, hit))
    if not hits:
        return []
    cases = dict(
        db.session.execute(select(Dispute.id, Dispute.tracking_no).where(Dispute.id.in_([i for i, _ in hits]))).all()
    )
    statuses = dict(db.session.execute(select(Dispute.id, Dispute.status).where(Dispute.id.in_(cases))).all())
    result = [DuplicateHit(cases[i], statuses[i], *scores) for i, scores in hits]
    result.sort(key=lambda h: (-(h.same_respondent + 100 * h.same_right + h.same_claimant), h.tracking_no))
    return result[:limit]


def _best(core: str, others: list[str]) -> float:
    return max((fuzz.WRatio(core, o) for o in others if o), default=0.0) if core else 0.0


def _score(filing: FilingData, parties: list[Party], numbers: set[str]) -> tuple[float, float, bool] | None:
    claimants = [p.name_normalized for p in parties if p.role == "claimant"]
    respondents = [p for p in parties if p.role == "respondent"]
    same_claimant = _best(filing.claimant.name_normalized, claimants)
    if same_claimant < SAME_NAME:
        return None
    filing_ids = {r.id_number for r in filing.respondents if r.id_number}
    same_respondent = 0.0
    for r in filing.respondents:
        same_respondent = max(same_respondent, _best(r.name_normalized, [p.name_normalized for p in respondents]))
    if filing_ids & {p.id_number for p in respondents if p.id_number}:
        same_respondent = 100.0
    same_right = bool(filing.ip_right.number_normalized and filing.ip_right.number_normalized in numbers)
    if same_respondent < SAME_NAME and not same_right:
        return None
    return float(same_claimant), float(same_respondent), same_right
