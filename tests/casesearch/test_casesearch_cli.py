"""`flask similar` for bulk evaluation and `flask reindex`: stdout carries only the result lines."""

from __future__ import annotations

import json

import sqlalchemy as sa

from dispute_hub.casesearch.models import RespondentLink
from dispute_hub.models import SearchOutbox, enqueue_index


def test_similar_writes_one_line_per_input_line(app, db, make, indexed_case, tmp_path):
    org = make.org()
    design = indexed_case(org, "design", external_id="court-2024-17")
    indexed_case(org, "soft")
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "q1", "text": "有人在淘宝销售和我们外观设计专利近似的四件套"}, ensure_ascii=False) + "\n\n"
        + "not json\n" + json.dumps({"id": 7}) + "\n", encoding="utf-8")

    result = app.test_cli_runner().invoke(args=["similar", str(source), "--k", "1"])

    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0] == {"id": "q1", "hits": [{"tracking_no": design.tracking_no, "external_id": "court-2024-17",
                                              "score": lines[0]["hits"][0]["score"]}]}
    assert lines[0]["hits"][0]["score"] > 0
    assert lines[1]["line"] == 3 and "JSON" in lines[1]["error"]
    assert lines[2] == {"id": 7, "line": 4, "error": "text is required and must be a string"}
    assert "similar: 1 answered, 2 with errors" in result.stderr


def test_reindex_rebuilds_links_and_settles_the_outbox_idempotently(app, db, make, search):
    org = make.org()
    cases = [make.dispute(org, description="被申请人销售假冒注册商标的枕套。") for _ in range(3)]
    enqueue_index(cases[0].id)
    db.session.flush()
    # the row is committed without a drain, as when the backend was down
    db.session.info.pop("search_outbox_written", None)
    db.session.execute(sa.update(SearchOutbox).values(attempts=1, last_error="down"))
    db.session.commit()
    assert search.count() == 0

    runner = app.test_cli_runner()
    first = runner.invoke(args=["reindex"])
    second = runner.invoke(args=["reindex"])

    assert first.exit_code == 0 and second.exit_code == 0, first.stderr
    assert first.stdout == "" and "reindex" in first.stderr
    assert search.count() == 3 and search.search("枕套").total == 3
    assert db.session.execute(sa.select(sa.func.count()).select_from(RespondentLink)).scalar_one() == 3
    assert db.session.execute(sa.select(SearchOutbox.processed_at)).scalar_one() is not None
