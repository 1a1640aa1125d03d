"""Court follow-through: filing, first-instance conclusion, appeal and final state (DESIGN.md §5, §6).

Services flush, never commit. Every change is a ``court_*`` event in the case's hash chain.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from ..extensions import db
from ..intake.importer.court import CourtData, appeal_deadline, check_court
from ..intake.importer.values import SHANGHAI, Errors
from ..intake.validators import ValidationError, validate_court_case_number, validate_past_date
from ..intake.validators._common import fail
from ..models import CourtProceeding, Dispute, User
from .appeals import CONCLUSION_TYPES, FinalState, final_state
from .deadlines import CalendarNotCoveredError
from .workflow import record

# nothing in this platform's history predates the first Chinese IP laws; earlier years are typos
EARLIEST = date(1980, 1, 1)
COURT_NAME_MAX = 128
FIELDS = tuple(f.name for f in fields(CourtData))


class CourtInvalid(ValueError):
    """The court data was refused; ``errors`` names each field with a message in zh and en."""

    def __init__(self, errors: list[ValidationError] | tuple[ValidationError, ...]) -> None:
        self.errors = tuple(errors)
        self.message_zh = "；".join(e.message_zh for e in self.errors)
        self.message_en = "; ".join(e.message_en for e in self.errors)
        super().__init__(self.message_en)


@dataclass(frozen=True)
class ProceedingState:
    """Where a court proceeding stands on a day: ``state`` (accepted | appealed | pending), the last day to
    appeal when known, and the days after ``as_of`` up to it (0 on the last day; None when not pending)."""

    state: FinalState
    concluded: bool
    ends_on: date | None
    days_left: int | None


def today_in_china() -> date:
    return datetime.now(SHANGHAI).date()


def court_data(proceeding: CourtProceeding) -> CourtData:
    """The proceeding's recorded values, in the shape the checks take."""
    return CourtData(**{name: getattr(proceeding, name) for name in FIELDS})


