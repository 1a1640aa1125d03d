"""The classifier's result: what kind of dispute it is, and the evidence for it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Evidence:
    """One phrase or field that counted towards a decision (``target``, e.g. "ip_type:patent")."""

    source: str
    target: str
    phrase: str | None = None
    value: str | None = None
    weight: float | None = None
    reason: str | None = None
    negated: bool = False

    def to_dict(self) -> dict:
        out: dict = {"source": self.source, "target": self.target}
        for key in ("phrase", "value", "weight", "reason"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.negated:
            out["negated"] = True
        return out


@dataclass(frozen=True, slots=True)
class Classification:
    """What the classifier decided about one dispute.

    ``subject`` is the right the dispute concerns (for an IP contract: the right licensed or sold);
    ``nature`` is infringement / contract / ownership / other; ``cause_level`` says whether the cause
    is a third-level item, a numbered cause or only a first-level group of the taxonomy.
    """

    is_ip: bool
    ip_type: str | None = None
    subject: str | None = None
    nature: str | None = None
    patent_kind: str | None = None
    cause_code: str | None = None
    cause_name: str | None = None
    cause_level: str | None = None
    taxonomy_version: str | None = None
    industry: str | None = None
    signals: tuple[str, ...] = ()
    confidence: float = 0.0
    evidence: tuple[Evidence, ...] = ()
    weights_version: str | None = None

    @property
    def is_infringement(self) -> bool:
        return self.is_ip and self.nature == "infringement"

    def has_signal(self, name: str) -> bool:
        return name in self.signals

    def to_dict(self) -> dict:
        """A JSON-ready dict (stored with the case as ``Dispute.classification``)."""
        return {
            "is_ip": self.is_ip, "ip_type": self.ip_type, "subject": self.subject, "nature": self.nature,
            "patent_kind": self.patent_kind, "cause_code": self.cause_code, "cause_name": self.cause_name,
            "cause_level": self.cause_level, "taxonomy_version": self.taxonomy_version,
            "industry": self.industry, "signals": list(self.signals), "confidence": self.confidence,
            "evidence": [e.to_dict() for e in self.evidence], "weights_version": self.weights_version,
        }
