"""The world of the access-control matrix: two organisations, one account of each role, three cases with
everything their URLs name, and visitors who unlocked a case with a code; what each may open, stated by hand."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from dispute_hub.casesearch.entities import link_respondents
from dispute_hub.casesearch.models import RespondentLink
from dispute_hub.intake.evidence import UploadLimits, attach_evidence, store_upload
from dispute_hub.models import (
    CaseDocument,
    CourtProceeding,
    JudicialConfirmation,
    RuleTableVersion,
    enqueue_index,
    issue_token,
    utcnow,
)
from tests.support.factories import Factories

ALLOW, FORBIDDEN, NOT_FOUND, LOGIN = "allow", "403", "404", "login"
CASES = ("A", "B", "C")
ACCESS_CODE, INVITE_CODE = "ABCD-EFGH", "WXYZ-2345"
# a tiny but real PDF, so that content sniffing stores it as evidence
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%%EOF\n"

# visitor -> the role of their account (None: not logged in)
ROLE = {
    "claimant1": "claimant", "claimant2": "claimant", "respondent": "respondent",
    "mediator_a": "mediator", "mediator_b": "mediator", "org_admin": "org_admin",
    "liaison": "liaison", "admin": "admin",
    "anonymous": None, "portal": None, "invitee": None,
}
VISITORS = tuple(ROLE)
# The cases of the world, written out: A is org A's and claimant1's, with the respondent account as a
# party; B is org B's and claimant2's; C is org A's and claimant2's.
CLAIMANT_OF = {"A": "claimant1", "B": "claimant2", "C": "claimant2"}
RESPONDENT_OF = {"A": "respondent"}
# Which cases each visitor's login (or portal code) opens, from DESIGN.md §1 — written by hand, never computed
# with dispute_hub.permissions. "portal" unlocked A with its access code; "invitee" unlocked A's respondent
# with the invitation code, which opens the respondent portal and the documents only.
SCOPE: dict[str, frozenset[str]] = {
    "claimant1": frozenset("A"), "claimant2": frozenset("BC"), "respondent": frozenset("A"),
    "mediator_a": frozenset("AC"), "mediator_b": frozenset("B"), "org_admin": frozenset("AC"),
    "liaison": frozenset("ABC"), "admin": frozenset("ABC"),
    "anonymous": frozenset(), "portal": frozenset("A"), "invitee": frozenset(),
}
# cases whose title and party names a visitor may meet anywhere (the invitee sees A in the respondent portal)
SEES = {**SCOPE, "invitee": frozenset("A")}
# action of dispute_hub.permissions.ACTIONS -> roles that take it on a case in their scope (DESIGN.md §1)
ACTION_ROLES = {
    "view": {"claimant", "respondent", "mediator", "org_admin", "liaison", "admin"},
    "download_evidence": {"claimant", "respondent", "mediator", "org_admin", "liaison", "admin"},
    "work": {"mediator", "org_admin", "admin"},
    "manage": {"org_admin", "admin"},
    "record_outcome": {"liaison", "admin"},
}
PORTAL_ACTIONS = {"view", "download_evidence"}
SEARCH_ROLES = {"mediator", "org_admin", "liaison", "admin"}
ALL_CASES_ROLES = {"liaison", "admin"}
# URL arguments that name something of one case
CASE_ARGS = {"tracking_no", "evidence_id", "document_id", "proceeding_id", "confirmation_id", "entity_id"}


# -- policies: who may reach an endpoint, stated per visitor and case -----------------------------------------

class Policy:
    """Who may reach an endpoint, and the request that proves it.

    :param values: URL arguments beyond those the world supplies
    :param query: query string of every request
    :param data: form body of a POST, chosen so that an allowed request is refused by validation
    :param json: JSON body of a POST (API)
    :param ends_session: the request logs the visitor out (log in again after it)
    :param lists: the page lists cases: an allowed answer shows every case the visitor may open
    """

    case_scoped = False  # the URL names a case (the matrix tries it on every case of the world)

    def __init__(self, *, values: dict | None = None, query: dict | None = None, data: dict | None = None,
                 json: object = None, ends_session: bool = False, lists: bool = False) -> None:
        self.values, self.query, self.data = values or {}, query or {}, data or {}
        self.json, self.ends_session, self.lists = json, ends_session, lists

    def expect(self, who: str, case: str | None) -> str:
        raise NotImplementedError


class Public(Policy):
    """Anyone, logged in or not."""

    def expect(self, who, case):
        return ALLOW


class LoggedIn(Policy):
    """Any logged-in user; what they then see is filtered by their scope."""

    def expect(self, who, case):
        return LOGIN if ROLE[who] is None else ALLOW


class Roles(Policy):
    """Only the roles listed (403 for the other roles)."""

    def __init__(self, *roles: str, **kw) -> None:
        super().__init__(**kw)
        self.roles = roles

    def expect(self, who, case):
        if ROLE[who] is None:
            return LOGIN
        return ALLOW if ROLE[who] in self.roles else FORBIDDEN


class Case(Policy):
    """An action of permissions.ACTIONS on the case in the URL: 404 outside the visitor's scope, 403 inside it
    when the role may not take the action.

    :param login: anonymous visitors go to the login page (401 in the API) before the case is looked up
    :param roles: a role check that comes before the case is looked up
    """

    case_scoped = True

    def __init__(self, action: str, *, login: bool = True, roles: tuple[str, ...] | None = None, **kw) -> None:
        super().__init__(**kw)
        self.action, self.login, self.roles = action, login, roles

    def expect(self, who, case):
        role = ROLE[who]
        if role is None and self.login:
            return LOGIN
        if self.roles is not None and role not in self.roles:
            return FORBIDDEN
        if case not in SCOPE[who]:
            return NOT_FOUND
        if role in ACTION_ROLES[self.action] or (who == "portal" and self.action in PORTAL_ACTIONS):
            return ALLOW
        return FORBIDDEN


class ClaimantPortal(Policy):
    """The claimant's side of a case: its logged-in claimant, or a visitor who unlocked it with the access code."""

    case_scoped = True

    def expect(self, who, case):
        if case not in SCOPE[who]:
            return NOT_FOUND
        return ALLOW if who == "portal" or ROLE[who] == "claimant" else FORBIDDEN


