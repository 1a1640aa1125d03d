"""The filing shape shared by the form, the API, triage and the import: parse, validate, normalise.

Pure: the caller passes the known districts; every problem is collected (not only the first) as a
``ValidationError`` whose ``field`` is the JSON path, e.g. ``respondents[1].id_number``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from ..labels import CHANNELS, IP_TYPES
from .normalize import normalize_party_name, normalize_right_number
from .validators import (
    ValidationError,
    validate_amount,
    validate_court_case_number,
    validate_email,
    validate_past_date,
    validate_patent_number,
    validate_phone,
    validate_resident_id,
    validate_trademark_number,
    validate_uscc,
)
from .validators._common import fail

INDUSTRIES = (
    "home_textile",
    "furniture",
    "apparel",
    "electronics",
    "machinery",
    "software",
    "food",
    "chemicals",
    "e_commerce",
    "culture_media",
    "agriculture",
    "other",
)
MAX_DESCRIPTION = 20_000
MAX_RESPONDENTS = 20
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class PartyData:
    role: str
    kind: str
    name: str
    name_normalized: str
    id_number: str | None = None
    country: str = "CN"
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    online_store: str | None = None


@dataclass(frozen=True)
class RightData:
    ip_type: str | None
    number: str | None
    number_normalized: str | None
    title: str | None
    owner: str | None
    patent_kind: str | None = None


@dataclass(frozen=True)
class FilingData:
    """A valid filing, normalised. ``raw`` keeps what was sent, for the classifier's structured input."""

    description: str
    claimant: PartyData | None
    agent: PartyData | None
    respondents: tuple[PartyData, ...]
    ip_right: RightData
    discovered_on: date | None
    district_code: str | None
    industry: str | None
    claims: dict
    damages: Decimal | None
    arbitration_agreement: bool
    court_case_no: str | None
    accepted_elsewhere: str | None
    preferred_channel: str | None
    language: str
    consent_online: bool
    raw: dict = field(default_factory=dict, compare=False)

    def as_json(self) -> dict:
        data = asdict(self)
        data.pop("raw")
        data["discovered_on"] = self.discovered_on.isoformat() if self.discovered_on else None
        data["damages"] = str(self.damages) if self.damages is not None else None
        return data


class FilingInvalid(ValueError):
    """The filing has problems; ``errors`` lists every one with its field path."""

    def __init__(self, errors: list[ValidationError]):
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = errors


