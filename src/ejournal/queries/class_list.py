"""A class list: the students of a class on a day, with their subgroups in the subjects the
class learns in subgroups.

The class comes from ``ejournal.access.class_list`` (its class teacher of that year, the
administration); the API's class list and the class teacher's page both read it here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.application import School


@dataclass(frozen=True)
class ClassStudent:
    """A student on the class list, and their subgroup per subject taught in subgroups."""

    student: Student
    subgroups: Mapping[str, str]
    """Subject code -> the student's subgroup in it."""

    @property
    def id(self) -> UUID:
        return self.student.id


def class_students(
    school: School, school_year: SchoolYear, class_code: str, day: date
) -> list[ClassStudent]:
    """The students of a class on ``day``, by full name."""
    subjects = sorted(
        {
            ref.subject
            for ref in school_year.journals_of(class_code).values()
            if ref.subgroup is not None
        }
    )
    students = []
    for student_id in school_year.class_roster(class_code, day):
        student = school.view(Student, student_id, "student")
        subgroups = {
            subject: subgroup
            for subject in subjects
            if (subgroup := school_year.subgroup_of(student_id, class_code, subject, day))
        }
        students.append(ClassStudent(student=student, subgroups=subgroups))
    return sorted(students, key=lambda row: (str(row.student.name), str(row.student.id)))
