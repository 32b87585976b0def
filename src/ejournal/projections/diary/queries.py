"""A student's diary as the read model holds it: the week, homework due, averages."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from pydantic import BaseModel, ConfigDict, computed_field

from ejournal.database import Cursor, Row
from ejournal.marks import AbsenceReason, Attendance, WorkKind
from ejournal.projections import stints
from ejournal.projections.diary.forecast import counted, forecast, weighted_average

_ONE_DAY = timedelta(days=1)


class DiaryModel(BaseModel):
    """A frozen part of the diary's view."""

    model_config = ConfigDict(frozen=True)


class DiaryMark(DiaryModel):
    """A mark as it stands now: its current value, what it was for and its weight."""

    mark_id: UUID
    value: str
    work_kind: WorkKind
    weight: float
    """The weight recorded with the mark, from the school's profile at the time."""
    comment: str | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def work_kind_name(self) -> str:
        """The kind of work in Russian, for display: "Контрольная работа"."""
        return self.work_kind.title_ru


class DiaryAttendance(DiaryModel):
    """The student's attendance at a lesson and, for an absence, its reason once known."""

    status: Attendance
    absence_reason: AbsenceReason | None
    valid: bool | None
    """Whether the absence has a valid reason (уважительная причина); None until one is set."""


class DiaryLesson(DiaryModel):
    """One lesson of the student's day."""

    lesson_id: UUID
    journal_id: UUID
    slot: int
    subject: str
    subject_name: str
    topic: str | None
    homework: str | None
    homework_due: date | None
    """The school day the homework is due (None for homework set before due dates were kept)."""
    marks: tuple[DiaryMark, ...]
    attendance: DiaryAttendance | None


class DiaryPeriodMark(DiaryModel):
    """A period mark, shown on the period's last day."""

    period_id: str
    period_name: str
    subject: str
    subject_name: str
    value: str


class DiaryDay(DiaryModel):
    """A day of the diary: its lessons in slot order and the period marks it closes."""

    on: date
    lessons: tuple[DiaryLesson, ...]
    period_marks: tuple[DiaryPeriodMark, ...]


class DiaryView(DiaryModel):
    """A student's diary over some days, every day of the range listed."""

    student_id: UUID
    start: date
    end: date
    days: tuple[DiaryDay, ...]


class SubjectAverage(DiaryModel):
    """A subject's marks in a period: how many count, their weighted average, the forecast."""

    year: str
    period_id: str
    subject: str
    subject_name: str
    marks: int
    """Marks that count towards the average (pass/fail marks do not)."""
    average: float | None
    forecast: str | None
    """The expected period mark (School 77 §9.3); None with fewer than three marks."""
    period_mark: str | None
    """The period mark once given."""


_Span = tuple[str, str | None]
"""Days as ISO dates, since and until inclusive; until None while still open."""


def diary_week(cursor: Cursor, student_id: UUID, start: date, end: date) -> DiaryView:
    """A student's diary from ``start`` to ``end`` (inclusive), as the diary read model holds it.

    Lessons are those of the journals the student was on that day; a lesson the student has a
    mark or attendance entry on is shown even so (the journal accepted it for them).
    """
    student = str(student_id)
    span = {"student_id": student, "start": start.isoformat(), "end": end.isoformat()}
    journals = _journals_on(cursor, student, start, end)
    lessons: dict[str, Row] = {}
    for journal_id, spans in sorted(journals.items()):
        cursor.execute(
            """SELECT * FROM diary_lessons WHERE journal_id = %(journal_id)s
                AND lesson_date BETWEEN %(start)s AND %(end)s""",
            {**span, "journal_id": journal_id},
        )
        for row in cursor.fetchall():
            if any(_covers(s, row["lesson_date"]) for s in spans):
                lessons[row["lesson_id"]] = row
    cursor.execute(
        """SELECT m.*, l.lesson_date FROM diary_marks m
            JOIN diary_lessons l ON l.lesson_id = m.lesson_id
        WHERE m.student_id = %(student_id)s AND m.voided = FALSE
            AND l.lesson_date BETWEEN %(start)s AND %(end)s""",
        span,
    )
    marks: dict[str, list[DiaryMark]] = {}
    for row in sorted(cursor.fetchall(), key=lambda r: r["mark_id"]):
        marks.setdefault(row["lesson_id"], []).append(_mark(row))
    cursor.execute(
        """SELECT a.*, l.lesson_date FROM diary_attendance a
            JOIN diary_lessons l ON l.lesson_id = a.lesson_id
        WHERE a.student_id = %(student_id)s AND l.lesson_date BETWEEN %(start)s AND %(end)s""",
        span,
    )
    attendance = {row["lesson_id"]: _attendance(row) for row in cursor.fetchall()}
    missing = (set(marks) | set(attendance)) - set(lessons)
    for lesson_id in sorted(missing):
        cursor.execute(
            "SELECT * FROM diary_lessons WHERE lesson_id = %(lesson_id)s", {"lesson_id": lesson_id}
        )
        found = cursor.fetchone()
        if found is not None:
            lessons[lesson_id] = found
    subjects = _subjects(cursor, {row["journal_id"] for row in lessons.values()})
    by_day: dict[str, list[DiaryLesson]] = {}
    for row in lessons.values():
        subject, subject_name = subjects[row["journal_id"]]
        by_day.setdefault(row["lesson_date"], []).append(
            DiaryLesson(
                lesson_id=UUID(row["lesson_id"]),
                journal_id=UUID(row["journal_id"]),
                slot=row["slot"],
                subject=subject,
                subject_name=subject_name,
                topic=row["topic"],
                homework=row["homework"],
                homework_due=date.fromisoformat(row["homework_due"])
                if row["homework_due"]
                else None,
                marks=tuple(marks.get(row["lesson_id"], ())),
                attendance=attendance.get(row["lesson_id"]),
            )
        )
    period_marks = _period_marks_ending(cursor, span)
    days = []
    day = start
    while day <= end:
        key = day.isoformat()
        days.append(
            DiaryDay(
                on=day,
                lessons=tuple(sorted(by_day.get(key, ()), key=lambda x: (x.slot, x.subject_name))),
                period_marks=tuple(period_marks.get(key, ())),
            )
        )
        day += _ONE_DAY
    return DiaryView(student_id=student_id, start=start, end=end, days=tuple(days))


