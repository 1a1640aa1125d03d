"""Deadline rules and arithmetic, with dates worked out by hand from the State Council's schedules."""

# The expected dates come from the notices, not from the library:
# 2025 (国办发明电〔2024〕12号): 1 Jan off; Spring Festival 28 Jan-4 Feb off, 26 Jan (Sun) and 8 Feb (Sat)
# worked; Qingming 4-6 Apr; Labour Day 1-5 May off, 27 Apr (Sun) worked; Dragon Boat 31 May-2 Jun;
# National Day + Mid-Autumn 1-8 Oct off, 28 Sep (Sun) and 11 Oct (Sat) worked.
# 2026 (notice of 4 Nov 2025): 1-3 Jan off, 4 Jan (Sun) worked; Spring Festival 15-23 Feb off, 14 Feb (Sat)
# and 28 Feb (Sat) worked; Qingming 4-6 Apr; Labour Day 1-5 May off, 9 May (Sat) worked; Dragon Boat
# 19-21 Jun; Mid-Autumn 25-27 Sep; National Day 1-7 Oct off, 20 Sep (Sun) and 10 Oct (Sat) worked.

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispute_hub.mediation.deadlines import (
    RULES,
    RULES_VERSION,
    CalendarNotCoveredError,
    DeadlineRule,
    RuleTableError,
    add_months,
    days_remaining,
    due_date,
    is_working_day,
    next_working_day,
    parse_rules,
    rule_for,
    rules_for,
    status,
)
from dispute_hub.mediation.deadlines.rules import RULES_FILE
from dispute_hub.mediation.transitions import CHANNELS

D = date.fromisoformat
PRE_FILING = rule_for("litigation_mediation", "pre_filing_mediation")
ORDINARY = rule_for("litigation_mediation", "post_filing_mediation_ordinary")
SIMPLIFIED = rule_for("litigation_mediation", "post_filing_mediation_simplified")
PEOPLE = rule_for("people_mediation", "mediation")
ARBITRATION = rule_for("arbitration", "acceptance")
ADJ_ACCEPT = rule_for("administrative_adjudication", "acceptance")
ADJ_CONCLUDE = rule_for("administrative_adjudication", "conclusion")
CONFIRMATION = rule_for("people_mediation", "judicial_confirmation_application")


# --- the rule table ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("channel", "step", "length", "unit", "extendable", "max_extension", "rollover"), [
    ("litigation_mediation", "pre_filing_mediation", 30, "calendar_days", True, None, True),
    ("litigation_mediation", "post_filing_mediation_ordinary", 15, "calendar_days", True, None, True),
    ("litigation_mediation", "post_filing_mediation_simplified", 7, "calendar_days", True, None, True),
    ("litigation_mediation", "judicial_confirmation_application", 30, "calendar_days", False, None, True),
    ("people_mediation", "mediation", 1, "months", True, None, False),
    ("people_mediation", "judicial_confirmation_application", 30, "calendar_days", False, None, True),
    ("industry_mediation", "mediation", 1, "months", True, None, False),
    ("industry_mediation", "judicial_confirmation_application", 30, "calendar_days", False, None, True),
    ("arbitration", "acceptance", 5, "calendar_days", False, None, True),
    ("administrative_adjudication", "acceptance", 5, "working_days", False, None, False),
    ("administrative_adjudication", "conclusion", 3, "months", True, 1, False),
])
def test_rule_table(channel, step, length, unit, extendable, max_extension, rollover):
    rule = rule_for(channel, step)
    assert (rule.length, rule.unit, rule.extendable, rule.max_extension, rule.holiday_rollover) == (
        length, unit, extendable, max_extension, rollover)
    assert rule.id == f"{channel}.{step}"
    assert rule.basis_zh.strip() and rule.basis_en.strip()


def test_table_covers_its_channels_and_cites_art_85_where_it_rolls_over():
    assert RULES_VERSION
    assert {rule.channel for rule in RULES} == set(CHANNELS) - {"enforcement_referral"}
    assert len({rule.id for rule in RULES}) == len(RULES)
    for rule in RULES:
        if rule.holiday_rollover:
            assert "第八十五条" in rule.basis_zh or "第二百零三条" in rule.basis_zh
            assert "Art 85" in rule.basis_en or "Art 203" in rule.basis_en
    assert [r.step for r in rules_for("arbitration")] == ["acceptance"]
    with pytest.raises(KeyError, match="enforcement_referral"):
        rule_for("enforcement_referral", "acceptance")


ENTRY = """version = "t"
[[rule]]
channels = ["arbitration"]
step = "acceptance"
starts = "application_received"
length = 5
unit = "calendar_days"
extendable = false
holiday_rollover = true
basis_zh = "依据"
basis_en = "basis"
"""


