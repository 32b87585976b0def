"""The student roll: admission, personal data, guardians, consent, transfers, subgroups,
withdrawal, and promotion when a year closes (движение учащихся)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal
from uuid import UUID, uuid4

from ejournal.access import require_role, resolve
from ejournal.aggregates.account import Account
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Consent, Guardian, Student
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.commands.timing import local_today
from ejournal.errors import Clause, InvariantError, NotFoundError, RuleViolationError
from ejournal.roles import Actor, Role
from ejournal.text import Address, Label, Name, PersonNameText, Reason

ROLL_KEEPERS = (Role.SECRETARY, Role.ADMINISTRATOR)
"""Admission, transfer and withdrawal are the secretary's (Lyceum 68 §3.8.3)."""


class AdmitStudent(Command):
    year: Label
    name: PersonNameText
    birth_date: date
    class_code: Label
    on: date
    order: Name


def admit_student(school: School, actor: Actor, cmd: AdmitStudent) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *ROLL_KEEPERS, action="admitting students")
        year = school.year(cmd.year)
        year.school_class(cmd.class_code)
        year.check_within(cmd.on, "the day of admission")
        student = Student.admit(
            name=cmd.name,
            birth_date=cmd.birth_date,
            class_code=cmd.class_code,
            year=year.label,
            on=cmd.on,
            order=cmd.order,
            actor=actor,
        )
        year.enroll(student.id, cmd.class_code, cmd.on, actor)
        return school.record(student, year, ids={"student_id": student.id})

    return school.run(attempt)


def _class_teacher_or_roll_keeper(
    school: School, actor: Actor, account: Account | None, student: Student
) -> None:
    """Personal data and guardians are kept by the class teacher of the student's class
    (Lyceum 68 §3.5.2, Gymnasium 2 §7.1) or by the secretary and administrator."""
    if actor.role is Role.CLASS_TEACHER:
        if (
            account is None
            or student.year is None
            or student.class_code is None
            or not account.leads(student.year, student.class_code)
        ):
            # Another class's student is out of scope: it looks exactly like a missing one.
            raise NotFoundError("no such student")
        return
    require_role(actor, *ROLL_KEEPERS, action="keeping students' personal data")


class CorrectPersonalData(Command):
    student_id: UUID
    name: PersonNameText
    birth_date: date
    reason: Reason


def correct_personal_data(school: School, actor: Actor, cmd: CorrectPersonalData) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        student = school.student(cmd.student_id)
        _class_teacher_or_roll_keeper(school, actor, account, student)
        student.correct_personal_data(cmd.name, cmd.birth_date, cmd.reason, actor)
        return school.record(student)

    return school.run(attempt)


class AddGuardian(Command):
    student_id: UUID
    name: PersonNameText
    relation: Literal["mother", "father", "guardian", "other"]
    phone: Label | None = None
    email: Address | None = None
    address: Address | None = None
    account_id: UUID | None = None


def add_guardian(school: School, actor: Actor, cmd: AddGuardian) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        student = school.student(cmd.student_id)
        _class_teacher_or_roll_keeper(school, actor, account, student)
        if cmd.account_id is not None:
            school.account(cmd.account_id)
        guardian = Guardian(id=uuid4(), **cmd.model_dump(exclude={"student_id"}))
        student.add_guardian(guardian, actor)
        return school.record(student, ids={"guardian_id": guardian.id})

    return school.run(attempt)


class RemoveGuardian(Command):
    student_id: UUID
    guardian_id: UUID
    reason: Reason


def remove_guardian(school: School, actor: Actor, cmd: RemoveGuardian) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        student = school.student(cmd.student_id)
        _class_teacher_or_roll_keeper(school, actor, account, student)
        student.remove_guardian(cmd.guardian_id, cmd.reason, actor)
        return school.record(student)

    return school.run(attempt)


