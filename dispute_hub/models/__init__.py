"""Models shared by every feature package."""

from .accounts import ORG_ROLES, ROLES, MediatorProfile, User
from .audit import AUDIT_KINDS, AuditEntry
from .cases import (
    CLOSURES,
    PARTY_KINDS,
    PARTY_ROLES,
    STATUSES,
    CourtProceeding,
    Dispute,
    Evidence,
    IPRight,
    Party,
    TrackingCounter,
)
from .events import CaseEvent, ChainReport, append_event, verify_chain
from .mediation import (
    DOCUMENT_KINDS,
    CaseDocument,
    DocumentSignature,
    JudicialConfirmation,
    MediationSession,
    Notification,
)
from .outbox import SearchOutbox, enqueue_index
from .reference import CHANNELS, ORG_KINDS, District, Organization
from .rollup import StatsDay, StatsDirtyDay, StatsRollupState
from .routing import ClassificationCorrection, RuleTableVersion
from .tokens import SCOPES, ApiToken, find_token, issue_token
from .types import UTCDateTime, utcnow

__all__ = [
    "AUDIT_KINDS", "AuditEntry",
    "ClassificationCorrection", "RuleTableVersion",
    "DOCUMENT_KINDS", "CaseDocument", "DocumentSignature", "JudicialConfirmation", "MediationSession", "Notification",
    "SCOPES", "ApiToken", "find_token", "issue_token",
    "CHANNELS", "CLOSURES", "ORG_KINDS", "ORG_ROLES", "PARTY_KINDS", "PARTY_ROLES", "ROLES", "STATUSES",
    "CaseEvent", "ChainReport", "CourtProceeding", "Dispute", "District", "Evidence", "IPRight",
    "MediatorProfile", "Organization", "Party", "SearchOutbox", "TrackingCounter", "User", "UTCDateTime",
    "append_event", "enqueue_index", "utcnow", "verify_chain",
    "StatsDay", "StatsDirtyDay", "StatsRollupState",
]
