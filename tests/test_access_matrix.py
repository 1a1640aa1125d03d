"""Access control across every endpoint of the URL map: each visitor × endpoint × method × case gets the
allow or refusal stated by hand below, and no refused response shows a case title or party name."""

from __future__ import annotations

import pytest
from flask import url_for

from tests.support import access
from tests.support.access import (
    Case,
    CaseDocuments,
    ClaimantPortal,
    LoggedIn,
    Public,
    RespondentHistory,
    RespondentPortal,
    Roles,
)

STAFF = ("mediator", "org_admin", "admin")
SEARCH = ("mediator", "org_admin", "liaison", "admin")
STATS = ("liaison", "org_admin", "admin")
STALE = {"version": "-1"}  # a version no case has: an allowed action is refused as a stale case
PROBE = "被申请人在网店销售侵犯外观设计专利权的产品。"  # the world's case facts: similar-case and search probes

# endpoint -> who may reach it. Written by reading each view; a new endpoint fails test_every_endpoint_has_a_policy.
POLICY = {
    "web.home": Public(),
    "web.health": Public(),
    "auth.login": Public(),
    "auth.register": Public(),
    "auth.logout": LoggedIn(ends_session=True),
    "auth.set_language": Public(),
    "intake.new": Public(),
    "intake.done": Public(),
    "intake.track": Public(),
    "intake.track_case": ClaimantPortal(),
    "intake.answer": ClaimantPortal(),
    "intake.add_evidence": ClaimantPortal(),
    "intake.withdraw": ClaimantPortal(),
    "intake.rate": ClaimantPortal(),
    "intake.download_evidence": Case("download_evidence", login=False),
    "mediation.index": LoggedIn(lists=True),
    "mediation.detail": Case("view", login=False),
    "mediation.queue": Roles(*STAFF),
    "mediation.claim": Case("work", roles=("mediator",), data=STALE),
    "mediation.bulk_reassign": Roles("org_admin", "admin"),
    "mediation.act": Case("work"),
    "mediation.correct": Case("work"),
    "mediation.reassign_case": Case("manage"),
    "mediation.generate": Case("work"),
    "mediation.download_document": CaseDocuments(),
    "mediation.sign": CaseDocuments(sign=True),
    "mediation.record_judicial_confirmation": Case("work", data={"jc-applied_on": "2999-12-31"}),
    "mediation.record_court_filing_view": Case("record_outcome"),
    "mediation.record_conclusion_view": Case("record_outcome"),
    "mediation.record_appeal_view": Case("record_outcome"),
    "mediation.import_court_outcomes_view": Roles("liaison", "admin"),
    "mediation.respond": Public(),
    "mediation.respond_case": RespondentPortal(),
    "mediation.respond_answer": RespondentPortal(),
    "mediation.respond_rate": RespondentPortal(),
    "admin.index": Roles("admin"),
    "admin.audit_log": Roles("admin"),
    "admin.new_organization": Roles("admin"),
    "admin.organization": Roles("admin"),
    "admin.new_user": Roles("admin"),
    "admin.user": Roles("admin"),
    "rules_admin.index": Roles("admin"),
    "rules_admin.edit": Roles("admin"),
    "rules_admin.dry_run_view": Roles("admin"),
    "rules_admin.save": Roles("admin"),
    "rules_admin.activate": Roles("admin"),
    "rules_admin.use_repository": Roles("admin", data={"confirm": ""}),
    "casesearch.search": Roles(*SEARCH, query={"q": "外观设计"}, lists=True),
    "casesearch.respondent": RespondentHistory(),
    "stats.dashboard": Roles(*STATS),
    "stats.cases": Roles(*STATS, query={"set": "received"}, lists=True),
    "stats.cases_export": Roles(*STATS, query={"set": "received"}, lists=True),
    "stats.breakdown_export": Roles(*STATS),
    "stats.monthly_report": Roles(*STATS),
    "stats.monthly_report_pdf": Roles(*STATS),
    "api.stats_index": Roles(*STATS),
    "api.openapi_json": Public(),
    "api.triage_preview": Public(json={}),
    "api.filings_create": LoggedIn(json={}),
    "api.filings_detail": Case("view", login=False),
    "api.cases_index": LoggedIn(lists=True),
    "api.cases_detail": Case("view", login=False),
    "api.case_similar": Case("view"),
    "api.text_similar": LoggedIn(json={"text": PROBE}),
}


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=DATABASES)
def world_app(request, tmp_path_factory):
    """One app and one world for the whole module (per database): the requests change nothing."""
    yield from access.serve_world(request, tmp_path_factory)