class RespondentPortal(Policy):
    """Only the visitor who opened the case with the respondent's invitation code; 404 for everyone else."""

    case_scoped = True

    def expect(self, who, case):
        return ALLOW if who == "invitee" and case == "A" else NOT_FOUND


class CaseDocuments(Policy):
    """A case document: whoever may view the case, or its invited respondent; ``sign``: its parties only."""

    case_scoped = True

    def __init__(self, *, sign: bool = False, **kw) -> None:
        super().__init__(**kw)
        self.sign = sign

    def expect(self, who, case):
        if who == "invitee" and case == "A":
            return ALLOW
        if case not in SCOPE[who]:
            return NOT_FOUND
        if not self.sign:
            return ALLOW
        party = who in (CLAIMANT_OF[case], RESPONDENT_OF.get(case)) or (who == "portal" and case == "A")
        return ALLOW if party else FORBIDDEN


class RespondentHistory(Policy):
    """A respondent's case history: search roles; 404 unless one of its cases is in scope (liaison and admin
    see every respondent)."""

    case_scoped = True

    def expect(self, who, case):
        role = ROLE[who]
        if role is None:
            return LOGIN
        if role not in SEARCH_ROLES:
            return FORBIDDEN
        return ALLOW if role in ALL_CASES_ROLES or case in SCOPE[who] else NOT_FOUND


# -- the world ----------------------------------------------------------------------------------------------

