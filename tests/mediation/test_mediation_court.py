"""Court follow-through: filings, conclusions, appeals, final states, the case-page routes and bulk import."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import sqlalchemy as sa

from dispute_hub.mediation.court import (
    CourtInvalid,
    proceeding_state,
    record_appeal,
    record_conclusion,
    record_court_filing,
)
from dispute_hub.mediation.court_import import import_court_outcomes
from dispute_hub.models import CaseEvent, CourtProceeding, Dispute, verify_chain

D = date.fromisoformat
TODAY = D("2026-06-01")
CASE_NO = "（2025）苏06知民初12号"


@pytest.fixture
def world(db, make):
    org = make.org()
    people = {"liaison": make.user("liaison"), "admin": make.user("admin"), "mediator": make.user("mediator", org)}
    dispute = make.dispute(org, status="referred", external_id="EXT-1")
    db.session.commit()
    return dispute, people


def _events(db, dispute) -> list[CaseEvent]:
    return db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == dispute.id)
                              .order_by(CaseEvent.seq)).scalars().all()


def _concluded(dispute, liaison, kind="judgment", served="2025-03-03", abroad=False, concluded="2025-02-28"):
    proceeding = record_court_filing(dispute, "(2025)苏06知民初12号", "南通市中级人民法院", D("2025-01-10"), liaison,
                                     today=TODAY)
    return record_conclusion(proceeding, kind, D(concluded), D(served) if served else None, abroad, liaison,
                             today=TODAY)


@pytest.mark.parametrize(("kind", "served", "abroad", "ends_on"), [
    ("judgment", "2025-03-03", False, "2025-03-18"),
    ("ruling", "2025-03-03", False, "2025-03-13"),
    ("judgment", "2025-03-03", True, "2025-04-02"),
    ("ruling", "2025-03-03", True, "2025-04-02"),
    ("judgment", "2025-01-20", False, "2025-02-05"),  # 4 Feb 2025 falls in the Spring Festival: rolls over
    ("mediation", "2025-03-03", False, None),
    ("withdrawal", "2025-03-03", True, None),
])
def test_appeal_period_through_the_service(db, world, kind, served, abroad, ends_on):
    dispute, people = world
    proceeding = _concluded(dispute, people["liaison"], kind, served, abroad, concluded="2025-01-15")
    db.session.commit()
    assert proceeding.appeal_period_ends_on == (D(ends_on) if ends_on else None)
    assert proceeding.court_case_no == CASE_NO  # normalised brackets and 号
    if ends_on is None:  # final at once
        assert proceeding_state(proceeding, D(served)).state == "accepted"
    assert [e.kind for e in _events(db, dispute)][-2:] == ["court_filed", "court_concluded"]
    assert verify_chain(dispute).ok


@pytest.mark.parametrize(("as_of", "state", "days_left"), [
    ("2025-03-10", "pending", 8),
    ("2025-03-18", "pending", 0),  # an appeal may still be filed on the last day
    ("2025-03-19", "accepted", None),
])
def test_final_state_before_on_and_after_the_last_day(db, world, as_of, state, days_left):
    dispute, people = world
    proceeding = _concluded(dispute, people["liaison"])
    result = proceeding_state(proceeding, D(as_of))
    assert (result.state, result.days_left, result.ends_on) == (state, days_left, D("2025-03-18"))


def test_an_appeal_makes_it_appealed(db, world):
    dispute, people = world
    proceeding = _concluded(dispute, people["liaison"])
    record_appeal(proceeding, D("2025-03-12"), people["liaison"], today=TODAY)
    db.session.commit()
    assert proceeding_state(proceeding, D("2025-04-30")).state == "appealed"
    event = _events(db, dispute)[-1]
    assert event.kind == "court_appealed" and event.data["changes"]["appeal_filed_at"] == [None, "2025-03-12"]
    assert verify_chain(dispute).ok


def test_a_year_outside_the_holiday_calendar_is_stored_null_with_a_note(db, world):
    dispute, people = world
    proceeding = record_court_filing(dispute, "(2003)苏06民初5号", None, D("2003-01-05"), None, today=TODAY)
    record_conclusion(proceeding, "judgment", D("2003-05-01"), D("2003-05-20"), False, None, today=TODAY)
    assert proceeding.appeal_period_ends_on is None
    assert _events(db, dispute)[-1].data["note"]["code"] == "calendar_not_covered"
    assert proceeding_state(proceeding, D("2003-05-25")).state == "pending"


@pytest.mark.parametrize(("concluded", "served", "field"), [
    ("2025-01-05", "2025-03-03", "first_instance_concluded_at"),  # before the filing (10 Jan)
    ("2025-02-28", "2025-02-20", "served_at"),  # served before it was concluded
])
def test_dates_out_of_order_are_refused(db, world, concluded, served, field):
    dispute, people = world
    proceeding = record_court_filing(dispute, CASE_NO, None, D("2025-01-10"), people["liaison"], today=TODAY)
    with pytest.raises(CourtInvalid) as caught:
        record_conclusion(proceeding, "judgment", D(concluded), D(served), False, people["liaison"], today=TODAY)
    assert [e.field for e in caught.value.errors] == [field] and caught.value.message_zh and caught.value.message_en
    assert proceeding.conclusion_type is None


def test_bad_values_are_refused_with_messages(db, world):
    dispute, people = world
    with pytest.raises(CourtInvalid) as caught:
        record_court_filing(dispute, "12345", None, "2030-01-01", people["liaison"], today=TODAY)
    assert {e.field for e in caught.value.errors} == {"court_case_no", "filed_at"}
    proceeding = _concluded(dispute, people["liaison"])
    with pytest.raises(CourtInvalid, match="appeal date cannot be before"):
        record_appeal(proceeding, D("2025-03-01"), people["liaison"], today=TODAY)
    with pytest.raises(CourtInvalid, match="conclusion type"):
        record_conclusion(proceeding, "verdict", D("2025-02-28"), None, False, people["liaison"], today=TODAY)


def test_a_mediation_cannot_be_appealed(db, world):
    dispute, people = world
    proceeding = _concluded(dispute, people["liaison"], "mediation")
    with pytest.raises(CourtInvalid, match="can be appealed"):
        record_appeal(proceeding, D("2025-03-05"), people["liaison"], today=TODAY)


@pytest.mark.parametrize("role", ["liaison", "admin"])
def test_liaison_and_admin_record_on_the_case_page(client, auth, db, world, role):
    dispute, people = world
    auth.login(people[role])
    url = f"/cases/{dispute.tracking_no}/court"
    assert client.post(url, data={"court_case_no": "(2025)苏06知民初12号", "court_name": "南通中院",
                                  "filed_at": "2025-01-10"}).status_code == 302
    proceeding = db.session.execute(sa.select(CourtProceeding)).scalar_one()
    response = client.post(f"{url}/{proceeding.id}/conclusion", data={
        "conclusion_type": "judgment", "first_instance_concluded_at": "2025-02-28", "served_at": "2025-03-03"})
    assert response.status_code == 302
    refused = client.post(f"{url}/{proceeding.id}/appeal", data={"appeal_filed_at": "2025-03-01"},
                          follow_redirects=True).get_data(as_text=True)
    assert "上诉日期不能早于送达日期" in refused
    page = client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    assert "2025-03-18" in page and CASE_NO in page and "appeal_filed_at" in page
    db.session.expire_all()
    assert db.session.get(CourtProceeding, proceeding.id).appeal_filed_at is None


@pytest.mark.parametrize("suffix", ["", "/1/conclusion", "/1/appeal"])
def test_a_mediator_may_not_record(client, auth, db, world, suffix):
    dispute, people = world
    auth.login(people["mediator"])
    response = client.post(f"/cases/{dispute.tracking_no}/court{suffix}",
                           data={"court_case_no": CASE_NO, "filed_at": "2025-01-10"})
    assert response.status_code == 403
    assert client.get("/cases/court-outcomes/import").status_code == 403
    assert 'name="court_case_no"' not in client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)


CSV = (
    "\ufefftracking_no,external_id,court_case_no,court_name,filed_at,first_instance_concluded_at,"
    "conclusion_type,served_at,party_abroad,appeal_filed_at\n"
    "{no},,(2025)苏06知民初12号,南通中院,2025-01-10,2025-02-28,judgment,2025-03-03,否,\n"
    ",EXT-1,(2025)苏06知民初13号,,2025-01-11,2025-02-20,ruling,2025-02-01,,\n"  # served before concluded
    "NTIP-1999-000001,,(2025)苏06知民初14号,,,,,,,\n"  # no such case
    ",EXT-1,(2025)苏06知民初15号,,2025-01-12,2025-03-01,mediation,2025-03-02,,\n"
)


def _import(db, text: str, fmt: str):
    report = import_court_outcomes(io.StringIO(text), fmt, today=TODAY)
    db.session.commit()
    return report


def test_csv_with_bom_is_imported_line_by_line_and_again_idempotently(db, world):
    dispute, _ = world
    text = CSV.format(no=dispute.tracking_no)
    report = _import(db, text, "csv")
    assert [(r.line_no, r.outcome) for r in report.results] == [(2, "created"), (3, "bad"), (4, "bad"),
                                                                 (5, "created")]
    assert report.results[1].errors[0].field == "served_at"
    assert report.results[2].errors[0].code == "not_found"
    stored = {p.court_case_no: p for p in db.session.execute(sa.select(CourtProceeding)).scalars()}
    assert set(stored) == {CASE_NO, "（2025）苏06知民初15号"}
    assert stored[CASE_NO].appeal_period_ends_on == D("2025-03-18")
    count = len(_events(db, dispute))
    again = _import(db, text, "csv")
    assert [r.outcome for r in again.results] == ["unchanged", "bad", "bad", "unchanged"]
    assert len(_events(db, dispute)) == count
    assert verify_chain(db.session.get(Dispute, dispute.id)).ok


def test_jsonl_updates_a_changed_value_and_records_it(db, world):
    dispute, people = world
    _concluded(dispute, people["liaison"])
    db.session.commit()
    lines = [
        {"tracking_no": dispute.tracking_no, "court_case_no": CASE_NO, "appeal_filed_at": "2025-03-12"},
        {"external_id": "EXT-1", "court_case_no": CASE_NO, "served_at": "2025-03-05", "colour": "red"},
        "not json",
        {"external_id": "EXT-1", "court_case_no": CASE_NO, "party_abroad": True},
    ]
    text = "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines)
    report = _import(db, text + "\n\n", "jsonl")
    assert [(r.line_no, r.outcome) for r in report.results] == [(1, "updated"), (2, "bad"), (3, "bad"),
                                                                 (4, "updated")]
    assert [e.field for e in report.results[1].errors] == ["colour"]
    proceeding = db.session.execute(sa.select(CourtProceeding)).scalar_one()
    assert proceeding.served_at == D("2025-03-03")  # the bad line left nothing behind
    assert (proceeding.appeal_filed_at, proceeding.appeal_period_ends_on) == (D("2025-03-12"), D("2025-04-02"))
    event = _events(db, dispute)[-1]
    assert event.kind == "court_imported" and event.data["line"] == 4
    assert event.data["changes"]["appeal_period_ends_on"] == ["2025-03-18", "2025-04-02"]
    assert [r.outcome for r in _import(db, text, "jsonl").results] == ["unchanged", "bad", "bad", "unchanged"]
    assert verify_chain(db.session.get(Dispute, dispute.id)).ok


def test_upload_page_and_command(app, client, auth, db, world, tmp_path):
    dispute, people = world
    auth.login(people["liaison"])
    body = CSV.format(no=dispute.tracking_no).encode("utf-8")
    page = client.post("/cases/court-outcomes/import", data={"file": (io.BytesIO(body), "outcomes.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "苏06知民初13号" in page and "送达日期不能早于一审结案日期" in page
    binary = client.post("/cases/court-outcomes/import", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(b"\xff\xfe\x00bad"), "x.csv")})
    assert binary.status_code == 400
    assert 'type="file"' in client.get("/cases/court-outcomes/import").get_data(as_text=True)
    english = client.get(f"/cases/{dispute.tracking_no}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Last day to appeal" in english and "2025-03-18" in english
    path = tmp_path / "outcomes.csv"
    path.write_bytes(body)
    result = app.test_cli_runner().invoke(args=["import-court-outcomes", str(path)])
    assert result.exit_code == 1 and "unchanged / 无变化: 2" in result.output and "line 3" in result.output
