"""The journal page: one class journal as it stands, rendered from its ClassJournal aggregate (a
shared view, never changed here).

The entries (lessons, attendance, marks) are also kept by the journal grid read model
(``GET /journals/{id}/grid``, DESIGN.md §6); this page is read from the aggregate because it
carries what no read model holds: the plan (КТП) and each lesson's item of it, the teachers,
substitutions, late-entry permissions, correction authorisations and closed periods.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, computed_field

from api.schemas.people import PersonNamePublic, StaffPublic
from api.schemas.school_year import today_within, url_label
from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import (
    ClassJournal,
    CorrectionAction,
    CorrectionAuthorization,
)
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.application import School
from ejournal.marks import AbsenceReason, Attendance, WorkKind, period_name


class _FromCore(BaseModel):
    """A rendering of one of the aggregate's values, field by field."""

    model_config = ConfigDict(from_attributes=True)


class SubjectPublic(BaseModel):
    code: str
    name: str
    """The Russian name printed in the journal: "Математика"."""


class KtpItemPublic(_FromCore):
    """One line of the calendar-thematic plan (КТП)."""

    number: int
    topic: str
    hours: int


class LateEntryPublic(_FromCore):
    """An entry made after its deadline under a deputy's late-entry permission."""

    permission_id: UUID
    deadline: datetime
    rule: str


class LessonPublic(_FromCore):
    """A lesson held."""

    id: UUID
    on: date
    slot: int
    topic: str | None
    homework: str | None
    taught_by: UUID
    substitution_id: UUID | None
    """The substitution a substitute taught this lesson under."""
    ktp_item: int | None
    late: LateEntryPublic | None
    """Set when the lesson was recorded late under a permission; null when in time."""


class PageStudentPublic(BaseModel):
    """A student on the page."""

    id: UUID
    name: PersonNamePublic
    on_roster: bool
    """Whether the student is on the journal's roster on ``roster_on``; a student who has left
    stays on the page while entries name them."""


class AttendancePublic(BaseModel):
    """A student's attendance at a lesson (only recorded entries appear)."""

    lesson_id: UUID
    student_id: UUID
    status: Attendance
    reason: AbsenceReason | None
    """The class teacher's absence reason, once recorded."""
    reason_valid: bool | None
    """Whether the reason is a valid one (уважительная причина); null without a reason."""
    late: LateEntryPublic | None


class MarkPublic(_FromCore):
    """A mark: its current value; corrections and voidings stay in the log."""

    id: UUID
    lesson_id: UUID
    student_id: UUID
    value: str
    work_kind: WorkKind
    weight: float
    recorded_at: datetime
    corrected: bool
    voided: bool
    late: LateEntryPublic | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def work_kind_name(self) -> str:
        """The kind of work in Russian, for display: "Контрольная работа"."""
        return self.work_kind.title_ru


class PeriodMarkPublic(_FromCore):
    period_id: str
    period_name: str = ""
    """The period in Russian, for display: "1 четверть", "Год", "Итоговая"."""
    student_id: UUID
    value: str
    corrected: bool
    late: LateEntryPublic | None


class SubstitutionPublic(BaseModel):
    """A deputy's grant of one lesson to a substitute."""

    id: UUID
    on: date
    slot: int
    substitute: StaffPublic
    replaced_id: UUID | None
    reason: str
    cancelled: bool
    lesson_id: UUID | None
    """The lesson the substitute recorded under it, once recorded."""


class LatePermissionPublic(_FromCore):
    """A deputy's permission to enter records for past dates after their deadline."""

    id: UUID
    teacher_id: UUID | None
    """The teacher allowed; null lets any teacher of the journal use it."""
    from_date: date
    to_date: date
    valid_until: datetime
    reason: str


class CorrectionAuthorizationPublic(BaseModel):
    """A deputy's remark authorising one correction or voiding (Lyceum 68 §3.6.7)."""

    id: UUID
    action: CorrectionAction
    mark_id: UUID | None
    period_id: str | None
    student_id: UUID | None
    """With ``period_id``: the period mark the authorisation is for."""
    remark: str
    used: bool


class ClosedPeriodPublic(_FromCore):
    id: str
    name: str = ""
    """The period in Russian, for display: "1 четверть"."""
    start: date
    end: date


class JournalPagePublic(BaseModel):
    """One subject's pages of one class's journal for one school year."""

    id: UUID
    version: int
    """The journal's version: it grows by one with every event recorded on it."""
    year: str
    """The school year, as "2026-2027"."""
    class_code: str
    grade: int
    subject: SubjectPublic
    subgroup: str | None
    teachers: list[StaffPublic]
    ktp: list[KtpItemPublic]
    lessons: list[LessonPublic]
    """In the order held: by date, then slot."""
    roster_on: date
    """The day the roster is taken on: the last lesson's date, or today within the year."""
    students: list[PageStudentPublic]
    attendance: list[AttendancePublic]
    marks: list[MarkPublic]
    period_marks: list[PeriodMarkPublic]
    substitutions: list[SubstitutionPublic]
    late_permissions: list[LatePermissionPublic]
    correction_authorizations: list[CorrectionAuthorizationPublic]
    closed_periods: list[ClosedPeriodPublic]