class RecordConsent(Command):
    """Written consent to personal-data processing (Gymnasium 2 §1.5; Lyceum 68 §3.5.7)."""

    student_id: UUID
    given_by: UUID | None = None
    given_on: date
    document: Name


def record_consent(school: School, actor: Actor, cmd: RecordConsent) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        student = school.student(cmd.student_id)
        _class_teacher_or_roll_keeper(school, actor, account, student)
        consent = Consent(
            id=uuid4(), given_by=cmd.given_by, given_on=cmd.given_on, document=cmd.document
        )
        student.record_consent(consent, actor)
        return school.record(student, ids={"consent_id": consent.id})

    return school.run(attempt)


class WithdrawConsent(Command):
    student_id: UUID
    consent_id: UUID
    on: date
    reason: Reason


def withdraw_consent(school: School, actor: Actor, cmd: WithdrawConsent) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        student = school.student(cmd.student_id)
        _class_teacher_or_roll_keeper(school, actor, account, student)
        student.withdraw_consent(cmd.consent_id, cmd.on, cmd.reason, actor)
        return school.record(student)

    return school.run(attempt)


class TransferStudent(Command):
    """Move a student to another class of the same year, by an order."""

    year: Label
    student_id: UUID
    to_class: Label
    on: date
    order: Name
    reason: Reason


def transfer_student(school: School, actor: Actor, cmd: TransferStudent) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *ROLL_KEEPERS, action="transferring students")
        year = school.year(cmd.year)
        year.school_class(cmd.to_class)
        year.check_within(cmd.on, "the day of a transfer")
        student = school.student(cmd.student_id)
        student.transfer(cmd.to_class, cmd.on, cmd.order, cmd.reason, actor)
        year.leave_class(student.id, cmd.on - timedelta(days=1), actor)
        year.enroll(student.id, cmd.to_class, cmd.on, actor)
        return school.record(student, year)

    return school.run(attempt)


class WithdrawStudent(Command):
    """A student leaves the school (выбытие), by an order."""

    year: Label
    student_id: UUID
    on: date
    reason: Reason
    destination: Name | None = None
    order: Name


def withdraw_student(school: School, actor: Actor, cmd: WithdrawStudent) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *ROLL_KEEPERS, action="withdrawing students")
        year = school.year(cmd.year)
        year.check_within(cmd.on, "the day of withdrawal")
        student = school.student(cmd.student_id)
        student.withdraw(cmd.on, cmd.reason, cmd.destination, cmd.order, actor)
        year.leave_class(student.id, cmd.on, actor)
        return school.record(student, year)

    return school.run(attempt)


class MoveToSubgroup(Command):
    """Place a student in a subgroup of a subject, or move them to another one."""

    year: Label
    student_id: UUID
    subject: Label
    subgroup: Label
    on: date


def _subgroup_rule_clause(year: SchoolYear) -> Clause:
    rule = year.profile.subgroups
    return rule.clause or Clause(source=year.profile.school, ref="профиль школы")


def _at_period_boundary(year: SchoolYear, on: date, days: int, class_code: str | None) -> bool:
    # The class's grade's scheme: half-years of grade 10 end where grade 5's quarters do not.
    period = year.period_of_class(on, class_code) if class_code else year.period_of(on)
    if period is None:
        return True
    return (on - period.start).days <= days or (period.end - on).days <= days


def _after_period_end(year: SchoolYear, on: date, days: int, class_code: str | None) -> bool:
    """Made once a period of the class's grade has ended, and effective within ``days`` after
    its last day (School 77 §4.4.9)."""
    today = local_today(year)
    grade = year.grade_of(class_code) if class_code else None
    return any(
        period.end < today and period.end < on <= period.end + timedelta(days=days)
        for period in year.periods_for(grade)
    )


