"""Bulk import of court outcomes from CSV or JSON Lines (docs/court-outcomes-format.md).

Each line names a case (tracking_no or external_id) and a court case number, and gives any of the
proceeding's values; values left out keep what is recorded. A line is applied whole or not at all
(a savepoint each), the same line again changes nothing, and a changed value is a ``court_imported``
event. Never commits: ``on_batch`` is called every ``batch_size`` lines for a caller that does.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..intake.importer.court import COURT_KEYS, CourtData
from ..intake.importer.values import Errors, absent, parse_choice, parse_day, parse_flag, parse_text
from ..intake.validators import ValidationError, validate_court_case_number
from ..intake.validators._common import fail
from ..models import CourtProceeding, Dispute, User
from .appeals import CONCLUSION_TYPES
from .court import FIELDS, CourtInvalid, court_data, save_court_data, today_in_china

FORMATS = ("csv", "jsonl")
IMPORT_ACTOR = "法院裁判结果导入"
ID_KEYS = frozenset({"tracking_no", "external_id"})
_DATES = {
    "filed_at": ("法院立案日期", "court filing date"),
    "first_instance_concluded_at": ("一审结案日期", "first-instance conclusion date"),
    "served_at": ("送达日期", "date of service"),
    "appeal_filed_at": ("上诉日期", "appeal date"),
}
_TRUE, _FALSE = frozenset({"true", "1", "yes", "y", "是"}), frozenset({"false", "0", "no", "n", "否"})


@dataclass(frozen=True)
class LineResult:
    """What became of one line: ``outcome`` created | updated | unchanged | bad."""

    line_no: int
    outcome: str
    tracking_no: str | None = None
    court_case_no: str | None = None
    changes: Mapping = field(default_factory=dict)
    errors: tuple[ValidationError, ...] = ()


@dataclass
class CourtImportReport:
    results: list[LineResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def bad_lines(self) -> int:
        return self.count("bad")


def describe(result: LineResult) -> list[str]:
    """``line N: field: message`` for each problem of a bad line, in English and Chinese."""
    return [f"line {result.line_no}: {e.field or 'line'}: {e.message_en} / {e.message_zh}" for e in result.errors]


def _csv_value(key: str, value: str | None) -> object:
    text = (value or "").strip()
    if not text:
        return None
    if key == "party_abroad":
        lowered = text.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else text
    return text


def _csv_rows(stream: Iterable[str]) -> Iterator[tuple[int, dict | ValidationError]]:
    reader = csv.DictReader(stream)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a NUL byte: the reader goes on with the next line
            yield reader.line_num, fail("line", "bad_csv", f"CSV 格式错误：{exc}", f"Not valid CSV: {exc}")
            continue
        if None in row:
            yield reader.line_num, fail("line", "extra_columns", "该行的列数多于表头",
                                        "The line has more columns than the header")
        elif any(v and v.strip() for v in row.values()):
            yield reader.line_num, {k.strip(): _csv_value(k.strip(), v) for k, v in row.items() if k}


def read_rows(lines: Iterable[str], fmt: str) -> Iterator[tuple[int, dict | ValidationError]]:
    """(line number, values or the reason the line could not be read); blank lines are skipped.

    :param lines: the file's text lines (a BOM on the first is ignored)
    :param fmt: ``csv`` (header row first) or ``jsonl``
    """
    stream = (line.lstrip("\ufeff") if no == 0 else line for no, line in enumerate(lines))
    if fmt == "csv":
        yield from _csv_rows(stream)
        return
    for line_no, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield line_no, fail("json", "bad_json", f"不是有效的 JSON：{exc}", f"Not valid JSON: {exc}")
            continue
        yield line_no, data if isinstance(data, dict) else fail("line", "bad_type", "每行应为一个 JSON 对象",
                                                                 "Each line must be one JSON object")


def parse_values(raw: Mapping, errors: Errors, today: date) -> CourtData:
    """The line's court values, each checked on its own (the whole is checked with what is recorded)."""
    for key in sorted(set(raw) - COURT_KEYS - ID_KEYS):
        errors.add(key, "unknown_field", "未知字段，请核对字段名", "Unknown field; check its name")
    case_no = raw.get("court_case_no")
    if absent(case_no):
        errors.add("court_case_no", "required", "请填写法院案号（court_case_no）", "court_case_no is required")
    else:
        case_no = errors.run(validate_court_case_number, case_no, "court_case_no", today=today)
    days = {key: errors.run(parse_day, raw.get(key), key, zh, en, today=today) for key, (zh, en) in _DATES.items()}
    return CourtData(
        court_case_no=case_no if not absent(case_no) else None,
        court_name=errors.run(parse_text, raw.get("court_name"), "court_name", "法院名称", "court name",
                              max_length=128),
        conclusion_type=errors.run(parse_choice, raw.get("conclusion_type"), "conclusion_type", CONCLUSION_TYPES,
                                   "一审结案方式", "conclusion type"),
        party_abroad=errors.run(parse_flag, raw.get("party_abroad"), "party_abroad", "是否有境外当事人",
                                "party_abroad"),
        **days,
    )