def _rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.endpoint)


def test_every_endpoint_has_a_policy(world_app):
    app, _world = world_app
    missing = [f"{r.endpoint} ({r.rule})" for r in _rules(app) if r.endpoint not in POLICY]
    assert not missing, ("endpoints nobody has said who may reach: " + ", ".join(missing)
                         + " — add it to the access matrix in tests/test_access_matrix.py")
    stale = sorted(set(POLICY) - {r.endpoint for r in _rules(app)})
    assert not stale, f"matrix entries for endpoints that no longer exist: {stale}"
    for rule in _rules(app):
        names_case = bool(rule.arguments & access.CASE_ARGS)
        assert POLICY[rule.endpoint].case_scoped == names_case, (
            f"{rule.endpoint}: its URL {'names' if names_case else 'does not name'} a case, its policy disagrees")


OBJECT_ARGS = access.CASE_ARGS - {"tracking_no", "entity_id"}
MIXED = "A+B"  # case A's number with case B's evidence, document, proceeding or confirmation


def _requests(app, world):
    """(endpoint, method, case, url, policy) for every endpoint, method and — when the URL names one — case,
    plus, where the URL names an object of the case, case A's number with case B's object."""
    for rule in _rules(app):
        policy = POLICY[rule.endpoint]
        cases = access.CASES if policy.case_scoped else (None,)
        if rule.arguments & OBJECT_ARGS:
            cases = (*cases, MIXED)
        for case in cases:
            values = world.values("B" if case == MIXED else case)
            if case == MIXED:
                values["tracking_no"] = world.numbers["A"]
            values = {k: v for k, v in {**values, **policy.values}.items() if k in rule.arguments}
            with app.test_request_context():
                url = url_for(rule.endpoint, **values, **policy.query)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, case, url, policy


def _expected(policy, who: str, case: str | None) -> str | None:
    """The policy's answer; for another case's object behind a case the visitor may reach: 404 (None: not tried)."""
    if case != MIXED:
        return policy.expect(who, case)
    return access.NOT_FOUND if policy.expect(who, "A") == access.ALLOW else None


def _send(client, method: str, url: str, policy, headers=None):
    # buffered: a streamed body (exports) is read inside the request's own context, as a server would
    if method == "GET":
        return client.get(url, headers=headers, buffered=True)
    if policy.json is not None:
        return client.post(url, json=policy.json, headers=headers, buffered=True)
    return client.post(url, data=policy.data, headers=headers, buffered=True)


def _judge(who: str, label: str, response, expected: str, world, lists: bool = False) -> list[str]:
    got = access.outcome(response)
    problems = [] if got == expected else [f"{label}: expected {expected}, got {got} ({response.status_code})"]
    body = response.get_data().decode("utf-8", "replace")
    if lists and got == access.ALLOW:
        omitted = [key for key in sorted(access.SCOPE[who]) if not access.leaked(body, world.secrets[key][:1])]
        if omitted:
            problems.append(f"{label}: the list omits case(s) {omitted} that the visitor may open")
    hidden = [s for key in access.CASES if got != access.ALLOW or key not in access.SEES[who]
              for s in world.secrets[key]]
    shown = access.leaked(body, hidden)
    if shown:
        problems.append(f"{label}: the {got} response shows {shown}")
    return problems


@pytest.mark.parametrize("who", access.VISITORS)
def test_access_matrix(world_app, who):
    from dispute_hub.extensions import db, limiter

    app, world = world_app
    limiter.reset()
    client = app.test_client()
    access.unlock(client, world, who)
    token_client = app.test_client()
    bearer = {"Authorization": f"Bearer {world.tokens[who]}"} if who in world.tokens else None
    before = access.snapshot(db.engine)
    problems = []
    for endpoint, method, case, url, policy in _requests(app, world):
        label = f"{who} {method} {endpoint} case {case}"
        expected = _expected(policy, who, case)
        if expected is None:
            continue
        problems += _judge(who, label, _send(client, method, url, policy), expected, world, policy.lists)
        if bearer and endpoint.startswith("api."):
            problems += _judge(who, label + " (token)", _send(token_client, method, url, policy, bearer),
                               expected, world, policy.lists)
        if policy.ends_session:
            access.unlock(client, world, who)
        after = access.snapshot(db.engine)
        if after != before:
            problems.append(f"{label}: the request changed the database {before} -> {after}")
            before = after
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
