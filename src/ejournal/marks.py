"""The vocabulary of marks and attendance: what a mark can be, for what kind of work.

Values follow the Russian five-point scale (DESIGN.md §3). A "+" or "−" suffix exists only where a
regulation profile allows it; pass/fail subjects take "зач"/"незач". Period marks take the same
values, never "н/а" or "осв." (School 77 §5.3).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

PASS_MARK = "зач"  # noqa: S105 (a mark, not a password)
FAIL_MARK = "незач"
_POINT = re.compile(r"^[1-5][+-]?$")


def parse_mark_value(value: str) -> str:
    """The normalised mark, or ValueError saying what marks look like."""
    normalized = value.strip().replace("−", "-")
    if normalized in (PASS_MARK, FAIL_MARK) or _POINT.match(normalized):
        return normalized
    raise ValueError(
        f"{value!r} is not a mark: use 1–5 (a '+' or '-' only where the school's profile allows),"
        f" {PASS_MARK!r} or {FAIL_MARK!r}"
    )


NOT_ATTESTED = "н/а"
"""A period entry instead of a mark: the student was not attested (не аттестован)."""
EXEMPT = "осв."
"""A period entry instead of a mark: the student was exempt (освобождён)."""
NON_MARK_ENTRIES = (NOT_ATTESTED, EXEMPT)
_NON_MARK_SPELLINGS = {"н/а": NOT_ATTESTED, "н/а.": NOT_ATTESTED, "осв": EXEMPT, "осв.": EXEMPT}


def non_mark_entry(value: str) -> str | None:
    """The period entry «н/а» or «осв.» a value spells, or None for anything else."""
    return _NON_MARK_SPELLINGS.get(value.strip().lower())


MARK_PATTERN = r"^\s*(?:[1-5][+\-\u2212]?|зач|незач)\s*$"
"""What ``parse_mark_value`` takes, as a JSON Schema pattern for the OpenAPI document, so a
client (and the contract test) reads from the schema exactly which strings are marks: ``""`` is
not one. Surrounding whitespace is stripped, as the parser does."""

MarkValue = Annotated[
    str,
    AfterValidator(parse_mark_value),
    WithJsonSchema({"type": "string", "minLength": 1, "pattern": MARK_PATTERN}),
]
"""A current or period mark: "1".."5", "4+" / "4-", "зач", "незач"."""


def is_pass_fail(value: str) -> bool:
    """Whether a mark is a pass or a fail rather than points."""
    return value in (PASS_MARK, FAIL_MARK)


def has_modifier(value: str) -> bool:
    """Whether a point mark carries a "+" or "-"."""
    return value[-1] in "+-" and value not in (PASS_MARK, FAIL_MARK)


def points(value: str) -> float | None:
    """The numeric worth of a mark for averages (a "+" or "-" moves it by a quarter); None for
    pass/fail and for the period entries «н/а» and «осв.»."""
    if value in (PASS_MARK, FAIL_MARK) or value in NON_MARK_ENTRIES:
        return None
    base = float(value[0])
    if value.endswith("+"):
        return base + 0.25
    if value.endswith("-"):
        return base - 0.25
    return base


class WorkKind(StrEnum):
    """What a mark was given for; the profile gives each kind a weight and a deadline rule."""

    ORAL = "oral"
    CLASSWORK = "classwork"
    HOMEWORK = "homework"
    WRITTEN = "written"
    INDEPENDENT = "independent"
    TEST = "test"
    CONTROL = "control"
    DICTATION = "dictation"
    ESSAY = "essay"
    LABORATORY = "laboratory"
    PRACTICAL = "practical"
    PROJECT = "project"
    EXTERNAL_DIAGNOSTIC = "external_diagnostic"
    EXAM = "exam"
    STATE_EXAM = "state_exam"

    @property
    def title_ru(self) -> str:
        return _WORK_KIND_RU[self]


_WORK_KIND_RU: dict[WorkKind, str] = {
    WorkKind.ORAL: "Устный ответ",
    WorkKind.CLASSWORK: "Работа на уроке",
    WorkKind.HOMEWORK: "Домашняя работа",
    WorkKind.WRITTEN: "Письменная работа",
    WorkKind.INDEPENDENT: "Самостоятельная работа",
    WorkKind.TEST: "Проверочная работа",
    WorkKind.CONTROL: "Контрольная работа",
    WorkKind.DICTATION: "Диктант",
    WorkKind.ESSAY: "Сочинение",
    WorkKind.LABORATORY: "Лабораторная работа",
    WorkKind.PRACTICAL: "Практическая работа",
    WorkKind.PROJECT: "Проект",
    WorkKind.EXTERNAL_DIAGNOSTIC: "Внешняя диагностическая работа",
    WorkKind.EXAM: "Экзамен",
    WorkKind.STATE_EXAM: "Государственная итоговая аттестация",
}


class Attendance(StrEnum):
    """A student's attendance at one lesson."""

    PRESENT = "present"
    ABSENT = "absent"
    """"н" in the journal."""
    LATE = "late"