@dataclass
class World:
    emails: dict = field(default_factory=dict)  # visitor -> login
    numbers: dict = field(default_factory=dict)  # "A" -> tracking number
    ids: dict = field(default_factory=dict)  # "A" -> URL values of the case
    common: dict = field(default_factory=dict)  # URL values that name nothing of a case
    tokens: dict = field(default_factory=dict)  # visitor -> API token secret
    secrets: dict = field(default_factory=dict)  # "A" -> title and party names

    def values(self, case: str | None) -> dict:
        return {**self.common, **(self.ids[case] if case else {})}


def _case(make: Factories, db, key: str, org, claimant, mediator, respondent=None):
    dispute = make.dispute(org, claimant=claimant, respondent=respondent, status="in_mediation",
                           mediator_id=mediator.id, accepted_at=utcnow(), title=f"案件{key} Secret-Title-{key}7q",
                           cause_name="侵害外观设计专利权纠纷")
    for party in dispute.parties:
        party.name = f"{'申请人' if party.role == 'claimant' else '被申请人'} Secret-{party.role}-{key}7q 有限公司"
    limits = UploadLimits.from_config()
    attach_evidence(dispute, store_upload(io.BytesIO(PDF), f"evidence-{key}.pdf", limits=limits))
    stored = store_upload(io.BytesIO(PDF), "agreement.pdf", limits=limits, field="document")
    document = CaseDocument(dispute_id=dispute.id, kind="mediation_agreement", title="调解协议书",
                            html="<html><body><p>调解协议书</p></body></html>", pdf_stored_name=stored.stored_name,
                            sha256=stored.sha256, status="issued")
    proceeding = CourtProceeding(dispute=dispute, court_case_no=f"（2026）苏06民初{ord(key)}号", court_name="南通中院")
    db.session.add_all([document, proceeding])
    db.session.flush()
    confirmation = JudicialConfirmation(dispute_id=dispute.id, document_id=document.id,
                                        window_ends_on=(utcnow() + timedelta(days=30)).date())
    db.session.add(confirmation)
    db.session.flush()
    enqueue_index(dispute.id)
    return dispute, {"tracking_no": dispute.tracking_no, "evidence_id": dispute.evidence[0].id,
                     "document_id": document.id, "proceeding_id": proceeding.id,
                     "confirmation_id": confirmation.id}


def build_world(db) -> World:
    """Create and commit the world (each object an allowed visitor needs to get past every check)."""
    make = Factories(db)
    org_a, org_b = make.org("org-a"), make.org("org-b")
    orgs = {"mediator_a": org_a, "mediator_b": org_b, "org_admin": org_a}
    world = World()
    p = {who: make.user(role, orgs.get(who), name=f"用户 {who}") for who, role in ROLE.items() if role}
    cases = {}
    for key, org, claimant, mediator, respondent in (
            ("A", org_a, p["claimant1"], p["mediator_a"], p["respondent"]),
            ("B", org_b, p["claimant2"], p["mediator_b"], None),
            ("C", org_a, p["claimant2"], p["mediator_a"], None)):
        cases[key], world.ids[key] = _case(make, db, key, org, claimant, mediator, respondent)
        world.secrets[key] = [cases[key].title, *(party.name for party in cases[key].parties)]
        world.numbers[key] = cases[key].tracking_no
    world.emails = {who: user.email for who, user in p.items()}
    case_a = cases["A"]
    case_a.access_code_hash = generate_password_hash(ACCESS_CODE)
    invited = case_a.parties_in("respondent")[0]
    invited.invite_code_hash, invited.invited_at = generate_password_hash(INVITE_CODE), utcnow()
    # a stored version that no longer validates: activating it is refused without changing anything
    version = RuleTableVersion(version="matrix-broken", source="rules: [", active=False)
    db.session.add(version)
    db.session.flush()
    for who, user in p.items():
        world.tokens[who] = issue_token(user, "matrix", ["filings:write", "filings:read", "triage", "cases:read"])[1]
    world.common = {"org_id": org_a.id, "user_id": p["claimant1"].id, "version_id": version.id, "code": "xx",
                    "action": "accept", "fmt": "csv"}
    db.session.commit()
    _link_respondents(db, world, cases)
    return world


