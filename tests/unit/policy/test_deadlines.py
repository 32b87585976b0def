"""Every timing rule of every shipped profile, at its edge, on the real Russian calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from holidays import country_holidays

from ejournal.errors import DeadlinePassedError, RuleViolationError
from ejournal.marks import WorkKind
from ejournal.policy.calendar import Closure, SchoolCalendar
from ejournal.policy.deadlines import (
    Deadline,
    EntryKind,
    check_in_time,
    entry_deadline,
    period_mark_deadline,
)
from ejournal.policy.profile import RegulationProfile, load_profile

LYCEUM_68 = load_profile("lyceum68")
SCHOOL_117 = load_profile("school117")
SCHOOL_77 = load_profile("school77")
BELOGORSK = load_profile("belogorsk")
GYMNASIUM_2 = load_profile("gymnasium2")

UFA = ZoneInfo("Asia/Yekaterinburg")
MOSCOW = ZoneInfo("Europe/Moscow")
SIMFEROPOL = ZoneInfo("Europe/Simferopol")

FIVE_DAY = SchoolCalendar(week_length=5)
TICK = timedelta(microseconds=1)


def end_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.max, tzinfo=zone)


def assert_edge(deadline: Deadline | None, last_moment: datetime, source: str, ref: str) -> None:
    """The last moment is accepted, one microsecond later is refused, citing the clause."""
    assert deadline is not None
    assert deadline.closes_at == last_moment
    check_in_time(deadline, last_moment)
    check_in_time(deadline, last_moment - timedelta(minutes=1))
    with pytest.raises(DeadlinePassedError) as refused:
        check_in_time(deadline, last_moment + TICK)
    assert refused.value.rule == deadline.rule
    assert (refused.value.clause.source, refused.value.clause.ref) == (source, ref)


def mark(
    profile: RegulationProfile,
    kind: WorkKind,
    lesson: date,
    *,
    subject: str = "mathematics",
    calendar: SchoolCalendar = FIVE_DAY,
    class_code: str = "7А",
    results: date | None = None,
) -> Deadline | None:
    return entry_deadline(
        profile,
        calendar,
        entry=EntryKind.MARK,
        lesson_date=lesson,
        class_code=class_code,
        subject=subject,
        work_kind=kind,
        results_date=results,
    )


def lesson_entry(
    profile: RegulationProfile,
    entry: EntryKind,
    lesson: date,
    *,
    lesson_end: time | None = None,
    class_day_end: time | None = None,
) -> Deadline | None:
    return entry_deadline(
        profile,
        FIVE_DAY,
        entry=entry,
        lesson_date=lesson,
        class_code="7А",
        subject="mathematics",
        lesson_end=lesson_end,
        class_day_end=class_day_end,
    )


# --- Lyceum 68 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "ref"),
    [(EntryKind.TOPIC, "§5.1"), (EntryKind.ATTENDANCE, "§5.1"), (EntryKind.HOMEWORK, "§5.2")],
)
def test_lyceum68_lesson_records_are_due_the_same_day(entry: EntryKind, ref: str) -> None:
    deadline = lesson_entry(LYCEUM_68, entry, date(2026, 10, 14))
    assert_edge(deadline, end_of(date(2026, 10, 14), UFA), "Lyceum 68", ref)


@pytest.mark.parametrize("kind", [WorkKind.ORAL, WorkKind.CLASSWORK, WorkKind.HOMEWORK])
def test_lyceum68_current_marks_are_due_the_same_day(kind: WorkKind) -> None:
    deadline = mark(LYCEUM_68, kind, date(2026, 10, 14))
    assert_edge(deadline, end_of(date(2026, 10, 14), UFA), "Lyceum 68", "§5.3")


def test_lyceum68_written_work_across_unity_day_5_vs_10_working_days() -> None:
    assert date(2026, 11, 4) in country_holidays("RU", years=2026)
    control_day = date(2026, 10, 29)  # Thursday
    # 30 Oct, 2, 3, (4 Nov is Unity Day), 5, 6 November.
    maths = mark(LYCEUM_68, WorkKind.CONTROL, control_day, subject="mathematics")
    assert_edge(maths, end_of(date(2026, 11, 6), UFA), "Lyceum 68", "§5.4")
    # ... then 9, 10, 11, 12, 13 November.
    for subject in ("russian_language", "literature"):
        deadline = mark(LYCEUM_68, WorkKind.CONTROL, control_day, subject=subject)
        assert_edge(deadline, end_of(date(2026, 11, 13), UFA), "Lyceum 68", "§5.4")
        assert deadline is not None
        assert "10 working days" in deadline.description


@pytest.mark.parametrize(
    "kind",
    [
        WorkKind.WRITTEN,
        WorkKind.INDEPENDENT,
        WorkKind.TEST,
        WorkKind.DICTATION,
        WorkKind.ESSAY,
        WorkKind.LABORATORY,
        WorkKind.PRACTICAL,
    ],
)
def test_lyceum68_every_written_kind_gets_the_written_terms(kind: WorkKind) -> None:
    friday = date(2026, 10, 16)
    assert_edge(mark(LYCEUM_68, kind, friday), end_of(date(2026, 10, 23), UFA), "Lyceum 68", "§5.4")
    russian = mark(LYCEUM_68, kind, friday, subject="russian_language")
    assert_edge(russian, end_of(date(2026, 10, 30), UFA), "Lyceum 68", "§5.4")


def test_lyceum68_written_work_across_new_year_holidays() -> None:
    ru = country_holidays("RU", years=[2025, 2026])
    assert date(2025, 12, 31) in ru
    assert date(2026, 1, 9) in ru
    dictation_day = date(2025, 12, 26)  # Friday
    # 29, 30 Dec; 31 Dec to 11 Jan off; then 12, 13, 14 Jan.
    maths = mark(LYCEUM_68, WorkKind.DICTATION, dictation_day)
    assert_edge(maths, end_of(date(2026, 1, 14), UFA), "Lyceum 68", "§5.4")
    # ... then 15, 16, 19, 20, 21 Jan.
    russian = mark(LYCEUM_68, WorkKind.DICTATION, dictation_day, subject="russian_language")
    assert_edge(russian, end_of(date(2026, 1, 21), UFA), "Lyceum 68", "§5.4")


def test_lyceum68_written_work_across_school_holidays() -> None:
    autumn = Closure(date(2026, 10, 26), date(2026, 11, 3), "holidays", None, "осенние каникулы")
    calendar = SchoolCalendar(week_length=5, closures=[autumn])
    friday = date(2026, 10, 23)
    # The holidays and Unity Day do not count: 5, 6, 9, 10, 11 November.
    deadline = mark(LYCEUM_68, WorkKind.TEST, friday, calendar=calendar)
    assert_edge(deadline, end_of(date(2026, 11, 11), UFA), "Lyceum 68", "§5.4")


def test_lyceum68_written_work_across_the_transferred_working_saturday() -> None:
    assert date(2025, 11, 1) in country_holidays("RU", years=2025).weekend_workdays
    friday = date(2025, 10, 31)
    # Saturday 1 Nov is worked; 3 and 4 Nov are off: 1, 5, 6, 7, 10 November.
    deadline = mark(LYCEUM_68, WorkKind.CONTROL, friday)
    assert_edge(deadline, end_of(date(2025, 11, 10), UFA), "Lyceum 68", "§5.4")


def test_lyceum68_counts_saturdays_in_a_six_day_week() -> None:
    six_day = SchoolCalendar(week_length=6)
    friday = date(2026, 10, 16)
    # 17 (Sat), 19, 20, 21, 22 October against 19 to 23 October in a 5-day week.
    deadline = mark(LYCEUM_68, WorkKind.CONTROL, friday, calendar=six_day)
    assert_edge(deadline, end_of(date(2026, 10, 22), UFA), "Lyceum 68", "§5.4")
    five = mark(LYCEUM_68, WorkKind.CONTROL, friday)
    assert_edge(five, end_of(date(2026, 10, 23), UFA), "Lyceum 68", "§5.4")


def test_lyceum68_a_quarantine_extends_only_the_quarantined_class() -> None:
    quarantine = Closure(
        date(2026, 10, 19), date(2026, 10, 23), "quarantine", frozenset({"5А"}), "ОРВИ"
    )
    calendar = SchoolCalendar(week_length=5, closures=[quarantine])
    friday = date(2026, 10, 16)
    closed = mark(LYCEUM_68, WorkKind.CONTROL, friday, calendar=calendar, class_code="5А")
    assert_edge(closed, end_of(date(2026, 10, 30), UFA), "Lyceum 68", "§5.4")
    open_class = mark(LYCEUM_68, WorkKind.CONTROL, friday, calendar=calendar, class_code="5Б")
    assert_edge(open_class, end_of(date(2026, 10, 23), UFA), "Lyceum 68", "§5.4")


def test_lyceum68_state_exam_results_3_working_days_after_announcement() -> None:
    announced = date(2026, 6, 10)  # Wednesday; Russia Day on Friday 12 June
    deadline = mark(LYCEUM_68, WorkKind.STATE_EXAM, date(2026, 5, 26), results=announced)
    assert_edge(deadline, end_of(date(2026, 6, 16), UFA), "Lyceum 68", "§5.5")


def test_lyceum68_state_exam_needs_the_results_date() -> None:
    with pytest.raises(ValueError, match="results_date"):
        mark(LYCEUM_68, WorkKind.STATE_EXAM, date(2026, 5, 26))


def test_lyceum68_sets_no_term_for_external_diagnostics() -> None:
    assert mark(LYCEUM_68, WorkKind.EXTERNAL_DIAGNOSTIC, date(2026, 10, 14)) is None


def test_lyceum68_period_marks_only_in_the_last_week() -> None:
    deadline = period_mark_deadline(
        LYCEUM_68,
        FIVE_DAY,
        period_start=date(2026, 9, 1),
        period_end=date(2026, 10, 24),
        class_code="7А",
    )
    assert deadline is not None
    opens = datetime(2026, 10, 18, tzinfo=UFA)
    assert deadline.opens_at == opens
    with pytest.raises(RuleViolationError) as early:
        check_in_time(deadline, opens - TICK)
    assert not isinstance(early.value, DeadlinePassedError)
    assert early.value.rule == "deadline.period_mark.not_yet_open"
    assert (early.value.clause.source, early.value.clause.ref) == ("Lyceum 68", "§3.6.5")
    check_in_time(deadline, opens)
    assert_edge(deadline, end_of(date(2026, 10, 24), UFA), "Lyceum 68", "§3.6.5")


# --- School 117 --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [WorkKind.ORAL, WorkKind.CONTROL, WorkKind.EXTERNAL_DIAGNOSTIC])
def test_school117_marks_within_5_calendar_days(kind: WorkKind) -> None:
    monday = date(2026, 10, 12)
    deadline = mark(SCHOOL_117, kind, monday)
    assert_edge(deadline, end_of(date(2026, 10, 17), UFA), "School 117", "§5.2")


def test_school117_absences_within_5_calendar_days_in_school_time() -> None:
    deadline = lesson_entry(SCHOOL_117, EntryKind.ATTENDANCE, date(2026, 10, 12))
    assert_edge(deadline, end_of(date(2026, 10, 17), UFA), "School 117", "§5.2")
    # The school's midnight is 19:00 UTC.
    check_in_time(deadline, datetime(2026, 10, 17, 18, 59, 59, tzinfo=UTC))
    with pytest.raises(DeadlinePassedError):
        check_in_time(deadline, datetime(2026, 10, 17, 19, 0, tzinfo=UTC))


def test_school117_topic_and_homework_are_not_timed() -> None:
    assert lesson_entry(SCHOOL_117, EntryKind.TOPIC, date(2026, 10, 12)) is None
    assert lesson_entry(SCHOOL_117, EntryKind.HOMEWORK, date(2026, 10, 12)) is None
    assert mark(SCHOOL_117, WorkKind.STATE_EXAM, date(2026, 5, 26)) is None
    check_in_time(None, datetime(2030, 1, 1, tzinfo=UTC))


def test_school117_period_marks_at_least_one_day_before_the_end() -> None:
    deadline = period_mark_deadline(
        SCHOOL_117,
        FIVE_DAY,
        period_start=date(2026, 9, 1),
        period_end=date(2026, 10, 24),
        class_code="7А",
    )
    assert deadline is not None
    assert deadline.opens_at is None
    assert_edge(deadline, end_of(date(2026, 10, 23), UFA), "School 117", "§5.2")


# --- School 77 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", [EntryKind.TOPIC, EntryKind.HOMEWORK, EntryKind.ATTENDANCE])
def test_school77_lesson_records_by_19_00_the_same_day(entry: EntryKind) -> None:
    deadline = lesson_entry(SCHOOL_77, entry, date(2026, 10, 14))
    seven_pm = datetime(2026, 10, 14, 19, 0, tzinfo=MOSCOW)
    check_in_time(deadline, datetime(2026, 10, 14, 18, 59, tzinfo=MOSCOW))
    assert_edge(deadline, seven_pm, "School 77", "§4.4.1")


def test_school77_current_marks_by_19_00_and_the_message_names_the_deadline() -> None:
    deadline = mark(SCHOOL_77, WorkKind.ORAL, date(2026, 10, 14))
    assert_edge(deadline, datetime(2026, 10, 14, 19, 0, tzinfo=MOSCOW), "School 77", "§4.4.1")
    with pytest.raises(DeadlinePassedError) as late:
        check_in_time(deadline, datetime(2026, 10, 14, 19, 1, tzinfo=MOSCOW))
    assert "the deadline was 2026-10-14 19:00 (Europe/Moscow)" in late.value.detail
    assert "School 77, §4.4.1" in late.value.detail


@pytest.mark.parametrize(
    "kind", [WorkKind.CONTROL, WorkKind.TEST, WorkKind.WRITTEN, WorkKind.EXAM, WorkKind.PROJECT]
)
def test_school77_assessed_work_within_3_days(kind: WorkKind) -> None:
    deadline = mark(SCHOOL_77, kind, date(2026, 10, 12))
    assert_edge(deadline, end_of(date(2026, 10, 15), MOSCOW), "School 77", "§4.4.1")


def test_school77_external_diagnostic_within_a_day_of_the_results() -> None:
    deadline = mark(
        SCHOOL_77, WorkKind.EXTERNAL_DIAGNOSTIC, date(2026, 10, 6), results=date(2026, 10, 20)
    )
    assert_edge(deadline, end_of(date(2026, 10, 21), MOSCOW), "School 77", "§4.4.10")


def test_school77_state_exam_within_a_day_of_the_results() -> None:
    deadline = mark(SCHOOL_77, WorkKind.STATE_EXAM, date(2026, 5, 26), results=date(2026, 6, 11))
    assert_edge(deadline, end_of(date(2026, 6, 12), MOSCOW), "School 77", "§9.4")


def test_school77_period_marks_at_least_two_days_before_the_end() -> None:
    deadline = period_mark_deadline(
        SCHOOL_77,
        FIVE_DAY,
        period_start=date(2026, 9, 1),
        period_end=date(2026, 10, 23),
        class_code="7А",
    )
    assert_edge(deadline, end_of(date(2026, 10, 21), MOSCOW), "School 77", "§5.4")


# --- Belogorsk ---------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", [EntryKind.TOPIC, EntryKind.HOMEWORK, EntryKind.ATTENDANCE])
def test_belogorsk_one_hour_after_the_class_last_lesson(entry: EntryKind) -> None:
    deadline = lesson_entry(
        BELOGORSK, entry, date(2026, 10, 14), lesson_end=time(10, 45), class_day_end=time(14, 10)
    )
    last = datetime(2026, 10, 14, 15, 10, tzinfo=SIMFEROPOL)
    assert_edge(deadline, last, "Belogorsk", "Инструкция (прил. 3), п. 4.2, «Учитель»")


def test_belogorsk_marks_one_hour_after_the_lessons_end() -> None:
    deadline = entry_deadline(
        BELOGORSK,
        FIVE_DAY,
        entry=EntryKind.MARK,
        lesson_date=date(2026, 10, 14),
        class_code="7А",
        subject="mathematics",
        work_kind=WorkKind.CONTROL,
        lesson_end=time(13, 20),
    )
    last = datetime(2026, 10, 14, 14, 20, tzinfo=SIMFEROPOL)
    assert_edge(deadline, last, "Belogorsk", "Инструкция (прил. 3), п. 4.2, «Учитель»")


def test_belogorsk_needs_the_end_of_the_lessons() -> None:
    with pytest.raises(ValueError, match="class_day_end"):
        lesson_entry(BELOGORSK, EntryKind.TOPIC, date(2026, 10, 14))


def test_belogorsk_period_marks_by_the_school_order() -> None:
    no_order_yet = period_mark_deadline(
        BELOGORSK,
        FIVE_DAY,
        period_start=date(2026, 9, 1),
        period_end=date(2026, 10, 24),
        class_code="7А",
    )
    assert no_order_yet is None
    deadline = period_mark_deadline(
        BELOGORSK,
        FIVE_DAY,
        period_start=date(2026, 9, 1),
        period_end=date(2026, 10, 24),
        class_code="7А",
        order_date=date(2026, 10, 27),
    )
    assert_edge(
        deadline,
        end_of(date(2026, 10, 27), SIMFEROPOL),
        "Belogorsk",
        "Инструкция (прил. 3), п. 4.2, «Учитель»",
    )


# --- Gymnasium 2 -------------------------------------------------------------------------------


def test_gymnasium2_sets_no_terms_for_lessons_or_marks() -> None:
    for entry in (EntryKind.TOPIC, EntryKind.HOMEWORK, EntryKind.ATTENDANCE):
        assert lesson_entry(GYMNASIUM_2, entry, date(2026, 10, 14)) is None
    for kind in WorkKind:
        assert mark(GYMNASIUM_2, kind, date(2026, 10, 14)) is None


def test_gymnasium2_period_marks_by_order() -> None:
    deadline = period_mark_deadline(
        GYMNASIUM_2,
        FIVE_DAY,
        period_start=date(2026, 9, 1),
        period_end=date(2026, 11, 27),
        class_code="7А",
        order_date=date(2026, 11, 25),
    )
    assert_edge(deadline, end_of(date(2026, 11, 25), MOSCOW), "Gymnasium 2", "§8.5")


# --- the rule lookup ---------------------------------------------------------------------------


def test_a_subject_rule_beats_a_general_one_whatever_the_order() -> None:
    data = LYCEUM_68.model_dump()
    data["deadlines"]["marks"] = list(reversed(data["deadlines"]["marks"]))
    reordered = RegulationProfile.model_validate(data)
    deadline = mark(reordered, WorkKind.ESSAY, date(2026, 10, 16), subject="literature")
    assert deadline is not None
    assert deadline.closes_at == end_of(date(2026, 10, 30), UFA)


def test_a_mark_needs_its_work_kind() -> None:
    with pytest.raises(ValueError, match="work_kind"):
        lesson_entry(LYCEUM_68, EntryKind.MARK, date(2026, 10, 14))


def test_the_time_of_an_entry_must_be_aware() -> None:
    deadline = lesson_entry(LYCEUM_68, EntryKind.TOPIC, date(2026, 10, 14))
    with pytest.raises(ValueError, match="timezone-aware"):
        check_in_time(deadline, datetime(2026, 10, 14, 12, 0))