@pytest.mark.parametrize(("change", "message"), [
    (("length = 5", "length = 0"), "length must be positive"),
    (("length = 5", 'length = "5"'), "'length' must be int"),
    (("length = 5", "length = true"), "'length' must be int"),
    (('unit = "calendar_days"', 'unit = "weeks"'), "unit must be one of"),
    (('channels = ["arbitration"]', 'channels = ["court"]'), "unknown channel 'court'"),
    (('channels = ["arbitration"]', "channels = []"), "no channels"),
    (('starts = "application_received"', 'starts = "whenever"'), "starts must be one of"),
    (("extendable = false", "extendable = false\nmax_extension = 1"), "max_extension needs extendable"),
    (('unit = "calendar_days"', 'unit = "working_days"'), "holiday_rollover must be false"),
    (('basis_en = "basis"', 'basis_en = " "'), "must not be empty"),
    (('basis_en = "basis"', ""), "missing 'basis_en'"),
    (("holiday_rollover = true", "holiday_rollover = true\nrollover = true"), "unknown field 'rollover'"),
    (('version = "t"', ""), "version"),
    (("[[rule]]", "[[rule]"), "not valid TOML"),
])
def test_bad_rule_files_are_refused_with_the_reason(change, message):
    with pytest.raises(RuleTableError, match=message):
        parse_rules(ENTRY.replace(*change))


def test_a_rule_defined_twice_is_refused():
    with pytest.raises(RuleTableError, match="arbitration.acceptance is defined twice"):
        parse_rules(ENTRY + ENTRY.split("\n", 1)[1])


def test_the_shipped_file_parses_to_the_loaded_table():
    assert parse_rules(RULES_FILE.read_text(encoding="utf-8")) == (RULES_VERSION, RULES)


# --- the working-day calendar -----------------------------------------------------------------------


@pytest.mark.parametrize(("day", "working"), [
    ("2025-01-26", True), ("2025-01-28", False), ("2025-02-04", False), ("2025-02-05", True),
    ("2025-02-08", True), ("2025-04-27", True), ("2025-05-05", False), ("2025-09-28", True),
    ("2025-10-08", False), ("2025-10-11", True), ("2025-10-12", False),
    ("2026-01-02", False), ("2026-01-04", True), ("2026-02-14", True), ("2026-02-15", False),
    ("2026-02-23", False), ("2026-02-24", True), ("2026-02-28", True), ("2026-05-09", True),
    ("2026-09-20", True), ("2026-09-25", False), ("2026-10-07", False), ("2026-10-10", True),
])
def test_official_schedule(day, working):
    assert is_working_day(D(day)) is working


@pytest.mark.parametrize(("day", "expected"), [
    ("2025-10-01", "2025-10-09"),  # National Day 2025 ends 8 Oct
    ("2025-01-28", "2025-02-05"),  # Spring Festival 2025
    ("2025-03-22", "2025-03-24"),  # an ordinary Saturday
    ("2025-09-28", "2025-09-28"),  # a Sunday worked to make up for the holiday
    ("2026-01-01", "2026-01-04"),  # New Year 2026: the first day after is a worked Sunday
    ("2026-02-20", "2026-02-24"),  # Spring Festival 2026
    ("2026-10-03", "2026-10-08"),
    ("2026-03-18", "2026-03-18"),  # already a working day
])
def test_next_working_day(day, expected):
    assert next_working_day(D(day)) == D(expected)


@pytest.mark.parametrize("day", ["2027-01-04", "2003-06-02"])
def test_a_year_the_calendar_lacks_is_named(day):
    with pytest.raises(CalendarNotCoveredError) as caught:
        is_working_day(D(day))
    year = str(D(day).year)
    assert caught.value.year == D(day).year
    assert year in caught.value.message_zh and year in caught.value.message_en and year in str(caught.value)


