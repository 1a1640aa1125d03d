"""The ``court`` block of an import line: the court case a dispute became or came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ...mediation.appeals import CONCLUSION_TYPES, appeal_period_end
from ...mediation.deadlines import CalendarNotCoveredError
from ..validators import ValidationError, validate_court_case_number
from ..validators._common import fail
from .values import Errors, absent, parse_choice, parse_day, parse_flag, parse_text

COURT_KEYS = frozenset({
    "court_case_no", "court_name", "filed_at", "first_instance_concluded_at", "conclusion_type", "served_at",
    "party_abroad", "appeal_filed_at",
})
APPEALABLE = frozenset({"judgment", "ruling"})
# (key, 中文, English) in the order the dates must follow
_DATES = (
    ("filed_at", "法院立案日期", "court filing date"),
    ("first_instance_concluded_at", "一审结案日期", "first-instance conclusion date"),
    ("served_at", "送达日期", "date of service"),
    ("appeal_filed_at", "上诉日期", "appeal date"),
)


@dataclass(frozen=True)
class CourtData:
    court_case_no: str | None
    court_name: str | None
    filed_at: date | None
    first_instance_concluded_at: date | None
    conclusion_type: str | None
    served_at: date | None
    # None: not given; the importer then derives it from the parties' countries
    party_abroad: bool | None
    appeal_filed_at: date | None


def parse_court(raw: object, errors: Errors, today: date) -> CourtData | None:
    """Parse and check the block; problems go to ``errors`` with paths such as ``court.served_at``."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        errors.add("court", "bad_type", "court 应为 JSON 对象", "court must be a JSON object")
        return None
    for key in sorted(set(raw) - COURT_KEYS):
        errors.add(f"court.{key}", "unknown_field", "未知字段，请核对字段名", "Unknown field; check its name")
    case_no = raw.get("court_case_no")
    days = {key: errors.run(parse_day, raw.get(key), f"court.{key}", zh, en, today=today) for key, zh, en in _DATES}
    court = CourtData(
        court_case_no=None if absent(case_no) else errors.run(
            validate_court_case_number, case_no, "court.court_case_no", today=today),
        court_name=errors.run(parse_text, raw.get("court_name"), "court.court_name", "法院名称", "court name",
                              max_length=128),
        filed_at=days["filed_at"],
        first_instance_concluded_at=days["first_instance_concluded_at"],
        conclusion_type=errors.run(parse_choice, raw.get("conclusion_type"), "court.conclusion_type",
                                   CONCLUSION_TYPES, "一审结案方式", "conclusion type"),
        served_at=days["served_at"],
        party_abroad=errors.run(parse_flag, raw.get("party_abroad"), "court.party_abroad", "是否有境外当事人",
                                "party_abroad"),
        appeal_filed_at=days["appeal_filed_at"],
    )
    errors.items.extend(check_court(court))
    return court


def check_court(court: CourtData) -> list[ValidationError]:
    """Dates in order, a conclusion with its type and date, appeals only against judgments and rulings."""
    problems = []
    concluded, kind = court.first_instance_concluded_at, court.conclusion_type
    if (concluded is None) != (kind is None):
        missing = "conclusion_type" if kind is None else "first_instance_concluded_at"
        problems.append(fail(f"court.{missing}", "required", "一审结案日期与结案方式须同时填写",
                             "first_instance_concluded_at and conclusion_type go together"))
    if court.served_at is not None and kind is None:
        problems.append(fail("court.conclusion_type", "required", "填写送达日期时须填写一审结案方式",
                             "A date of service needs the conclusion_type"))
    if court.appeal_filed_at is not None and (kind not in APPEALABLE or court.served_at is None):
        problems.append(fail("court.appeal_filed_at", "not_appealable",
                             "只有已送达的判决或裁定才可上诉（调解、撤诉不可上诉）",
                             "Only a served judgment or ruling can be appealed (not a mediation or withdrawal)"))
    previous = None
    for key, zh, en in _DATES:
        value = getattr(court, key)
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            problems.append(fail(f"court.{key}", "out_of_order", f"{zh}不能早于{previous[2]}",
                                 f"The {en} cannot be before the {previous[3]}"))
        previous = (key, value, zh, en)
    return problems


def appeal_deadline(court: CourtData, party_abroad: bool) -> tuple[date | None, ValidationError | None]:
    """The last day to appeal (``appeals.appeal_period_end``), or None with a note when it cannot be known.

    A holiday calendar that lacks the year leaves the day unknown rather than guessed; the statistics
    then decide finality from the date of service alone.
    """
    if court.served_at is None or court.conclusion_type is None:
        return None, None
    try:
        return appeal_period_end(court.conclusion_type, court.served_at, party_abroad), None
    except CalendarNotCoveredError as exc:
        return None, fail("court.served_at", "calendar_not_covered", f"上诉期届满日未计算：{exc.message_zh}",
                          f"last day of the appeal period not computed: {exc.message_en}")
