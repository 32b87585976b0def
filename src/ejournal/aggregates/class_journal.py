"""ClassJournal: one subject's pages of a class journal for one school year.

One per (school year, class, subject, subgroup-or-whole-class). It holds the teachers, the
calendar-thematic plan (KTP), the lessons held with topic and homework and who taught them,
attendance, marks with their kind and weight, period marks, substitution grants, late-entry
permissions, correction authorisations and closed periods.

Nothing here is edited in place: a mark is superseded only by a correction or voiding event
that carries a reason and names the mark (Lyceum 68 §3.6.8; Gymnasium 2 §8.6). The public methods
check invariants and then emit one event each; the ``@event`` methods only apply state, so
replaying the log never re-judges old entries by today's rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from eventsourcing.domain import event

from ejournal.aggregates.base import Aggregate, AggregateSnapshot, SnapshotState, Value
from ejournal.aggregates.identity import journal_id
from ejournal.errors import InvariantError, NotFoundError
from ejournal.marks import AbsenceReason, Attendance, WorkKind
from ejournal.roles import Actor


class ClassJournalError(InvariantError):
    """A journal entry contradicts what the journal already holds."""

    slug = "journal-invariant"


class StudentNotOnRosterError(ClassJournalError):
    """The student is not on this journal's page on the lesson's date."""

    slug = "student-not-on-roster"
    title = "The student is not on this journal's page"


class PeriodClosedError(ClassJournalError):
    """The period is closed; its lessons take nothing new without an approved correction."""

    slug = "period-closed"
    title = "The period is closed"


class KtpItem(Value):
    """One line of the calendar-thematic plan (КТП): a topic and its hours."""

    number: int
    topic: str
    hours: int = 1


class LateEntry(Value):
    """Marks an entry made after its deadline under a deputy's late-entry permission."""

    permission_id: UUID
    deadline: datetime
    rule: str


class Lesson(Value):
    """A lesson held: its date and slot, topic, homework and who taught it."""

    id: UUID
    on: date
    slot: int
    topic: str | None = None
    homework: str | None = None
    taught_by: UUID
    substitution_id: UUID | None = None
    ktp_item: int | None = None
    late: LateEntry | None = None
    homework_due: date | None = None
    """The school day the homework is due on (kept last: a lesson recorded before due dates
    were kept decodes with none)."""


class AttendanceEntry(Value):
    """A student's attendance at a lesson, and the reason for an absence once known."""

    status: Attendance
    reason: AbsenceReason | None = None
    late: LateEntry | None = None


class Mark(Value):
    """A current mark: the latest value of a stable mark id; the log keeps every earlier one."""

    id: UUID
    lesson_id: UUID
    student_id: UUID
    value: str
    work_kind: WorkKind
    weight: float
    recorded_at: datetime
    late: LateEntry | None = None
    comment: str | None = None
    """The teacher's note on the work, shown in the diary."""
    corrected: bool = False
    voided: bool = False


class PeriodMark(Value):
    """A quarter, trimester or half-year mark, or a mark of the year's results kept under the
    id of its kind ("Y" year, "E" exam, "F" final: ``ResultKind``)."""

    period_id: str
    student_id: UUID
    value: str
    late: LateEntry | None = None
    corrected: bool = False
    recorded_at: datetime | None = None
    """When it was first recorded (None in snapshots taken before this was kept)."""


class Substitution(Value):
    """A deputy's grant: one lesson taught by a substitute (Lyceum 68 §5.1; Gymnasium 2 §8.3)."""

    id: UUID
    on: date
    slot: int
    substitute_id: UUID
    replaced_id: UUID | None
    reason: str
    cancelled: bool = False
    lesson_id: UUID | None = None


class LatePermission(Value):
    """A deputy's permission to enter a journal's records for past dates after their deadline."""

    id: UUID
    teacher_id: UUID | None
    """The teacher allowed; None lets any teacher of the journal use it."""
    from_date: date
    to_date: date
    valid_until: datetime
    reason: str

    def covers(self, day: date, teacher_id: UUID, now: datetime) -> bool:
        return (
            self.from_date <= day <= self.to_date
            and now <= self.valid_until
            and (self.teacher_id is None or self.teacher_id == teacher_id)
        )


CorrectionAction = Literal["correct", "void"]


class CorrectionAuthorization(Value):
    """A deputy's remark authorising one correction or voiding of one mark (Lyceum 68 §3.6.7)."""

    id: UUID
    mark_id: UUID | None = None
    period_mark: str | None = None
    """"<period>/<student>" for a period mark."""
    action: CorrectionAction
    remark: str
    used: bool = False
    recorded_at: datetime | None = None
    """When the remark was recorded (server time), from which a term to act on it counts."""