# --- due dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "start", "expected"), [
    # calendar days with Art 85 roll-over
    (PRE_FILING, "2025-03-03", "2025-04-02"),
    (ORDINARY, "2025-01-20", "2025-02-05"),  # 4 Feb is the last holiday of Spring Festival 2025
    (SIMPLIFIED, "2025-09-24", "2025-10-09"),  # 1 Oct -> after National Day 2025
    (SIMPLIFIED, "2025-09-21", "2025-09-28"),  # ends on a worked Sunday: stays
    (PRE_FILING, "2026-01-16", "2026-02-24"),  # 15 Feb is the first day of Spring Festival 2026
    (ORDINARY, "2026-01-30", "2026-02-14"),  # a worked Saturday
    (ORDINARY, "2026-09-22", "2026-10-08"),  # 7 Oct 2026
    (ARBITRATION, "2025-09-26", "2025-10-09"),
    (ARBITRATION, "2026-02-10", "2026-02-24"),
    (CONFIRMATION, "2025-09-01", "2025-10-09"),
    (CONFIRMATION, "2026-01-05", "2026-02-04"),
    # working days, make-up days counted
    (ADJ_ACCEPT, "2025-01-24", "2025-02-07"),  # 26 Jan (Sun) and 27 Jan count, then 5-7 Feb
    (ADJ_ACCEPT, "2025-02-05", "2025-02-11"),  # 8 Feb (Sat) counts
    (ADJ_ACCEPT, "2025-04-25", "2025-05-06"),  # 27 Apr (Sun) counts, 1-5 May do not
    (ADJ_ACCEPT, "2025-09-26", "2025-10-10"),  # 28 Sep (Sun) counts, 1-8 Oct do not
    (ADJ_ACCEPT, "2025-12-31", "2026-01-08"),  # 4 Jan 2026 (Sun) counts
    (ADJ_ACCEPT, "2026-02-12", "2026-02-26"),  # 13 and 14 Feb count, 15-23 Feb do not
    (ADJ_ACCEPT, "2026-09-24", "2026-10-09"),  # Mid-Autumn 25-27 Sep and 1-7 Oct do not count
    (ADJ_ACCEPT, "2026-10-08", "2026-10-14"),  # 10 Oct (Sat) counts
    # months, no roll-over, end-of-month clamp
    (PEOPLE, "2025-09-01", "2025-10-01"),  # a holiday, but a handling target does not move
    (PEOPLE, "2025-01-31", "2025-02-28"),
    (PEOPLE, "2024-01-31", "2024-02-29"),
    (PEOPLE, "2026-03-31", "2026-04-30"),
    (PEOPLE, "2025-12-15", "2026-01-15"),
    (ADJ_CONCLUDE, "2025-11-30", "2026-02-28"),
    (ADJ_CONCLUDE, "2025-10-31", "2026-01-31"),
])
def test_due_date(rule, start, expected):
    assert due_date(D(start), rule) == D(expected)


@pytest.mark.parametrize(("start", "extension", "expected"), [
    ("2025-11-30", 1, "2026-03-30"),
    ("2025-10-31", 1, "2026-02-28"),
])
def test_a_complex_adjudication_gets_one_more_month(start, extension, expected):
    assert due_date(D(start), ADJ_CONCLUDE, extension=extension) == D(expected)


@pytest.mark.parametrize(("rule", "extension"), [(ADJ_CONCLUDE, 2), (ADJ_CONCLUDE, -1), (ARBITRATION, 1)])
def test_extensions_the_rule_does_not_allow_are_refused(rule, extension):
    with pytest.raises(ValueError, match=rule.id):
        due_date(D("2025-03-03"), rule, extension=extension)


def test_an_uncapped_extension_adds_the_agreed_days():
    assert due_date(D("2025-03-03"), PRE_FILING, extension=10) == D("2025-04-14")  # 12 Apr is a Saturday


# --- suspension -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "start", "periods", "expected"), [
    # 30 days from 3 Mar 2025 end on 2 Apr; each suspended calendar day pushes by one
    (PRE_FILING, "2025-03-03", [("2025-03-10", "2025-03-15")], "2025-04-07"),  # 5 days
    (PRE_FILING, "2025-03-03", [("2025-03-10", "2025-03-13")], "2025-04-07"),  # 3 days -> 5 Apr, Qingming
    (PRE_FILING, "2025-03-03", [("2025-03-10", "2025-03-15"), ("2025-03-12", "2025-03-20")], "2025-04-14"),
    (PRE_FILING, "2025-03-03", [("2025-03-10", "2025-03-20"), ("2025-03-12", "2025-03-15")], "2025-04-14"),
    (PRE_FILING, "2025-03-03", [("2025-03-10", "2025-03-12"), ("2025-03-12", "2025-03-14")], "2025-04-07"),
    (PRE_FILING, "2025-03-03", [("2025-02-01", "2025-02-10")], "2025-04-02"),  # before the start
    (PRE_FILING, "2025-03-03", [("2025-03-01", "2025-03-05")], "2025-04-03"),  # only 4 Mar is inside
    (PRE_FILING, "2025-03-03", [("2025-03-10", "2025-03-10")], "2025-04-02"),  # resumed the same day
    (PRE_FILING, "2025-03-03", [("2025-04-10", "2025-04-20")], "2025-04-02"),  # after the due date
    (PRE_FILING, "2025-03-03", [("2025-04-02", "2025-04-05")], "2025-04-07"),  # from the last day on
    # working days: only suspended working days count
    (ADJ_ACCEPT, "2025-03-03", [("2025-03-08", "2025-03-10")], "2025-03-10"),  # a weekend
    (ADJ_ACCEPT, "2025-03-03", [("2025-03-06", "2025-03-08")], "2025-03-12"),  # Thu and Fri
    (ADJ_ACCEPT, "2025-01-24", [("2025-01-26", "2025-02-06")], "2025-02-11"),  # over Spring Festival
    # months: the calendar days to the same day 3 months later, pushed like days
    (ADJ_CONCLUDE, "2025-11-30", [("2025-12-01", "2025-12-11")], "2026-03-10"),
    (ADJ_CONCLUDE, "2025-11-30", [("2025-12-01", "2025-12-11"), ("2025-12-05", "2025-12-15")], "2026-03-14"),
])
def test_suspended_time_does_not_count(rule, start, periods, expected):
    suspended = [(D(a), D(b)) for a, b in periods]
    assert due_date(D(start), rule, suspended) == D(expected)


