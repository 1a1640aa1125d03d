"""Issue 7's definitions on a hand-computed world (tests/stats/conftest.py), on SQLite and PostgreSQL.

March 2025, as of 22 April 2025:
- received: in_and_out (accepted 1 Mar 07:00 Shanghai, still 28 Feb in UTC), received_open, declined,
  adjudicated = 4; accepted_after (1 Apr 00:30 Shanghai, 31 Mar in UTC) is not.
- open at start: open_across, closed_last_day, referred = 3; closed_before (28 Feb 23:59) is not.
- closed: closed_last_day (31 Mar 23:30), in_and_out, declined, referred, adjudicated = 5 → 5/7.
- on time: all but closed_last_day (due 20 Mar); declined has no deadline; referred closed on its last day = 4/5.
- days: 39−5, 10, 15, 52, 18 → 129/5 = 25.8.
- mediation (people's and court-linked): settled 1, failed 2 (in_and_out; referred after failure), declined 1.
- ratings: 5, 3, 4, 5 by claimants and 4 by the respondent of referred → 4 of 5; the rejected and the
  unaccepted withdrawn filing count nowhere; rejected 1.
- conclusions in March on accepted cases: 6; stood: judgment_abroad (30 days, ends 7 Apr), court_mediation,
  appealed_after_as_of (the appeal is after as_of) = 3; appealed 1; pending: window_ends_on_as_of, not_served.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from dispute_hub.mediation.court import proceeding_state
from dispute_hub.models import CourtProceeding
from dispute_hub.stats import conditions
from dispute_hub.stats.definitions import SETS, links
from dispute_hub.stats.periods import Period, StatsQuery
from dispute_hub.stats.queries import NULL_KEY, Scope, drilldown, drilldown_count, stats_report
from tests.stats.conftest import AS_OF, MARCH, query

EXPECTED = {
    "received": 4, "open_at_start": 3, "closed": 5, "closure_rate": 5 / 7,
    "first_instance_concluded": 6, "accepted": 3, "appealed": 1, "pending_appeal": 2, "acceptance_rate": 3 / 4,
    "mediation_settled": 1, "mediation_failed": 2, "mediation_declined": 1, "mediation_success_rate": 1 / 4,
    "on_time": 4, "on_time_rate": 4 / 5, "avg_days": 25.8, "ratings": 5, "satisfied": 4, "satisfaction_rate": 4 / 5,
    "rejected_filings": 1,
}
MEMBERS = {
    "received": {"in_and_out", "received_open", "declined", "adjudicated"},
    "open_at_start": {"open_across", "closed_last_day", "referred"},
    "closed": {"closed_last_day", "in_and_out", "declined", "referred", "adjudicated"},
    "on_time": {"in_and_out", "declined", "referred", "adjudicated"},
    "mediation_failed": {"in_and_out", "referred"},
    "ratings": {"closed_last_day", "in_and_out", "declined", "adjudicated", "referred"},
    "rejected_filings": {"rejected"},
}
COURT_MEMBERS = {
    "accepted": {"（2025）苏06知民初1号", "（2025）苏06知民初4号", "（2025）苏06知民初6号"},
    "appealed": {"（2025）苏06知民初3号"},
    "pending_appeal": {"（2025）苏06知民初2号", "（2025）苏06知民初5号"},
}


def _names(world, rows) -> set[str]:
    by_id = {case.id: name for name, case in world["cases"].items()}
    return {by_id[row.id] for row in rows}


def test_totals_are_the_hand_computed_figures(db, world):
    report = stats_report(Scope.everything(), query())
    assert (report["from"], report["to"], report["as_of"]) == ("2025-03-01", "2025-03-31", "2025-04-22")
    assert report["totals"] == pytest.approx(EXPECTED)
    assert report["groups"] == []


@pytest.mark.parametrize("name", sorted(MEMBERS))
def test_drilldown_lists_exactly_the_cases_counted(db, world, name):
    rows = db.session.execute(drilldown(Scope.everything(), name, query())).all()
    assert _names(world, rows) == MEMBERS[name]


@pytest.mark.parametrize("name", sorted(COURT_MEMBERS))
def test_court_drilldown_lists_the_conclusions_counted(db, world, name):
    rows = db.session.execute(drilldown(Scope.everything(), name, query())).all()
    assert {row.court_case_no for row in rows} == COURT_MEMBERS[name]


@pytest.mark.parametrize("by", [None, "channel", "organization", "month"])
def test_every_figure_equals_the_length_of_its_list(db, world, by):
    """Numerator and denominator lists of every figure and group have as many rows as the figure says."""
    q = query(by, period=Period(date(2025, 2, 1), date(2025, 3, 31)))
    report = stats_report(Scope.everything(), q)
    lists = [(None, report["totals"])] + [(NULL_KEY if g["key"] is None else g["key"], g) for g in report["groups"]]
    for key, group in lists:
        for field in ("received", "open_at_start", "closed", "on_time", "mediation_failed", "ratings", "satisfied",
                      "accepted", "appealed", "pending_appeal", "first_instance_concluded", "rejected_filings"):
            counted = links(field)[0]
            listed = drilldown(Scope.everything(), counted, StatsQuery(q.period, q.as_of, by if key else None), key)
            assert drilldown_count(listed) == group[field], (by, key, field)


def test_every_set_has_a_condition(db, world):
    for name in SETS:
        assert drilldown_count(drilldown(Scope.everything(), name, query())) >= 0
    with pytest.raises(KeyError):
        conditions.condition("no_such_set", MARCH, AS_OF)


def test_rate_denominators_list_their_divisor(db, world):
    everything = Scope.everything()
    assert drilldown_count(drilldown(everything, "closure_base", query())) == 7
    assert drilldown_count(drilldown(everything, "acceptance_base", query())) == 4
    assert drilldown_count(drilldown(everything, "mediation_base", query())) == 4


def test_groups_by_channel_with_empty_groups_null(db, world):
    groups = {g["key"]: g for g in stats_report(Scope.everything(), query("channel"))["groups"]}
    people, court, adjudication = (groups["people_mediation"], groups["litigation_mediation"],
                                   groups["administrative_adjudication"])
    assert (people["received"], people["open_at_start"], people["closed"], people["closure_rate"]) == (2, 2, 2, 0.5)
    assert (court["closure_rate"], court["acceptance_rate"], court["mediation_success_rate"]) == (1.0, 0.5, 0)
    assert (adjudication["pending_appeal"], adjudication["acceptance_rate"]) == (1, None)
    assert people["rejected_filings"] == 1 and people["acceptance_rate"] == 1.0
    empty = groups["arbitration"]
    assert all(empty[f] is None for f in ("closure_rate", "acceptance_rate", "mediation_success_rate",
                                          "on_time_rate", "avg_days", "satisfaction_rate"))
    assert all(empty[f] == 0 for f in ("received", "closed", "ratings", "first_instance_concluded"))


def test_a_month_group_is_the_report_of_that_month(db, world):
    report = stats_report(Scope.everything(), query("month", period=Period(date(2025, 2, 1), date(2025, 3, 31))))
    groups = {g.pop("key"): g for g in report["groups"]}
    assert list(groups) == ["2025-02", "2025-03"]
    assert groups["2025-03"] == stats_report(Scope.everything(), query())["totals"]
    february = groups["2025-02"]
    # received open_across, closed_last_day, referred; open at 1 Feb: closed_before, closed 28 Feb 23:59
    assert (february["received"], february["open_at_start"], february["closed"]) == (3, 1, 1)
    assert february["closure_rate"] == 0.25
    assert report["totals"]["open_at_start"] == 1 and report["totals"]["received"] == 7


def test_organisation_groups_are_keyed_by_code_and_org_admin_sees_only_theirs(db, world):
    groups = {g["key"]: g for g in stats_report(Scope.everything(), query("organization"))["groups"]}
    assert set(groups) == {"org-a", "org-b", "org-c"}
    assert groups["org-b"]["closed"] == 2
    scoped = Scope.of(world["users"]["org_admin_b"])
    report = stats_report(scoped, query("organization"))
    assert [g["key"] for g in report["groups"]] == ["org-b"]
    assert report["totals"]["closed"] == 2 and report["totals"]["rejected_filings"] == 0
    rows = db.session.execute(drilldown(scoped, "closed", query())).all()
    assert _names(world, rows) == {"declined", "referred"}


def test_as_of_decides_the_appeal_states(db, world):
    """On the window's last day the conclusion is pending; the day after it stood; an appeal counts from its day."""
    on_the_day = stats_report(Scope.everything(), query("channel"))
    after = stats_report(Scope.everything(), query("channel", as_of=date(2025, 4, 23)))
    later = stats_report(Scope.everything(), query(as_of=date(2025, 4, 25)))
    adjudication = lambda r: next(g for g in r["groups"] if g["key"] == "administrative_adjudication")  # noqa: E731
    assert (adjudication(on_the_day)["pending_appeal"], adjudication(on_the_day)["accepted"]) == (1, 0)
    assert (adjudication(after)["pending_appeal"], adjudication(after)["accepted"]) == (0, 1)
    assert (later["totals"]["accepted"], later["totals"]["appealed"]) == (3, 2)