def journal_page(school: School, journal: ClassJournal) -> JournalPagePublic:
    """Render a journal the caller may read, with the names of the people it refers to."""
    year = school.year_view(journal.year)
    lessons = sorted(journal.lessons.values(), key=lambda lesson: (lesson.on, lesson.slot))
    roster_on = lessons[-1].on if lessons else today_within(school, year)
    students = _page_students(school, year, journal, roster_on)
    lesson_order = {lesson.id: n for n, lesson in enumerate(lessons)}
    periods = {period.id: period.name for period in year.periods.values()}
    return JournalPagePublic(
        id=journal.id,
        version=journal.version,
        year=url_label(journal.year),
        class_code=journal.class_code,
        grade=journal.grade,
        subject=SubjectPublic(code=journal.subject, name=journal.subject_name),
        subgroup=journal.subgroup,
        teachers=sorted(
            (_staff(school, teacher) for teacher in journal.teachers),
            key=lambda staff: staff.full_name,
        ),
        ktp=[KtpItemPublic.model_validate(item) for item in journal.ktp],
        lessons=[LessonPublic.model_validate(lesson) for lesson in lessons],
        roster_on=roster_on,
        students=students,
        attendance=[
            AttendancePublic(
                lesson_id=lesson.id,
                student_id=student.id,
                status=entry.status,
                reason=entry.reason,
                reason_valid=entry.reason.is_valid if entry.reason else None,
                late=LateEntryPublic.model_validate(entry.late) if entry.late else None,
            )
            for lesson in lessons
            for student in students
            if (entry := journal.attendance_of(lesson.id, student.id)) is not None
        ],
        marks=[
            MarkPublic.model_validate(mark)
            for mark in sorted(
                journal.marks.values(),
                key=lambda mark: (lesson_order[mark.lesson_id], mark.recorded_at),
            )
        ],
        period_marks=[
            PeriodMarkPublic.model_validate(mark).model_copy(
                update={"period_name": period_name(periods, mark.period_id)}
            )
            for mark in sorted(
                journal.period_marks.values(),
                key=lambda mark: (mark.period_id, str(mark.student_id)),
            )
        ],
        substitutions=[
            SubstitutionPublic(
                id=sub.id,
                on=sub.on,
                slot=sub.slot,
                substitute=_staff(school, sub.substitute_id),
                replaced_id=sub.replaced_id,
                reason=sub.reason,
                cancelled=sub.cancelled,
                lesson_id=sub.lesson_id,
            )
            for sub in sorted(journal.substitutions.values(), key=lambda sub: (sub.on, sub.slot))
        ],
        late_permissions=[
            LatePermissionPublic.model_validate(permission)
            for permission in sorted(
                journal.late_permissions.values(), key=lambda permission: permission.from_date
            )
        ],
        correction_authorizations=[
            _authorization(authorization) for authorization in journal.authorizations.values()
        ],
        closed_periods=[
            ClosedPeriodPublic.model_validate(period).model_copy(
                update={"name": period_name(periods, period.id)}
            )
            for period in sorted(journal.closed_periods.values(), key=lambda period: period.start)
        ],
    )


def _page_students(
    school: School, year: SchoolYear, journal: ClassJournal, roster_on: date
) -> list[PageStudentPublic]:
    """The roster on the day, and everyone else an entry on the page names."""
    ref = year.journals[journal.id]
    on_roster = year.roster(ref, roster_on)
    named = {mark.student_id for mark in journal.marks.values()}
    named |= {mark.student_id for mark in journal.period_marks.values()}
    # Attendance is kept per lesson and student: whoever was ever in the class may have some.
    ever_in_class = {
        student_id
        for student_id, stints in year.class_stints.items()
        if any(stint.place == journal.class_code for stint in stints)
    }
    named |= {
        student_id
        for student_id in ever_in_class - on_roster - named
        if any(journal.attendance_of(lesson, student_id) for lesson in journal.lessons)
    }
    rows = []
    for student_id in on_roster | named:
        student = school.view(Student, student_id, "student")
        rows.append(
            PageStudentPublic(
                id=student_id,
                name=PersonNamePublic.of(student.name),
                on_roster=student_id in on_roster,
            )
        )
    return sorted(rows, key=lambda row: (row.name.full, str(row.id)))


def _staff(school: School, account_id: UUID) -> StaffPublic:
    return StaffPublic.model_validate(school.view(Account, account_id, "account"))


def _authorization(authorization: CorrectionAuthorization) -> CorrectionAuthorizationPublic:
    period_id: str | None = None
    student_id: UUID | None = None
    if authorization.period_mark is not None:
        # The aggregate names a period mark "<period>/<student>".
        period_id, _, student = authorization.period_mark.partition("/")
        student_id = UUID(student)
    return CorrectionAuthorizationPublic(
        id=authorization.id,
        action=authorization.action,
        mark_id=authorization.mark_id,
        period_id=period_id,
        student_id=student_id,
        remark=authorization.remark,
        used=authorization.used,
    )
