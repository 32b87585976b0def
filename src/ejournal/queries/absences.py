"""A class teacher's absences: the week's absences of the class (those still without a reason,
or all), and the parents' notices of absence, each with the absences it covers.

The class comes from ``ejournal.access.class_list`` (its class teacher of that year, the
administration). Absences are read from the diary read model; notices from the students' own
records.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import AbsenceNotice, Student
from ejournal.application import School
from ejournal.database import Cursor
from ejournal.marks import AbsenceReason, Attendance


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ClassAbsence(_Frozen):
    """One absence from one lesson."""

    student_id: UUID
    student_name: str
    on: date
    slot: int
    journal_id: UUID
    lesson_id: UUID
    subject: str
    subject_name: str
    absence_reason: AbsenceReason | None
    valid: bool | None
    notice_id: UUID | None
    """A parent's notice that covers this absence, for the class teacher to take as its reason."""


class ClassAbsences(_Frozen):
    year: str
    class_code: str
    start: date
    end: date
    without_reason: bool
    absences: tuple[ClassAbsence, ...]


def week_of(day: date) -> tuple[date, date]:
    """The Monday-to-Sunday week a day falls in."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def class_absences(
    school: School,
    cursor: Cursor,
    year: SchoolYear,
    class_code: str,
    start: date,
    end: date,
    *,
    without_reason: bool,
) -> ClassAbsences:
    """The class's absences from ``start`` to ``end`` in every journal of the class, by day,
    lesson and student; with ``without_reason`` only those whose reason is not yet set."""
    cursor.execute(
        """SELECT a.lesson_id, a.student_id, a.absence_reason, a.valid, l.lesson_date, l.slot,
            j.journal_id, j.subject, j.subject_name
        FROM diary_attendance a
            JOIN diary_lessons l ON l.lesson_id = a.lesson_id
            JOIN diary_journals j ON j.journal_id = a.journal_id
        WHERE j.year = %(year)s AND j.class_code = %(class_code)s AND a.status = %(absent)s
            AND l.lesson_date BETWEEN %(start)s AND %(end)s""",
        {
            "year": year.label,
            "class_code": class_code,
            "absent": Attendance.ABSENT.value,
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
    )
    rows = [r for r in cursor.fetchall() if not (without_reason and r["absence_reason"])]
    students = {
        sid: school.view(Student, UUID(sid), "student") for sid in {r["student_id"] for r in rows}
    }
    absences = []
    for row in rows:
        student = students[row["student_id"]]
        on, slot = date.fromisoformat(row["lesson_date"]), row["slot"]
        notice = next(
            (n for n in _notices(student) if n.covers(on, slot)),
            None,
        )
        absences.append(
            ClassAbsence(
                student_id=student.id,
                student_name=str(student.name),
                on=on,
                slot=slot,
                journal_id=UUID(row["journal_id"]),
                lesson_id=UUID(row["lesson_id"]),
                subject=row["subject"],
                subject_name=row["subject_name"],
                absence_reason=AbsenceReason(row["absence_reason"])
                if row["absence_reason"]
                else None,
                valid=bool(row["valid"]) if row["valid"] is not None else None,
                notice_id=notice.id if notice else None,
            )
        )
    absences.sort(key=lambda a: (a.on, a.slot, a.student_name, a.subject_name))
    return ClassAbsences(
        year=year.label,
        class_code=class_code,
        start=start,
        end=end,
        without_reason=without_reason,
        absences=tuple(absences),
    )


class NoticePublic(_Frozen):
    """A parent's notice of absence as the class teacher sees it."""

    notice_id: UUID
    student_id: UUID
    student_name: str
    start: date
    end: date
    first_slot: int | None
    last_slot: int | None
    text: str
    given_by: UUID


def class_notices(school: School, year: SchoolYear, class_code: str) -> list[NoticePublic]:
    """The notices of absence given for the students who were in the class that year, for days
    of the year, by first day and student."""
    notices = []
    for student_id, stints in sorted(year.class_stints.items()):
        if not any(s.place == class_code for s in stints):
            continue
        student = school.view(Student, student_id, "student")
        for notice in _notices(student):
            if notice.end < year.starts_on or notice.start > year.ends_on:
                continue
            notices.append(_public(student, notice))
    return sorted(notices, key=lambda n: (n.start, n.student_name, str(n.notice_id)))


def family_notices(children: list[Student]) -> list[NoticePublic]:
    """Every notice of absence given for these children (a parent's own, from the core's
    ``noticed_children``), newest first day first."""
    notices = [_public(child, notice) for child in children for notice in _notices(child)]
    return sorted(notices, key=lambda n: (n.start, n.student_name, str(n.notice_id)), reverse=True)


def _public(student: Student, notice: AbsenceNotice) -> NoticePublic:
    return NoticePublic(
        notice_id=notice.id,
        student_id=student.id,
        student_name=str(student.name),
        start=notice.start,
        end=notice.end,
        first_slot=notice.first_slot,
        last_slot=notice.last_slot,
        text=notice.text,
        given_by=notice.given_by,
    )


def _notices(student: Student) -> list[AbsenceNotice]:
    return sorted(student.absence_notices().values(), key=lambda n: (n.start, str(n.id)))
