"""Case-search fixtures: the app's embedded backend, cases that are indexed, a backend that fails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from dispute_hub.casesearch.backend import search_state
from dispute_hub.models import Dispute, Party, enqueue_index
from search import SearchBackend, SearchError
from search.embedded import EmbeddedBackend

FILED = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)

# Three kinds of dispute; within a kind the stories share their key terms.
TEXTS = {
    "design": "被申请人在淘宝网店销售与申请人外观设计专利近似的床上用品四件套，花型整体视觉效果无实质性差异。",
    "design2": "被投诉人在淘宝店铺销售的四件套花型与涉案外观设计专利近似，构成外观设计侵权，请求停止销售。",
    "mark": "被申请人在拼多多销售假冒申请人注册商标的毛巾，侵犯注册商标专用权，请求下架侵权链接并赔偿。",
    "soft": "被申请人未经许可复制安装申请人开发的家纺ERP管理软件用于经营，侵犯计算机软件著作权。",
}


class FailingBackend(EmbeddedBackend):
    """The real embedded index, except that every write fails as an unreachable server would."""

    def bulk_index(self, documents, **_kw) -> int:
        list(documents)
        raise SearchError("search server unreachable")

    def index(self, document) -> None:
        raise SearchError("search server unreachable")

    def delete(self, doc_id: str) -> None:
        raise SearchError("search server unreachable")


@pytest.fixture
def search(app) -> SearchBackend:
    """The app's own backend: the embedded index in the test's instance folder."""
    return search_state().backend


@pytest.fixture
def failing_search(app):
    """Make the app's backend fail on every write; yields the state, restores a working backend after."""
    state = search_state()
    state.replace(FailingBackend(app.config["SEARCH_DIR"], lock_timeout=1.0))
    yield state
    state.replace(None)


@pytest.fixture
def indexed_case(db, make) -> Callable[..., Dispute]:
    """``indexed_case(org, kind, respondent=..., **fields)``: a case committed with its outbox row, so the
    inline drain indexes it (and links its respondent) right after the commit."""

    def create(org, kind: str = "design", *, respondent: str | None = None, id_number: str | None = None,
               **fields) -> Dispute:
        fields.setdefault("filed_at", FILED)
        if fields.get("closure") and "closed_at" not in fields:
            fields["closed_at"] = fields["filed_at"] + timedelta(days=20)
        dispute = make.dispute(org, description=TEXTS[kind], **fields)
        if respondent is not None:
            for party in dispute.parties_in("respondent"):
                dispute.parties.remove(party)
            from dispute_hub.intake.normalize import normalize_party_name

            dispute.parties.append(Party(role="respondent", kind="company", name=respondent,
                                         name_normalized=normalize_party_name(respondent), id_number=id_number))
        db.session.flush()
        enqueue_index(dispute.id)
        db.session.commit()
        return dispute

    return create