class AbsenceReason(StrEnum):
    """Why a student was absent, as the class teacher records it (School 77 §4.3.12,
    Gymnasium 2 §7.4)."""

    ILLNESS = "illness"
    FAMILY = "family"
    OFFICIAL = "official"
    MEDICAL_GROUP = "medical_group"
    UNEXCUSED = "unexcused"

    @property
    def is_valid(self) -> bool:
        """Whether the reason is a valid one (уважительная причина)."""
        return self is not AbsenceReason.UNEXCUSED

    @property
    def title_ru(self) -> str:
        """The reason as the class teacher picks it: "Болезнь"."""
        return _ABSENCE_REASON_RU[self]


_ABSENCE_REASON_RU: dict[AbsenceReason, str] = {
    AbsenceReason.ILLNESS: "Болезнь",
    AbsenceReason.FAMILY: "Семейные обстоятельства",
    AbsenceReason.OFFICIAL: "Официальная причина (олимпиада, соревнования)",
    AbsenceReason.MEDICAL_GROUP: "Освобождён (медицинская группа)",
    AbsenceReason.UNEXCUSED: "Без уважительной причины",
}


class PeriodKind(StrEnum):
    """How a school divides its year into reporting periods."""

    QUARTERS = "quarters"
    TRIMESTERS = "trimesters"
    HALF_YEARS = "half_years"

    @property
    def title_ru(self) -> str:
        return _PERIOD_KIND_RU[self]


_PERIOD_KIND_RU = {
    PeriodKind.QUARTERS: "Четверти",
    PeriodKind.TRIMESTERS: "Триместры",
    PeriodKind.HALF_YEARS: "Полугодия",
}


class ResultKind(StrEnum):
    """A mark of the year's results, recorded beside the period marks of a journal: the year
    mark (годовая), the exam mark (экзаменационная) and the final mark (итоговая) of grades 9
    and 11 (School 77 §4.4.6, Lyceum 68 §5.5–5.6, Belogorsk Instr. 4.2)."""

    YEAR = "year"
    EXAM = "exam"
    FINAL = "final"

    @property
    def period_id(self) -> str:
        """The id the mark is kept under among the journal's period marks. A period's id is a
        letter and a digit ("Q1"), so these single letters never name a period."""
        return _RESULT_IDS[self]

    @property
    def title_ru(self) -> str:
        return _RESULT_RU[self]


def period_name(periods: Mapping[str, str], period_id: str) -> str:
    """The Russian name of a period mark's period: the school year's own name for a period
    ("1 четверть", from ``periods``: id to name), or "Год", "Экзамен", "Итоговая" for the year's
    results; the id itself for one neither knows."""
    for kind in ResultKind:
        if kind.period_id == period_id:
            return kind.title_ru
    return periods.get(period_id, period_id)


_RESULT_IDS = {ResultKind.YEAR: "Y", ResultKind.EXAM: "E", ResultKind.FINAL: "F"}
_RESULT_RU = {ResultKind.YEAR: "Год", ResultKind.EXAM: "Экзамен", ResultKind.FINAL: "Итоговая"}
RESULT_PERIOD_IDS = frozenset(_RESULT_IDS.values())
"""The period-mark ids of year, exam and final marks."""
