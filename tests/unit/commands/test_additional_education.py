"""Students' additional education (Gymnasium 2 §7.8): the class teacher of the student's class
records clubs and sections; another class's student is out of scope, as a missing one."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from scenario import World, class_teacher_as

from ejournal.aggregates.student import Student, StudentError
from ejournal.commands import additional_education as education
from ejournal.errors import AccessDeniedError, NotFoundError


def test_the_class_teacher_records_a_club(world: World) -> None:
    world.at(date(2026, 9, 15))
    teacher = class_teacher_as(world)
    student = world.students[0]
    activity = education.record_additional_education(
        world.school,
        teacher,
        education.RecordAdditionalEducation(
            student_id=student,
            name="Шахматный клуб",
            organisation="ДДТ «Радуга»",
            start=date(2026, 9, 10),
        ),
    ).ids["activity_id"]
    world.at(date(2026, 12, 20))
    education.end_additional_education(
        world.school,
        teacher,
        education.EndAdditionalEducation(
            student_id=student, activity_id=activity, on=date(2026, 12, 18)
        ),
    )
    listed = education.additional_education(world.school, world.deputy, student)
    assert [(a.name, a.start, a.end) for a in listed] == [
        ("Шахматный клуб", date(2026, 9, 10), date(2026, 12, 18))
    ]
    recorded, ended = list(world.school.events.get(student))[-2:]
    assert isinstance(recorded, Student.AdditionalEducationRecorded)
    assert isinstance(ended, Student.AdditionalEducationEnded)
    assert ended.actor == teacher
    with pytest.raises(StudentError, match="already ended"):
        education.end_additional_education(
            world.school,
            teacher,
            education.EndAdditionalEducation(
                student_id=student, activity_id=activity, on=date(2026, 12, 19)
            ),
        )


def test_another_class_and_other_roles_are_refused(world: World) -> None:
    world.at(date(2026, 9, 15))
    teacher = class_teacher_as(world)
    command = education.RecordAdditionalEducation(
        student_id=world.first_graders[0], name="Хор", organisation="школа", start=date(2026, 9, 1)
    )
    position = world.school.position()
    with pytest.raises(NotFoundError, match="no such student"):
        education.record_additional_education(world.school, teacher, command)
    with pytest.raises(NotFoundError, match="no such student"):
        education.additional_education(world.school, teacher, world.first_graders[0])
    for actor in (world.deputy, world.math, world.secretary):
        with pytest.raises(AccessDeniedError):
            education.record_additional_education(
                world.school, actor, command.model_copy(update={"student_id": world.students[0]})
            )
    with pytest.raises(AccessDeniedError):
        education.additional_education(world.school, world.math, world.students[0])
    with pytest.raises(NotFoundError):
        education.end_additional_education(
            world.school,
            teacher,
            education.EndAdditionalEducation(
                student_id=world.students[0], activity_id=uuid4(), on=date(2026, 9, 15)
            ),
        )
    assert world.school.position() == position


def test_a_students_snapshot_keeps_the_clubs_and_an_older_one_has_none(world: World) -> None:
    world.at(date(2026, 9, 15))
    student_id = world.students[0]
    older = world.school.mapper.to_stored_event(
        Student.Snapshot.take(world.school.student(student_id))
    )
    education.record_additional_education(
        world.school,
        class_teacher_as(world),
        education.RecordAdditionalEducation(
            student_id=student_id, name="Хор", organisation="школа", start=date(2026, 9, 1)
        ),
    )
    newer = world.school.mapper.to_stored_event(
        Student.Snapshot.take(world.school.student(student_id))
    )
    restored = world.school.mapper.to_domain_event(newer).mutate(None)
    assert [a.name for a in restored.activities().values()] == ["Хор"]
    # A snapshot taken before the field existed in the state restores with no clubs.
    assert world.school.mapper.to_domain_event(older).mutate(None).activities() == {}
