"""Calendar-thematic plans (КТП) and homework: what each lesson of a year is about.

A KTP lists the year's topics with their hours, adding up to the curriculum's weekly hours times
the weeks of study (School 77 §4.4.7). The first lessons of a year are planned one by one; the
rest of the year is its sections (разделы) of the federal work programmes, sharing the hours
left. In the subjects with control works (Russian, mathematics, physics, chemistry, the foreign
language), every long section ends with a control work (a control dictation in Russian in grades
2–9): those lessons are where a teacher marks the whole class.

The topics are data, one file per subject (``plans/<subject>.toml``), read and validated here.
"""

from __future__ import annotations

import math
import tomllib
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from ejournal.commands import journals

PLANS_PACKAGE = "ejournal.generator.plans"


class _PlanData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GradePlan(_PlanData):
    """One grade's year of a subject: the demo's plans name their first lessons' topics (one
    hour each); the other grades have sections only."""

    opening: tuple[str, ...] | None = None
    sections: tuple[str, ...] = Field(min_length=1)


class GradeSpan(_PlanData):
    """Sections shared by a run of grades, for a subject whose year changes little."""

    grades: tuple[int, int]
    """The first and the last grade, both included."""
    sections: tuple[str, ...] = Field(min_length=1)


class SubjectPlans(_PlanData):
    """A subject's topics and homework, as its data file holds them."""

    homework: str | None = None
    """How teachers write its homework; none set in the subject without one."""
    year_opening: str | None = None
    """The topic opening a year planned by sections only; ``{previous}`` names the previous
    grade, and a year of grade 1 has no such opening."""
    grades: dict[int, GradePlan] = Field(default_factory=dict)
    spans: tuple[GradeSpan, ...] = ()


@cache
def subject_plans(subject: str) -> SubjectPlans:
    """A subject's plans from the data shipped with the product; none for an unknown subject."""
    resource = resources.files(PLANS_PACKAGE) / f"{subject}.toml"
    if not resource.is_file():
        return SubjectPlans()
    return SubjectPlans.model_validate(tomllib.loads(resource.read_text(encoding="utf-8")))


CONTROLLED_SUBJECTS = frozenset(
    {
        "russian_language",
        "mathematics",
        "algebra",
        "geometry",
        "physics",
        "chemistry",
        "foreign_language",
    }
)
"""Subjects in which a long section ends with a control work."""
CONTROL_SECTION_HOURS = 6
"""A section of at least this many hours ends with a control work."""

TEXTBOOK_PARAGRAPHS = 45
"""Paragraphs a year's textbook has: homework names them in step with the year's lessons."""


def sections(subject: str, grade: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A year's opening topics (one hour each) and its sections, for any subject and grade of
    the curriculum."""
    plans = subject_plans(subject)
    planned = plans.grades.get(grade)
    if planned is not None and planned.opening is not None:
        return planned.opening, planned.sections
    listed = (
        planned.sections
        if planned is not None
        else next((s.sections for s in plans.spans if s.grades[0] <= grade <= s.grades[1]), None)
    )
    if listed is None:
        raise LookupError(f"no KTP sections for {subject} in grade {grade}")
    opening: tuple[str, ...] = ()
    if plans.year_opening and not (grade == 1 and "{previous}" in plans.year_opening):
        opening = (plans.year_opening.format(previous=grade - 1),)
    return opening, listed


def ktp_lines(subject: str, grade: int, weekly_hours: int) -> tuple[journals.KtpLine, ...]:
    """A year's KTP: the first lessons' topics one by one, then the sections sharing the rest
    of the curriculum's hours (33 school weeks in grade 1, 34 above); only for the demo's
    plans."""
    planned = subject_plans(subject).grades.get(grade)
    if planned is None or planned.opening is None:
        raise LookupError(f"no planned KTP for {subject} in grade {grade}")
    opening, parts = planned.opening, planned.sections
    total = weekly_hours * (33 if grade == 1 else 34)
    rest = total - len(opening)
    share, extra = divmod(rest, len(parts))
    lines = [journals.KtpLine(topic=topic) for topic in opening]
    lines += [
        journals.KtpLine(topic=section, hours=share + (1 if i < extra else 0))
        for i, section in enumerate(parts)
    ]
    return tuple(lines)


def year_ktp(subject: str, grade: int, weekly_hours: int) -> tuple[journals.KtpLine, ...]:
    """The KTP a generated school's teacher sets: the opening topics, then the sections, each
    long section of a subject with control works ending with one."""
    opening, parts = sections(subject, grade)
    total = weekly_hours * (33 if grade == 1 else 34)
    share, extra = divmod(total - len(opening), len(parts))
    lines = [journals.KtpLine(topic=topic) for topic in opening]
    for i, section in enumerate(parts):
        hours = share + (1 if i < extra else 0)
        if hours < 1:
            continue
        if grade >= 2 and subject in CONTROLLED_SUBJECTS and hours >= CONTROL_SECTION_HOURS:
            lines += [
                journals.KtpLine(topic=section, hours=hours - 1),
                journals.KtpLine(topic=control_work(subject, grade, section)),
            ]
        else:
            lines.append(journals.KtpLine(topic=section, hours=hours))
    return tuple(lines)


def control_work(subject: str, grade: int, section: str) -> str:
    """The topic of the control work that closes a section."""
    if subject == "russian_language" and grade <= 9:
        return f"Контрольный диктант по теме «{section}»"
    return f"Контрольная работа по теме «{section}»"


def is_control_work(topic: str) -> bool:
    """Whether a lesson of this topic is a control work (or dictation) the whole class writes;
    the lesson that goes over one afterwards is not."""
    lowered = topic.lower()
    return "контрольн" in lowered and not lowered.startswith("анализ")


def ktp_item_for(ktp: tuple[journals.KtpLine, ...], lesson_number: int) -> tuple[int, str]:
    """The KTP item (number, topic) the n-th lesson of a journal covers."""
    hours = 0
    for number, line in enumerate(ktp, start=1):
        hours += line.hours
        if lesson_number <= hours:
            return number, line.topic
    return len(ktp), ktp[-1].topic


def homework(subject: str, grade: int, number: int) -> str | None:
    """Homework in the form teachers write it, ``number`` counting the paragraphs and exercises
    on; none in grade 1 (School 77 §3.7) nor in music, fine arts, technology and physical
    education."""
    template = subject_plans(subject).homework
    if grade == 1 or template is None:
        return None
    n = number
    return template.format(
        n=n, ex=10 + 6 * n, ex2=12 + 6 * n, ex3=15 + 6 * n, page=6 + 4 * n, page_end=10 + 4 * n
    )


def paragraph(lesson_number: int, weekly_hours: int, grade: int) -> int:
    """The textbook paragraph the n-th lesson of a year has reached (a textbook has about
    ``TEXTBOOK_PARAGRAPHS`` of them for the year's lessons)."""
    total = weekly_hours * (33 if grade == 1 else 34)
    return max(1, math.ceil(lesson_number * TEXTBOOK_PARAGRAPHS / max(total, TEXTBOOK_PARAGRAPHS)))
