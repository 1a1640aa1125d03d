"""Setting up and looking after an installation: init-db, seed-demo, create-user, create-api-token, verify-chains."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from search import SearchError

from ..auth.services import AccountError, create_user
from ..extensions import db
from ..models import ROLES, SCOPES, Organization, issue_token
from ..reference import load_reference


def init_database() -> dict[str, int]:
    """Apply all migrations, then upsert the reference data; safe to run again."""
    upgrade()
    created = load_reference()
    db.session.commit()
    return created


def index_if_behind() -> int | None:
    """Index every case when the search index holds fewer documents than there are cases (demo cases are
    written without outbox rows); return how many were indexed, or None when it was complete."""
    from ..casesearch.reindex import count_cases, reindex_all
    from .search import patient_backend

    with patient_backend(current_app.config) as backend:
        if backend.count() >= count_cases():
            return None
        return reindex_all(backend)


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Apply the migrations and load the reference data (no demo cases)."""
    created = init_database()
    click.echo(f"database ready at {_safe_url()}; new districts: {created['districts']}, "
               f"new organisations: {created['organizations']}")


@click.command("seed-demo")
@click.option("--count", default=300, show_default=True, help="demo disputes to create on an empty database")
@click.option("--seed", default=20260101, show_default=True, help="random seed: same seed, same data")
@with_appcontext
def seed_demo_command(count: int, seed: int):
    """Create demo accounts (one per role, printed) and demo disputes once."""
    from ..demo import printed_logins, seed_demo

    load_reference()
    password = current_app.config["DEMO_PASSWORD"]
    created = seed_demo(password, count=count, seed=seed)
    db.session.commit()
    click.echo(f"demo disputes created: {created}" + (" (the database already had disputes)" if not created else ""))
    try:
        indexed = index_if_behind()
    except SearchError as exc:  # the cases are saved; searching them waits for `flask reindex`
        click.echo(f"search index not built ({exc}): run `flask --app dispute_hub reindex` once search is up "
                   "/ 检索索引未建立，检索服务可用后请运行 reindex", err=True)
    else:
        if indexed is not None:
            click.echo(f"search index: {indexed} cases indexed")
    click.echo(f"demo logins (password: {password})")
    for role, email in printed_logins():
        click.echo(f"  {role:<11} {email}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--organization", "org_code", default=None, help="organisation code (mediator, org_admin)")
@click.password_option()
@with_appcontext
def create_user_command(email: str, name: str, role: str, org_code: str | None, password: str):
    """Create an account, e.g. the first platform admin of a production installation."""
    org = None
    if org_code:
        org = db.session.execute(db.select(Organization).where(Organization.code == org_code)).scalar_one_or_none()
        if org is None:
            raise click.BadParameter(f"no organisation with code {org_code!r}", param_hint="--organization")
    try:
        user = create_user(email=email, name=name, password=password, role=role, organization=org)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"created {user.role} {user.email}")


@click.command("verify-chains")
@with_appcontext
def verify_chains_command():
    """Recompute every case's event hash chain; exit 1 and list the cases that were tampered with."""
    from ..tasks import verify_event_chains

    result = verify_event_chains.run()
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    sys.exit(1 if result["broken"] else 0)


@click.command("create-api-token")
@click.option("--user", "email", required=True, help="email of the account the token acts as")
@click.option("--name", required=True, help="who uses it, e.g. the court's case system")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(SCOPES), default=("filings:write", "filings:read"),
              show_default=True)
@with_appcontext
def create_api_token_command(email: str, name: str, scopes: tuple[str, ...]):
    """Issue an API token for an integrator; the secret is printed once and only its hash is kept."""
    from ..auth.services import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.BadParameter(f"no account with email {email!r}", param_hint="--user")
    _row, secret = issue_token(user, name, list(scopes))
    db.session.commit()
    click.echo(secret)


def _safe_url() -> str:
    return db.engine.url.render_as_string(hide_password=True)
