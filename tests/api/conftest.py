"""API test fixtures: reference data, a valid filing body with computed check characters, tokens."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dispute_hub.models import User, issue_token
from tests.support.filings import BODY, patent, uscc  # noqa: F401  (re-exported for the API tests)
from tests.support.filings import filing_body as build_filing_body


@pytest.fixture
def filing_body() -> Callable[..., dict]:
    """``filing_body(**top_level_changes)``: a fresh valid filing."""
    return build_filing_body


@pytest.fixture
def bearer(db) -> Callable[..., dict]:
    """``bearer(user, *scopes)``: issue and commit a token; returns the request headers that carry it."""

    def issue(user: User, *scopes: str, name: str = "叠石桥家纺城电商平台知识产权保护系统") -> dict:
        _row, secret = issue_token(user, name, list(scopes))
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return issue


@pytest.fixture
def integrator(db, make) -> User:
    """The account an e-commerce platform files with (a claimant acting for its merchants)."""
    user = make.user("claimant", email="ipr@dieshiqiao.example.com", name="叠石桥家纺城电商平台")
    db.session.commit()
    return user