def move_to_subgroup(school: School, actor: Actor, cmd: MoveToSubgroup) -> Recorded:
    def attempt() -> Recorded:
        account = resolve(school, actor)
        year = school.year(cmd.year)
        rule = year.profile.subgroups
        student = school.student(cmd.student_id)
        class_code = year.class_of(student.id, cmd.on)
        if actor.role is Role.CLASS_TEACHER and (
            account is None or class_code is None or not account.leads(cmd.year, class_code)
        ):
            raise NotFoundError("no such student")
        previous = (
            year.subgroup_of(student.id, class_code, cmd.subject, cmd.on) if class_code else None
        )
        if previous is None:
            # The first placement is the split the class teacher and the teachers make at the
            # start of a year or period (School 117 §4.2, School 77 §4.3.3).
            require_role(
                actor,
                Role.ADMINISTRATOR,
                Role.DEPUTY,
                Role.CLASS_TEACHER,
                action="splitting a class into subgroups",
            )
        else:
            if actor.role is not Role.SYSTEM and actor.role.value not in rule.by_roles:
                raise RuleViolationError(
                    "moving a student between subgroups is for: "
                    + ", ".join(sorted(rule.by_roles)),
                    rule="subgroups.by_roles",
                    clause=_subgroup_rule_clause(year),
                )
            if cmd.on < local_today(year):
                raise InvariantError(
                    "a subgroup move takes effect today or later, never backdated",
                    invariant="subgroup.move_backdated",
                )
            at_end = (
                _after_period_end(year, cmd.on, rule.days_around_period_end, class_code)
                if rule.at_end == "after"
                else _at_period_boundary(year, cmd.on, rule.days_around_period_end, class_code)
            )
            if rule.only_at_period_end and not at_end:
                when = (
                    "once a period has ended, effective within"
                    f" {rule.days_around_period_end} days after its last day"
                    if rule.at_end == "after"
                    else "at the end of a period"
                )
                raise RuleViolationError(
                    f"a student moves between subgroups only {when}; not on {cmd.on}",
                    rule="subgroups.only_at_period_end",
                    clause=_subgroup_rule_clause(year),
                )
        previous = year.assign_subgroup(student.id, cmd.subject, cmd.subgroup, cmd.on, actor)
        student.move_subgroup(cmd.subject, previous, cmd.subgroup, cmd.on, actor)
        return school.record(year, student)

    return school.run(attempt)


class CloseYear(Command):
    """Close a year and move every student on: promoted to the next grade's class of the same
    letter, graduated from grade 11, or as the exceptions say (by the director's order,
    Lyceum 68 §3.4.9)."""

    year: Label
    next_year: Label
    on: date
    order: Name
    exceptions: dict[UUID, Label] = {}
    """Per student: "retained" (stays in the same grade), "graduated", or a class code."""


def close_year(school: School, actor: Actor, cmd: CloseYear) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, Role.ADMINISTRATOR, Role.SECRETARY, action="closing the year")
        year = school.year(cmd.year)
        following = school.year(cmd.next_year)
        if following.starts_on <= year.starts_on:
            raise InvariantError(
                "the next year starts after this one", invariant="year.next_not_after"
            )
        students: list[Student] = []
        for code, school_class in sorted(year.classes.items()):
            for student_id in sorted(year.class_roster(code, year.ends_on)):
                student = school.student(student_id)
                target = cmd.exceptions.get(student_id)
                if target is None:
                    target = (
                        "graduated"
                        if school_class.grade == 11
                        else f"{school_class.grade + 1}{school_class.letter}"
                    )
                elif target == "retained":
                    target = code
                year.leave_class(student_id, year.ends_on, actor)
                if target == "graduated":
                    student.withdraw(cmd.on, "окончил(а) школу", None, cmd.order, actor)
                else:
                    following.school_class(target)
                    student.promote(target, following.label, cmd.on, cmd.order, actor)
                    following.enroll(student_id, target, following.starts_on, actor)
                students.append(student)
        year.close(actor)
        return school.record(year, following, *students)

    return school.run(attempt)