def _json(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _top_level(error: ValidationError) -> ValidationError:
    # the case importer's checks name fields inside its ``court`` block; here they are the proceeding's own
    return fail(error.field.removeprefix("court."), error.code, error.message_zh, error.message_en)


def save_court_data(dispute: Dispute, proceeding: CourtProceeding | None, new: CourtData, kind: str, *,
                    actor: User | None = None, actor_label: str | None = None,
                    data: dict | None = None) -> tuple[CourtProceeding, dict]:
    """Check ``new`` as a whole, store it on ``proceeding`` (a new one when None) and record ``kind``.

    The last day to appeal is recomputed; a year the holiday calendar lacks leaves it null, and the
    event carries a note saying so.

    :return: the proceeding and the changes ``{field: [old, new]}``; no event when nothing changed
    :raises CourtInvalid: the dates are out of order, or the conclusion does not fit the other values
    """
    problems = [_top_level(p) for p in check_court(new)]
    if problems:
        raise CourtInvalid(problems)
    ends_on, note = appeal_deadline(new, bool(new.party_abroad))
    note = _top_level(note) if note is not None else None
    values = {**{name: getattr(new, name) for name in FIELDS}, "appeal_period_ends_on": ends_on}
    values["party_abroad"] = bool(new.party_abroad)
    created = proceeding is None
    if proceeding is None:
        proceeding = CourtProceeding(party_abroad=False)
        dispute.court_proceedings.append(proceeding)
    changes = {}
    for name, value in values.items():
        old = getattr(proceeding, name)
        if old != value or (created and value is not None):
            changes[name] = [None if created else _json(old), _json(value)]
            setattr(proceeding, name, value)
    if not changes and not created:
        return proceeding, {}
    db.session.flush()
    payload = {"proceeding_id": proceeding.id, "court_case_no": proceeding.court_case_no, "changes": changes,
               **(data or {})}
    if note is not None:
        payload["note"] = note.as_dict()
    record(dispute, kind, actor=actor, actor_label=actor_label, data=payload)
    return proceeding, changes


def _day(errors: Errors, value: object, field: str, zh: str, en: str, today: date | None,
         required: bool = True) -> date | None:
    if not required and (value is None or (isinstance(value, str) and not value.strip())):
        return None
    return errors.run(validate_past_date, value, field, today=today or today_in_china(), earliest=EARLIEST,
                      what_zh=zh, what_en=en)


def record_court_filing(dispute: Dispute, court_case_no: str, court_name: str | None, filed_on: date | str,
                        actor: User | None, *, today: date | None = None) -> CourtProceeding:
    """Record that ``dispute`` became (or came from) court case ``court_case_no``, filed on ``filed_on``.

    Recording the same case number again corrects its court name and filing date.

    :raises CourtInvalid: bad case number, court name or date, or a filing date after the conclusion
    """
    errors = Errors()
    case_no = errors.run(validate_court_case_number, court_case_no, "court_case_no", today=today or today_in_china())
    name = (court_name or "").strip() or None
    if name is not None and len(name) > COURT_NAME_MAX:
        errors.add("court_name", "too_long", f"法院名称不能超过 {COURT_NAME_MAX} 个字",
                   f"The court name may have at most {COURT_NAME_MAX} characters")
    filed = _day(errors, filed_on, "filed_at", "法院立案日期", "court filing date", today)
    if errors.items:
        raise CourtInvalid(errors.items)
    existing = next((p for p in dispute.court_proceedings if p.court_case_no == case_no), None)
    current = court_data(existing) if existing is not None else CourtData(*(None,) * len(FIELDS))
    new = replace(current, court_case_no=case_no, court_name=name or current.court_name, filed_at=filed)
    proceeding, _changes = save_court_data(dispute, existing, new, "court_filed", actor=actor)
    return proceeding


def record_conclusion(proceeding: CourtProceeding, conclusion_type: str, concluded_on: date | str,
                      served_on: date | str | None, party_abroad: bool, actor: User | None, *,
                      today: date | None = None) -> CourtProceeding:
    """Record the first-instance conclusion; the last day to appeal is computed from service.

    :param conclusion_type: judgment, ruling, mediation or withdrawal
    :param served_on: None while the conclusion has not been served
    :param party_abroad: some party has no domicile in China (30-day period)
    :raises CourtInvalid: unknown type, bad dates, or dates out of order (filed ≤ concluded ≤ served ≤ appeal)
    """
    errors = Errors()
    if conclusion_type not in CONCLUSION_TYPES:
        errors.add("conclusion_type", "unknown_choice", f"一审结案方式应为以下之一：{'、'.join(CONCLUSION_TYPES)}",
                   f"The conclusion type must be one of: {', '.join(CONCLUSION_TYPES)}")
    concluded = _day(errors, concluded_on, "first_instance_concluded_at", "一审结案日期",
                     "first-instance conclusion date", today)
    served = _day(errors, served_on, "served_at", "送达日期", "date of service", today, required=False)
    if errors.items:
        raise CourtInvalid(errors.items)
    new = replace(court_data(proceeding), conclusion_type=conclusion_type, first_instance_concluded_at=concluded,
                  served_at=served, party_abroad=bool(party_abroad))
    save_court_data(proceeding.dispute, proceeding, new, "court_concluded", actor=actor)
    return proceeding


def record_appeal(proceeding: CourtProceeding, appeal_filed_on: date | str, actor: User | None, *,
                  today: date | None = None) -> CourtProceeding:
    """Record that the first-instance conclusion was appealed on ``appeal_filed_on``.

    :raises CourtInvalid: bad date, an appeal before service, or a conclusion that cannot be appealed
    """
    errors = Errors()
    filed = _day(errors, appeal_filed_on, "appeal_filed_at", "上诉日期", "appeal date", today)
    if errors.items:
        raise CourtInvalid(errors.items)
    new = replace(court_data(proceeding), appeal_filed_at=filed)
    save_court_data(proceeding.dispute, proceeding, new, "court_appealed", actor=actor)
    return proceeding


def proceeding_state(proceeding: CourtProceeding, as_of: date | None = None) -> ProceedingState:
    """Final state of ``proceeding`` on ``as_of`` (today in China by default), as 服判息诉率 counts it.

    Not concluded yet, or the holiday calendar lacking the year of the last day: ``pending``.
    """
    as_of = as_of or today_in_china()
    kind, ends_on = proceeding.conclusion_type, proceeding.appeal_period_ends_on
    if kind is None:
        return ProceedingState("pending", False, None, None)
    try:
        state = final_state(kind, proceeding.served_at, bool(proceeding.party_abroad), proceeding.appeal_filed_at,
                            as_of)
    except CalendarNotCoveredError:
        state = "pending"
    days_left = (ends_on - as_of).days if state == "pending" and ends_on and as_of <= ends_on else None
    return ProceedingState(state, True, ends_on, days_left)


def unknown_proceeding() -> CourtInvalid:
    return CourtInvalid([fail("proceeding", "not_found", "未找到该法院案件记录", "No such court proceeding")])
