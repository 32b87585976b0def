"""A class's results as numbers: whether a student's marks are a success, count for quality, and
the class's success and quality rates (School 77 §4.6.5)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ejournal.marks import FAIL_MARK, NON_MARK_ENTRIES, NOT_ATTESTED, PASS_MARK


def whole_point(value: str) -> int | None:
    """The whole point of a mark ("4-" is a 4); None for pass/fail, «н/а» and «осв.»."""
    if value in (PASS_MARK, FAIL_MARK) or value in NON_MARK_ENTRIES:
        return None
    return int(value[0])


def is_successful(marks: Iterable[str]) -> bool:
    """Whether a student's period marks make them успевающий: no "2" (nor "1") and no "незач"."""
    # «н/а» (not attested) is an academic debt, as a "2" is.
    return all(
        value not in (FAIL_MARK, NOT_ATTESTED) and (whole_point(value) or 3) >= 3 for value in marks
    )


def counts_for_quality(marks: Iterable[str]) -> bool | None:
    """Whether a student's period marks are all "4" and "5" (качество знаний).

    "зач" is a pass but no point mark: it neither earns nor spoils quality, so only the point
    marks are judged, and a student with pass/fail marks only is not judged at all (None).
    A "незач" spoils quality, as it spoils success.
    """
    values = list(marks)
    if FAIL_MARK in values or NOT_ATTESTED in values:
        return False
    points = [p for p in (whole_point(v) for v in values) if p is not None]
    if not points:
        return None
    return all(p >= 4 for p in points)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def success_rate(students: Sequence[Sequence[str]]) -> float | None:
    """Успеваемость, %: the share of students (each given by their period marks) with no "2",
    "1" or "незач"; "зач" counts as passing. None when there are no students with marks."""
    marked = [marks for marks in students if marks]
    return _percent(sum(is_successful(marks) for marks in marked), len(marked))


def quality_rate(students: Sequence[Sequence[str]]) -> float | None:
    """Качество знаний, %: the share of students with only "4" and "5" among those judged.

    "зач" counts as passing but not for quality: it is left out of the judgement, so a student
    whose marks are "5" and "зач" counts as a quality student, and one with only "зач" is not
    counted in either part of the share. None when nobody is judged.
    """
    judged = [
        q for q in (counts_for_quality(marks) for marks in students if marks) if q is not None
    ]
    return _percent(sum(judged), len(judged))
