"""Journey d in a real browser: a court liaison officer opens the statistics, sees the closure target missed,
drills down to the cases behind the figure, exports them and opens one (read-only)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.support.browser_data import PEOPLE, history_lines
from tests.support.browser_steps import TRACKING_NO, go, log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def history(live_server, tmp_path_factory):
    """The committee's cases of this year, loaded as an operator loads them: ``flask import-cases FILE``."""
    from dispute_hub.stats.periods import today_in_china

    path = tmp_path_factory.mktemp("history") / "committee-2026.jsonl"
    lines = history_lines(today_in_china().year)
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    result = live_server.app.test_cli_runner().invoke(args=["import-cases", str(path)])
    assert result.exit_code == 0, result.output
    return lines


def test_liaison_sees_a_missed_target_drills_down_and_exports_the_cases(journey, history):
    liaison = journey.actor("liaison")
    log_in(liaison, PEOPLE["liaison"].email)
    page = liaison.page
    go(page, page.get_by_role("link", name="统计", exact=True))
    page.wait_for_url("**/stats/")
    closure = page.locator("article.kpi").filter(has=page.get_by_text("结案率", exact=True))
    assert "missed" in closure.get_attribute("class")
    assert "未达标" in closure.inner_text() and "≥ 95%" in closure.inner_text()
    liaison.shot("dashboard with the closure target missed")

    # the cases behind the figure's denominator: accepted this year or open at its start (a filing withdrawn
    # before acceptance is no case)
    ratio = closure.locator("small.ratio a")
    closed, base = int(ratio.nth(0).inner_text()), int(ratio.nth(1).inner_text())
    assert closed / base < 0.95 and base >= sum(1 for line in history if line.get("accepted_at"))
    go(page, ratio.nth(1))
    assert "set=closure_base" in page.url
    numbers = page.locator("table.data tbody tr td:first-child").all_inner_texts()
    assert len(numbers) == base and all(TRACKING_NO.fullmatch(n) for n in numbers)
    assert f"({base})" in page.locator("h1").inner_text()
    liaison.shot("cases behind the closure rate")

    liaison.watch.expect_download(r"^/stats/cases\.(csv|xlsx)$")
    name, body = liaison.download(lambda: page.get_by_role("link", name="CSV", exact=True).click())
    assert re.fullmatch(r"closure_base-\d{4}-01-01-\d{4}-\d{2}-\d{2}\.csv", name), name
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "案件编号"
    assert sorted(r[0] for r in rows[1:]) == sorted(numbers)

    # a figure's case opens read-only for the liaison: no lifecycle actions, no document forms
    go(page, page.get_by_role("link", name=numbers[0]))
    assert page.locator("h1").inner_text().startswith(numbers[0])
    assert page.locator("section.case-actions").count() == 0
    liaison.shot("a case behind the figure, read-only")
