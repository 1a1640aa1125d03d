"""One line of an import file → a checked ``ImportCase``, or a ``BadLine`` listing every problem. Pure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from ...models.cases import CLOSURES, STATUSES
from ...models.reference import CHANNELS
from ..schema import FilingData, FilingInvalid, parse_filing
from ..validators import ValidationError
from ..validators._common import fail
from .checks import History, check_history, default_status
from .court import CourtData, appeal_deadline, parse_court
from .values import (
    SHANGHAI,
    Errors,
    absent,
    parse_choice,
    parse_count,
    parse_external_id,
    parse_instant,
    parse_text,
)

FILING_KEYS = frozenset({
    "description", "claimant", "agent", "respondents", "ip_right", "discovered_on", "district", "industry",
    "claims", "arbitration_agreement", "existing_proceedings", "preferred_channel", "language", "consent_online",
})
HISTORY_KEYS = frozenset({
    "external_id", "filed_at", "accepted_at", "closed_at", "status", "channel", "organization", "closure",
    "cause_name", "suspended_days", "satisfaction", "court",
})
_TIMES = (
    ("filed_at", "申请时间", "filing time"),
    ("accepted_at", "受理时间", "acceptance time"),
    ("closed_at", "结案时间", "closing time"),
)
MAX_SUSPENDED_DAYS = 36_500


@dataclass(frozen=True)
class OrgRef:
    id: int
    channels: tuple[str, ...]


@dataclass(frozen=True)
class Lookups:
    """Reference data loaded once per import: district and organisation codes and Chinese names."""

    districts: Mapping[str, str]
    organizations: Mapping[str, OrgRef]


@dataclass(frozen=True)
class ImportCase:
    """A valid line, normalised: what the writer turns into one case."""

    line_no: int
    external_id: str
    filing: FilingData
    history: History
    filed_at_inferred: bool
    organization_id: int | None
    cause_name: str | None
    party_abroad: bool
    appeal_period_ends_on: date | None
    notes: tuple[ValidationError, ...] = ()


@dataclass(frozen=True)
class BadLine:
    """A line that was skipped, with every problem found in it."""

    line_no: int
    external_id: str | None
    errors: tuple[ValidationError, ...]

    def messages(self) -> list[str]:
        """``line N (external_id X): field: message`` for each problem, in English and Chinese."""
        return [describe(self.line_no, self.external_id, error) for error in self.errors]


def describe(line_no: int, external_id: str | None, error: ValidationError) -> str:
    where = f"line {line_no}" + (f" (external_id {external_id})" if external_id else "")
    return f"{where}: {error.field or 'line'}: {error.message_en} / {error.message_zh}"


def _no_constants(name: str):
    raise ValueError(f"{name} is not allowed")


def _load(raw: bytes | str, line_no: int) -> dict | BadLine | None:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        return BadLine(line_no, None, (fail("line", "bad_encoding", "该行不是 UTF-8 编码", "The line is not UTF-8"),))
    text = text.lstrip("\ufeff").strip()
    if not text:
        return None
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:
        return BadLine(line_no, None, (fail("json", "bad_json", f"不是有效的 JSON：{exc}", f"Not valid JSON: {exc}"),))
    if not isinstance(data, dict):
        return BadLine(line_no, None, (fail("line", "bad_type", "每行应为一个 JSON 对象",
                                            "Each line must be one JSON object"),))
    return data


def _filing(data: dict, lookups: Lookups, errors: Errors) -> FilingData | None:
    try:
        return parse_filing({k: v for k, v in data.items() if k in FILING_KEYS}, districts=lookups.districts,
                            require_parties=False)
    except FilingInvalid as exc:
        errors.items.extend(exc.errors)
        return None


def _organization(value: object, lookups: Lookups, errors: Errors) -> OrgRef | None:
    if absent(value):
        return None
    org = lookups.organizations.get(value.strip()) if isinstance(value, str) else None
    if org is None:
        errors.add("organization", "unknown_choice", f"未知机构：{value}（请填写机构代码或中文全称）",
                   f"Unknown organisation {value!r}: give its code or its Chinese name")
    return org


def _fields(data: dict, lookups: Lookups, errors: Errors, now: datetime) -> dict:
    """Every historical field parsed on its own; problems go to ``errors``."""
    fields: dict = {key: errors.run(parse_instant, data.get(key), key, zh, en, now=now) for key, zh, en in _TIMES}
    fields["status"] = errors.run(parse_choice, data.get("status"), "status", STATUSES, "案件状态", "status")
    fields["closure"] = errors.run(parse_choice, data.get("closure"), "closure", CLOSURES, "结案方式", "closure")
    fields["channel"] = errors.run(parse_choice, data.get("channel"), "channel", CHANNELS, "处理渠道", "channel")
    fields["org"] = _organization(data.get("organization"), lookups, errors)
    fields["cause_name"] = errors.run(parse_text, data.get("cause_name"), "cause_name", "案由", "case cause",
                                      max_length=128)
    fields["suspended_days"] = errors.run(parse_count, data.get("suspended_days"), "suspended_days", "中止天数",
                                          "suspended_days", low=0, high=MAX_SUSPENDED_DAYS)
    fields["satisfaction"] = errors.run(parse_count, data.get("satisfaction"), "satisfaction", "满意度",
                                        "satisfaction", low=1, high=5)
    fields["court"] = parse_court(data.get("court"), errors, now.astimezone(SHANGHAI).date())
    return fields


def _history(f: dict, now: datetime) -> tuple[History, bool]:
    """Defaults filled in: filing time (inferred from the earliest later time), channel, status."""
    known = [t for t in (f["accepted_at"], f["closed_at"]) if t is not None]
    filed_at = f["filed_at"] or (min(known) if known else now)
    org: OrgRef | None = f["org"]
    channel = f["channel"] or (org.channels[0] if org is not None and len(org.channels) == 1 else None)
    history = History(
        filed_at=filed_at, accepted_at=f["accepted_at"], closed_at=f["closed_at"],
        status=f["status"] or default_status(f["closure"], f["accepted_at"]),
        closure=f["closure"], channel=channel, org_channels=org.channels if org is not None else None,
        suspended_days=f["suspended_days"] or 0, satisfaction=f["satisfaction"], court=f["court"],
    )
    return history, f["filed_at"] is None


def _case(line_no: int, external_id: str, filing: FilingData, f: dict, history: History,
          inferred: bool) -> ImportCase:
    court: CourtData | None = history.court
    parties = (filing.claimant, filing.agent, *filing.respondents)
    abroad = any(p is not None and p.country != "CN" for p in parties)
    if court is not None and court.party_abroad is not None:
        abroad = court.party_abroad
    ends_on, note = appeal_deadline(court, abroad) if court is not None else (None, None)
    org: OrgRef | None = f["org"]
    return ImportCase(
        line_no=line_no, external_id=external_id, filing=filing, history=history, filed_at_inferred=inferred,
        organization_id=org.id if org is not None else None, cause_name=f["cause_name"], party_abroad=abroad,
        appeal_period_ends_on=ends_on, notes=(note,) if note is not None else (),
    )


def parse_line(raw: bytes | str, line_no: int, lookups: Lookups, now: datetime) -> ImportCase | BadLine | None:
    """Parse, validate and check one line; None for a blank line.

    :param now: the import's clock (aware): nothing may happen after it; an unknown filing time defaults to it
    """
    data = _load(raw, line_no)
    if not isinstance(data, dict):
        return data
    errors = Errors()
    external_id = errors.run(parse_external_id, data.get("external_id"))
    for key in sorted(set(data) - FILING_KEYS - HISTORY_KEYS):
        errors.add(key, "unknown_field", "未知字段，请核对字段名", "Unknown field; check its name")
    filing = _filing(data, lookups, errors)
    fields = _fields(data, lookups, errors, now)
    history, inferred = _history(fields, now)
    # consistency is checked even on a line with other problems, so that one run reports them all; a
    # field that could not be read is not blamed again
    unreadable = {error.field for error in errors.items}
    discovered_on = filing.discovered_on if filing is not None else None
    errors.items.extend(p for p in check_history(history, discovered_on, now) if p.field not in unreadable)
    if errors.items or filing is None or external_id is None:
        return BadLine(line_no, external_id, tuple(errors.items))
    return _case(line_no, external_id, filing, fields, history, inferred)