class ClosedPeriod(Value):
    id: str
    start: date
    end: date


def _key(*parts: object) -> str:
    return "/".join(str(p) for p in parts)


class ClassJournal(Aggregate):
    """One subject's pages of one class's journal for one school year."""

    class State(SnapshotState):
        year: str
        class_code: str
        grade: int
        subject: str
        subject_name: str
        subgroup: str | None
        teachers: set[UUID]
        ktp: tuple[KtpItem, ...]
        lessons: dict[UUID, Lesson]
        slots: dict[str, UUID]
        attendance: dict[str, AttendanceEntry]
        marks: dict[UUID, Mark]
        period_marks: dict[str, PeriodMark]
        substitutions: dict[UUID, Substitution]
        late_permissions: dict[UUID, LatePermission]
        authorizations: dict[UUID, CorrectionAuthorization]
        closed_periods: dict[str, ClosedPeriod]

    class Snapshot(AggregateSnapshot):
        state: ClassJournal.State

    # --- events ---------------------------------------------------------------------------

    class Opened(Aggregate.Created):
        """A journal was opened for a subject of a class (or a subgroup of it)."""

        year: str
        class_code: str
        grade: int
        subject: str
        subject_name: str
        subgroup: str | None
        teachers: tuple[UUID, ...]
        actor: Actor

    class TeacherAssigned(Aggregate.Event):
        account_id: UUID
        actor: Actor

    class TeacherRelieved(Aggregate.Event):
        account_id: UUID
        reason: str
        actor: Actor

    class KtpSet(Aggregate.Event):
        """The calendar-thematic plan; a replacement carries its reason."""

        items: tuple[KtpItem, ...]
        reason: str | None
        actor: Actor

    class LessonHeld(Aggregate.Event):
        """A lesson was held; a substitute's lesson names the substitution."""

        lesson: Lesson
        actor: Actor

    class LessonDetailsRecorded(Aggregate.Event):
        """Topic or homework filled in where none was recorded yet; homework with the day it
        is due (None in events recorded before due dates were kept)."""

        lesson_id: UUID
        topic: str | None
        homework: str | None
        late: LateEntry | None
        actor: Actor
        homework_due: date | None = None

    class LessonDetailsCorrected(Aggregate.Event):
        """A recorded topic or homework was corrected, with the values it supersedes."""

        lesson_id: UUID
        topic: str | None
        homework: str | None
        previous_topic: str | None
        previous_homework: str | None
        reason: str
        actor: Actor
        homework_due: date | None = None
        previous_homework_due: date | None = None

    class AttendanceRecorded(Aggregate.Event):
        lesson_id: UUID
        student_id: UUID
        status: Attendance
        late: LateEntry | None
        actor: Actor

    class AttendanceCorrected(Aggregate.Event):
        lesson_id: UUID
        student_id: UUID
        status: Attendance
        previous: Attendance
        reason: str
        actor: Actor

    class AbsenceReasonSet(Aggregate.Event):
        """The class teacher recorded why a student was absent (School 77 §4.3.12)."""

        lesson_id: UUID
        student_id: UUID
        absence_reason: AbsenceReason
        previous: AbsenceReason | None
        note: str | None
        reason: str | None
        """Why a reason already recorded was changed."""
        actor: Actor

    class MarkRecorded(Aggregate.Event):
        """A teacher recorded a mark for a student's work on a lesson."""

        mark_id: UUID
        lesson_id: UUID
        student_id: UUID
        value: str
        work_kind: WorkKind
        weight: float
        late: LateEntry | None
        actor: Actor
        comment: str | None = None

    class MarkCorrected(Aggregate.Event):
        """A mark's value was superseded by another, with the reason."""

        mark_id: UUID
        value: str
        previous: str
        reason: str
        authorization_id: UUID | None
        actor: Actor

    class MarkVoided(Aggregate.Event):
        """A mark entered in error was voided, with the reason; it stays in the log."""

        mark_id: UUID
        previous: str
        reason: str
        authorization_id: UUID | None
        actor: Actor

    class CorrectionAuthorized(Aggregate.Event):
        """A deputy's remark authorising one correction (Lyceum 68 §3.6.7, §3.10.5)."""

        authorization: CorrectionAuthorization
        actor: Actor

    class PeriodMarkRecorded(Aggregate.Event):
        period_id: str
        student_id: UUID
        value: str
        late: LateEntry | None
        actor: Actor

    class PeriodMarkCorrected(Aggregate.Event):
        period_id: str
        student_id: UUID
        value: str
        previous: str
        reason: str
        authorization_id: UUID | None
        actor: Actor

    class SubstitutionAssigned(Aggregate.Event):
        """The deputy assigned a substitute to one lesson (School 77 §4.4.3)."""

        substitution: Substitution
        actor: Actor

    class SubstitutionCancelled(Aggregate.Event):
        substitution_id: UUID
        reason: str
        actor: Actor

    class LateEntryPermitted(Aggregate.Event):
        """The deputy permitted entries after their deadline for some dates, with a reason."""

        permission: LatePermission
        actor: Actor

    class PeriodClosed(Aggregate.Event):
        """The period's marks are final; its lessons take nothing new."""

        period: ClosedPeriod
        actor: Actor

    # --- creation -------------------------------------------------------------------------

    @staticmethod
    def create_id(
        year: str, class_code: str, subject: str, subgroup: str | None, **_: object
    ) -> UUID:
        return journal_id(year, class_code, subject, subgroup)

    @classmethod
    def open(
        cls,
        *,
        year: str,
        class_code: str,
        grade: int,
        subject: str,
        subject_name: str,
        subgroup: str | None,
        teachers: Iterable[UUID],
        actor: Actor,
    ) -> ClassJournal:
        return cls(
            year=year,
            class_code=class_code,
            grade=grade,
            subject=subject,
            subject_name=subject_name,
            subgroup=subgroup,
            teachers=tuple(teachers),
            actor=actor,
        )

    @event(Opened)
    def __init__(
        self,
        *,
        year: str,
        class_code: str,
        grade: int,
        subject: str,
        subject_name: str,
        subgroup: str | None,
        teachers: tuple[UUID, ...],
        actor: Actor,
    ) -> None:
        self.year = year
        self.class_code = class_code
        self.grade = grade
        self.subject = subject
        self.subject_name = subject_name
        self.subgroup = subgroup
        self.teachers: set[UUID] = set(teachers)
        self.ktp: tuple[KtpItem, ...] = ()
        self.lessons: dict[UUID, Lesson] = {}
        self.slots: dict[str, UUID] = {}
        self.attendance: dict[str, AttendanceEntry] = {}
        self.marks: dict[UUID, Mark] = {}
        self.period_marks: dict[str, PeriodMark] = {}
        self.substitutions: dict[UUID, Substitution] = {}
        self.late_permissions: dict[UUID, LatePermission] = {}
        self.authorizations: dict[UUID, CorrectionAuthorization] = {}
        self.closed_periods: dict[str, ClosedPeriod] = {}

    # --- queries --------------------------------------------------------------------------

    def lesson(self, lesson_id: UUID) -> Lesson:
        try:
            return self.lessons[lesson_id]
        except KeyError:
            raise NotFoundError("no such lesson in this journal") from None

    def lesson_at(self, on: date, slot: int) -> Lesson | None:
        lesson_id = self.slots.get(_key(on, slot))
        return self.lessons[lesson_id] if lesson_id else None

    def mark(self, mark_id: UUID) -> Mark:
        try:
            return self.marks[mark_id]
        except KeyError:
            raise NotFoundError("no such mark in this journal") from None

    def attendance_of(self, lesson_id: UUID, student_id: UUID) -> AttendanceEntry | None:
        return self.attendance.get(_key(lesson_id, student_id))

    def period_mark(self, period_id: str, student_id: UUID) -> PeriodMark | None:
        return self.period_marks.get(_key(period_id, student_id))

    def current_marks_of(self, student_id: UUID, start: date, end: date) -> int:
        """How many current marks (not voided) a student has for lessons from start to end."""
        return sum(
            1
            for mark in self.marks.values()
            if mark.student_id == student_id
            and not mark.voided
            and start <= self.lessons[mark.lesson_id].on <= end
        )

    def closed_period_on(self, day: date) -> ClosedPeriod | None:
        for period in self.closed_periods.values():
            if period.start <= day <= period.end:
                return period
        return None

    def substitution_for(self, on: date, slot: int, account_id: UUID) -> Substitution | None:
        """The substitution that lets an account teach one lesson, if any."""
        for sub in self.substitutions.values():
            if (
                not sub.cancelled
                and sub.on == on
                and sub.slot == slot
                and sub.substitute_id == account_id
            ):
                return sub
        return None

    def late_permission_for(
        self, day: date, teacher_id: UUID, now: datetime
    ) -> LatePermission | None:
        for permission in self.late_permissions.values():
            if permission.covers(day, teacher_id, now):
                return permission
        return None

    def open_authorization(
        self,
        authorization_id: UUID,
        *,
        action: CorrectionAction,
        mark_id: UUID | None = None,
        period_mark: str | None = None,
    ) -> CorrectionAuthorization:
        auth = self.authorizations.get(authorization_id)
        if (
            auth is None
            or auth.used
            or auth.action != action
            or auth.mark_id != mark_id
            or auth.period_mark != period_mark
        ):
            raise ClassJournalError(
                "no open authorisation of this correction by a deputy's remark was found",
                invariant="authorisation.none_open",
            )
        return auth

    # --- teachers and plan ----------------------------------------------------------------

    def assign_teacher(self, account_id: UUID, actor: Actor) -> None:
        if account_id in self.teachers:
            raise ClassJournalError(
                "the teacher already keeps this journal",
                invariant="journal.teacher_already_assigned",
            )
        self._teacher_assigned(account_id=account_id, actor=actor)

    @event(TeacherAssigned)
    def _teacher_assigned(self, account_id: UUID, actor: Actor) -> None:
        self.teachers.add(account_id)

    def relieve_teacher(self, account_id: UUID, reason: str, actor: Actor) -> None:
        if account_id not in self.teachers:
            raise NotFoundError("the teacher does not keep this journal")
        _require_reason(reason)
        self._teacher_relieved(account_id=account_id, reason=reason, actor=actor)

    @event(TeacherRelieved)
    def _teacher_relieved(self, account_id: UUID, reason: str, actor: Actor) -> None:
        self.teachers.discard(account_id)

    def set_ktp(self, items: tuple[KtpItem, ...], reason: str | None, actor: Actor) -> None:
        numbers = [i.number for i in items]
        if numbers != list(range(1, len(items) + 1)):
            raise ClassJournalError(
                "KTP items are numbered 1, 2, 3, … in order", invariant="ktp.numbering"
            )
        if any(i.hours < 1 for i in items):
            raise ClassJournalError("every KTP item takes at least one hour", invariant="ktp.hours")
        if self.ktp and not (reason and reason.strip()):
            raise ClassJournalError(
                "replacing the KTP needs a reason", invariant="ktp.reason_missing"
            )
        self._ktp_set(items=items, reason=reason, actor=actor)

    @event(KtpSet)
    def _ktp_set(self, items: tuple[KtpItem, ...], reason: str | None, actor: Actor) -> None:
        self.ktp = items

    # --- lessons --------------------------------------------------------------------------

    def hold_lesson(self, lesson: Lesson, actor: Actor) -> None:
        if lesson.id in self.lessons:
            raise ClassJournalError(
                "this lesson is already recorded", invariant="lesson.already_recorded"
            )
        _check_due(lesson.on, lesson.homework, lesson.homework_due)
        existing = self.lesson_at(lesson.on, lesson.slot)
        if existing is not None:
            raise ClassJournalError(
                f"a lesson is already recorded on {lesson.on} in slot {lesson.slot}",
                invariant="lesson.slot_taken",
            )
        self._check_period_open(lesson.on)
        if lesson.ktp_item is not None and not 1 <= lesson.ktp_item <= len(self.ktp):
            raise ClassJournalError(
                f"the KTP has no item {lesson.ktp_item}", invariant="ktp.item_unknown"
            )
        if lesson.substitution_id is not None:
            sub = self.substitutions.get(lesson.substitution_id)
            if (
                sub is None
                or sub.cancelled
                or sub.lesson_id is not None
                or (sub.on, sub.slot, sub.substitute_id)
                != (lesson.on, lesson.slot, lesson.taught_by)
            ):
                raise ClassJournalError(
                    "the substitution does not cover this lesson",
                    invariant="substitution.not_this_lesson",
                )
        elif lesson.taught_by not in self.teachers:
            raise ClassJournalError(
                "a lesson is taught by a teacher of the journal or a substitute",
                invariant="lesson.taught_by_outsider",
            )
        self._lesson_held(lesson=lesson, actor=actor)

    @event(LessonHeld)
    def _lesson_held(self, lesson: Lesson, actor: Actor) -> None:
        self.lessons[lesson.id] = lesson
        self.slots[_key(lesson.on, lesson.slot)] = lesson.id
        if lesson.substitution_id is not None:
            sub = self.substitutions[lesson.substitution_id]
            self.substitutions[sub.id] = sub.model_copy(update={"lesson_id": lesson.id})

    def record_lesson_details(
        self,
        lesson_id: UUID,
        topic: str | None,
        homework: str | None,
        late: LateEntry | None,
        actor: Actor,
        homework_due: date | None = None,
    ) -> None:
        """Fill in a topic or homework not yet recorded (changing one is a correction)."""
        lesson = self.lesson(lesson_id)
        self._check_period_open(lesson.on)
        if topic is None and homework is None:
            raise ClassJournalError(
                "give a topic or homework to record", invariant="lesson.nothing_given"
            )
        if (topic is not None and lesson.topic is not None) or (
            homework is not None and lesson.homework is not None
        ):
            raise ClassJournalError(
                "the lesson already has this recorded; change it by a correction with a reason",
                invariant="lesson.details_already_recorded",
            )
        _check_due(lesson.on, homework, homework_due)
        self._lesson_details_recorded(
            lesson_id=lesson_id,
            topic=topic,
            homework=homework,
            late=late,
            actor=actor,
            homework_due=homework_due,
        )

    @event(LessonDetailsRecorded)
    def _lesson_details_recorded(
        self,
        lesson_id: UUID,
        topic: str | None,
        homework: str | None,
        late: LateEntry | None,
        actor: Actor,
        homework_due: date | None = None,
    ) -> None:
        lesson = self.lessons[lesson_id]
        update: dict[str, object] = {}
        if topic is not None:
            update["topic"] = topic
        if homework is not None:
            update["homework"] = homework
            update["homework_due"] = homework_due
        self.lessons[lesson_id] = lesson.model_copy(update=update)

    def correct_lesson_details(
        self,
        lesson_id: UUID,
        topic: str | None,
        homework: str | None,
        reason: str,
        actor: Actor,
        homework_due: date | None = None,
    ) -> None:
        lesson = self.lesson(lesson_id)
        self._check_period_open(lesson.on)
        _require_reason(reason)
        if (topic, homework, homework_due) == (lesson.topic, lesson.homework, lesson.homework_due):
            raise ClassJournalError(
                "the correction changes nothing", invariant="correction.changes_nothing"
            )
        _check_due(lesson.on, homework, homework_due)
        self._lesson_details_corrected(
            lesson_id=lesson_id,
            topic=topic,
            homework=homework,
            previous_topic=lesson.topic,
            previous_homework=lesson.homework,
            reason=reason,
            actor=actor,
            homework_due=homework_due,
            previous_homework_due=lesson.homework_due,
        )

    @event(LessonDetailsCorrected)
    def _lesson_details_corrected(
        self,
        lesson_id: UUID,
        topic: str | None,
        homework: str | None,
        previous_topic: str | None,
        previous_homework: str | None,
        reason: str,
        actor: Actor,
        homework_due: date | None = None,
        previous_homework_due: date | None = None,
    ) -> None:
        self.lessons[lesson_id] = self.lessons[lesson_id].model_copy(
            update={"topic": topic, "homework": homework, "homework_due": homework_due}
        )

    # --- attendance -----------------------------------------------------------------------

    def record_attendance(
        self,
        lesson_id: UUID,
        student_id: UUID,
        status: Attendance,
        late: LateEntry | None,
        roster: frozenset[UUID],
        actor: Actor,
    ) -> None:
        lesson = self.lesson(lesson_id)
        self._check_period_open(lesson.on)
        _check_roster(student_id, roster)
        if self.attendance_of(lesson_id, student_id) is not None:
            raise ClassJournalError(
                "attendance is already recorded for this student; change it by a correction",
                invariant="attendance.already_recorded",
            )
        self._attendance_recorded(
            lesson_id=lesson_id, student_id=student_id, status=status, late=late, actor=actor
        )

    @event(AttendanceRecorded)
    def _attendance_recorded(
        self,
        lesson_id: UUID,
        student_id: UUID,
        status: Attendance,
        late: LateEntry | None,
        actor: Actor,
    ) -> None:
        self.attendance[_key(lesson_id, student_id)] = AttendanceEntry(status=status, late=late)

    def correct_attendance(
        self,
        lesson_id: UUID,
        student_id: UUID,
        status: Attendance,
        reason: str,
        actor: Actor,
    ) -> None:
        lesson = self.lesson(lesson_id)
        self._check_period_open(lesson.on)
        entry = self.attendance_of(lesson_id, student_id)
        if entry is None:
            raise NotFoundError("no attendance recorded for this student at this lesson")
        if entry.status is status:
            raise ClassJournalError(
                "the correction changes nothing", invariant="correction.changes_nothing"
            )
        _require_reason(reason)
        self._attendance_corrected(
            lesson_id=lesson_id,
            student_id=student_id,
            status=status,
            previous=entry.status,
            reason=reason,
            actor=actor,
        )

    @event(AttendanceCorrected)
    def _attendance_corrected(
        self,
        lesson_id: UUID,
        student_id: UUID,
        status: Attendance,
        previous: Attendance,
        reason: str,
        actor: Actor,
    ) -> None:
        key = _key(lesson_id, student_id)
        reason_kept = self.attendance[key].reason if status is not Attendance.PRESENT else None
        self.attendance[key] = self.attendance[key].model_copy(
            update={"status": status, "reason": reason_kept}
        )

    def set_absence_reason(
        self,
        lesson_id: UUID,
        student_id: UUID,
        absence_reason: AbsenceReason,
        note: str | None,
        reason: str | None,
        actor: Actor,
    ) -> None:
        self.lesson(lesson_id)
        entry = self.attendance_of(lesson_id, student_id)
        if entry is None or entry.status is Attendance.PRESENT:
            raise ClassJournalError(
                "the student is not recorded as absent or late at this lesson",
                invariant="absence.not_absent",
            )
        if entry.reason is absence_reason:
            raise ClassJournalError(
                "this reason is already recorded", invariant="absence.reason_already_recorded"
            )
        if entry.reason is not None and not (reason and reason.strip()):
            raise ClassJournalError(
                "changing a recorded absence reason needs a reason",
                invariant="absence.change_reason_missing",
            )
        self._absence_reason_set(
            lesson_id=lesson_id,
            student_id=student_id,
            absence_reason=absence_reason,
            previous=entry.reason,
            note=note,
            reason=reason,
            actor=actor,
        )

    @event(AbsenceReasonSet)
    def _absence_reason_set(
        self,
        lesson_id: UUID,
        student_id: UUID,
        absence_reason: AbsenceReason,
        previous: AbsenceReason | None,
        note: str | None,
        reason: str | None,
        actor: Actor,
    ) -> None:
        key = _key(lesson_id, student_id)
        self.attendance[key] = self.attendance[key].model_copy(update={"reason": absence_reason})

    # --- marks ----------------------------------------------------------------------------

    def record_mark(
        self,
        mark_id: UUID,
        lesson_id: UUID,
        student_id: UUID,
        value: str,
        work_kind: WorkKind,
        weight: float,
        late: LateEntry | None,
        roster: frozenset[UUID],
        actor: Actor,
        comment: str | None = None,
    ) -> None:
        lesson = self.lesson(lesson_id)
        self._check_period_open(lesson.on)
        _check_roster(student_id, roster)
        if mark_id in self.marks:
            raise ClassJournalError(
                "this mark is already recorded", invariant="mark.already_recorded"
            )
        if weight <= 0:
            raise ClassJournalError(
                "a mark's weight is positive", invariant="mark.weight_not_positive"
            )
        self._mark_recorded(
            mark_id=mark_id,
            lesson_id=lesson_id,
            student_id=student_id,
            value=value,
            work_kind=work_kind,
            weight=weight,
            late=late,
            actor=actor,
            comment=comment,
        )

    @event(MarkRecorded)
    def _mark_recorded(
        self,
        mark_id: UUID,
        lesson_id: UUID,
        student_id: UUID,
        value: str,
        work_kind: WorkKind,
        weight: float,
        late: LateEntry | None,
        actor: Actor,
        comment: str | None = None,
    ) -> None:
        self.marks[mark_id] = Mark(
            id=mark_id,
            lesson_id=lesson_id,
            student_id=student_id,
            value=value,
            work_kind=work_kind,
            weight=weight,
            recorded_at=self.event_time,
            late=late,
            comment=comment,
        )

    def correct_mark(
        self,
        mark_id: UUID,
        value: str,
        reason: str,
        authorization_id: UUID | None,
        actor: Actor,
    ) -> None:
        mark = self._live_mark(mark_id)
        _require_reason(reason)
        if mark.value == value:
            raise ClassJournalError(
                "the correction changes nothing", invariant="correction.changes_nothing"
            )
        self._check_authorization_for_closed(mark, authorization_id)
        if authorization_id is not None:
            self.open_authorization(authorization_id, action="correct", mark_id=mark_id)
        self._mark_corrected(
            mark_id=mark_id,
            value=value,
            previous=mark.value,
            reason=reason,
            authorization_id=authorization_id,
            actor=actor,
        )

    @event(MarkCorrected)
    def _mark_corrected(
        self,
        mark_id: UUID,
        value: str,
        previous: str,
        reason: str,
        authorization_id: UUID | None,
        actor: Actor,
    ) -> None:
        self.marks[mark_id] = self.marks[mark_id].model_copy(
            update={"value": value, "corrected": True}
        )
        self._use_authorization(authorization_id)

    def void_mark(
        self, mark_id: UUID, reason: str, authorization_id: UUID | None, actor: Actor
    ) -> None:
        mark = self._live_mark(mark_id)
        _require_reason(reason)
        self._check_authorization_for_closed(mark, authorization_id)
        if authorization_id is not None:
            self.open_authorization(authorization_id, action="void", mark_id=mark_id)
        self._mark_voided(
            mark_id=mark_id,
            previous=mark.value,
            reason=reason,
            authorization_id=authorization_id,
            actor=actor,
        )

    @event(MarkVoided)
    def _mark_voided(
        self,
        mark_id: UUID,
        previous: str,
        reason: str,
        authorization_id: UUID | None,
        actor: Actor,
    ) -> None:
        self.marks[mark_id] = self.marks[mark_id].model_copy(update={"voided": True})
        self._use_authorization(authorization_id)

    def authorize_correction(self, authorization: CorrectionAuthorization, actor: Actor) -> None:
        if authorization.id in self.authorizations:
            raise ClassJournalError(
                "this authorisation is already recorded", invariant="authorisation.already_recorded"
            )
        if authorization.mark_id is not None:
            self._live_mark(authorization.mark_id)
        elif authorization.period_mark is not None:
            if authorization.period_mark not in self.period_marks:
                raise NotFoundError("no such period mark in this journal")
            if authorization.action != "correct":
                raise ClassJournalError(
                    "a period mark is corrected, not voided", invariant="period_mark.not_voided"
                )
        else:
            raise ClassJournalError(
                "an authorisation names the mark it is for", invariant="authorisation.mark_missing"
            )
        if not authorization.remark.strip():
            raise ClassJournalError(
                "the deputy's remark says what is wrong", invariant="authorisation.remark_missing"
            )
        self._correction_authorized(authorization=authorization, actor=actor)

    @event(CorrectionAuthorized)
    def _correction_authorized(self, authorization: CorrectionAuthorization, actor: Actor) -> None:
        self.authorizations[authorization.id] = authorization.model_copy(
            update={"recorded_at": self.event_time}
        )

    # --- period marks ---------------------------------------------------------------------

    def record_period_mark(
        self,
        period_id: str,
        student_id: UUID,
        value: str,
        late: LateEntry | None,
        roster: frozenset[UUID],
        actor: Actor,
    ) -> None:
        if period_id in self.closed_periods:
            raise PeriodClosedError(f"period {period_id} is closed")
        _check_roster(student_id, roster)
        if self.period_mark(period_id, student_id) is not None:
            raise ClassJournalError(
                "the period mark is already recorded; change it by a correction with a reason",
                invariant="period_mark.already_recorded",
            )
        self._period_mark_recorded(
            period_id=period_id, student_id=student_id, value=value, late=late, actor=actor
        )

    @event(PeriodMarkRecorded)
    def _period_mark_recorded(
        self,
        period_id: str,
        student_id: UUID,
        value: str,
        late: LateEntry | None,
        actor: Actor,
    ) -> None:
        self.period_marks[_key(period_id, student_id)] = PeriodMark(
            period_id=period_id,
            student_id=student_id,
            value=value,
            late=late,
            recorded_at=self.event_time,
        )

    def correct_period_mark(
        self,
        period_id: str,
        student_id: UUID,
        value: str,
        reason: str,
        authorization_id: UUID | None,
        actor: Actor,
    ) -> None:
        key = _key(period_id, student_id)
        mark = self.period_marks.get(key)
        if mark is None:
            raise NotFoundError("no such period mark in this journal")
        _require_reason(reason)
        if mark.value == value:
            raise ClassJournalError(
                "the correction changes nothing", invariant="correction.changes_nothing"
            )
        if period_id in self.closed_periods and authorization_id is None:
            raise PeriodClosedError(
                f"period {period_id} is closed: a correction needs a deputy's authorisation"
            )
        if authorization_id is not None:
            self.open_authorization(authorization_id, action="correct", period_mark=key)
        self._period_mark_corrected(
            period_id=period_id,
            student_id=student_id,
            value=value,
            previous=mark.value,
            reason=reason,
            authorization_id=authorization_id,
            actor=actor,
        )

    @event(PeriodMarkCorrected)
    def _period_mark_corrected(
        self,
        period_id: str,
        student_id: UUID,
        value: str,
        previous: str,
        reason: str,
        authorization_id: UUID | None,
        actor: Actor,
    ) -> None:
        key = _key(period_id, student_id)
        self.period_marks[key] = self.period_marks[key].model_copy(
            update={"value": value, "corrected": True}
        )
        self._use_authorization(authorization_id)

    # --- substitutions, late entries, closing ---------------------------------------------

    def assign_substitution(self, substitution: Substitution, actor: Actor) -> None:
        if substitution.id in self.substitutions:
            raise ClassJournalError(
                "this substitution is already recorded", invariant="substitution.already_recorded"
            )
        if self.lesson_at(substitution.on, substitution.slot) is not None:
            raise ClassJournalError(
                "the lesson is already recorded; a substitution comes first",
                invariant="substitution.after_lesson",
            )
        for sub in self.substitutions.values():
            if not sub.cancelled and (sub.on, sub.slot) == (substitution.on, substitution.slot):
                raise ClassJournalError(
                    "this lesson already has a substitute",
                    invariant="substitution.already_has_substitute",
                )
        _require_reason(substitution.reason)
        self._substitution_assigned(substitution=substitution, actor=actor)

    @event(SubstitutionAssigned)
    def _substitution_assigned(self, substitution: Substitution, actor: Actor) -> None:
        self.substitutions[substitution.id] = substitution

    def cancel_substitution(self, substitution_id: UUID, reason: str, actor: Actor) -> None:
        sub = self.substitutions.get(substitution_id)
        if sub is None or sub.cancelled:
            raise NotFoundError("no such substitution in force")
        if sub.lesson_id is not None:
            raise ClassJournalError(
                "the substitute has already recorded the lesson",
                invariant="substitution.lesson_recorded_by_substitute",
            )
        _require_reason(reason)
        self._substitution_cancelled(substitution_id=substitution_id, reason=reason, actor=actor)

    @event(SubstitutionCancelled)
    def _substitution_cancelled(self, substitution_id: UUID, reason: str, actor: Actor) -> None:
        self.substitutions[substitution_id] = self.substitutions[substitution_id].model_copy(
            update={"cancelled": True}
        )

    def permit_late_entry(self, permission: LatePermission, actor: Actor) -> None:
        if permission.id in self.late_permissions:
            raise ClassJournalError(
                "this permission is already recorded", invariant="late_entry.already_recorded"
            )
        if permission.to_date < permission.from_date:
            raise ClassJournalError(
                "the permitted dates end before they start", invariant="late_entry.dates_reversed"
            )
        if permission.teacher_id is not None and permission.teacher_id not in self.teachers:
            raise ClassJournalError(
                "a late entry is permitted to a teacher of this journal",
                invariant="late_entry.not_a_teacher",
            )
        _require_reason(permission.reason)
        self._late_entry_permitted(permission=permission, actor=actor)

    @event(LateEntryPermitted)
    def _late_entry_permitted(self, permission: LatePermission, actor: Actor) -> None:
        self.late_permissions[permission.id] = permission

    def close_period(self, period: ClosedPeriod, actor: Actor) -> None:
        if period.id in self.closed_periods:
            raise PeriodClosedError(f"period {period.id} is already closed")
        self._period_closed(period=period, actor=actor)

    @event(PeriodClosed)
    def _period_closed(self, period: ClosedPeriod, actor: Actor) -> None:
        self.closed_periods[period.id] = period

    # --- internals ------------------------------------------------------------------------

    def _live_mark(self, mark_id: UUID) -> Mark:
        mark = self.mark(mark_id)
        if mark.voided:
            raise ClassJournalError(
                "the mark was voided; a voided mark does not change again", invariant="mark.voided"
            )
        return mark

    def _check_period_open(self, day: date) -> None:
        period = self.closed_period_on(day)
        if period is not None:
            raise PeriodClosedError(
                f"period {period.id} ({period.start}–{period.end}) is closed; its lessons take "
                "nothing new"
            )

    def _check_authorization_for_closed(self, mark: Mark, authorization_id: UUID | None) -> None:
        period = self.closed_period_on(self.lessons[mark.lesson_id].on)
        if period is not None and authorization_id is None:
            raise PeriodClosedError(
                f"period {period.id} is closed: changing its marks needs a deputy's authorisation"
            )

    def _use_authorization(self, authorization_id: UUID | None) -> None:
        if authorization_id is not None:
            auth = self.authorizations[authorization_id]
            self.authorizations[authorization_id] = auth.model_copy(update={"used": True})


def _check_roster(student_id: UUID, roster: frozenset[UUID]) -> None:
    if student_id not in roster:
        raise StudentNotOnRosterError("the student is not on this journal's page on that date")


def _check_due(on: date, homework: str | None, due: date | None) -> None:
    """Homework is due on a day after the lesson it was set at; no homework, no due date."""
    if due is None:
        return
    if homework is None:
        raise ClassJournalError(
            "a due date goes with homework", invariant="homework.due_without_homework"
        )
    if due <= on:
        raise ClassJournalError(
            f"homework set on {on} is due on a later day, not {due}",
            invariant="homework.due_not_later",
        )


def _require_reason(reason: str | None) -> None:
    if not (reason and reason.strip()):
        raise ClassJournalError("this change needs a reason", invariant="change.reason_missing")
