"""Absences: when students miss school, and why.

Most missed lessons are whole days of illness (a spell of one to five school days, more often in
the flu months), a few are family matters or school business (an olympiad, a competition), and
now and then a student misses a single lesson or comes late to the first one. Over a year this
comes to about 7% of the lessons students should attend: within the 5–10% Russian schools see.
The class teacher records the reason for a spell once the student is back with a certificate or
a note; a single missed lesson usually stays without one.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ejournal.marks import AbsenceReason, Attendance

SPELL_START = 0.027
"""The chance, on a school day, that a student falls ill (or is kept home) from that day."""
SPELL_LENGTHS = (1, 1, 2, 2, 3, 3, 4, 5)
MONTH_FACTOR: dict[int, float] = {
    9: 1.0, 10: 1.0, 11: 1.1, 12: 1.1, 1: 1.1, 2: 1.3, 3: 1.0, 4: 0.9, 5: 0.8,
}  # fmt: skip
"""How much likelier a spell is in a month than on average (flu peaks in winter)."""
PRONENESS = (0.3, 0.6, 0.8, 1.0, 1.0, 1.2, 1.5, 2.0)
"""How prone a student is to illness against the average."""
REASONS: tuple[tuple[AbsenceReason, float], ...] = (
    (AbsenceReason.ILLNESS, 0.78),
    (AbsenceReason.FAMILY, 0.17),
    (AbsenceReason.OFFICIAL, 0.05),
)
SINGLE_ABSENCE = 0.012
"""The chance a student misses one lesson of a day they are at school."""
LATE_FIRST_LESSON = 0.03
LATE_OTHER_LESSON = 0.004

REASON_NOTES: dict[AbsenceReason, str] = {
    AbsenceReason.ILLNESS: "Справка из детской поликлиники",
    AbsenceReason.FAMILY: "Заявление родителей (законных представителей)",
    AbsenceReason.OFFICIAL: "Приказ о направлении на олимпиаду (соревнования)",
    AbsenceReason.MEDICAL_GROUP: "Справка о медицинской группе",
    AbsenceReason.UNEXCUSED: "Причина не подтверждена",
}
"""What the class teacher writes as the document a reason rests on."""


@dataclass(frozen=True)
class Spell:
    """School days a student missed whole, for one reason."""

    days: tuple[date, ...]
    reason: AbsenceReason


def draw_proneness(rng: random.Random) -> float:
    return rng.choice(PRONENESS)


def plan_spells(days: Sequence[date], proneness: float, rng: random.Random) -> tuple[Spell, ...]:
    """A student's spells within a run of consecutive school days (one reporting period, so a
    reason never reaches back into a closed period)."""
    spells: list[Spell] = []
    index = 0
    while index < len(days):
        chance = SPELL_START * proneness * MONTH_FACTOR.get(days[index].month, 1.0)
        if rng.random() < chance:
            length = rng.choice(SPELL_LENGTHS)
            span = tuple(days[index : index + length])
            reason = rng.choices([r for r, _ in REASONS], weights=[w for _, w in REASONS])[0]
            spells.append(Spell(span, reason))
            index += length + 1
        else:
            index += 1
    return tuple(spells)


def attendance_at(slot: int, rng: random.Random) -> Attendance:
    """The attendance of a student who is at school that day, at one lesson."""
    draw = rng.random()
    if draw < SINGLE_ABSENCE:
        return Attendance.ABSENT
    if draw < SINGLE_ABSENCE + (LATE_FIRST_LESSON if slot == 1 else LATE_OTHER_LESSON):
        return Attendance.LATE
    return Attendance.PRESENT
