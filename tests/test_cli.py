"""init-db, seed-demo, create-user and verify-chains."""

from __future__ import annotations

import json

import sqlalchemy as sa

from dispute_hub.models import CaseEvent, Dispute, District, Organization, User


def test_init_db_is_safe_to_run_twice(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert "new organisations: 7" in first.output
    second = runner.invoke(args=["init-db"])
    assert second.exit_code == 0 and "new organisations: 0" in second.output
    assert db.session.execute(sa.select(sa.func.count()).select_from(Organization)).scalar_one() == 7
    assert db.session.execute(sa.select(sa.func.count()).select_from(District)).scalar_one() == 9
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 0
    names = set(db.session.execute(sa.select(Organization.name_zh)).scalars())
    assert {"通州湾江海联动开发示范区人民法院", "南通仲裁委员会", "中国南通（家纺）知识产权快速维权中心"} <= names


def test_seed_demo_creates_realistic_cases_once(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--count", "120"])
    assert result.exit_code == 0, result.output
    for role in ("admin", "liaison", "org_admin", "mediator", "claimant", "respondent"):
        assert role in result.output
    assert "demo-2026" in result.output
    count = db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one()
    assert count == 120
    assert "search index: 120 cases indexed" in result.output  # searchable at once, as make run serves it
    again = runner.invoke(args=["seed-demo", "--count", "120"])
    assert "demo disputes created: 0" in again.output
    assert "search index" not in again.output  # already complete: not rebuilt
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 120

    channels = set(db.session.execute(sa.select(Dispute.channel).distinct()).scalars())
    statuses = set(db.session.execute(sa.select(Dispute.status).distinct()).scalars())
    assert {"people_mediation", "industry_mediation", "litigation_mediation"} <= channels
    assert {"closed", "in_mediation"} <= statuses
    closed_without_date = db.session.execute(
        sa.select(sa.func.count()).select_from(Dispute).where(Dispute.status == "closed", Dispute.closed_at.is_(None))
    ).scalar_one()
    assert closed_without_date == 0
    # every demo case has a consistent history, and tracking numbers follow filing order
    events = db.session.execute(sa.select(sa.func.count()).select_from(CaseEvent)).scalar_one()
    assert events >= count
    verify = runner.invoke(args=["verify-chains"])
    assert verify.exit_code == 0, verify.output
    assert json.loads(verify.output)["checked"] == 120
    ordered = db.session.execute(sa.select(Dispute.tracking_no).order_by(Dispute.filed_at)).scalars().all()
    assert ordered == sorted(ordered, key=lambda n: (n[5:9], n))


def test_seed_demo_is_deterministic(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--count", "30", "--seed", "7"])
    first = db.session.execute(sa.select(Dispute.title, Dispute.channel).order_by(Dispute.id)).all()
    from tests.support.databases import wipe

    db.session.remove()
    wipe(db.engine)
    runner.invoke(args=["seed-demo", "--count", "30", "--seed", "7"])
    second = db.session.execute(sa.select(Dispute.title, Dispute.channel).order_by(Dispute.id)).all()
    assert first == second


def test_demo_login_works(app, client, db):
    app.test_cli_runner().invoke(args=["seed-demo", "--count", "20"])
    response = client.post("/login", data={"email": "mediator@demo.ntip.cn", "password": "demo-2026"})
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200


def test_verify_chains_exits_1_on_tampering(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--count", "10"])
    victim = db.session.execute(sa.select(Dispute).order_by(Dispute.id)).scalars().first()
    db.session.execute(sa.text("UPDATE case_events SET actor_label = 'forger' WHERE dispute_id = :id AND seq = 1"),
                       {"id": victim.id})
    db.session.commit()
    result = runner.invoke(args=["verify-chains"])
    assert result.exit_code == 1
    assert victim.tracking_no in json.loads(result.output)["broken"]


def test_create_user_command(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["init-db"])
    result = runner.invoke(args=["create-user", "--email", "boss@example.com", "--name", "管理员", "--role", "admin"],
                           input="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    user = db.session.execute(sa.select(User).where(User.email == "boss@example.com")).scalar_one()
    assert user.role == "admin" and user.check_password("a-long-password")
    bad = runner.invoke(args=["create-user", "--email", "m@example.com", "--name", "m", "--role", "mediator",
                              "--organization", "nope"], input="a-long-password\na-long-password\n")
    assert bad.exit_code != 0 and "no organisation with code 'nope'" in bad.output


def test_create_api_token_prints_a_secret_that_only_its_hash_remembers(app, db, make):
    from dispute_hub.models import ApiToken, find_token

    user = make.user("claimant", email="platform@example.com")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["create-api-token", "--user", "platform@example.com", "--name",
                                                "电商平台知识产权保护系统", "--scope", "filings:write"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    row = db.session.execute(sa.select(ApiToken)).scalar_one()
    assert secret.startswith("dh_") and secret not in (row.token_hash, row.display_prefix)
    assert find_token(secret).user_id == user.id
    assert row.allows("filings:write") and not row.allows("filings:read")
    assert find_token(secret + "x") is None


def test_seed_demo_fills_an_index_that_lacks_cases(app, db):
    """An installation seeded before its cases were indexed gets them indexed by the next seed-demo."""
    from dispute_hub.cli.search import patient_backend

    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--count", "20"])
    with patient_backend(app.config) as backend:
        backend.clear()
        assert backend.count() == 0
    again = runner.invoke(args=["seed-demo", "--count", "20"])
    assert again.exit_code == 0, again.output
    assert "search index: 20 cases indexed" in again.output
    with patient_backend(app.config) as backend:
        assert backend.count() == 20


def test_seed_demo_keeps_its_cases_when_search_is_down(app, db, monkeypatch):
    from dispute_hub.cli import setup
    from search import SearchError

    def down():
        raise SearchError("elasticsearch: connection refused")

    monkeypatch.setattr(setup, "index_if_behind", down)
    result = app.test_cli_runner().invoke(args=["seed-demo", "--count", "10"])
    assert result.exit_code == 0, result.output
    assert "demo disputes created: 10" in result.output and "reindex" in result.output
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 10
