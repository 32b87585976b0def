"""Monitoring of journal keeping (контроль ведения журнала): per journal, and rolled up per
teacher and per class, for a date range or a period.

Lyceum 68 §3.4.6: the administrator "осуществляет периодический контроль над ведением
электронного классного журнала (процент участия педагогов в работе с журналом, процент учащихся,
не имеющих оценок; процент учащихся, имеющих одну оценку; оформление записи домашнего задания,
…)"; School 77 §4.6.6: the deputy checks "Наполняемость текущих оценок; Учет пройденного
материала; Запись домашнего задания"; Gymnasium 2 §4.4 and §6.2: "своевременность выставления
оценок и выдачу домашнего задания, накопляемость оценок, планирование уроков, фактическое
проведение уроков".

What is measured, per journal over the range:

- the share of its students with no mark and with exactly one mark (current marks of lessons in
  the range; students on the page at some time in it);
- lessons held without a topic, and without homework — not counted where homework is not set
  by rule (grade 1 under School 77 §3.7: "В 1-х классах оценки, домашнее задание в электронный
  журнал по учебным предметам не ставятся");
- entries made after their deadline under a deputy's permission (DESIGN.md §4: flagged late
  everywhere), each entry and the lessons they touch, per the teacher who made them;
- KTP progress: the lessons held since the year began against the hours of the
  calendar-thematic plan — in total, and to date, where "planned to date" is the plan's hours
  the timetable has given lessons for by then (School 77 §4.4.7: the KTP is laid out "в
  соответствии с расписанием"; its hours "должно соответствовать учебному плану").

No regulation sets a threshold for any of these (what share of students without marks is too
many): the report gives counts and shares and leaves the judgement to its reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal
from uuid import UUID

from ejournal.database import Cursor
from ejournal.projections.conventions import alphabetical
from ejournal.projections.reporting.calendar import scheduled_lessons, school_calendar, timetables
from ejournal.projections.reporting.queries import (
    JournalFacts,
    ReportModel,
    ReportNotProjectedError,
    account_names,
    journals,
    overlaps,
    percent,
    periods,
    roster,
    year_facts,
)

# --- the formulas -------------------------------------------------------------------------------


def share_without_marks(marks_per_student: Sequence[int]) -> float | None:
    """Процент учащихся, не имеющих оценок: of the students given by their number of marks."""
    return percent(sum(1 for n in marks_per_student if n == 0), len(marks_per_student))


def share_with_one_mark(marks_per_student: Sequence[int]) -> float | None:
    """Процент учащихся, имеющих одну оценку."""
    return percent(sum(1 for n in marks_per_student if n == 1), len(marks_per_student))


def planned_to_date(ktp_hours: int | None, timetabled: int) -> int | None:
    """The KTP's hours due by a day: as many as the timetable has given lessons for, never more
    than the plan holds; None without a plan."""
    if ktp_hours is None:
        return None
    return min(ktp_hours, timetabled)


def plan_done(held: int, planned: int | None) -> float | None:
    """Lessons held against hours planned, in per cent (over 100 when ahead of the plan)."""
    return percent(held, planned) if planned is not None else None


# --- the view -----------------------------------------------------------------------------------


class KeepingCounts(ReportModel):
    """What monitoring counts, for one journal or summed over several."""

    students: int
    """Students on the page at some time in the range (summed over journals: a student counts
    once per journal)."""
    without_marks: int | None
    """None where marks are not given by rule (grade 1 under School 77 §3.7)."""
    without_marks_share: float | None
    one_mark: int | None
    one_mark_share: float | None
    lessons: int
    """Lessons held in the range."""
    without_topic: int
    without_homework: int | None
    """None where homework is not set by rule (grade 1 under School 77 §3.7)."""
    late_entries: int
    """Entries made after their deadline under a deputy's permission."""
    late_lessons: int
    """Lessons with at least one late entry."""


class TeacherName(ReportModel):
    account_id: UUID
    full_name: str


class JournalKeeping(KeepingCounts):
    """One journal's line."""

    journal_id: UUID
    class_code: str
    grade: int
    subject: str
    subject_name: str
    subgroup: str | None
    teachers: tuple[TeacherName, ...]
    ktp_hours: int | None
    """Hours of the calendar-thematic plan in total; None while it has no plan."""
    timetabled_to_date: int
    """Lessons the timetable gave from the year's start to ``as_of`` (working days of the
    class within its periods)."""
    ktp_planned_to_date: int | None
    held_to_date: int
    """Lessons held from the year's start to ``as_of``."""
    ktp_done_to_date: float | None
    ktp_done_total: float | None