def _text_id(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def find_dispute(raw: Mapping, errors: Errors) -> Dispute | None:
    """The case named by ``tracking_no`` or ``external_id``; both given must name the same case."""
    tracking_no, external_id = _text_id(raw.get("tracking_no")), _text_id(raw.get("external_id"))
    if tracking_no is None and external_id is None:
        errors.add("tracking_no", "required", "请填写案件编号（tracking_no）或原系统编号（external_id）",
                   "Give the case's tracking_no or external_id")
        return None
    query = select(Dispute)
    if tracking_no is not None:
        query = query.where(Dispute.tracking_no == tracking_no)
    if external_id is not None:
        query = query.where(Dispute.external_id == external_id)
    dispute = db.session.execute(query).scalar_one_or_none()
    if dispute is None:
        errors.add("tracking_no" if tracking_no else "external_id", "not_found",
                   "未找到该案件（tracking_no 与 external_id 同时填写时须为同一案件）",
                   "No such case (when both tracking_no and external_id are given they must name the same case)")
    return dispute


def _merged(current: CourtData, given: CourtData) -> CourtData:
    return replace(current, **{name: getattr(given, name) for name in FIELDS if getattr(given, name) is not None})


def apply_line(line_no: int, raw: Mapping, *, actor: User | None, actor_label: str, today: date) -> LineResult:
    """Check one line and apply it inside a savepoint; a line that fails leaves nothing behind."""
    errors = Errors()
    given = parse_values(raw, errors, today)
    dispute = find_dispute(raw, errors)
    if errors.items or dispute is None:
        return LineResult(line_no, "bad", dispute.tracking_no if dispute else None, given.court_case_no,
                          errors=tuple(errors.items))
    existing = db.session.execute(select(CourtProceeding).where(
        CourtProceeding.dispute_id == dispute.id, CourtProceeding.court_case_no == given.court_case_no,
    ).order_by(CourtProceeding.id).limit(1)).scalar_one_or_none()
    if existing is not None:
        base = court_data(existing)
    else:  # as the case import does: a new proceeding without party_abroad takes it from the parties' countries
        base = replace(CourtData(*(None,) * len(FIELDS)),
                       party_abroad=any(p.country not in (None, "CN") for p in dispute.parties))
    try:
        with db.session.begin_nested():
            _, changes = save_court_data(dispute, existing, _merged(base, given), "court_imported", actor=actor,
                                         actor_label=actor_label, data={"line": line_no, "source": "import"})
    except CourtInvalid as exc:
        return LineResult(line_no, "bad", dispute.tracking_no, given.court_case_no, errors=exc.errors)
    except SQLAlchemyError as exc:
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
        return LineResult(line_no, "bad", dispute.tracking_no, given.court_case_no, errors=(fail(
            "database", "write_failed", f"写入失败：{error}", f"could not be written: {error}"),))
    outcome = "created" if existing is None else "updated" if changes else "unchanged"
    return LineResult(line_no, outcome, dispute.tracking_no, given.court_case_no, changes=changes)


def _safely(line_no: int, row: Mapping, **kwargs) -> LineResult:
    try:
        return apply_line(line_no, row, **kwargs)
    except Exception as exc:  # a value no check foresaw must not end the import: report the line
        error = f"{type(exc).__name__}: {exc}"[:300]
        return LineResult(line_no, "bad", errors=(fail("line", "unreadable", f"无法处理该行：{error}",
                                                       f"The line could not be processed: {error}"),))


def import_court_outcomes(lines: Iterable[str], fmt: str, *, actor: User | None = None,
                          actor_label: str | None = None, today: date | None = None, batch_size: int = 200,
                          on_batch: Callable[[], None] | None = None) -> CourtImportReport:
    """Apply every line of a court-outcome file; flushes, never commits.

    :param lines: the file's text lines
    :param fmt: ``csv`` or ``jsonl``
    :param actor: the liaison or admin importing (None from the command line)
    :param on_batch: called after every ``batch_size`` lines and at the end, e.g. to commit
    :return: one result per non-blank line
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    today = today or today_in_china()
    label = actor_label or (actor.name if actor is not None else IMPORT_ACTOR)
    report = CourtImportReport()
    for line_no, row in read_rows(lines, fmt):
        if isinstance(row, ValidationError):
            report.results.append(LineResult(line_no, "bad", errors=(row,)))
        else:
            report.results.append(_safely(line_no, row, actor=actor, actor_label=label, today=today))
        if on_batch is not None and len(report.results) % batch_size == 0:
            on_batch()
    if on_batch is not None:
        on_batch()
    return report


def guess_format(filename: str | None) -> str | None:
    """``csv`` or ``jsonl`` from a file name's extension, None when it says neither."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    return None