@pytest.mark.parametrize("as_of", [date(2025, 3, 20), AS_OF, date(2025, 4, 23), date(2025, 4, 25)])
def test_sql_appeal_states_agree_with_the_appeals_module(db, world, as_of):
    court = conditions.court_conditions(MARCH, as_of)
    states = {}
    for state, name in (("accepted", "accepted"), ("appealed", "appealed"), ("pending", "pending_appeal")):
        ids = db.session.execute(drilldown(Scope.everything(), name, query(as_of=as_of))
                                 .with_only_columns(CourtProceeding.id)).scalars()
        states.update({i: state for i in ids})
    assert court  # the three sets above partition the conclusions of the period
    for proceeding in db.session.execute(sa.select(CourtProceeding)).scalars():
        if proceeding.id in states:
            assert states[proceeding.id] == proceeding_state(proceeding, as_of).state, proceeding.court_case_no


def test_a_case_rated_by_both_parties_counts_two_ratings(db, world):
    world["cases"]["in_and_out"].respondent_satisfaction = 2  # its claimant gave 3
    db.session.commit()
    totals = stats_report(Scope.everything(), query())["totals"]
    assert (totals["ratings"], totals["satisfied"], totals["satisfaction_rate"]) == (6, 4, pytest.approx(4 / 6))
    rows = db.session.execute(drilldown(Scope.everything(), "ratings", query())).all()
    assert _names(world, rows) == MEMBERS["ratings"]  # the list names each rated case once