class TeacherKeeping(KeepingCounts):
    """A teacher's journals summed; late entries are those the teacher made (a substitute's
    included) in the journals the report covers."""

    account_id: UUID
    full_name: str
    journals: int


class ClassKeeping(KeepingCounts):
    class_code: str
    journals: int


class JournalMonitoringView(ReportModel):
    """Анализ ведения журнала: journals, teachers, classes, and the whole for a range."""

    kind: Literal["journal_monitoring"] = "journal_monitoring"
    year: str
    period_id: str | None
    start: date
    end: date
    as_of: date
    """The day "to date" means: the range's end, or today if that is earlier."""
    journals: tuple[JournalKeeping, ...]
    teachers: tuple[TeacherKeeping, ...]
    classes: tuple[ClassKeeping, ...]
    total: KeepingCounts


# --- the query ----------------------------------------------------------------------------------


@dataclass
class _Tally:
    """Counts to be summed over journals; shares are taken of the sums."""

    students: int = 0
    marked_students: int = 0
    """Students of journals where marks are given (the shares' whole)."""
    without_marks: int = 0
    one_mark: int = 0
    marks_expected: bool = False
    lessons: int = 0
    without_topic: int = 0
    without_homework: int = 0
    homework_expected: bool = False
    late_entries: int = 0
    late_lessons: set[str] = field(default_factory=set)
    journals: int = 0

    def add(self, other: _Tally) -> None:
        """Add a journal's counts; late entries are summed by the caller, who knows whose."""
        self.students += other.students
        self.marked_students += other.marked_students
        self.without_marks += other.without_marks
        self.one_mark += other.one_mark
        self.marks_expected |= other.marks_expected
        self.lessons += other.lessons
        self.without_topic += other.without_topic
        self.without_homework += other.without_homework
        self.homework_expected |= other.homework_expected
        self.journals += other.journals

    def counts(self) -> dict[str, Any]:
        """The fields of KeepingCounts, for a line of any kind."""
        marked = self.marks_expected
        return KeepingCounts(
            students=self.students,
            without_marks=self.without_marks if marked else None,
            without_marks_share=percent(self.without_marks, self.marked_students)
            if marked
            else None,
            one_mark=self.one_mark if marked else None,
            one_mark_share=percent(self.one_mark, self.marked_students) if marked else None,
            lessons=self.lessons,
            without_topic=self.without_topic,
            without_homework=self.without_homework if self.homework_expected else None,
            late_entries=self.late_entries,
            late_lessons=len(self.late_lessons),
        ).model_dump()


