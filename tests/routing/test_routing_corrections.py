"""Mediators correct a case's classification (who, why, before, after); retraining learns from corrections."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from dispute_hub.mediation.workflow import StaleCase
from dispute_hub.models import CaseEvent, ClassificationCorrection, Dispute, verify_chain
from dispute_hub.routing.classifier import classify
from dispute_hub.routing.corrections import (
    CorrectionError,
    active_weights,
    correct_classification,
    retrain_classifier,
    weights_folder,
)
from dispute_hub.routing.evaluate import DEFAULT_CASES
from dispute_hub.routing.services import filing_body
from dispute_hub.routing.weights import dump_weights, load_weights

# the classifier takes the software mentioned for a software-copyright case; it is unfair competition online
FAKE_REVIEWS = "被申请人利用软件自动给申请人的店铺刷差评并恶意下单后退款，干扰申请人的正常经营。"
DESIGN = "被申请人在网店销售侵犯外观设计专利权的产品。"


def _case(make, org, text: str, **kw) -> Dispute:
    c = classify(text)
    return make.dispute(org, description=text, classification=c.to_dict(), ip_type=c.ip_type,
                        patent_kind=c.patent_kind, cause_code=c.cause_code, cause_name=c.cause_name,
                        taxonomy_version=c.taxonomy_version, **kw)


@pytest.fixture
def world(db, make):
    org, other = make.org(), make.org()
    people = {"mediator": make.user("mediator", org), "other_mediator": make.user("mediator", other),
              "claimant": make.user("claimant"), "liaison": make.user("liaison")}
    dispute = _case(make, org, FAKE_REVIEWS, claimant=people["claimant"], mediator_id=people["mediator"].id,
                    status="assigned")
    db.session.commit()
    return dispute, people


def _correct(dispute, actor, **changes):
    values = {"ip_type": "unfair_competition", "patent_kind": None, "cause_name_or_code": "网络不正当竞争纠纷",
              "is_ip": True, "reason": "刷差评属于网络不正当竞争，软件只是手段", "expected_version": dispute.version}
    return correct_classification(dispute, actor=actor, **{**values, **changes})


def _form(dispute, **changes) -> dict:
    data = {"correct-is_ip": "y", "correct-ip_type": "unfair_competition", "correct-patent_kind": "",
            "correct-cause": "网络不正当竞争纠纷", "correct-reason": "刷差评属于网络不正当竞争",
            "correct-version": str(dispute.version)}
    return {**data, **changes}


def _corrections(db) -> list[ClassificationCorrection]:
    return db.session.execute(sa.select(ClassificationCorrection)).scalars().all()


def test_a_mediator_corrects_type_and_cause_from_the_case_page(client, auth, db, world):
    dispute, people = world
    assert (dispute.ip_type, dispute.cause_name) == ("copyright", "侵害计算机软件著作权纠纷")  # the mistake
    auth.login(people["mediator"])
    assert 'name="correct-reason"' in client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    response = client.post(f"/cases/{dispute.tracking_no}/classification", data=_form(dispute))
    assert response.status_code == 302
    db.session.expire_all()
    [row] = _corrections(db)
    assert row.corrected_by_id == people["mediator"].id and row.reason == "刷差评属于网络不正当竞争"
    assert row.before["ip_type"] == "copyright" and row.before["cause_name"] == "侵害计算机软件著作权纠纷"
    assert row.after == {"is_ip": True, "ip_type": "unfair_competition", "patent_kind": None,
                         "cause_code": "182", "cause_name": "网络不正当竞争纠纷"}
    assert row.trained_into is None
    case = db.session.get(Dispute, dispute.id)
    assert (case.ip_type, case.cause_code, case.cause_name) == ("unfair_competition", "182", "网络不正当竞争纠纷")
    assert case.classification["corrected"] is True
    assert case.classification["subject"] == "unfair_competition" and case.classification["nature"] == "infringement"
    assert case.classification["original"]["ip_type"] == "copyright"  # the classifier's own result is kept
    event = db.session.execute(sa.select(CaseEvent).where(CaseEvent.dispute_id == dispute.id)
                               .order_by(CaseEvent.seq.desc()).limit(1)).scalar_one()
    assert event.kind == "classification_corrected" and event.actor_id == people["mediator"].id
    assert event.data["reason"] == row.reason and event.data["after"]["cause_code"] == "182"
    assert verify_chain(case).ok
    page = client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)
    assert "网络不正当竞争纠纷" in page and "刷差评属于网络不正当竞争" in page


@pytest.mark.parametrize(("who", "status"), [("other_mediator", 404), ("claimant", 403), ("liaison", 403)])
def test_only_staff_of_the_case_organisation_may_correct(client, auth, db, world, who, status):
    dispute, people = world
    auth.login(people[who])
    response = client.post(f"/cases/{dispute.tracking_no}/classification", data=_form(dispute))
    assert response.status_code == status
    assert _corrections(db) == []
    if status == 403:  # they see the case, but not the form
        assert 'name="correct-reason"' not in client.get(f"/cases/{dispute.tracking_no}").get_data(as_text=True)


def test_an_empty_reason_is_refused_in_the_users_language(client, auth, db, world):
    dispute, people = world
    auth.login(people["mediator"])
    url = f"/cases/{dispute.tracking_no}/classification"
    page = client.post(url, data=_form(dispute, **{"correct-reason": "  "}), follow_redirects=True)
    assert "请填写更正理由" in page.get_data(as_text=True)
    page = client.post(url, data=_form(dispute, **{"correct-reason": ""}), follow_redirects=True,
                       headers={"Accept-Language": "en"})
    assert "Please give the reason for the correction" in page.get_data(as_text=True)
    assert _corrections(db) == []
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).ip_type == "copyright"


def test_an_unknown_cause_is_refused_with_a_message(client, auth, db, world):
    dispute, people = world
    auth.login(people["mediator"])
    page = client.post(f"/cases/{dispute.tracking_no}/classification",
                       data=_form(dispute, **{"correct-cause": "刷单纠纷"}), follow_redirects=True)
    assert "“刷单纠纷”不是2020年版案由目录中的案由" in page.get_data(as_text=True)
    assert _corrections(db) == []


def test_a_stale_version_is_refused_and_nothing_saved(client, auth, db, world):
    dispute, people = world
    seen = dispute.version
    events = dispute.event_count
    dispute.title = "另一位调解员刚改过标题"
    db.session.commit()
    auth.login(people["mediator"])
    page = client.post(f"/cases/{dispute.tracking_no}/classification",
                       data=_form(dispute, **{"correct-version": str(seen)}), follow_redirects=True)
    assert StaleCase.message_zh in page.get_data(as_text=True)
    assert _corrections(db) == []
    db.session.expire_all()
    case = db.session.get(Dispute, dispute.id)
    assert case.event_count == events and case.ip_type == "copyright"
    with pytest.raises(StaleCase):
        _correct(case, people["mediator"], expected_version=seen)


def test_unticking_ip_dispute_on_the_page_sets_the_prefilled_type_and_cause_aside(client, auth, db, world):
    dispute, people = world
    auth.login(people["mediator"])
    data = _form(dispute, **{"correct-reason": "实为劳动报酬纠纷"})
    del data["correct-is_ip"]
    assert client.post(f"/cases/{dispute.tracking_no}/classification", data=data).status_code == 302
    [row] = _corrections(db)
    assert row.after == {"is_ip": False, "ip_type": None, "patent_kind": None, "cause_code": None, "cause_name": None}


@pytest.mark.parametrize(("changes", "code"), [
    ({"is_ip": False}, "not_ip_has_type"),
    ({"ip_type": "trademark"}, "cause_mismatch"),
    ({"ip_type": "spaceship"}, "unknown_ip_type"),
    ({"ip_type": None, "cause_name_or_code": ""}, "ip_type_required"),
    ({"patent_kind": "design"}, "kind_without_patent"),
    ({"ip_type": "patent", "patent_kind": "design", "cause_name_or_code": "侵害发明专利权纠纷"}, "kind_mismatch"),
    ({"ip_type": "copyright", "cause_name_or_code": "侵害计算机软件著作权纠纷"}, "unchanged"),
    ({"reason": None}, "reason_required"),
])
def test_inconsistent_corrections_are_refused(db, world, changes, code):
    dispute, people = world
    with pytest.raises(CorrectionError) as refused:
        _correct(dispute, people["mediator"], **changes)
    assert refused.value.code == code and refused.value.message_zh and refused.value.message_en
    assert _corrections(db) == []


def test_a_cause_code_alone_decides_type_and_patent_kind(db, make, world):
    _, people = world
    dispute = _case(make, people["mediator"].organization, FAKE_REVIEWS)
    _correct(dispute, people["mediator"], ip_type=None, cause_name_or_code="160.5")
    assert (dispute.ip_type, dispute.patent_kind, dispute.cause_name) == ("patent", "design", "侵害外观设计专利权纠纷")


def test_not_ip_clears_type_and_cause_and_a_second_correction_keeps_the_classifiers_original(db, world):
    dispute, people = world
    _correct(dispute, people["mediator"], is_ip=False, ip_type=None, cause_name_or_code=None, reason="其实是劳动纠纷")
    assert dispute.classification["is_ip"] is False and dispute.ip_type is None and dispute.cause_name is None
    _correct(dispute, people["mediator"], reason="再次核对后确认是不正当竞争")
    assert dispute.classification["original"]["cause_name"] == "侵害计算机软件著作权纠纷"
    assert [r.before["is_ip"] for r in _corrections(db)] == [True, False]
    db.session.commit()
    assert verify_chain(dispute).ok


# --- retraining ------------------------------------------------------------------------------------------


def _weights_files(app) -> list[Path]:
    folder = weights_folder(app.instance_path)
    return sorted(folder.glob("weights-*.json")) if folder.is_dir() else []


def test_retraining_learns_the_corrections_into_a_new_weights_version(app, db, make, world):
    dispute, people = world
    twin = _case(make, dispute.organization, FAKE_REVIEWS)  # the same trick, another shop
    for case in (dispute, twin):
        _correct(case, people["mediator"])
    db.session.commit()
    packaged = load_weights()
    assert classify(FAKE_REVIEWS, filing_body(dispute), weights=packaged).ip_type == "copyright"
    summary = retrain_classifier(weights_folder(app.instance_path), cases_path=DEFAULT_CASES)
    db.session.commit()
    assert (summary.corrections, summary.cases, summary.base_version) == (2, 2, packaged.version)
    assert summary.version != packaged.version and summary.path == _weights_files(app)[0]
    assert {r.trained_into for r in _corrections(db)} == {summary.version}
    new = active_weights(app.instance_path)
    assert new is not None and new.version == summary.version
    assert classify(FAKE_REVIEWS, filing_body(dispute), weights=new).ip_type == "unfair_competition"
    doc = json.loads(summary.path.read_text(encoding="utf-8"))
    assert doc["subjects"]["copyright"]["软件"] < packaged.source["subjects"]["copyright"]["软件"]
    assert doc["trained_from"] == packaged.version and doc["corrections_learned"] == 2
    assert set(summary.accuracy_before) >= {"ip_type", "all"} and set(summary.accuracy_after) >= {"ip_type", "all"}


def test_retraining_builds_on_the_newest_weights_and_counts_a_case_once(app, db, make, world):
    dispute, people = world
    _correct(dispute, people["mediator"])
    db.session.commit()
    first = retrain_classifier(weights_folder(app.instance_path))
    db.session.commit()
    _correct(dispute, people["mediator"], is_ip=False, ip_type=None, cause_name_or_code=None, reason="改判")
    _correct(dispute, people["mediator"], reason="还是不正当竞争")
    db.session.commit()
    second = retrain_classifier(weights_folder(app.instance_path))
    db.session.commit()
    assert second.base_version == first.version and (second.corrections, second.cases) == (2, 1)
    assert second.accuracy_before is None  # no labelled cases given
    assert active_weights(app.instance_path).version == second.version


def test_retrain_command_says_when_there_is_nothing_new_and_writes_nothing(app, db, world):
    dispute, people = world
    runner = app.test_cli_runner()
    nothing = runner.invoke(args=["retrain-classifier"])
    assert nothing.exit_code == 0 and "no new corrections" in nothing.output and _weights_files(app) == []
    _correct(dispute, people["mediator"])
    db.session.commit()
    learnt = runner.invoke(args=["retrain-classifier"])
    assert learnt.exit_code == 0, learnt.output
    assert "corrections learnt / 已学习的更正: 1" in learnt.output and "ip_type" in learnt.output
    again = runner.invoke(args=["retrain-classifier"])
    assert "no new corrections" in again.output and len(_weights_files(app)) == 1


def test_active_weights_are_the_newest_loadable_file_and_reloaded_when_it_changes(app, caplog):
    assert active_weights(app.instance_path) is None  # the packaged weights
    folder = weights_folder(app.instance_path)
    folder.mkdir(parents=True)
    doc = load_weights().to_dict()
    (folder / "weights-1.0.json").write_text(dump_weights(doc), encoding="utf-8")  # not newer than packaged
    assert active_weights(app.instance_path) is None
    path = folder / "weights-1.3.json"
    path.write_text(dump_weights({**doc, "revision": 3}), encoding="utf-8")
    loaded = active_weights(app.instance_path)
    assert loaded.version == "1.3" and active_weights(app.instance_path) is loaded
    seen = path.stat().st_mtime_ns
    path.write_text("{not json", encoding="utf-8")
    os.utime(path, ns=(seen + 10**9, seen + 10**9))  # a coarse clock must not hide the change
    with caplog.at_level(logging.ERROR):
        assert active_weights(app.instance_path) is None
    assert "do not load" in caplog.text
