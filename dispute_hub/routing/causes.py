"""Pick the most specific cause (案由) of the taxonomy that the classifier's evidence supports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .classification import Evidence
from .taxonomy import CauseNode, Taxonomy, name_key

# Natures whose nodes are picked only on their own phrases (rewards, refunds, confirmations...)
SPECIAL = "other"


@dataclass(frozen=True, slots=True)
class CauseChoice:
    """The chosen node (None when nothing fits) and the reason for it."""

    node: CauseNode | None
    evidence: tuple[Evidence, ...] = ()


def cue_score(scores: Mapping[str, float], node: CauseNode) -> float:
    return scores.get(name_key(node.name), 0.0)


def special_cause(
    tax: Taxonomy, scores: Mapping[str, float], subjects: Mapping[str, float], *, minimum: float,
    min_subject: float,
) -> CauseNode | None:
    """The best node of nature "other" whose own phrases reach ``minimum``, if any.

    Such nodes (inventor rewards, confirmation of non-infringement, refunds after invalidation...)
    are never implied by the IP type alone. A node tied to one right also needs evidence for that
    right; items inherit their cause's phrases (169's "确认不侵害" serves all its items), and among
    equal scores the item whose right has the most evidence wins.
    """
    best: tuple[float, float, int, CauseNode] | None = None
    for node in tax.nodes:
        if node.level == "group" or node.nature != SPECIAL:
            continue
        score = cue_score(scores, node)
        parent = tax.parent(node)
        if node.level == "item" and parent is not None:
            score += cue_score(scores, parent)
        subject_score = subjects.get(node.subject, 0.0) if node.subject else 0.0
        if score < minimum or (node.subject not in (None, "other_ip") and subject_score < min_subject):
            continue
        key = (score, subject_score, node.level == "item", node)
        if best is None or key[:3] > best[:3]:
            best = key
    return best[3] if best else None


def regular_cause(
    tax: Taxonomy, scores: Mapping[str, float], *, ip_type: str, subject: str | None, nature: str,
    patent_kind: str | None, minimum: float,
) -> CauseChoice:
    """The best cause for a decided IP type, subject, nature and patent kind.

    A node named by its own phrases (score >= ``minimum``) wins; otherwise the single cause that
    fits, narrowed to its single item that fits; several causes of one group give the group.
    """
    causes = _candidate_causes(tax, ip_type, subject, nature)
    if not causes:
        causes = _candidate_causes(tax, ip_type, subject, None)
    candidates = [*causes, *(i for c in causes for i in _fitting_items(tax, c, subject, nature, patent_kind))]
    scored = [(cue_score(scores, n), n.level == "item", n) for n in candidates]
    scored = [s for s in scored if s[0] >= minimum]
    if scored:
        score, _, node = max(scored, key=lambda s: (s[0], s[1]))
        reason = Evidence(source="taxonomy", target=f"cause:{node.name}", reason=f"phrases score {score:g}")
        if node.level == "cause":
            return _narrow(tax, node, subject, nature, patent_kind, (reason,))
        return CauseChoice(node, (reason,))
    exact = [c for c in causes if c.subject == subject] or causes
    if len(exact) == 1:
        return _narrow(tax, exact[0], subject, nature, patent_kind, ())
    groups = {c.parent_code for c in exact}
    if len(groups) == 1 and exact:
        group = tax.by_code(str(groups.pop()))
        why = Evidence(source="taxonomy", target=f"cause:{group.name}",
                       reason="several causes of this group fit; none is named")
        return CauseChoice(group, (why,))
    return CauseChoice(None)


def _candidate_causes(tax: Taxonomy, ip_type: str, subject: str | None, nature: str | None) -> list[CauseNode]:
    types = tax.types_for(ip_type)
    return [
        c for c in tax.level("cause")
        if c.ip_type in types and _subject_fits(c, subject)
        and (nature is None or c.nature in (nature, "mixed"))
    ]


def _subject_fits(node: CauseNode, subject: str | None) -> bool:
    return node.subject is None or subject is None or node.subject == subject or node.ip_type != "ip_contract"


def _fitting_items(
    tax: Taxonomy, cause: CauseNode, subject: str | None, nature: str, kind: str | None,
) -> list[CauseNode]:
    return [
        i for i in tax.children(cause)
        if i.nature == nature and _subject_fits(i, subject) and i.patent_kind in (None, kind)
    ]


def _narrow(
    tax: Taxonomy, cause: CauseNode, subject: str | None, nature: str, kind: str | None,
    evidence: tuple[Evidence, ...],
) -> CauseChoice:
    items = _fitting_items(tax, cause, subject, nature, kind)
    if kind is not None and nature == "infringement":
        # the kind names the infringed right (侵害外观设计专利权); a contract's kind does not pick its item
        items = [i for i in items if i.patent_kind == kind] or items
    if len(items) == 1:
        why = Evidence(source="taxonomy", target=f"cause:{items[0].name}",
                       reason=f"only item of {cause.code} for nature {nature}" + (f", kind {kind}" if kind else ""))
        return CauseChoice(items[0], (*evidence, why))
    return CauseChoice(cause, evidence)
