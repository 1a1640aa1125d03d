"""Rules admin: the table in force, versions saved and activated, dry runs that save nothing; admins only."""

from __future__ import annotations

import copy
import re

import pytest
import sqlalchemy as sa

from dispute_hub.models import Dispute, RuleTableVersion
from dispute_hub.routing import rules_store
from dispute_hub.routing.rules_store import active_ruleset
from dispute_hub.routing.ruleset import load_rules
from tests.routing.test_routing_whatif import HOME_TEXTILE, PHOTOS, edited_table, file_and_route, without_rule

WITHOUT_TEXTILE = edited_table(without_rule("home-textile-center"), version="v2-no-textile")


@pytest.fixture(autouse=True)
def fresh_rules_cache():
    rules_store.clear_cache()
    yield
    rules_store.clear_cache()


@pytest.fixture
def admin(db, make, auth, districts):
    user = make.user("admin")
    db.session.commit()
    auth.login(user)
    return user


def version_count(db) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(RuleTableVersion)).scalar_one()


def decisions(db) -> dict[int, dict]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(Dispute.id, Dispute.routing_decision)).all())


def save(client, text: str, note: str = "test"):
    return client.post("/admin/rules/versions", data={"source": text, "note": note, "last": "200"})


def saved(db, version: str) -> RuleTableVersion:
    return db.session.execute(sa.select(RuleTableVersion).where(RuleTableVersion.version == version)).scalar_one()


ENDPOINTS = [
    ("get", "/admin/rules/"), ("get", "/admin/rules/edit"), ("post", "/admin/rules/dry-run"),
    ("post", "/admin/rules/versions"), ("post", "/admin/rules/versions/1/activate"),
    ("post", "/admin/rules/repository/activate"),
]


@pytest.mark.parametrize("role", ["claimant", "respondent", "mediator", "org_admin", "liaison"])
def test_only_admins_may_open_any_rules_view(client, db, make, auth, role):
    org = make.org() if role in ("mediator", "org_admin") else None
    stored = RuleTableVersion(version="v9", source=edited_table(version="v9"), active=False)
    db.session.add(stored)
    user = make.user(role, org=org)
    db.session.commit()
    auth.login(user)
    for method, url in ENDPOINTS:
        response = getattr(client, method)(url.replace("/1/", f"/{stored.id}/"),
                                           data={"source": WITHOUT_TEXTILE, "last": "5"})
        assert response.status_code == 403, (method, url)
    db.session.refresh(stored)
    assert stored.active is False and version_count(db) == 1


def test_anonymous_visitors_are_sent_to_the_login(client):
    for method, url in ENDPOINTS:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)


def test_the_page_lists_the_rules_of_the_shipped_table(client, admin):
    page = client.get("/admin/rules/").get_data(as_text=True)
    assert "rules-v1.yaml" in page
    shipped = load_rules()
    for rule in shipped:
        assert f"<code>{rule.id}</code>" in page
        assert rule.description_zh in page
    assert "industry_in(industries=home_textile)" in page
    assert "nt-hometextile-center" in page


def test_the_editor_starts_from_the_table_in_force(client, db, admin):
    page = client.get("/admin/rules/edit").get_data(as_text=True)
    assert "# Routing rules, version 1" in page and 'name="csrf_token"' in page
    save(client, WITHOUT_TEXTILE)
    client.post(f"/admin/rules/versions/{saved(db, 'v2-no-textile').id}/activate")
    page = client.get("/admin/rules/edit").get_data(as_text=True)
    assert "version: v2-no-textile" in page and "# Routing rules" not in page
    page = client.get("/admin/rules/edit?version=repository").get_data(as_text=True)
    assert "# Routing rules, version 1" in page
    assert client.get("/admin/rules/edit?version=999").status_code == 404


def _unknown_predicate(doc):
    doc["rules"][8]["conditions"].append({"predicate": "moon_phase"})


def _duplicate_id(doc):
    doc["rules"].append(copy.deepcopy(doc["rules"][-1]))


def _unknown_channel(doc):
    doc["rules"][-1]["channel"] = "carrier_pigeon"