class _Collector:
    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def run(self, fn: Callable, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            self.errors.append(exc)
            return None


def _text(
    value: object, path: str, what_zh: str, what_en: str, *, required: bool = False, max_length: int = 256
) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise fail(path, "required", f"请填写{what_zh}", f"Please enter the {what_en}")
        return None
    if not isinstance(value, str):
        raise fail(path, "bad_type", f"{what_zh}应为文字", f"The {what_en} must be text")
    text = value.strip()
    if len(text) > max_length:
        raise fail(
            path,
            "too_long",
            f"{what_zh}不能超过 {max_length} 个字",
            f"The {what_en} may have at most {max_length} characters",
        )
    return text


def _choice(
    value: object, path: str, choices: tuple[str, ...], what_zh: str, what_en: str, *, required: bool = False
) -> str | None:
    if value in (None, ""):
        if required:
            raise fail(path, "required", f"请选择{what_zh}", f"Please choose the {what_en}")
        return None
    if value not in choices:
        raise fail(path, "unknown_choice", f"{what_zh}不在可选范围内", f"Unknown {what_en}: {value!r}")
    return str(value)


def _mapping(value: object, path: str, what_zh: str, what_en: str) -> Mapping:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise fail(path, "bad_type", f"{what_zh}格式不正确", f"The {what_en} must be an object")
    return value


def _id_number(c: _Collector, raw: Mapping, path: str, kind: str, country: str) -> str | None:
    value = raw.get("id_number")
    if value in (None, ""):
        return None
    if country != "CN":
        return c.run(_text, value, path, "证件号码", "identity or registration number", max_length=64)
    if kind == "person":
        return c.run(validate_resident_id, value, path)
    return c.run(validate_uscc, value, path)


def _party(c: _Collector, raw: object, path: str, role: str, *, need_contact: bool) -> PartyData | None:
    try:
        data = _mapping(raw, path, "当事人信息", "party")
    except ValidationError as exc:
        c.errors.append(exc)
        return None
    kind = c.run(_choice, data.get("kind") or "company", f"{path}.kind", ("person", "company"), "主体类型", "kind")
    name = c.run(_text, data.get("name"), f"{path}.name", "名称或姓名", "name", required=True)
    country = str(data.get("country") or "CN").strip().upper()
    if not _COUNTRY.match(country):
        c.errors.append(
            fail(
                f"{path}.country",
                "bad_format",
                "国家或地区代码应为两位字母（如 CN、US）",
                "The country must be a two-letter code such as CN or US",
            )
        )
    phone = c.run(validate_phone, data["phone"], f"{path}.phone") if data.get("phone") else None
    email = c.run(validate_email, data["email"], f"{path}.email") if data.get("email") else None
    if need_contact and not (data.get("phone") or data.get("email")):
        c.errors.append(
            fail(
                f"{path}.phone",
                "contact_required",
                "请至少填写电话或电子邮箱中的一项",
                "Please give a phone number or an email address",
            )
        )
    id_number = _id_number(c, data, f"{path}.id_number", kind or "company", country)
    address = c.run(_text, data.get("address"), f"{path}.address", "地址", "address", max_length=512)
    store = c.run(
        _text, data.get("online_store"), f"{path}.online_store", "网店或平台链接", "online store", max_length=512
    )
    if name is None:
        return None
    return PartyData(
        role, kind or "company", name, normalize_party_name(name), id_number, country, phone, email, address, store
    )


def _right(c: _Collector, raw: object) -> RightData:
    try:
        data = _mapping(raw, "ip_right", "权利信息", "IP right")
    except ValidationError as exc:
        c.errors.append(exc)
        data = {}
    ip_type = c.run(_choice, data.get("type"), "ip_right.type", IP_TYPES, "知识产权类型", "IP type")
    number, kind = data.get("number"), None
    if number not in (None, ""):
        if ip_type == "patent":
            parsed = c.run(validate_patent_number, number, "ip_right.number")
            number, kind = (parsed.normalized, parsed.kind) if parsed else (None, None)
        elif ip_type == "trademark":
            number = c.run(validate_trademark_number, number, "ip_right.number")
        else:
            number = c.run(_text, number, "ip_right.number", "权利编号", "right number", max_length=64)
    else:
        number = None
    normalized = normalize_right_number(ip_type or "", number) if number else None
    title = c.run(_text, data.get("title"), "ip_right.title", "权利名称", "title of the right")
    owner = c.run(_text, data.get("owner"), "ip_right.owner", "权利人", "owner of the right")
    return RightData(ip_type, number, normalized, title, owner, kind)


def _district(c: _Collector, value: object, districts: Mapping[str, str]) -> str | None:
    """``districts`` maps codes and Chinese names to codes."""
    if value in (None, ""):
        return None
    code = districts.get(str(value).strip())
    if code is None:
        c.errors.append(fail("district", "unknown_choice", "所属区县不在南通市范围内", f"Unknown district: {value!r}"))
    return code


def _claims(c: _Collector, raw: object) -> tuple[dict, Decimal | None]:
    try:
        data = _mapping(raw, "claims", "请求事项", "claims")
    except ValidationError as exc:
        c.errors.append(exc)
        return {}, None
    damages = None
    if data.get("damages") not in (None, ""):
        damages = c.run(validate_amount, data["damages"], "claims.damages")
    other = c.run(_text, data.get("other"), "claims.other", "其他请求", "other claims", max_length=2000)
    return {
        "stop": bool(data.get("stop")),
        "damages": str(damages) if damages is not None else None,
        "other": other,
    }, damages


def parse_filing(
    raw: object, *, districts: Mapping[str, str], require_parties: bool = True, today: date | None = None
) -> FilingData:
    """Validate and normalise a filing body.

    :param raw: the JSON object (form data is mapped to the same shape first)
    :param districts: district codes and Chinese names → code
    :param require_parties: False for triage, where only ``description`` is required
    :raises FilingInvalid: with every problem found
    """
    c = _Collector()
    if not isinstance(raw, Mapping):
        raise FilingInvalid([fail("", "bad_type", "请求内容应为 JSON 对象", "The body must be a JSON object")])
    description = c.run(
        _text,
        raw.get("description"),
        "description",
        "事实与理由",
        "description of the facts",
        required=True,
        max_length=MAX_DESCRIPTION,
    )
    claimant = agent = None
    if require_parties or raw.get("claimant"):
        claimant = _party(c, raw.get("claimant"), "claimant", "claimant", need_contact=require_parties)
    if raw.get("agent"):
        agent = _party(c, raw.get("agent"), "agent", "agent", need_contact=True)
    respondents_raw = raw.get("respondents") or []
    if not isinstance(respondents_raw, list):
        c.errors.append(fail("respondents", "bad_type", "被申请人应为列表", "respondents must be a list"))
        respondents_raw = []
    if len(respondents_raw) > MAX_RESPONDENTS:
        c.errors.append(fail("respondents", "too_many", f"被申请人最多 {MAX_RESPONDENTS} 个，请分案提交",
                             f"At most {MAX_RESPONDENTS} respondents; please file separate complaints"))
    if require_parties and not respondents_raw:
        c.errors.append(
            fail("respondents", "required", "请至少填写一个被申请人", "Please name at least one respondent")
        )
    respondents = [
        _party(c, r, f"respondents[{i}]", "respondent", need_contact=False) for i, r in enumerate(respondents_raw[:20])
    ]
    proceedings = (
        c.run(_mapping, raw.get("existing_proceedings"), "existing_proceedings", "已有程序", "existing proceedings")
        or {}
    )
    court_no = proceedings.get("court_case_no")
    if court_no not in (None, ""):
        court_no = c.run(validate_court_case_number, court_no, "existing_proceedings.court_case_no")
    claims, damages = _claims(c, raw.get("claims"))
    filing = FilingData(
        description=description or "",
        claimant=claimant,
        agent=agent,
        respondents=tuple(r for r in respondents if r is not None),
        ip_right=_right(c, raw.get("ip_right")),
        discovered_on=(
            c.run(validate_past_date, raw["discovered_on"], "discovered_on", today=today)
            if raw.get("discovered_on")
            else None
        ),
        district_code=_district(c, raw.get("district"), districts),
        industry=c.run(_choice, raw.get("industry"), "industry", INDUSTRIES, "所属行业", "industry"),
        claims=claims,
        damages=damages,
        arbitration_agreement=bool(raw.get("arbitration_agreement")),
        court_case_no=court_no or None,
        accepted_elsewhere=c.run(
            _text,
            proceedings.get("accepted_elsewhere"),
            "existing_proceedings.accepted_elsewhere",
            "已受理的其他机构",
            "body that already accepted it",
        ),
        preferred_channel=c.run(
            _choice, raw.get("preferred_channel"), "preferred_channel", CHANNELS, "意向渠道", "preferred channel"
        ),
        language=c.run(_choice, raw.get("language") or "zh", "language", ("zh", "en"), "语言", "language") or "zh",
        consent_online=raw.get("consent_online", True) is not False,
        raw=dict(raw),
    )
    if c.errors:
        raise FilingInvalid(c.errors)
    return filing
