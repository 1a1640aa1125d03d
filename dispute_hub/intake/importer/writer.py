"""Checked import lines → cases: bulk tracking numbers, rows, the event chain, outbox rows. Never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ...extensions import db
from ...models import (
    CaseEvent,
    CourtProceeding,
    Dispute,
    IPRight,
    Party,
    SearchOutbox,
    append_event,
    enqueue_index,
)
from ...routing.taxonomy import load_taxonomy
from ...tracking import reserve_tracking_numbers
from ..services import case_title, party_row
from .checks import OUTCOME_STATE, SELF_CLOSING, History
from .ids import assign_ids
from .lines import ImportCase
from .values import SHANGHAI

IMPORT_ACTOR = "历史案件导入"


def _tracking_numbers(cases: Sequence[ImportCase]) -> dict[int, str]:
    """Line number → tracking number; within a year, in order of filing time."""
    by_year: dict[int, list[ImportCase]] = defaultdict(list)
    for case in cases:
        by_year[case.history.filed_at.astimezone(SHANGHAI).year].append(case)
    numbers: dict[int, str] = {}
    for year, group in sorted(by_year.items()):
        group.sort(key=lambda c: (c.history.filed_at, c.line_no))
        numbers.update(zip((c.line_no for c in group), reserve_tracking_numbers(year, len(group)), strict=True))
    return numbers


@dataclass(frozen=True)
class Step:
    """One state of an imported case's history; ``time_known`` False when only its latest bound is."""

    status: str
    at: datetime
    time_known: bool = True
    closure: str | None = None


def history_steps(h: History) -> list[Step]:
    """The states a historical case went through, as far as its recorded times tell.

    Filed → accepted (accepted_at) → the outcome of its closure → closed (both at closed_at); an open case
    ends in its status, reached at the last known time (marked as not known exactly).
    """
    steps = [Step("submitted", h.filed_at)]
    if h.accepted_at is not None:
        steps.append(Step("accepted", h.accepted_at))
    if h.closure is not None and h.closed_at is not None:
        steps.append(Step(OUTCOME_STATE[h.closure], h.closed_at, closure=h.closure))
        if h.closure not in SELF_CLOSING:
            steps.append(Step("closed", h.closed_at))
    elif h.status != steps[-1].status:
        steps.append(Step(h.status, steps[-1].at, time_known=False))
    return steps


def _record_history(dispute: Dispute, case: ImportCase) -> list[CaseEvent]:
    first, *moves = history_steps(case.history)
    data: dict = {"source": "import", "external_id": case.external_id}
    if case.filed_at_inferred:
        data["filed_at_inferred"] = True
    events = [append_event(dispute, "submitted", actor_label=IMPORT_ACTOR, to_status=first.status, at=first.at,
                           data=data)]
    previous = first.status
    for step in moves:
        data = {"source": "import"}
        if not step.time_known:
            data["time_known"] = False
        if step.closure is not None:
            data["closure"] = step.closure
        events.append(append_event(dispute, "transition", actor_label=IMPORT_ACTOR, from_status=previous,
                                   to_status=step.status, at=step.at, data=data))
        previous = step.status
    return events


def _court_row(case: ImportCase) -> CourtProceeding:
    court = case.history.court
    assert court is not None
    return CourtProceeding(
        court_case_no=court.court_case_no, court_name=court.court_name, filed_at=court.filed_at,
        first_instance_concluded_at=court.first_instance_concluded_at, conclusion_type=court.conclusion_type,
        served_at=court.served_at, party_abroad=case.party_abroad, appeal_filed_at=court.appeal_filed_at,
        appeal_period_ends_on=case.appeal_period_ends_on,
    )


def _cause(name: str | None):
    """The taxonomy entry for an imported cause name (纠纷 and bracket widths optional), or None."""
    return load_taxonomy().find(name) if name else None


def _dispute(case: ImportCase, tracking_no: str) -> Dispute:
    filing, h = case.filing, case.history
    cause = _cause(case.cause_name)
    dispute = Dispute(
        tracking_no=tracking_no, external_id=case.external_id, title=case_title(filing),
        description=filing.description, status=h.status, closure=h.closure, language=filing.language,
        channel=h.channel, organization_id=case.organization_id,
        access_code_hash=None,  # nobody tracks a historical case from the portal
        district_code=filing.district_code, industry=filing.industry,
        ip_type=filing.ip_right.ip_type or (cause.ip_type if cause else None),
        patent_kind=filing.ip_right.patent_kind or (cause.patent_kind if cause else None),
        # a cause the taxonomy knows is stored under its canonical name and code; others as given
        cause_name=cause.name if cause else case.cause_name, cause_code=cause.code if cause else None,
        taxonomy_version=load_taxonomy().version if cause else None,
        preferred_channel=filing.preferred_channel, claims=filing.claims, damages_claimed=filing.damages,
        arbitration_agreement=filing.arbitration_agreement, consent_online=filing.consent_online,
        existing_proceedings={"court_case_no": filing.court_case_no,
                              "accepted_elsewhere": filing.accepted_elsewhere},
        discovered_on=filing.discovered_on, filed_at=h.filed_at, accepted_at=h.accepted_at,
        closed_at=h.closed_at, suspended_days=h.suspended_days, satisfaction=h.satisfaction,
        signals=[], flags=[],
    )
    for party in (filing.claimant, filing.agent, *filing.respondents):
        if party is not None:
            dispute.parties.append(party_row(party))
    right = filing.ip_right
    if right.ip_type or right.number or right.title:
        dispute.ip_rights.append(IPRight(ip_type=right.ip_type, number=right.number,
                                         number_normalized=right.number_normalized, title=right.title,
                                         owner=right.owner))
    if h.court is not None:
        dispute.court_proceedings.append(_court_row(case))
    return dispute


def write_cases(cases: Sequence[ImportCase]) -> list[Dispute]:
    """Add one complete case per line to the session and flush: rows, event chain, outbox row.

    Every row gets its id up front (``ids``), so each table is written with one executemany and each
    case's chain head is in its INSERT.

    :param cases: checked lines whose ``external_id`` is not in the database yet
    :return: the new disputes, in the order of ``cases``
    """
    # nothing may reach the database before every row has its id (the id look-ups would autoflush)
    with db.session.no_autoflush:
        numbers = _tracking_numbers(cases)  # the batch's first write: from here on it holds SQLite's write lock
        disputes = [_dispute(case, numbers[case.line_no]) for case in cases]
        assign_ids(Dispute, disputes)
        assign_ids(Party, [party for dispute in disputes for party in dispute.parties])
        assign_ids(IPRight, [right for dispute in disputes for right in dispute.ip_rights])
        assign_ids(CourtProceeding, [court for dispute in disputes for court in dispute.court_proceedings])
        db.session.add_all(disputes)
        pairs = zip(cases, disputes, strict=True)
        events = [event for case, dispute in pairs for event in _record_history(dispute, case)]
        assign_ids(CaseEvent, events)
        assign_ids(SearchOutbox, [enqueue_index(dispute.id) for dispute in disputes])
    db.session.flush()
    return disputes
