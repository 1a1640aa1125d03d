"""DisputeFacts: the immutable facts routing decides on, built from a filing and its classification."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from .classification import Classification
from .signals import HOME_COUNTRY, as_date, parties


@dataclass(frozen=True, slots=True)
class DisputeFacts:
    """What routing looks at; built by ``facts_from_filing`` (or directly, in tests)."""

    is_ip: bool = True
    ip_type: str | None = None
    patent_kind: str | None = None
    nature: str | None = None
    cause_name: str | None = None
    cause_code: str | None = None
    right_number: str | None = None
    industry: str | None = None
    arbitration_agreement: bool = False
    court_case_no: str | None = None
    court_referral: bool = False
    # the body (court / arbitration / mediation) already handling the dispute, if any
    accepted_by: str | None = None
    claimant_preference: str | None = None
    claimant_country: str | None = None
    respondent_countries: tuple[str, ...] = ()
    damages_claimed: Decimal | None = None
    discovered_on: date | None = None
    filed_on: date | None = None
    language: str = "zh"
    signals: tuple[str, ...] = ()
    confidence: float = 1.0
    classification: Classification | None = None

    @property
    def is_infringement(self) -> bool:
        return self.is_ip and self.nature == "infringement"

    @property
    def court_linked(self) -> bool:
        return bool(self.court_case_no) or self.court_referral

    @property
    def accepted_elsewhere(self) -> bool:
        """Already accepted by another body; the court that refers or holds the case is not "elsewhere"."""
        if not self.accepted_by:
            return False
        return not (self.accepted_by == "court" and self.court_linked)

    @property
    def foreign_party(self) -> bool:
        countries = (self.claimant_country, *self.respondent_countries)
        return any(c and c != HOME_COUNTRY for c in countries)

    def has_signal(self, name: str) -> bool:
        return name in self.signals


def facts_from_filing(filing: Mapping, classification: Classification | None) -> DisputeFacts:
    """Facts of a filing dict (the intake shape) and the classifier's result for it.

    :param filing: ``claimant``, ``respondents``, ``ip_right``, ``industry``, ``arbitration_agreement``,
        ``existing_proceedings`` (``court_case_no``, ``court_referral``, ``accepted_by``),
        ``preferred_channel``, ``damages_claimed``, ``discovered_on``, ``filed_on``, ``language``
    :param classification: the classifier's result; None routes the filing to screening
    """
    c = classification or Classification(is_ip=False)
    proceedings = filing.get("existing_proceedings") or {}
    claimant = filing.get("claimant") or {}
    return DisputeFacts(
        is_ip=c.is_ip, ip_type=c.ip_type, patent_kind=c.patent_kind, nature=c.nature,
        cause_name=c.cause_name, cause_code=c.cause_code,
        right_number=_text((filing.get("ip_right") or {}).get("number")),
        industry=_text(filing.get("industry")) or c.industry,
        arbitration_agreement=_written_agreement(filing.get("arbitration_agreement")),
        court_case_no=_text(proceedings.get("court_case_no") or filing.get("court_case_no")),
        court_referral=bool(proceedings.get("court_referral") or filing.get("court_referral")),
        accepted_by=_accepted_by(proceedings),
        claimant_preference=_text(filing.get("preferred_channel") or filing.get("preference")),
        claimant_country=_country(claimant),
        respondent_countries=tuple(_country(p) or HOME_COUNTRY for path, p in parties(filing)
                                   if path != "claimant"),
        damages_claimed=_amount(filing.get("damages_claimed")),
        discovered_on=as_date(filing.get("discovered_on")),
        filed_on=as_date(filing.get("filed_on") or filing.get("filed_at")),
        language=_text(filing.get("language")) or "zh",
        signals=c.signals, confidence=c.confidence if classification else 0.0, classification=classification,
    )


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _country(party: Mapping) -> str | None:
    return (_text(party.get("country")) or "").upper() or None


def _written_agreement(value: object) -> bool:
    # a bare true, or {"written": true, ...}; an oral agreement does not bind arbitration (仲裁法 Art 16)
    if isinstance(value, Mapping):
        return bool(value.get("written"))
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "written")
    return bool(value)


def _accepted_by(proceedings: Mapping) -> str | None:
    # accepted_by names the body (see vocab.PROCEEDING_BODIES); a bare "accepted" flag means a mediator
    body = _text(proceedings.get("accepted_by"))
    if body is None and proceedings.get("accepted"):
        return "mediation"
    # the intake form names the body in words ("南通市崇川区人民法院", "某仲裁委员会", "某调解委员会")
    named = _text(proceedings.get("accepted_elsewhere"))
    if body is None and named:
        return "court" if "法院" in named or "court" in named.lower() else (
            "arbitration" if "仲裁" in named or "arbitra" in named.lower() else "mediation")
    return body


def _amount(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
