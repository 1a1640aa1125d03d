"""Codes the routing package speaks in (IP types, channels, outcomes...) with their zh/en names."""

from __future__ import annotations

from ..labels import LABELS

# dispute_hub.labels is plain data (no Flask at import): the one list of IP types and channels
IP_TYPES: dict[str, tuple[str, str]] = LABELS["ip_type"]

PATENT_KINDS: dict[str, tuple[str, str]] = {
    "invention": ("发明", "invention"),
    "utility_model": ("实用新型", "utility model"),
    "design": ("外观设计", "design"),
}

# What the dispute is about: infringement, a contract, ownership of the right, or something else
# (rewards, confirmation of non-infringement, refunds after invalidation...)
NATURES: dict[str, tuple[str, str]] = {
    "infringement": ("侵权", "infringement"),
    "contract": ("合同", "contract"),
    "ownership": ("权属", "ownership"),
    "other": ("其他", "other"),
}

CHANNELS: dict[str, tuple[str, str]] = LABELS["channel"]

OUTCOMES: dict[str, tuple[str, str]] = {
    "route": ("分流", "routed"),
    "not_accepted": ("不予受理", "not accepted"),
    "screening": ("人工审查", "manual screening"),
}

SIGNALS: dict[str, tuple[str, str]] = {
    "criminal_or_counterfeit": ("涉嫌假冒或犯罪", "suspected counterfeiting or crime"),
    "e_commerce": ("电商平台", "e-commerce"),
    "trade_fair": ("展会", "trade fair"),
    "foreign_party": ("涉外当事人", "foreign party"),
    "possibly_time_barred": ("可能超过诉讼时效", "possibly time-barred"),
}

INDUSTRIES: dict[str, tuple[str, str]] = {
    "home_textile": ("家纺", "home textiles"),
    "furniture": ("家具", "furniture"),
}

# Other mediation or adjudication bodies a dispute may already be before
PROCEEDING_BODIES: dict[str, tuple[str, str]] = {
    "court": ("法院", "a court"),
    "arbitration": ("仲裁机构", "an arbitration body"),
    "mediation": ("其他调解组织", "another mediator"),
}


def zh(table: dict[str, tuple[str, str]], code: str | None) -> str:
    """The Chinese name of ``code`` in ``table``; the code itself when unknown, "未知" for None."""
    if code is None:
        return "未知"
    return table.get(code, (code, code))[0]


def en(table: dict[str, tuple[str, str]], code: str | None) -> str:
    """The English name of ``code`` in ``table`` as it reads mid-sentence ("court-linked mediation",
    "IP contract"); the code itself when unknown, "unknown" for None."""
    if code is None:
        return "unknown"
    name = table.get(code, (code, code))[1]
    return name if name[:2].isupper() else name[:1].lower() + name[1:]