def journal_monitoring(
    cursor: Cursor,
    year: str,
    start: date,
    end: date,
    today: date,
    *,
    period_id: str | None = None,
    class_code: str | None = None,
    journal_id: UUID | None = None,
) -> JournalMonitoringView:
    """Monitoring of the year's journals over [start, end] — of one class or one journal, if
    given. ``today`` is the school's local date: KTP progress is counted up to it at most."""
    facts = year_facts(cursor, year)
    scope = journals(cursor, facts, class_code)
    if journal_id is not None:
        scope = [j for j in scope if j.journal_id == str(journal_id)]
        if not scope:
            raise ReportNotProjectedError(f"no journal {journal_id} in the reports")
    as_of = min(end, today, facts.ends_on)
    key = {
        "year_id": facts.year_id,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": as_of.isoformat(),
    }
    in_scope = {j.journal_id for j in scope}
    marks = _marks_per_student(cursor, key)
    lessons = _lessons(cursor, key)
    held = _held_to_date(cursor, key)
    late = [r for r in _late_entries(cursor, key) if r[0] in in_scope]
    teachers = _teachers(cursor, in_scope)
    names = account_names(cursor)
    who = roster(cursor, facts, class_code)
    calendar = school_calendar(cursor, facts)
    terms = periods(cursor, facts)
    class_timetables = timetables(cursor, facts)
    scheduled: dict[str, dict[str, int]] = {}
    lines: list[JournalKeeping] = []
    tallies: dict[str, _Tally] = {}
    for journal in scope:
        if journal.class_code not in scheduled:
            timetable = class_timetables.get(journal.class_code)
            scheduled[journal.class_code] = (
                scheduled_lessons(
                    calendar,
                    # The class's grade's scheme: grade 5's autumn holidays are school days of
                    # grade 10's first half-year.
                    [t for t in terms if t.applies_to(journal.grade)],
                    timetable,
                    journal.class_code,
                    facts.starts_on,
                    as_of,
                )
                if timetable is not None
                else {}
            )
        page = who.page(journal)
        counts = marks.get(journal.journal_id, {})
        students = {s for s, spans in page.items() if overlaps(spans, start, end)} | set(counts)
        tally = _journal_tally(
            journal,
            [counts.get(s, 0) for s in students],
            lessons.get(journal.journal_id, (0, 0, 0)),
            facts.marks_expected(journal.grade),
            facts.homework_expected(journal.grade),
        )
        for entry_journal, _teacher, lesson_id in late:
            if entry_journal == journal.journal_id:
                tally.late_entries += 1
                if lesson_id is not None:
                    tally.late_lessons.add(lesson_id)
        tallies[journal.journal_id] = tally
        timetabled = scheduled[journal.class_code].get(journal.journal_id, 0)
        planned = planned_to_date(journal.ktp_hours, timetabled)
        held_to_date = held.get(journal.journal_id, 0)
        lines.append(
            JournalKeeping(
                journal_id=UUID(journal.journal_id),
                class_code=journal.class_code,
                grade=journal.grade,
                subject=journal.subject,
                subject_name=journal.subject_name,
                subgroup=journal.subgroup,
                teachers=tuple(
                    TeacherName(account_id=UUID(t), full_name=names.get(t, ""))
                    for t in sorted(
                        teachers.get(journal.journal_id, ()),
                        key=lambda t: (alphabetical(names.get(t, "")), t),
                    )
                ),
                ktp_hours=journal.ktp_hours,
                timetabled_to_date=timetabled,
                ktp_planned_to_date=planned,
                held_to_date=held_to_date,
                ktp_done_to_date=plan_done(held_to_date, planned),
                ktp_done_total=plan_done(held_to_date, journal.ktp_hours),
                **tally.counts(),
            )
        )
    return JournalMonitoringView(
        year=year,
        period_id=period_id,
        start=start,
        end=end,
        as_of=as_of,
        journals=tuple(lines),
        teachers=_by_teacher(scope, tallies, teachers, late, names),
        classes=_by_class(scope, tallies),
        total=KeepingCounts.model_validate(_summed(tallies.values(), late).counts()),
    )


def _journal_tally(
    journal: JournalFacts,
    marks_per_student: list[int],
    lessons: tuple[int, int, int],
    marks_expected: bool,
    homework_expected: bool,
) -> _Tally:
    held, without_topic, without_homework = lessons
    return _Tally(
        students=len(marks_per_student),
        marked_students=len(marks_per_student) if marks_expected else 0,
        without_marks=sum(1 for n in marks_per_student if n == 0) if marks_expected else 0,
        one_mark=sum(1 for n in marks_per_student if n == 1) if marks_expected else 0,
        marks_expected=marks_expected,
        lessons=held,
        without_topic=without_topic,
        without_homework=without_homework if homework_expected else 0,
        homework_expected=homework_expected,
        journals=1,
    )


def _summed(tallies: Iterable[_Tally], late: Sequence[tuple[str, str, str | None]]) -> _Tally:
    total = _Tally()
    for tally in tallies:
        total.add(tally)
    total.late_entries = len(late)
    total.late_lessons = {lesson for _, _, lesson in late if lesson is not None}
    return total


def _by_teacher(
    scope: Sequence[JournalFacts],
    tallies: dict[str, _Tally],
    teachers: dict[str, set[str]],
    late: Sequence[tuple[str, str, str | None]],
    names: dict[str, str],
) -> tuple[TeacherKeeping, ...]:
    everyone = {t for j in scope for t in teachers.get(j.journal_id, ())}
    everyone |= {teacher for _, teacher, _ in late}
    lines = []
    for teacher in sorted(everyone, key=lambda t: (alphabetical(names.get(t, "")), t)):
        kept = [tallies[j.journal_id] for j in scope if teacher in teachers.get(j.journal_id, ())]
        made = [entry for entry in late if entry[1] == teacher]
        tally = _summed(kept, made)
        lines.append(
            TeacherKeeping(
                account_id=UUID(teacher),
                full_name=names.get(teacher, ""),
                journals=tally.journals,
                **tally.counts(),
            )
        )
    return tuple(lines)


