"""The rows of a student's record: admission, personal data, guardians, consent, movement,
additional education."""

from __future__ import annotations

from ejournal.aggregates.student import Student
from ejournal.projections.audit_trail.batch import Batch
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.memory import student_key
from ejournal.projections.read_model import Handlers

HANDLERS: Handlers[Batch] = Handlers()
_on = HANDLERS.on


# --- students -----------------------------------------------------------------------------------


@_on(Student.Admitted)
def _admitted(e: Student.Admitted, position: int, b: Batch) -> None:
    b.memory.put(
        student_key(e.originator_id),
        {"name": str(e.name), "class_code": e.class_code, "year": e.year},
    )
    b.about_student(
        position,
        AuditKind.STUDENT_ADMITTED,
        e,
        lesson_date=e.on,
        value_after=e.class_code,
        note=e.order,
    )


@_on(Student.PersonalDataCorrected)
def _personal_data_corrected(e: Student.PersonalDataCorrected, position: int, b: Batch) -> None:
    # The row names the student as they were known when the change was made.
    b.about_student(
        position,
        AuditKind.PERSONAL_DATA_CORRECTED,
        e,
        value_before=f"{e.previous_name!s}, {e.previous_birth_date.isoformat()}",
        value_after=f"{e.name!s}, {e.birth_date.isoformat()}",
        reason=e.reason,
        revision=True,
    )
    b.memory.update(student_key(e.originator_id), name=str(e.name))


@_on(Student.GuardianAdded)
def _guardian_added(e: Student.GuardianAdded, position: int, b: Batch) -> None:
    guardian = f"{e.guardian.name!s} ({e.guardian.relation})"
    b.memory.put(f"guardian/{e.guardian.id}", {"guardian": guardian})
    b.about_student(
        position,
        AuditKind.GUARDIAN_ADDED,
        e,
        account_id=e.guardian.account_id,
        value_after=guardian,
    )


@_on(Student.GuardianRemoved)
def _guardian_removed(e: Student.GuardianRemoved, position: int, b: Batch) -> None:
    known = b.memory.get(f"guardian/{e.guardian_id}") or {}
    b.about_student(
        position,
        AuditKind.GUARDIAN_REMOVED,
        e,
        value_before=known.get("guardian"),
        reason=e.reason,
    )


@_on(Student.ConsentRecorded)
def _consent_recorded(e: Student.ConsentRecorded, position: int, b: Batch) -> None:
    b.memory.put(f"consent/{e.consent.id}", {"document": e.consent.document})
    b.about_student(
        position,
        AuditKind.CONSENT_RECORDED,
        e,
        lesson_date=e.consent.given_on,
        value_after=e.consent.document,
    )


@_on(Student.ConsentWithdrawn)
def _consent_withdrawn(e: Student.ConsentWithdrawn, position: int, b: Batch) -> None:
    known = b.memory.get(f"consent/{e.consent_id}") or {}
    b.about_student(
        position,
        AuditKind.CONSENT_WITHDRAWN,
        e,
        lesson_date=e.on,
        value_before=known.get("document"),
        reason=e.reason,
    )


@_on(Student.ProgressPrintoutIssued)
def _progress_printout_issued(e: Student.ProgressPrintoutIssued, position: int, b: Batch) -> None:
    # School 77 §4.3.5, §9.2: the record that the two-weekly printout was made for the family.
    b.about_student(
        position,
        AuditKind.PROGRESS_PRINTOUT_ISSUED,
        e,
        lesson_date=e.end,
        value_after=f"{e.start:%d.%m.%Y} – {e.end:%d.%m.%Y}",
    )


@_on(Student.AbsenceNoticeGiven)
def _absence_notice_given(e: Student.AbsenceNoticeGiven, position: int, b: Batch) -> None:
    # The parent's own words are the reason the class teacher may then set (Gymnasium 2 §3.7).
    notice = e.notice
    days = f"{notice.start:%d.%m.%Y} – {notice.end:%d.%m.%Y}"
    if notice.first_slot is not None or notice.last_slot is not None:
        days += f", уроки {notice.first_slot or 1}–{notice.last_slot or '…'}"
    b.about_student(
        position,
        AuditKind.ABSENCE_NOTICE_GIVEN,
        e,
        lesson_date=notice.start,
        value_after=days,
        reason=notice.text,
    )


@_on(Student.Transferred)
def _transferred(e: Student.Transferred, position: int, b: Batch) -> None:
    # The row stands in the class the student left: its movement record lists the departure.
    b.about_student(
        position,
        AuditKind.STUDENT_TRANSFERRED,
        e,
        class_code=e.from_class,
        lesson_date=e.on,
        value_before=e.from_class,
        value_after=e.to_class,
        reason=e.reason,
        note=e.order,
    )
    b.memory.update(student_key(e.originator_id), class_code=e.to_class)


@_on(Student.SubgroupMoved)
def _subgroup_moved(e: Student.SubgroupMoved, position: int, b: Batch) -> None:
    b.about_student(
        position,
        AuditKind.SUBGROUP_CHANGED,
        e,
        subject=e.subject,
        lesson_date=e.on,
        value_before=e.from_subgroup,
        value_after=e.to_subgroup,
        revision=e.from_subgroup is not None,
    )


@_on(Student.Promoted)
def _promoted(e: Student.Promoted, position: int, b: Batch) -> None:
    b.about_student(
        position,
        AuditKind.STUDENT_PROMOTED,
        e,
        year=e.from_year,
        class_code=e.from_class,
        lesson_date=e.on,
        value_before=f"{e.from_class} ({e.from_year})",
        value_after=f"{e.to_class} ({e.to_year})",
        note=e.order,
    )
    b.memory.update(student_key(e.originator_id), class_code=e.to_class, year=e.to_year)


@_on(Student.Withdrawn)
def _withdrawn(e: Student.Withdrawn, position: int, b: Batch) -> None:
    b.about_student(
        position,
        AuditKind.STUDENT_WITHDRAWN,
        e,
        lesson_date=e.on,
        value_before=b.student(e.originator_id).get("class_code"),
        value_after=e.destination,
        reason=e.reason,
        note=e.order,
    )
    b.memory.update(student_key(e.originator_id), class_code=None)


@_on(Student.AdditionalEducationRecorded)
def _education_recorded(e: Student.AdditionalEducationRecorded, position: int, b: Batch) -> None:
    activity = e.activity
    text = f"{activity.name} ({activity.organisation})"
    b.memory.put(f"activity/{activity.id}", {"text": text})
    b.about_student(
        position,
        AuditKind.ADDITIONAL_EDUCATION_RECORDED,
        e,
        lesson_date=activity.start,
        value_after=text,
    )


@_on(Student.AdditionalEducationEnded)
def _education_ended(e: Student.AdditionalEducationEnded, position: int, b: Batch) -> None:
    known = b.memory.get(f"activity/{e.activity_id}") or {}
    b.about_student(
        position,
        AuditKind.ADDITIONAL_EDUCATION_ENDED,
        e,
        lesson_date=e.on,
        value_before=known.get("text"),
    )
