"""Normalised party names and right numbers, and fuzzy name similarity for duplicate/conflict checks."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from .validators import validate_patent_number, validate_trademark_number

# Administrative names that often lead (or sit in brackets inside) an enterprise name: the provinces,
# big cities, Jiangsu's cities and Nantong's districts. Under the enterprise-name rules a name is
# region + trade name (字号) + industry + legal form, and only the trade name and industry distinguish.
_REGIONS = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "四川", "贵州", "云南",
    "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
    "深圳", "广州", "杭州", "宁波", "温州", "绍兴", "义乌", "厦门", "青岛", "成都", "武汉", "西安",
    "南京", "无锡", "徐州", "常州", "苏州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁",
    "崇川", "港闸", "通州", "海门", "海安", "如皋", "如东", "启东",
)
_REGION_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区",
                    "省", "市", "区", "县")
_LATIN_REGIONS = ("china", "jiangsu", "nantong", "shanghai", "beijing", "shenzhen", "guangzhou", "hangzhou",
                  "suzhou", "hong kong", "hongkong")
# Longest first, so that 股份有限公司 goes before 有限公司 and 公司.
_LEGAL_FORMS = ("集团股份有限公司", "集团有限责任公司", "股份有限公司", "集团有限公司", "有限责任公司",
                "有限合伙企业", "有限合伙", "合伙企业", "集团公司", "有限公司", "经营部", "门市部",
                "公司", "商行")
# 厂 and 店 are legal-form-like only after an ordinary word: 家纺厂 → 家纺, but 工厂, 电厂, 酒店, 饭店,
# 书店 keep them because there the character is part of the noun.
_KEEP_BEFORE = {"厂": set("工电水分总"), "店": set("酒饭商书药花旅客网分总")}
_BRANCH = re.compile(r"(?:分公司|分厂|分店|办事处|代表处|营业部)$")
_LATIN_FORMS = re.compile(
    r"(?:(?<![a-z0-9])(?:co|company|corp|corporation|ltd|limited|inc|incorporated|llc|l\.l\.c|llp|lp|plc"
    r"|gmbh|ag|kg|s\.?a|s\.?a\.?r\.?l|b\.?v|n\.?v|pty|pte|srl|spa|oy|ab|as|kk)\.?[\s,.&/-]*)+$"
)
_BRACKETS = str.maketrans("【〔［｛〈《「『〖（" "】〕］｝〉》」』〗）" "[]{}",
                          "((((((((((" "))))))))))" "()()")
_BRACKETED = re.compile(r"\(([^()]*)\)")
_MIN_CORE = 2  # never strip a name down to fewer characters than this


def _is_region(text: str) -> bool:
    text = text.strip()
    for suffix in _REGION_SUFFIXES:
        if text.endswith(suffix) and text[: -len(suffix)] in _REGIONS:
            return True
    return text in _REGIONS or text in _LATIN_REGIONS


def _drop_bracketed(text: str) -> str:
    """Brackets go; a bracketed region such as （南通） goes with its content."""
    return _BRACKETED.sub(lambda m: " " if _is_region(m.group(1)) else f" {m.group(1)} ", text)


def _strip_latin(text: str) -> str:
    text = _LATIN_FORMS.sub("", text.strip()).strip()
    for region in _LATIN_REGIONS:
        rest = text[len(region):]
        if text.startswith(region) and rest[:1] in (" ", ",", "-") and len(rest.strip(" ,-")) >= _MIN_CORE:
            return rest.strip(" ,-")
    return text


def _strip_trailing_region(core: str) -> str:
    for region in _REGIONS:
        for suffix in (*_REGION_SUFFIXES, ""):
            tail = region + suffix
            if core.endswith(tail) and len(core) - len(tail) >= _MIN_CORE:
                return core[: -len(tail)]
    return core


def _strip_suffix(core: str) -> str:
    match = _BRANCH.search(core)
    if match and len(core) - len(match.group(0)) >= _MIN_CORE:
        # a branch (…有限公司海门分公司) matches its parent: drop the marker and the branch's region
        return _strip_trailing_region(core[: match.start()])
    for form in _LEGAL_FORMS:
        if core.endswith(form) and len(core) - len(form) >= _MIN_CORE:
            return core[: -len(form)]
    last = core[-1:]
    if last in _KEEP_BEFORE and len(core) > _MIN_CORE and core[-2] not in _KEEP_BEFORE[last]:
        return core[:-1]
    return core


def _strip_region(core: str) -> str:
    for region in _REGIONS:
        if not core.startswith(region):
            continue
        rest = core[len(region):]
        for suffix in (*_REGION_SUFFIXES, ""):
            if rest.startswith(suffix) and len(rest) - len(suffix) >= _MIN_CORE:
                return rest[len(suffix):]
    return core


def _normalize_once(name: str) -> str:
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    text = _strip_latin(_drop_bracketed(text.translate(_BRACKETS)))
    core = "".join(c for c in text if unicodedata.category(c)[0] in "LN")
    return _strip_region(_strip_suffix(core))


def normalize_party_name(name: str) -> str:
    """The distinctive core of a party name, for matching rather than display.

    NFKC (full width to half width), case-folded Latin, brackets unified and bracketed regions
    dropped, spaces and punctuation removed, legal forms (有限公司, 股份有限公司, 厂/店 where they are
    a form, Co., Ltd., Inc., GmbH…) and leading regions (南通市, 江苏省…) stripped until nothing
    changes, so the function is idempotent. "南通市某某家纺有限公司" -> "某某家纺".
    """
    current = name
    for _ in range(12):  # each pass only shortens or re-normalises; a fixpoint comes quickly
        following = _normalize_once(current)
        if following == current:
            break
        current = following
    return current


def normalize_right_number(ip_type: str, number: str) -> str:
    """The look-up key of an IP right number: patent -> digits and check ("2021101234567"),
    trademark -> digits (plus "A" for a divided application), anything else -> upper-case letters
    and digits only. Raises ValidationError when a patent or trademark number is not valid.
    """
    if ip_type == "patent":
        return validate_patent_number(number, "ip_right.number").canonical
    if ip_type == "trademark":
        return validate_trademark_number(number, "ip_right.number")
    text = unicodedata.normalize("NFKC", number).upper()
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def name_similarity(a: str, b: str) -> float:
    """Similarity 0–100 of two party names, compared on their normalised cores.

    Scorer: rapidfuzz ``fuzz.WRatio``. The cores have no spaces, so its token-based parts reduce to
    the plain Indel ratio, which for Chinese compares character by character; when one core is much
    longer than the other it switches to a (discounted) partial ratio, so a trade name found inside a
    longer one (华为 / 华为技术) still scores high, while two names that merely share an industry word
    (某某家纺 / 金太阳家纺) stay low. Empty names score 0.
    """
    core_a, core_b = normalize_party_name(a), normalize_party_name(b)
    if not core_a or not core_b:
        return 0.0
    return float(fuzz.WRatio(core_a, core_b))