def _by_class(
    scope: Sequence[JournalFacts], tallies: dict[str, _Tally]
) -> tuple[ClassKeeping, ...]:
    lines = []
    for class_code in dict.fromkeys(j.class_code for j in scope):
        total = _Tally()
        lessons: set[str] = set()
        for journal in scope:
            if journal.class_code == class_code:
                tally = tallies[journal.journal_id]
                total.add(tally)
                total.late_entries += tally.late_entries
                lessons |= tally.late_lessons
        total.late_lessons = lessons
        lines.append(
            ClassKeeping(
                class_code=class_code,
                journals=total.journals,
                **total.counts(),
            )
        )
    return tuple(lines)


def _marks_per_student(cursor: Cursor, key: dict[str, str]) -> dict[str, dict[str, int]]:
    """journal -> student -> current marks of the range's lessons."""
    cursor.execute(
        """SELECT m.journal_id, m.student_id, COUNT(*) AS n FROM rpt_marks m
            JOIN rpt_lessons l ON l.lesson_id = m.lesson_id
            JOIN rpt_journals j ON j.journal_id = m.journal_id
        WHERE j.year_id = %(year_id)s AND m.voided = FALSE
            AND l.lesson_date BETWEEN %(start)s AND %(end)s
        GROUP BY m.journal_id, m.student_id""",
        key,
    )
    counts: dict[str, dict[str, int]] = {}
    for r in cursor.fetchall():
        counts.setdefault(r["journal_id"], {})[r["student_id"]] = int(r["n"])
    return counts


def _lessons(cursor: Cursor, key: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    """journal -> (lessons held in the range, of them without topic, without homework)."""
    cursor.execute(
        """SELECT l.journal_id, COUNT(*) AS held,
            SUM(CASE WHEN l.has_topic THEN 0 ELSE 1 END) AS without_topic,
            SUM(CASE WHEN l.has_homework THEN 0 ELSE 1 END) AS without_homework
        FROM rpt_lessons l JOIN rpt_journals j ON j.journal_id = l.journal_id
        WHERE j.year_id = %(year_id)s AND l.lesson_date BETWEEN %(start)s AND %(end)s
        GROUP BY l.journal_id""",
        key,
    )
    return {
        r["journal_id"]: (int(r["held"]), int(r["without_topic"]), int(r["without_homework"]))
        for r in cursor.fetchall()
    }


def _held_to_date(cursor: Cursor, key: dict[str, str]) -> dict[str, int]:
    """journal -> lessons held from the year's start to the day "to date" means."""
    cursor.execute(
        """SELECT l.journal_id, COUNT(*) AS held
        FROM rpt_lessons l JOIN rpt_journals j ON j.journal_id = l.journal_id
        WHERE j.year_id = %(year_id)s AND l.lesson_date <= %(as_of)s
        GROUP BY l.journal_id""",
        key,
    )
    return {r["journal_id"]: int(r["held"]) for r in cursor.fetchall()}


def _late_entries(cursor: Cursor, key: dict[str, str]) -> list[tuple[str, str, str | None]]:
    """(journal, teacher who made it, lesson or None) of each late entry about a day in the
    range: a lesson's date, or a period mark's period end."""
    cursor.execute(
        """SELECT e.journal_id, e.teacher_id, e.lesson_id FROM rpt_late_entries e
            JOIN rpt_journals j ON j.journal_id = e.journal_id
            LEFT JOIN rpt_lessons l ON l.lesson_id = e.lesson_id
            LEFT JOIN rpt_periods p ON p.year_id = j.year_id AND p.period_id = e.period_id
        WHERE j.year_id = %(year_id)s
            AND COALESCE(l.lesson_date, p.end_date) BETWEEN %(start)s AND %(end)s""",
        key,
    )
    return [(r["journal_id"], r["teacher_id"], r["lesson_id"]) for r in cursor.fetchall()]


def _teachers(cursor: Cursor, journal_ids: set[str]) -> dict[str, set[str]]:
    cursor.execute("SELECT journal_id, account_id FROM rpt_journal_teachers")
    teachers: dict[str, set[str]] = {}
    for r in cursor.fetchall():
        if r["journal_id"] in journal_ids:
            teachers.setdefault(r["journal_id"], set()).add(r["account_id"])
    return teachers