class HomeworkDue(DiaryModel):
    """Homework as the day it is due shows it: what, in which subject, set at which lesson."""

    due: date
    lesson_id: UUID
    journal_id: UUID
    subject: str
    subject_name: str
    set_on: date
    homework: str


def homework_due_between(
    cursor: Cursor, student_id: UUID, start: date, end: date
) -> list[HomeworkDue]:
    """The homework a student has due from ``start`` to ``end`` (inclusive): set at lessons of
    the journals the student was on the day it was set, in due date and subject order."""
    student = str(student_id)
    # Homework is set before it is due, at any time before: every journal the student was on
    # up to ``end`` may have some due within the range.
    journals = _journals_on(cursor, student, date.min, end)
    due: list[HomeworkDue] = []
    subjects = _subjects(cursor, set(journals))
    for journal_id, spans in sorted(journals.items()):
        cursor.execute(
            """SELECT * FROM diary_lessons WHERE journal_id = %(journal_id)s
                AND homework IS NOT NULL
                AND homework_due BETWEEN %(start)s AND %(end)s""",
            {"journal_id": journal_id, "start": start.isoformat(), "end": end.isoformat()},
        )
        subject, subject_name = subjects[journal_id]
        for row in cursor.fetchall():
            if not any(_covers(s, row["lesson_date"]) for s in spans):
                continue
            due.append(
                HomeworkDue(
                    due=date.fromisoformat(row["homework_due"]),
                    lesson_id=UUID(row["lesson_id"]),
                    journal_id=UUID(journal_id),
                    subject=subject,
                    subject_name=subject_name,
                    set_on=date.fromisoformat(row["lesson_date"]),
                    homework=row["homework"],
                )
            )
    return sorted(due, key=lambda h: (h.due, h.subject_name, h.set_on, str(h.lesson_id)))


def diary_averages(cursor: Cursor, student_id: UUID, period_id: str) -> list[SubjectAverage]:
    """Per subject, the student's current marks in a period (by lesson date): their count, the
    weighted average and the forecast; in every year that has such a period and marks for them.
    """
    key = {"student_id": str(student_id), "period_id": period_id}
    cursor.execute(
        """SELECT j.year, j.subject, j.subject_name, m.value, m.weight
        FROM diary_marks m
            JOIN diary_lessons l ON l.lesson_id = m.lesson_id
            JOIN diary_journals j ON j.journal_id = m.journal_id
            JOIN diary_periods p ON p.year_id = j.year_id AND p.period_id = %(period_id)s
        WHERE m.student_id = %(student_id)s AND m.voided = FALSE
            AND l.lesson_date BETWEEN p.start_date AND p.end_date""",
        key,
    )
    marks: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    for row in cursor.fetchall():
        group = (row["year"], row["subject"], row["subject_name"])
        marks.setdefault(group, []).append((row["value"], float(row["weight"])))
    cursor.execute(
        """SELECT j.year, j.subject, pm.value FROM diary_period_marks pm
            JOIN diary_journals j ON j.journal_id = pm.journal_id
        WHERE pm.student_id = %(student_id)s AND pm.period_id = %(period_id)s""",
        key,
    )
    given = {(row["year"], row["subject"]): row["value"] for row in cursor.fetchall()}
    averages = []
    for (year, subject, subject_name), entries in marks.items():
        count = counted(value for value, _ in entries)
        average = weighted_average(entries)
        averages.append(
            SubjectAverage(
                year=year,
                period_id=period_id,
                subject=subject,
                subject_name=subject_name,
                marks=count,
                average=average,
                forecast=forecast(average, count),
                period_mark=given.get((year, subject)),
            )
        )
    return sorted(averages, key=lambda a: (a.year, a.subject_name, a.subject))


