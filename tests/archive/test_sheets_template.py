"""The archive's progress sheet (HTML, no rendering): the year column holds the year marks, and
exam and final columns stand where the class has such marks (Lyceum 68 §6.3, School 77 §6.5)."""

from __future__ import annotations

from uuid import uuid4

from archive.templates.sheets import progress_sheet_html
from ejournal.projections.summary_sheets.queries import (
    PeriodHeading,
    ProgressRow,
    ProgressSheetView,
    SubjectHeading,
    SubjectMarks,
)


def sheet(**flags: bool) -> ProgressSheetView:
    return ProgressSheetView(
        year="2026/2027",
        class_code="9А",
        periods=(PeriodHeading(period_id="Q4", name="4 четверть"),),
        subjects=(SubjectHeading(subject="mathematics", subject_name="Математика"),),
        rows=(
            ProgressRow(
                student_id=uuid4(),
                full_name="Алексеев Артём",
                subjects=(
                    SubjectMarks(
                        subject="mathematics",
                        periods=("4",),
                        year_mark="4",
                        exam_mark="3",
                        final_mark="5",
                    ),
                ),
            ),
        ),
        **flags,
    )


def test_the_progress_sheet_has_year_exam_and_final_columns() -> None:
    html = progress_sheet_html("progress", sheet(exams=True, finals=True))
    assert 'colspan="4">Математика' in html
    assert "<th>год</th><th>экз.</th><th>итог.</th>" in html
    assert (
        '<td class="num">4</td><td class="num"><b>4</b></td><td class="num">3</td>'
        '<td class="num"><b>5</b></td>'
    ) in html


def test_without_exams_the_sheet_keeps_the_year_column_only() -> None:
    html = progress_sheet_html("progress", sheet())
    assert 'colspan="2">Математика' in html
    assert "экз." not in html
    assert "итог." not in html
    assert '<td class="num"><b>4</b></td></tr>' in html