def test_a_suspension_ending_before_it_began_is_refused():
    with pytest.raises(ValueError, match="before it began"):
        due_date(D("2025-03-03"), PRE_FILING, [(D("2025-03-10"), D("2025-03-09"))])


# --- years the calendar lacks -----------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "start"), [
    (ADJ_ACCEPT, "2026-12-28"),  # the fifth working day falls in 2027
    (ORDINARY, "2026-12-20"),  # ends 4 Jan 2027: is it a working day?
])
def test_deadlines_reaching_an_uncovered_year_say_which(rule, start):
    with pytest.raises(CalendarNotCoveredError, match="2027"):
        due_date(D(start), rule)


def test_a_period_that_needs_no_calendar_works_in_any_year():
    assert due_date(D("2026-12-15"), PEOPLE) == D("2027-01-15")
    assert due_date(D("2030-01-31"), ADJ_CONCLUDE) == D("2030-04-30")


# --- remaining days and status ---------------------------------------------------------------------


@pytest.mark.parametrize(("today", "due", "remaining", "expected"), [
    ("2025-03-01", "2025-03-10", 9, "ok"),
    ("2025-03-06", "2025-03-10", 4, "ok"),
    ("2025-03-07", "2025-03-10", 3, "due_soon"),
    ("2025-03-10", "2025-03-10", 0, "due_soon"),
    ("2025-03-11", "2025-03-10", -1, "overdue"),
    ("2025-12-31", "2026-01-02", 2, "due_soon"),
])
def test_days_remaining_and_status(today, due, remaining, expected):
    assert days_remaining(D(today), D(due)) == remaining
    assert status(D(today), D(due), warn_days=3) == expected


def test_warn_days_zero_warns_only_on_the_last_day():
    assert status(D("2025-03-09"), D("2025-03-10"), warn_days=0) == "ok"
    assert status(D("2025-03-10"), D("2025-03-10"), warn_days=0) == "due_soon"


def test_add_months_across_the_year():
    assert add_months(D("2025-11-30"), 3) == D("2026-02-28")
    assert add_months(D("2025-12-31"), 14) == D("2027-02-28")
    assert add_months(D("2024-02-29"), 12) == D("2025-02-28")


# --- properties -------------------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 6, 30))
CALENDAR_RULES = st.sampled_from([r for r in RULES if r.unit == "calendar_days"])
SUSPENSIONS = st.lists(st.tuples(st.integers(-10, 60), st.integers(0, 20)), max_size=3)


@settings(max_examples=150, deadline=None, database=None)
@given(start=DAYS, rule=st.sampled_from(RULES), spans=SUSPENSIONS)
def test_suspension_never_shortens_and_roll_over_lands_on_a_working_day(start, rule, spans):
    periods = [(start + timedelta(a), start + timedelta(a + n)) for a, n in spans]
    plain, pushed = due_date(start, rule), due_date(start, rule, periods)
    assert start < plain <= pushed
    if rule.holiday_rollover or rule.unit == "working_days":
        assert is_working_day(pushed)


@settings(max_examples=150, deadline=None, database=None)
@given(start=DAYS, rule=CALENDAR_RULES)
def test_calendar_periods_end_on_the_nominal_day_or_the_first_working_day_after(start, rule):
    nominal = start + timedelta(rule.length)
    no_rollover: DeadlineRule = replace(rule, holiday_rollover=False)
    assert due_date(start, no_rollover) == nominal
    due = due_date(start, rule)
    assert due == nominal or (nominal < due and all(not is_working_day(nominal + timedelta(i))
                                                    for i in range((due - nominal).days)))
