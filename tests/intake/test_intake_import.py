"""Bulk import of historical cases: line checks (pure) and the `import-cases` command (database)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from dispute_hub.intake.importer import BadLine, ImportCase, Lookups, parse_line
from dispute_hub.intake.importer.lines import OrgRef
from dispute_hub.intake.importer.writer import history_steps
from dispute_hub.intake.validators import patent_check_digit, uscc_check_character
from dispute_hub.models import (
    CaseEvent,
    CourtProceeding,
    Dispute,
    IPRight,
    Party,
    SearchOutbox,
    TrackingCounter,
    verify_chain,
)
from dispute_hub.reference import load_reference

PATENT = f"ZL202130123456.{patent_check_digit('202130123456')}"
USCC = "91320602MA1N2L3J7" + uscc_check_character("91320602MA1N2L3J7")
COURT = "通州湾江海联动开发示范区人民法院"
FULL = {
    "external_id": "NTZX-2021-0042",
    "description": "申请人是名称为“床罩（花开富贵）”的外观设计专利权人。被申请人在拼多多销售相同设计的床罩，"
                   "请求停止销售并赔偿。",
    "claimant": {"kind": "company", "name": "南通锦绣家纺有限公司", "id_number": USCC, "phone": "13812345678"},
    "agent": {"kind": "person", "name": "王明", "phone": "13900001111"},
    "respondents": [{"kind": "company", "name": "义乌市佳美日用品有限公司", "online_store": "拼多多“佳美家居”店"}],
    "ip_right": {"type": "patent", "number": PATENT, "title": "床罩（花开富贵）", "owner": "南通锦绣家纺有限公司"},
    "discovered_on": "2021-02-20",
    "district": "崇川区",
    "industry": "home_textile",
    "claims": {"stop": True, "damages": 50000},
    "filed_at": "2021-03-01T09:30:00+08:00",
    "accepted_at": "2021-03-03",
    "closed_at": "2021-04-20T16:00:00+08:00",
    "closure": "referred",
    "channel": "litigation_mediation",
    "organization": COURT,
    "cause_name": "侵害外观设计专利权纠纷",
    "suspended_days": 5,
    "satisfaction": 4,
    "court": {
        "court_case_no": "（2021）苏0691民初1234号", "court_name": COURT, "filed_at": "2021-04-25",
        "first_instance_concluded_at": "2021-08-10", "conclusion_type": "judgment", "served_at": "2021-08-13",
        "appeal_filed_at": "2021-08-20",
    },
}
NOW = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
LOOKUPS = Lookups(
    districts={"chongchuan": "chongchuan", "崇川区": "chongchuan"},
    organizations={
        "tzw-court": OrgRef(1, ("litigation_mediation",)), COURT: OrgRef(1, ("litigation_mediation",)),
        "nt-amr": OrgRef(5, ("administrative_adjudication", "enforcement_referral")),
    },
)
CLOSED = {"filed_at": "2021-03-01", "accepted_at": "2021-03-02", "closed_at": "2021-04-01", "closure": "settled"}


def full(**changes) -> dict:
    data = copy.deepcopy(FULL)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def parse(data: dict) -> ImportCase | BadLine:
    return parse_line(json.dumps(data, ensure_ascii=False).encode(), 7, LOOKUPS, NOW)


# --- the line checks, no database ---------------------------------------------------------------


def test_a_full_line_keeps_every_field():
    case = parse(full())
    assert isinstance(case, ImportCase), case
    h = case.history
    assert h.filed_at == datetime(2021, 3, 1, 1, 30, tzinfo=UTC)
    assert h.accepted_at == datetime(2021, 3, 2, 16, 0, tzinfo=UTC)  # a bare date is Beijing midnight
    assert (h.status, h.closure, h.channel, h.suspended_days, h.satisfaction) == (
        "closed", "referred", "litigation_mediation", 5, 4)
    assert case.organization_id == 1 and case.cause_name == "侵害外观设计专利权纠纷"
    assert case.filing.ip_right.patent_kind == "design" and case.filing.district_code == "chongchuan"
    assert h.court.court_case_no == "（2021）苏0691民初1234号" and h.court.served_at == date(2021, 8, 13)
    # 15 days from service end on Saturday 28 August; the period runs on to Monday
    assert case.appeal_period_ends_on == date(2021, 8, 30) and case.party_abroad is False


def test_a_minimal_line_is_a_case_filed_now():
    case = parse({"external_id": 12, "description": "对方抄袭了我的软件代码"})
    assert isinstance(case, ImportCase), case
    assert case.external_id == "12" and case.history.status == "submitted"
    assert case.history.filed_at == NOW and case.filed_at_inferred


@pytest.mark.parametrize(("text", "expected"), [
    ("2021-03-01", datetime(2021, 2, 28, 16, 0, tzinfo=UTC)),
    ("2021-03-01T09:30:00", datetime(2021, 3, 1, 1, 30, tzinfo=UTC)),
    ("2021-03-01T09:30:00Z", datetime(2021, 3, 1, 9, 30, tzinfo=UTC)),
    ("2021-03-01T09:30:00-05:00", datetime(2021, 3, 1, 14, 30, tzinfo=UTC)),
])
def test_times_are_beijing_time_unless_an_offset_is_given(text, expected):
    case = parse({"external_id": "t", "description": "x", "filed_at": text})
    assert case.history.filed_at == expected and case.history.filed_at.tzinfo == UTC


@pytest.mark.parametrize(("changes", "status", "channel", "filed_at_inferred"), [
    ({"closure": "rejected", "closed_at": "2021-03-05"}, "rejected", None, True),
    ({"accepted_at": "2021-03-05"}, "accepted", None, True),
    ({"organization": "tzw-court"}, "submitted", "litigation_mediation", True),
    ({"organization": "nt-amr"}, "submitted", None, True),  # two channels: not guessed
])
def test_defaults(changes, status, channel, filed_at_inferred):
    case = parse({"external_id": "d", "description": "x", **changes})
    assert (case.history.status, case.history.channel, case.filed_at_inferred) == (
        status, channel, filed_at_inferred)


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"status": "closed"}, "status", "needs_closure"),
    ({"closure": "settled", "filed_at": "2021-03-01", "accepted_at": "2021-03-02"}, "closed_at", "required"),
    ({"closed_at": "2021-04-01"}, "closure", "required"),
    ({**CLOSED, "status": "settled"}, "status", "inconsistent"),
    ({**CLOSED, "closure": "rejected"}, "accepted_at", "inconsistent"),
    ({**CLOSED, "accepted_at": None}, "accepted_at", "required"),
    ({**CLOSED, "accepted_at": "2021-04-02"}, "closed_at", "out_of_order"),
    ({"filed_at": "2021-03-05", "accepted_at": "2021-03-01"}, "accepted_at", "out_of_order"),
    ({"status": "in_mediation", "accepted_at": "2021-03-05", "channel": "administrative_adjudication"},
     "status", "wrong_channel"),
    ({**CLOSED, "closure": "declined", "channel": "arbitration"}, "closure", "wrong_channel"),
    ({"channel": "people_mediation", "organization": "nt-amr"}, "organization", "wrong_channel"),
    ({"organization": "南通市不存在调解中心"}, "organization", "unknown_choice"),
    ({"satisfaction": 5}, "satisfaction", "not_closed"),
    ({**CLOSED, "satisfaction": 7}, "satisfaction", "out_of_range"),
    ({**CLOSED, "satisfaction": True}, "satisfaction", "bad_type"),
    ({"suspended_days": -1}, "suspended_days", "out_of_range"),
    ({**CLOSED, "suspended_days": 40}, "suspended_days", "too_long"),
    ({"filed_at": "2099-01-01"}, "filed_at", "in_future"),
    ({"filed_at": "2021-13-01"}, "filed_at", "bad_format"),
    ({"filed_at": 20210301}, "filed_at", "bad_type"),
    ({"filed_at": "1970-01-01"}, "filed_at", "too_early"),
    ({"status": "closing"}, "status", "unknown_choice"),
    ({"discovered_on": "2021-05-01", "filed_at": "2021-03-01"}, "discovered_on", "out_of_order"),
    ({"court": {"conclusion_type": "judgment"}}, "court.first_instance_concluded_at", "required"),
    ({"court": {"conclusion_type": "verdict", "first_instance_concluded_at": "2021-05-01"}},
     "court.conclusion_type", "unknown_choice"),
    ({"court": {"first_instance_concluded_at": "2021-05-01", "conclusion_type": "mediation", "served_at": "2021-05-02",
                "appeal_filed_at": "2021-05-05"}}, "court.appeal_filed_at", "not_appealable"),
    ({"court": {"filed_at": "2021-05-01", "first_instance_concluded_at": "2021-04-01", "conclusion_type": "ruling"}},
     "court.first_instance_concluded_at", "out_of_order"),
    ({"court": {"court_case_no": "2021-123"}}, "court.court_case_no", "bad_format"),
    ({"court": {"judge": "张法官"}}, "court.judge", "unknown_field"),
    ({"court": "（2021）苏0691民初1号"}, "court", "bad_type"),
    ({"closed": "2021-04-01"}, "closed", "unknown_field"),
    ({"external_id": " "}, "external_id", "required"),
    ({"description": None}, "description", "required"),
    ({"ip_right": {"type": "patent", "number": "ZL202130123456.0"}}, "ip_right.number", "bad_check_digit"),
])
def test_bad_lines_name_the_field(changes, field, code):
    data = {"external_id": "b", "description": "x", **changes}
    outcome = parse({k: v for k, v in data.items() if v is not None})
    assert isinstance(outcome, BadLine), outcome
    assert (field, code) in {(e.field, e.code) for e in outcome.errors}, outcome.errors
    assert all(e.message_zh and e.message_en for e in outcome.errors)
    assert outcome.messages()[0].startswith("line 7 (external_id b): ") or field == "external_id"


def test_one_run_reports_every_problem_of_a_line():
    outcome = parse({"external_id": "m", "description": "", "satisfaction": 9, **{k: CLOSED[k] for k in CLOSED},
                     "accepted_at": "2021-05-01"})
    assert {e.field for e in outcome.errors} == {"description", "satisfaction", "closed_at"}


@pytest.mark.parametrize("raw", [b'{"external_id": "x", ', b"[1, 2]", b'{"external_id": NaN}', b"\xff\xfe{}"])
def test_unreadable_lines(raw):
    outcome = parse_line(raw, 3, LOOKUPS, NOW)
    assert isinstance(outcome, BadLine) and outcome.messages()[0].startswith("line 3: ")


def test_blank_lines_are_skipped():
    assert parse_line(b"  \n", 1, LOOKUPS, NOW) is None
    assert isinstance(parse_line(b'\xef\xbb\xbf{"external_id": "bom", "description": "x"}\n', 1, LOOKUPS, NOW),
                      ImportCase)


def test_abroad_party_gets_thirty_days_and_mediation_is_final_at_once():
    foreign = full(claimant={"kind": "company", "name": "Nordlicht Textiles GmbH", "country": "DE",
                             "email": "ip@nordlicht.example.com"})
    assert parse(foreign).party_abroad and parse(foreign).appeal_period_ends_on == date(2021, 9, 13)
    court = {**FULL["court"], "conclusion_type": "mediation", "appeal_filed_at": None}
    assert parse(full(court={k: v for k, v in court.items() if v})).appeal_period_ends_on is None


@pytest.mark.parametrize(("changes", "path"), [
    ({}, ["submitted"]),
    ({"accepted_at": "2021-03-02", "status": "in_mediation"}, ["submitted", "accepted", "in_mediation"]),
    ({"status": "screening"}, ["submitted", "screening"]),
    (CLOSED, ["submitted", "accepted", "settled", "closed"]),
    ({**CLOSED, "closure": "adjudicated", "channel": "administrative_adjudication"},
     ["submitted", "accepted", "decided", "closed"]),
    ({**CLOSED, "closure": "withdrawn", "accepted_at": None}, ["submitted", "withdrawn"]),
    ({**CLOSED, "closure": "rejected", "accepted_at": None}, ["submitted", "rejected"]),
])
def test_history_steps(changes, path):
    data = {"external_id": "h", "description": "x", "filed_at": "2021-03-01", **changes}
    case = parse({k: v for k, v in data.items() if v is not None})
    steps = history_steps(case.history)
    assert [s.status for s in steps] == path
    assert [s.at for s in steps] == sorted(s.at for s in steps)


# --- the command, on SQLite and PostgreSQL -----------------------------------------------------


@pytest.fixture
def reference(db):
    load_reference()
    db.session.commit()


def jsonl(tmp_path, *rows, name="cases.jsonl"):
    path = tmp_path / name
    text = "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def run(app, *args, **kw):
    return app.test_cli_runner().invoke(args=["import-cases", *map(str, args)], **kw)


def count(db, model, *where) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model).where(*where)).scalar_one()


def by_external_id(db, external_id) -> Dispute:
    return db.session.execute(sa.select(Dispute).where(Dispute.external_id == external_id)).scalar_one()


def test_import_writes_complete_cases_with_verified_chains(app, db, reference, tmp_path):
    minimal = {"external_id": "NTZX-2020-0001", "description": "对方在抖音电商销售仿冒商品", "filed_at": "2020-06-01"}
    result = run(app, jsonl(tmp_path, FULL, minimal))
    assert result.exit_code == 0, result.output
    assert "imported / 已导入: 2" in result.stdout and "bad lines, skipped / 错误行（已跳过）: 0" in result.stdout

    case = by_external_id(db, "NTZX-2021-0042")
    assert (case.status, case.closure, case.channel, case.organization.code) == (
        "closed", "referred", "litigation_mediation", "tzw-court")
    assert case.filed_at == datetime(2021, 3, 1, 1, 30, tzinfo=UTC)
    assert case.closed_at == datetime(2021, 4, 20, 8, 0, tzinfo=UTC)
    assert (case.suspended_days, case.satisfaction, case.cause_name) == (5, 4, "侵害外观设计专利权纠纷")
    assert case.tracking_no == "NTIP-2021-000001" and case.access_code_hash is None
    assert case.title == "南通锦绣家纺有限公司与义乌市佳美日用品有限公司专利纠纷"
    assert sorted(p.role for p in case.parties) == ["agent", "claimant", "respondent"]
    assert case.ip_rights[0].number == PATENT and case.patent_kind == "design"
    court = case.court_proceedings[0]
    assert (court.conclusion_type, court.appeal_filed_at, court.appeal_period_ends_on, court.party_abroad) == (
        "judgment", date(2021, 8, 20), date(2021, 8, 30), False)
    events = db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == case.id)
                                .order_by(CaseEvent.seq)).scalars().all()
    assert [(e.from_status, e.to_status) for e in events] == [
        (None, "submitted"), ("submitted", "accepted"), ("accepted", "referred"), ("referred", "closed")]
    assert events[0].created_at == case.filed_at and events[-1].created_at == case.closed_at
    assert verify_chain(case).ok and verify_chain(by_external_id(db, "NTZX-2020-0001")).ok
    assert by_external_id(db, "NTZX-2020-0001").tracking_no == "NTIP-2020-000001"
    assert sorted(db.session.execute(sa.select(SearchOutbox.entity_id)).scalars()) == sorted(
        db.session.execute(sa.select(Dispute.id)).scalars())
    verify = app.test_cli_runner().invoke(args=["verify-chains"])
    assert verify.exit_code == 0 and json.loads(verify.output)["checked"] == 2


def test_bad_lines_are_reported_and_the_good_ones_around_them_imported(app, db, reference, tmp_path):
    path = jsonl(
        tmp_path,
        {"external_id": "G-1", "description": "商标侵权纠纷"},
        '{"external_id": "B-1", "description": ',
        {"external_id": "B-2"},
        {"external_id": "B-3", "description": "x", "organization": "南通市不存在调解中心"},
        {"external_id": "B-4", "description": "x", **CLOSED, "accepted_at": "2021-04-05"},
        {"external_id": "B-5", "description": "x", "ip_right": {"type": "patent", "number": "ZL202130123456.0"}},
        {"external_id": "B-6", "description": "x", **CLOSED, "satisfaction": 7},
        {"external_id": "G-2", "description": "外观设计专利侵权", **CLOSED},
    )
    result = run(app, path)
    assert result.exit_code == 1
    for expected in ("line 2: json: ", "line 3 (external_id B-2): description: ",
                     "line 4 (external_id B-3): organization: ", "line 5 (external_id B-4): closed_at: ",
                     "line 6 (external_id B-5): ip_right.number: ", "line 7 (external_id B-6): satisfaction: "):
        assert expected in result.stderr, result.stderr
    assert "G-1" not in result.stderr and "未知机构" in result.stderr
    assert "imported / 已导入: 2" in result.stdout and "bad lines, skipped / 错误行（已跳过）: 6" in result.stdout
    assert set(db.session.execute(sa.select(Dispute.external_id)).scalars()) == {"G-1", "G-2"}


def test_running_again_imports_nothing_twice(app, db, reference, tmp_path):
    path = jsonl(tmp_path, *({"external_id": f"R-{i}", "description": "x", **CLOSED} for i in range(5)))
    assert run(app, path, "--batch-size", 2).exit_code == 0
    again = run(app, path, "--batch-size", 2)
    assert again.exit_code == 0
    assert "imported / 已导入: 0" in again.stdout and "already imported / 此前已导入: 5" in again.stdout
    assert count(db, Dispute) == 5 and count(db, CaseEvent) == 20 and count(db, SearchOutbox) == 5
    assert db.session.execute(sa.select(TrackingCounter.last_value)).scalar_one() == 5


def test_a_repeated_external_id_in_the_file_is_imported_once(app, db, reference, tmp_path):
    first = {"external_id": "D-1", "description": "第一次"}
    path = jsonl(tmp_path, first, {"external_id": "D-2", "description": "x"}, {**first, "description": "第二次"})
    result = run(app, path, "--batch-size", 1)
    assert result.exit_code == 0
    assert "already imported / 此前已导入: 1 (of which repeated in this file / 其中文件内重复: 1)" in result.stdout
    assert by_external_id(db, "D-1").description == "第一次" and count(db, Dispute) == 2


def test_a_failing_write_leaves_no_half_case_and_no_gap(app, db, reference, tmp_path):
    def refuse(mapper, connection, target):
        if (target.data or {}).get("external_id") == "X-2":
            raise RuntimeError("disk full")

    rows = [{"external_id": f"X-{i}", "description": "x", "claimant": {"name": "南通锦绣家纺有限公司"},
             "respondents": [{"name": "义乌市佳美日用品有限公司"}], **CLOSED} for i in (1, 2, 3)]
    sa.event.listen(CaseEvent, "before_insert", refuse)
    try:
        result = run(app, jsonl(tmp_path, *rows), "--batch-size", 10)
    finally:
        sa.event.remove(CaseEvent, "before_insert", refuse)
    assert result.exit_code == 1
    assert "line 2 (external_id X-2): database: could not be written: RuntimeError: disk full" in result.stderr
    assert set(db.session.execute(sa.select(Dispute.external_id)).scalars()) == {"X-1", "X-3"}
    ids = set(db.session.execute(sa.select(Dispute.id)).scalars())
    for model in (Party, CaseEvent, IPRight, CourtProceeding):
        assert set(db.session.execute(sa.select(model.dispute_id)).scalars()) <= ids
    assert count(db, Party) == 4 and count(db, CaseEvent) == 8 and count(db, SearchOutbox) == 2
    numbers = sorted(db.session.execute(sa.select(Dispute.tracking_no)).scalars())
    assert numbers == ["NTIP-2021-000001", "NTIP-2021-000002"]
    assert all(verify_chain(d).ok for d in db.session.execute(sa.select(Dispute)).scalars())


def test_stdin(app, db, reference):
    data = "\n".join(json.dumps({"external_id": f"S-{i}", "description": "标准输入"}, ensure_ascii=False)
                     for i in range(3))
    result = run(app, "-", input=data.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert count(db, Dispute) == 3


def test_dry_run_writes_nothing(app, db, reference, tmp_path):
    result = run(app, jsonl(tmp_path, FULL, {"external_id": "Y-2", "description": "x"}), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would import / 将导入: 2" in result.stdout and "nothing was written" in result.stdout
    for model in (Dispute, Party, CaseEvent, SearchOutbox, TrackingCounter):
        assert count(db, model) == 0


def test_tracking_numbers_follow_filing_order_within_a_year(app, db, reference, tmp_path):
    rows = [{"external_id": f"O-{day}", "description": "x", "filed_at": f"2022-05-{day:02d}"} for day in (9, 3, 6)]
    assert run(app, jsonl(tmp_path, *rows)).exit_code == 0
    numbers = dict(db.session.execute(sa.select(Dispute.external_id, Dispute.tracking_no)).all())
    assert numbers == {"O-3": "NTIP-2022-000001", "O-6": "NTIP-2022-000002", "O-9": "NTIP-2022-000003"}


def test_a_case_imported_meanwhile_counts_as_already_imported(app, db, reference, tmp_path, monkeypatch, make):
    from dispute_hub.intake.importer import runner

    make.dispute(external_id="C-1")
    db.session.commit()
    real, calls = runner._Run.not_imported, []

    def stale(self, batch):  # the look-up before the write misses a case another process just committed
        calls.append(len(batch))
        return list(batch) if len(calls) == 1 else real(self, batch)

    monkeypatch.setattr(runner._Run, "not_imported", stale)
    rows = ({"external_id": f"C-{i}", "description": "x"} for i in (1, 2))
    result = run(app, jsonl(tmp_path, *rows))
    assert result.exit_code == 0, result.output
    assert "imported / 已导入: 1" in result.stdout and "already imported / 此前已导入: 1" in result.stdout
    assert count(db, Dispute) == 2 and calls[0] == 2


def test_numbers_too_large_for_any_count_are_bad_not_fatal():
    raw = b'{"external_id": "n", "description": "x", "suspended_days": 1e400}'
    outcome = parse_line(raw, 1, LOOKUPS, NOW)
    assert isinstance(outcome, BadLine) and outcome.errors[0].field == "suspended_days"


def test_a_known_cause_gets_its_taxonomy_code_and_ip_type(app, db):
    line = json.dumps({"external_id": "tax-1", "description": "被告在网店销售侵害原告外观设计专利权的床品。",
                       "cause_name": "侵害外观设计专利权"}, ensure_ascii=False)
    result = app.test_cli_runner().invoke(args=["import-cases", "-"], input=line + "\n")
    assert result.exit_code == 0, result.output
    case = db.session.execute(sa.select(Dispute).where(Dispute.external_id == "tax-1")).scalar_one()
    assert case.cause_name == "侵害外观设计专利权纠纷" and case.cause_code and case.taxonomy_version == "2020"
    assert case.ip_type == "patent" and case.patent_kind == "design"
