"""Display labels for codes (channels, statuses, roles...) in Chinese and English.

The tables are plain data that pure modules may import; only ``label()`` asks Flask-Babel for the locale.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "channel": {
        "litigation_mediation": ("诉调对接", "Court-linked mediation"),
        "people_mediation": ("人民调解", "People's mediation"),
        "industry_mediation": ("行业调解", "Industry mediation"),
        "arbitration": ("仲裁调解", "Arbitration"),
        "administrative_adjudication": ("行政裁决", "Administrative adjudication"),
        "enforcement_referral": ("行政执法 / 刑事移送", "Enforcement referral"),
    },
    "status": {
        "submitted": ("已提交", "Submitted"), "screening": ("审查中", "Screening"),
        "more_info": ("待补充材料", "More information requested"), "rejected": ("不予受理", "Rejected"),
        "accepted": ("已受理", "Accepted"), "assigned": ("已分派", "Assigned"),
        "in_mediation": ("调解中", "In mediation"), "suspended": ("中止", "Suspended"),
        "settled": ("调解成功", "Settled"), "failed": ("调解不成", "Mediation failed"),
        "declined": ("被申请人拒绝调解", "Declined by respondent"), "withdrawn": ("已撤回", "Withdrawn"),
        "referred": ("已移送", "Referred"), "hearing": ("审理中", "Hearing"),
        "decided": ("已裁决", "Decided"), "closed": ("已结案", "Closed"),
    },
    "role": {
        "claimant": ("权利人（申请人）", "Rights holder (claimant)"), "respondent": ("被申请人", "Respondent"),
        "mediator": ("调解员 / 办案人员", "Mediator / officer"), "org_admin": ("机构管理员", "Organisation admin"),
        "liaison": ("法院 / 市场监管联络员", "Court / market-supervision liaison"),
        "admin": ("平台管理员", "Platform admin"),
    },
    "ip_type": {
        "patent": ("专利", "Patent"), "trademark": ("商标", "Trademark"), "copyright": ("著作权", "Copyright"),
        "trade_secret": ("商业秘密", "Trade secret"), "unfair_competition": ("不正当竞争", "Unfair competition"),
        "plant_variety": ("植物新品种", "Plant variety"), "layout_design": ("集成电路布图设计", "Layout design"),
        "geographical_indication": ("地理标志", "Geographical indication"),
        "ip_contract": ("知识产权合同", "IP contract"), "other_ip": ("其他知识产权", "Other IP"),
    },
    "org_kind": {
        "court": ("法院", "Court"), "people_mediation_committee": ("人民调解委员会", "People's mediation committee"),
        "industry_center": ("行业调解组织", "Industry mediation body"),
        "arbitration_commission": ("仲裁委员会", "Arbitration commission"),
        "market_supervision": ("市场监督管理局（知识产权局）", "Market supervision (IP office)"),
        "enforcement": ("执法机关", "Enforcement authority"),
    },
    "event": {
        "submitted": ("提交申请", "Filed"), "classified": ("自动分类", "Classified"), "routed": ("分流", "Routed"),
        "assignment": ("分派调解员", "Mediator proposed"), "evidence_added": ("补充证据", "Evidence added"),
        "rated": ("评价", "Rated"), "transition": ("状态变更", "Status changed"),
        "classification_corrected": ("更正分类", "Classification corrected"),
        "reassigned": ("改派调解员", "Reassigned"),
        "court_filed": ("法院立案", "Filed in court"),
        "court_concluded": ("一审结案", "First-instance conclusion recorded"),
        "court_appealed": ("提起上诉", "Appeal recorded"), "court_imported": ("导入法院结果", "Court outcome imported"),
        "document_generated": ("生成文书", "Document generated"), "document_signed": ("签署文书", "Document signed"),
        "agreement_effective": ("协议生效", "Agreement in effect"),
        "judicial_confirmation_recorded": ("登记司法确认", "Judicial confirmation recorded"),
        "notified": ("已通知", "Notified"), "claimed": ("认领案件", "Claimed"),
        "respondent_invited": ("邀请被申请人", "Respondent invited"),
        "respondent_consented": ("被申请人同意调解", "Respondent consented"),
        "session_scheduled": ("安排调解会议", "Session scheduled"),
        "session_outcome": ("记录会议结果", "Session outcome"),
        "deadline_extended": ("延长期限", "Deadline extended"),
    },
    "audit_kind": {
        "login_succeeded": ("登录成功", "Login succeeded"), "login_failed": ("登录失败", "Login failed"),
        "permission_refused": ("拒绝访问", "Permission refused"),
        "case_out_of_scope": ("访问无权查看的案件", "Case outside the user's scope"),
        "token_refused": ("拒绝 API 令牌", "API token refused"), "rate_limited": ("请求过于频繁", "Rate limited"),
        "csrf_refused": ("CSRF 校验失败", "CSRF check failed"),
    },
    "closure": {
        "settled": ("调解成功", "Settled"), "failed": ("调解不成", "Failed"), "declined": ("拒绝调解", "Declined"),
        "withdrawn": ("撤回", "Withdrawn"), "rejected": ("不予受理", "Rejected"), "referred": ("移送", "Referred"),
        "adjudicated": ("已裁决", "Adjudicated"),
    },
}


# The code lists every module speaks in, in display order; models, forms, rules and the transition table
# take them from here so there is one list of each.
CHANNELS: tuple[str, ...] = tuple(LABELS["channel"])
STATUSES: tuple[str, ...] = tuple(LABELS["status"])
CLOSURES: tuple[str, ...] = tuple(LABELS["closure"])
ROLES: tuple[str, ...] = tuple(LABELS["role"])
IP_TYPES: tuple[str, ...] = tuple(LABELS["ip_type"])
ORG_KINDS: tuple[str, ...] = tuple(LABELS["org_kind"])


def label(kind: str, code: str | None, locale: str | None = None) -> str:
    """The label of ``code`` in the current (or given) language; the code itself when unknown."""
    if code is None:
        return ""
    pair = LABELS.get(kind, {}).get(code)
    if pair is None:
        return code
    if locale is None:
        from flask_babel import get_locale

        locale = str(get_locale() or "zh")
    lang = locale
    return pair[1] if lang.startswith("en") else pair[0]