def _journals_on(cursor: Cursor, student: str, start: date, end: date) -> dict[str, list[_Span]]:
    """The journals a student was on at some time in [start, end], with the days they were."""
    key = {"student_id": student, "start": start.isoformat(), "end": end.isoformat()}
    cursor.execute(
        """SELECT year_id, class_code, since_date, until_date FROM diary_class_stints
        WHERE student_id = %(student_id)s AND since_date <= %(end)s
            AND (until_date IS NULL OR until_date >= %(start)s)""",
        key,
    )
    class_stints = cursor.fetchall()
    if not class_stints:
        return {}
    cursor.execute(
        """SELECT year_id, class_code, subject, subgroup, since_date, until_date
        FROM diary_subgroup_stints WHERE student_id = %(student_id)s""",
        key,
    )
    subgroup_stints = cursor.fetchall()
    journals: dict[str, list[_Span]] = {}
    for stint in class_stints:
        cursor.execute(
            """SELECT journal_id, subject, subgroup FROM diary_journals
            WHERE year_id = %(year_id)s AND class_code = %(class_code)s""",
            {"year_id": stint["year_id"], "class_code": stint["class_code"]},
        )
        in_class = [
            sub
            for sub in subgroup_stints
            if (sub["year_id"], sub["class_code"]) == (stint["year_id"], stint["class_code"])
        ]
        for journal in cursor.fetchall():
            spans = stints.page_spans(stint, journal, in_class)
            journals.setdefault(journal["journal_id"], []).extend(spans)
    return journals


def _covers(span: _Span, day: str) -> bool:
    since, until = span
    return since <= day and (until is None or day <= until)


def _subjects(cursor: Cursor, journal_ids: set[str]) -> dict[str, tuple[str, str]]:
    subjects = {}
    for journal_id in sorted(journal_ids):
        cursor.execute(
            "SELECT subject, subject_name FROM diary_journals WHERE journal_id = %(journal_id)s",
            {"journal_id": journal_id},
        )
        row = cursor.fetchone()
        # A lesson of a journal whose opening the model has not seen yet cannot happen in log
        # order; an empty subject keeps the view whole should it ever.
        subjects[journal_id] = (row["subject"], row["subject_name"]) if row else ("", "")
    return subjects


def _period_marks_ending(cursor: Cursor, span: dict[str, str]) -> dict[str, list[DiaryPeriodMark]]:
    """The student's period marks of periods that end within the range, by end date."""
    cursor.execute(
        """SELECT p.end_date, p.period_id, p.name, j.subject, j.subject_name, pm.value
        FROM diary_period_marks pm
            JOIN diary_journals j ON j.journal_id = pm.journal_id
            JOIN diary_periods p ON p.year_id = j.year_id AND p.period_id = pm.period_id
        WHERE pm.student_id = %(student_id)s AND p.end_date BETWEEN %(start)s AND %(end)s""",
        span,
    )
    marks: dict[str, list[DiaryPeriodMark]] = {}
    for row in sorted(cursor.fetchall(), key=lambda r: (r["subject_name"], r["subject"])):
        marks.setdefault(row["end_date"], []).append(
            DiaryPeriodMark(
                period_id=row["period_id"],
                period_name=row["name"],
                subject=row["subject"],
                subject_name=row["subject_name"],
                value=row["value"],
            )
        )
    return marks


def _mark(row: Row) -> DiaryMark:
    return DiaryMark(
        mark_id=UUID(row["mark_id"]),
        value=row["value"],
        work_kind=WorkKind(row["work_kind"]),
        weight=float(row["weight"]),
        comment=row["comment"],
    )


def _attendance(row: Row) -> DiaryAttendance:
    return DiaryAttendance(
        status=Attendance(row["status"]),
        absence_reason=AbsenceReason(row["absence_reason"]) if row["absence_reason"] else None,
        valid=bool(row["valid"]) if row["valid"] is not None else None,
    )
