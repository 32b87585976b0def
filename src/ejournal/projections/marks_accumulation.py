"""Accumulation of marks (накопляемость отметок) of a class for a period: per student and subject,
how many marks the journal holds and their weighted average.

Gymnasium 2 §8.4: "Для объективной аттестации обучающихся за учебный период (триместр,
полугодие, год) обеспечивают необходимую накопляемость отметок обучающимися, которая зависит от
количества часов по данному предмету в учебном плане"; §4.4 and §6.2 have the deputies analyse
"накопляемость оценок"; School 77 §5.2 asks for "наличие количества оценок в установленном
порядке" for a fair period mark, and §4.6.6 for monitoring "Наполняемость текущих оценок".

None of the five regulations gives a number (a minimum of marks per period, or one per weekly
hour): the report therefore flags nothing. It gives the raw counts beside each subject's weekly
hours in the timetable, and leaves the judgement to its reader; a threshold, once a school's
regulation sets one, belongs in its regulation profile.

Marks are the current ones (a corrected mark at its new value, a voided one not at all) of the
lessons held within the period. The average is the diary's weighted average with the weight
recorded on each mark (``diary.weighted_average``, from the profile's weights at the time);
pass/fail marks count as marks but not towards the average. A subject taught in subgroups is
one column: a student's marks are those of the subgroup pages they were on.
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from ejournal.database import Cursor
from ejournal.marks import points
from ejournal.projections.conventions import alphabetical
from ejournal.projections.diary.forecast import weighted_average
from ejournal.projections.reporting.calendar import timetables
from ejournal.projections.reporting.queries import (
    ReportModel,
    ReportNotProjectedError,
    classes,
    journals,
    overlaps,
    period,
    roster,
    student_names,
    year_facts,
)


def rounded_average(marks: list[tuple[str, float]]) -> float | None:
    """The weighted average of (value, weight) marks to two decimals, as a report prints it."""
    average = weighted_average(marks)
    return round(average, 2) if average is not None else None


class AccumulationSubject(ReportModel):
    """A subject's column: its weekly hours and how its marks are spread over the students."""

    subject: str
    subject_name: str
    weekly_hours: int
    """Lessons a week in the timetable in force on the period's last day (all subgroups
    together count once)."""
    students: int
    """Students on one of the subject's pages at some time in the period."""
    without_marks: int
    one_mark: int
    marks: int


class AccumulationCell(ReportModel):
    """A student's marks in one subject for the period."""

    subject: str
    on_page: bool
    """False where the student was on none of the subject's pages in the period."""
    marks: int
    """Current marks of every kind, pass/fail included."""
    counted: int
    """Marks that count towards the average (pass/fail marks do not)."""
    average: float | None


class AccumulationRow(ReportModel):
    student_id: UUID
    full_name: str
    cells: tuple[AccumulationCell, ...]


class MarksAccumulationView(ReportModel):
    """Накопляемость отметок: students × subjects for one period."""

    kind: Literal["marks_accumulation"] = "marks_accumulation"
    year: str
    class_code: str
    period_id: str
    period_name: str
    start: date
    end: date
    marks_expected: bool
    """False for grade 1 where the profile gives it no marks (School 77 §3.7, School 117 §5.5)."""
    subjects: tuple[AccumulationSubject, ...]
    rows: tuple[AccumulationRow, ...]


def marks_accumulation(
    cursor: Cursor, year: str, class_code: str, period_id: str
) -> MarksAccumulationView:
    """How many marks each student of a class has per subject in a period, and their average."""
    facts = year_facts(cursor, year)
    grades = classes(cursor, facts)
    if class_code not in grades:
        raise ReportNotProjectedError(f"no class {class_code} in school year {year}")
    term = period(cursor, facts, period_id, grades[class_code])
    who = roster(cursor, facts, class_code)
    timetable = timetables(cursor, facts).get(class_code)
    # The subject's pages: a student is on the subject's column if on any of them.
    subjects: dict[str, str] = {}
    on_subject: dict[str, set[str]] = {}
    hours: dict[str, int] = {}
    for journal in journals(cursor, facts, class_code):
        subjects.setdefault(journal.subject, journal.subject_name)
        page = who.page(journal)
        on_subject.setdefault(journal.subject, set()).update(
            s for s, spans in page.items() if overlaps(spans, term.start, term.end)
        )
        weekly = timetable.weekly_hours(journal.journal_id, term.end) if timetable else 0
        hours[journal.subject] = max(hours.get(journal.subject, 0), weekly)
    cursor.execute(
        """SELECT m.student_id, j.subject, m.value, m.weight FROM rpt_marks m
            JOIN rpt_lessons l ON l.lesson_id = m.lesson_id
            JOIN rpt_journals j ON j.journal_id = m.journal_id
        WHERE j.year_id = %(year_id)s AND j.class_code = %(class_code)s AND m.voided = FALSE
            AND l.lesson_date BETWEEN %(start)s AND %(end)s""",
        {
            "year_id": facts.year_id,
            "class_code": class_code,
            "start": term.start.isoformat(),
            "end": term.end.isoformat(),
        },
    )
    marks: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for r in cursor.fetchall():
        marks.setdefault((r["student_id"], r["subject"]), []).append(
            (r["value"], float(r["weight"]))
        )
    order = sorted(subjects, key=lambda s: (alphabetical(subjects[s]), s))
    names = student_names(cursor)
    students = {s for page in on_subject.values() for s in page}
    students |= {
        s
        for s, spans in who.classes.get(class_code, {}).items()
        if overlaps(spans, term.start, term.end)
    }
    students |= {s for s, _ in marks}
    rows = []
    for student_id in sorted(students, key=lambda s: (alphabetical(names.get(s, "")), s)):
        cells = []
        for subject in order:
            entries = marks.get((student_id, subject), [])
            cells.append(
                AccumulationCell(
                    subject=subject,
                    on_page=student_id in on_subject.get(subject, set()) or bool(entries),
                    marks=len(entries),
                    counted=sum(1 for value, _ in entries if points(value) is not None),
                    average=rounded_average(entries),
                )
            )
        rows.append(
            AccumulationRow(
                student_id=UUID(student_id), full_name=names.get(student_id, ""), cells=tuple(cells)
            )
        )
    columns = []
    for index, subject in enumerate(order):
        cells = [row.cells[index] for row in rows if row.cells[index].on_page]
        columns.append(
            AccumulationSubject(
                subject=subject,
                subject_name=subjects[subject],
                weekly_hours=hours.get(subject, 0),
                students=len(cells),
                without_marks=sum(1 for c in cells if c.marks == 0),
                one_mark=sum(1 for c in cells if c.marks == 1),
                marks=sum(c.marks for c in cells),
            )
        )
    return MarksAccumulationView(
        year=year,
        class_code=class_code,
        period_id=term.period_id,
        period_name=term.name,
        start=term.start,
        end=term.end,
        marks_expected=facts.marks_expected(grades[class_code]),
        subjects=tuple(columns),
        rows=tuple(rows),
    )
