"""`flask --app dispute_hub triage IN.jsonl`: one JSON line per input line on stdout, the rest on stderr."""

from __future__ import annotations

import inspect
import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from dispute_hub.cli.triage import LINE_FIELDS
from dispute_hub.models import Dispute
from tests.support.filings import patent

DESIGN = {
    "id": "dsq-0001",
    "description": "被申请人在拼多多店铺销售与申请人外观设计专利近似的床罩，请求停止销售并赔偿损失。",
    "ip_right": {"type": "patent", "number": patent("202130456781")},
    "industry": "home_textile",
}
LOAN = {"id": 2, "description": "被申请人于去年向我借款五万元，约定三个月内归还，到期后拖欠不还，请求归还借款本金。"}
TRADEMARK = {
    "id": "tm-3",
    "description": "被申请人未经许可在网店销售的服装上使用与申请人注册商标近似的标识，请求停止侵权并赔偿损失。",
    "preferred_channel": "administrative_adjudication",
    "discovered_on": "2019-03-01",
}


def _runner(app) -> CliRunner:
    # click < 8.2 mixes stderr into stdout unless told not to; 8.2+ keeps them apart and has no such option
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return app.test_cli_runner(mix_stderr=False)
    return app.test_cli_runner()


def _lines(*items: object) -> str:
    return "".join((item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)) + "\n" for item in items)


def _triage(app, tmp_path, text: str | bytes, *args: str):
    path = tmp_path / "in.jsonl"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return _runner(app).invoke(args=["triage", str(path), *args])


def _out(result) -> list[dict]:
    """stdout as JSON objects; fails if any stdout line is not one."""
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_good_lines_give_the_listed_fields_in_input_order(app, tmp_path, districts):
    result = _triage(app, tmp_path, _lines(DESIGN, "", LOAN, "   ", TRADEMARK), "--today", "2026-06-01")
    design, loan, trademark = _out(result)
    assert all(list(row) == list(LINE_FIELDS) for row in (design, loan, trademark))
    assert [row["id"] for row in (design, loan, trademark)] == ["dsq-0001", 2, "tm-3"]
    assert design["is_ip"] is True and (design["ip_type"], design["patent_kind"]) == ("patent", "design")
    assert design["cause_name"] == "侵害外观设计专利权纠纷" and "e_commerce" in design["signals"]
    assert (design["channel"], design["organization"], design["rule"]) == (
        "industry_mediation", "nt-hometextile-center", "home-textile-center")
    assert 0 < design["confidence"] <= 1
    assert design["reasons"]["zh"][0].startswith("家纺行业纠纷") and len(design["reasons"]["en"]) == 1

    assert loan["is_ip"] is False and loan["channel"] is None and loan["organization"] is None
    assert loan["rule"] == "not-ip-screening"

    # the chosen rule, then the refused preference, then the time-bar warning; zh and en side by side
    assert trademark["channel"] == "people_mediation" and "possibly_time_barred" in trademark["signals"]
    zh, en = trademark["reasons"]["zh"], trademark["reasons"]["en"]
    assert len(zh) == len(en) == 3
    assert "商标" in zh[1] and "trademark" in en[1] and "time-barred" in en[2]


def test_bad_lines_give_an_error_for_their_id_and_the_run_goes_on(app, tmp_path, districts):
    text = _lines(
        '{"id": "broken", "description": "商标侵权"',
        {"id": "no-facts", "industry": "home_textile"},
        {"description": "对方抄袭了我的软件代码"},
        [1, 2],
        {"id": "bad-number", "description": "专利侵权", "ip_right": {"type": "patent", "number": "ZL202110123456.0"}},
        LOAN,
    )
    rows = _out(_triage(app, tmp_path, text))
    assert [(r["id"], r.get("line")) for r in rows] == [
        (None, 1), ("no-facts", 2), (None, 3), (None, 4), ("bad-number", 5), (2, None)]
    errors = [r for r in rows if "error" in r]
    assert all(set(r) == {"id", "line", "error"} for r in errors)
    assert errors[0]["error"].startswith("not valid JSON")
    assert errors[1]["error"].startswith("description:")
    assert errors[2]["error"] == "id is required"
    assert errors[3]["error"] == "the line is not a JSON object"
    assert errors[4]["error"].startswith("ip_right.number:")
    assert rows[-1]["rule"] == "not-ip-screening"


def test_a_line_that_is_not_utf8_is_reported(app, tmp_path, districts):
    text = "\ufeff".encode() + _lines(LOAN).encode() + b'{"id": "x", "description": "\xb8\xdf"}\n'
    rows = _out(_triage(app, tmp_path, text))
    assert rows[0]["id"] == 2 and "error" not in rows[0]
    assert rows[1] == {"id": None, "line": 2, "error": "the line is not UTF-8 text"}


def test_stdin_and_stdout_carries_only_json_lines(app, districts):
    result = _runner(app).invoke(args=["triage", "-"], input=_lines(DESIGN, "", "not json", LOAN))
    rows = _out(result)
    assert [r["id"] for r in rows] == ["dsq-0001", None, 2]
    assert all(line.startswith("{") for line in result.stdout.splitlines())
    assert "2 triaged, 1 with errors" in result.stderr


def test_a_failure_inside_triage_is_reported_for_its_line(app, tmp_path, districts, monkeypatch):
    from dispute_hub.cli import triage as cli

    real = cli.triage_filing

    def flaky(filing, **kwargs):
        if "崩溃" in filing.description:
            raise RuntimeError("classifier crashed")
        return real(filing, **kwargs)

    monkeypatch.setattr(cli, "triage_filing", flaky)
    rows = _out(_triage(app, tmp_path, _lines({"id": "a", "description": "崩溃"}, LOAN)))
    assert rows[0] == {"id": "a", "line": 1, "error": "internal error: RuntimeError: classifier crashed"}
    assert rows[1]["id"] == 2


@pytest.mark.parametrize("args", [["triage"], ["triage", "/nonexistent/in.jsonl"]])
def test_a_missing_file_is_a_usage_error(app, args):
    assert _runner(app).invoke(args=args).exit_code == 2


def test_triage_writes_nothing(app, db, tmp_path, districts):
    _out(_triage(app, tmp_path, _lines(DESIGN, LOAN, TRADEMARK)))
    assert db.session.execute(sa.select(sa.func.count()).select_from(Dispute)).scalar_one() == 0