def _link_respondents(db, world: World, cases: dict) -> None:
    """Respondent entities for the respondent-history pages (the outbox drain would link them too)."""
    link_respondents(cases.values())
    db.session.commit()
    for key, dispute in cases.items():
        world.ids[key]["entity_id"] = db.session.execute(
            sa.select(RespondentLink.entity_id).where(RespondentLink.dispute_id == dispute.id)).scalar_one()


def csrf_token(client, path: str = "/login") -> str | None:
    """The CSRF token of this client's session, read from a page's form (None when CSRF is off)."""
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return found.group(1) if found else None


def unlock(client, world: World, who: str) -> None:
    """Log ``who`` in, or unlock case A with its access or invitation code."""
    number = world.numbers["A"]
    if who == "portal":
        path, data = "/track", {"tracking_no": number, "access_code": ACCESS_CODE}
    elif who == "invitee":
        path, data = "/cases/respond", {"tracking_no": number, "invite_code": INVITE_CODE}
    elif ROLE[who] is not None:
        path, data = "/login", {"email": world.emails[who], "password": "correct-horse-battery"}
    else:
        return
    token = csrf_token(client, path)
    response = client.post(path, data={**data, **({"csrf_token": token} if token else {})})
    assert response.status_code == 302, (who, response.status_code)


def serve_world(request, tmp_path_factory, **config):
    """Module fixture body: one app and one world per database (``request.param``: sqlite or postgresql)."""
    from dispute_hub import create_app
    from dispute_hub.extensions import db
    from tests.conftest import IsolatedClient
    from tests.support.databases import wipe

    url = request.getfixturevalue(f"{request.param}_url")
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "INSTANCE_DIR": str(tmp_path_factory.mktemp("world") / "instance"),
                      "SERVER_NAME": "localhost", "TASKS_RAISE": True, **config})
    app.test_client_class = IsolatedClient
    with app.app_context():
        wipe(db.engine)
        world = build_world(db)
        db.session.remove()
        yield app, world
        db.session.remove()
        wipe(db.engine)
        db.engine.dispose()


# -- judging a response ---------------------------------------------------------------------------------------

def outcome(response) -> str:
    """ALLOW, FORBIDDEN, NOT_FOUND or LOGIN; a server error is returned as its code (never expected)."""
    code = response.status_code
    if code == 401:
        return LOGIN
    if code in (301, 302, 303, 307) and urlsplit(response.headers.get("Location", "")).path == "/login":
        return LOGIN
    if code in (403, 404):
        return str(code)
    return f"error {code}" if code >= 500 else ALLOW


def leaked(body: str, secrets: list[str]) -> list[str]:
    """The secrets that ``body`` shows, as text or JSON-escaped."""
    return [s for s in secrets if s in body or json.dumps(s)[1:-1] in body]


SNAPSHOT = sa.text(
    "SELECT (SELECT count(*) FROM disputes), (SELECT count(*) FROM parties), (SELECT count(*) FROM evidence),"
    " (SELECT count(*) FROM case_events), (SELECT count(*) FROM case_documents),"
    " (SELECT count(*) FROM document_signatures), (SELECT count(*) FROM court_proceedings),"
    " (SELECT count(*) FROM mediation_sessions), (SELECT count(*) FROM users),"
    " (SELECT count(*) FROM organizations), (SELECT count(*) FROM rule_table_versions),"
    " (SELECT coalesce(sum(version), 0) FROM disputes),"
    " (SELECT count(*) FROM judicial_confirmations WHERE applied_on IS NOT NULL),"
    " (SELECT count(*) FROM rule_table_versions WHERE active)"
)


def snapshot(engine) -> tuple:
    """Row counts and versions that any write of the matrix's requests would change."""
    with engine.connect() as connection:
        return tuple(connection.execute(SNAPSHOT).one())