@pytest.mark.parametrize(("change", "rule", "field", "problem"), [
    (_unknown_predicate, "home-textile-center", "conditions[1].predicate", "unknown predicate"),
    (_duplicate_id, "people-mediation", "id", "duplicate id"),
    (_unknown_channel, "people-mediation", "channel", "unknown channel"),
])
@pytest.mark.parametrize("action", ["/admin/rules/dry-run", "/admin/rules/versions"])
def test_a_broken_table_shows_the_rule_and_field_and_saves_nothing(client, db, admin, action, change, rule,
                                                                      field, problem):
    response = client.post(action, data={"source": edited_table(change), "note": "broken", "last": "200"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"<code>{rule}</code>" in page and f"<code>{field}</code>" in page and problem in page
    assert version_count(db) == 0


def test_a_dry_run_shows_the_cases_that_move_and_saves_nothing(client, db, admin, districts):
    cases = [file_and_route(db, districts, body) for body in (HOME_TEXTILE, PHOTOS, HOME_TEXTILE)]
    assert [d.channel for d in cases] == ["industry_mediation", "people_mediation", "industry_mediation"]
    before = copy.deepcopy(decisions(db))

    response = client.post("/admin/rules/dry-run", data={"source": WITHOUT_TEXTILE, "last": "200"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    moved = re.findall(r'<a href="[^"]*/cases/(NTIP-[0-9-]+)"', page)
    assert sorted(moved) == sorted([cases[0].tracking_no, cases[2].tracking_no])
    assert cases[1].tracking_no not in page
    assert "3 件中有 2 件会改变去向" in page
    assert "<td>2</td><td>0</td><td>−2</td>" in page  # industry mediation
    assert "<td>1</td><td>3</td><td>+2</td>" in page  # people's mediation

    assert version_count(db) == 0
    assert decisions(db) == before


def test_the_dry_run_replays_only_the_last_n_filings(client, db, admin, districts):
    for body in (HOME_TEXTILE, HOME_TEXTILE, PHOTOS):
        file_and_route(db, districts, body)
    page = client.post("/admin/rules/dry-run", data={"source": WITHOUT_TEXTILE, "last": "2"}).get_data(as_text=True)
    assert "2 件中有 1 件会改变去向" in page
    response = client.post("/admin/rules/dry-run", data={"source": WITHOUT_TEXTILE, "last": "0"})
    assert response.status_code == 400


def test_save_then_activate_puts_the_new_table_in_force(client, db, admin, districts, monkeypatch):
    assert active_ruleset().version == "v1"
    response = save(client, WITHOUT_TEXTILE, note="textile centre closed for the holiday")
    assert response.status_code == 302, response.get_data(as_text=True)
    row = saved(db, "v2-no-textile")
    assert row.active is False and row.created_by_id == admin.id and row.note.startswith("textile")
    assert active_ruleset().version == "v1"  # saving alone changes nothing

    assert client.post(f"/admin/rules/versions/{row.id}/activate").status_code == 302
    rules = active_ruleset()
    assert rules.version == "v2-no-textile" and "home-textile-center" not in {r.id for r in rules}
    assert active_ruleset() is rules  # compiled once per activation
    page = client.get("/admin/rules/").get_data(as_text=True)
    assert "v2-no-textile" in page and "home-textile-center" not in page.split("<h2>")[1]

    # once services.active_rules is switched to active_ruleset, new filings are routed by it
    from dispute_hub.routing import services

    monkeypatch.setattr(services, "active_rules", active_ruleset)
    dispute = file_and_route(db, districts, HOME_TEXTILE)
    assert dispute.channel == "people_mediation"
    assert dispute.routing_decision["rules_version"] == "v2-no-textile"


def test_activating_another_version_deactivates_the_first(client, db, admin):
    assert save(client, WITHOUT_TEXTILE).status_code == 302
    assert save(client, edited_table(version="v3-same-as-v1")).status_code == 302
    first, second = saved(db, "v2-no-textile"), saved(db, "v3-same-as-v1")
    client.post(f"/admin/rules/versions/{first.id}/activate")
    assert active_ruleset().version == "v2-no-textile"
    client.post(f"/admin/rules/versions/{second.id}/activate")
    db.session.expire_all()
    assert [v.version for v in db.session.execute(
        sa.select(RuleTableVersion).where(RuleTableVersion.active.is_(True))).scalars()] == ["v3-same-as-v1"]
    assert active_ruleset().version == "v3-same-as-v1"

    client.post(f"/admin/rules/versions/{first.id}/activate")  # back again: the key changed, so reloaded
    assert active_ruleset().version == "v2-no-textile"
    client.post("/admin/rules/repository/activate")
    assert active_ruleset().version == "v1"
    db.session.expire_all()
    assert db.session.execute(sa.select(RuleTableVersion).where(RuleTableVersion.active.is_(True))).first() is None


def test_a_version_name_cannot_be_reused(client, db, admin):
    assert save(client, WITHOUT_TEXTILE).status_code == 302
    again = save(client, edited_table(version="v2-no-textile"))
    assert again.status_code == 400 and "already used" in again.get_data(as_text=True)
    shipped = save(client, edited_table(version="v1"))
    assert shipped.status_code == 400 and "already used" in shipped.get_data(as_text=True)
    assert version_count(db) == 1


def test_activating_an_unknown_version_is_404(client, admin):
    assert client.post("/admin/rules/versions/999/activate").status_code == 404


def test_csrf_is_enforced_on_every_post(app, client, db, admin):
    row = RuleTableVersion(version="v9", source=edited_table(version="v9"), active=False)
    db.session.add(row)
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    for url in ("/admin/rules/dry-run", "/admin/rules/versions", f"/admin/rules/versions/{row.id}/activate",
                "/admin/rules/repository/activate"):
        assert client.post(url, data={"source": WITHOUT_TEXTILE, "last": "5"}).status_code == 400, url
    db.session.refresh(row)
    assert row.active is False and version_count(db) == 1

    page = client.get("/admin/rules/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/admin/rules/versions", data={"csrf_token": token, "source": WITHOUT_TEXTILE,
                                                          "last": "200"})
    assert response.status_code == 302
    assert version_count(db) == 2


def test_an_active_version_that_no_longer_validates_is_reported_not_used(client, db, admin):
    from datetime import UTC, datetime

    from dispute_hub.routing.ruleset import RulesError

    broken = RuleTableVersion(version="v7-old", source=edited_table(version="v7-old").replace("industry_in", "gone"),
                              active=True, activated_at=datetime.now(UTC))
    db.session.add(broken)
    db.session.commit()
    with pytest.raises(RulesError, match=r"rule table version v7-old .* unknown predicate 'gone'"):
        active_ruleset()
    page = client.get("/admin/rules/").get_data(as_text=True)
    assert "现行规则表无法加载" in page and "unknown predicate" in page
    assert client.post("/admin/rules/repository/activate").status_code == 302
    assert active_ruleset().version == "v1"
