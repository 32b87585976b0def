"""The class teacher's report for a reporting period (School 77 §4.3.10: «Отчет классного
руководителя за учебный период»): the class's progress and attendance over the period, read from
the read models that already hold them (the class results and the attendance report).

It writes nothing of its own and is not a projection: it asks the two read models for the
period's days and puts their answers side by side.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from ejournal.aggregates.school_year import Period
from ejournal.database import Cursor
from ejournal.projections.attendance_report import ClassAttendanceView, class_attendance
from ejournal.projections.reporting.queries import ReportModel
from ejournal.projections.summary_sheets.queries import ClassResultsView, class_results


class ClassTeacherReportView(ReportModel):
    """Отчет классного руководителя за учебный период: the period's results (counts of marks,
    success and quality rates per subject and for the class) and its attendance (lessons missed
    and of them for a valid reason, per student and by month)."""

    kind: Literal["class_teacher_report"] = "class_teacher_report"
    year: str
    class_code: str
    period_id: str
    period_name: str
    start: date
    end: date
    results: ClassResultsView
    attendance: ClassAttendanceView


def class_teacher_report(
    cursor: Cursor, year: str, class_code: str, period: Period
) -> ClassTeacherReportView:
    """A class's progress and attendance over one reporting period."""
    return ClassTeacherReportView(
        year=year,
        class_code=class_code,
        period_id=period.id,
        period_name=period.name,
        start=period.start,
        end=period.end,
        results=class_results(cursor, year, class_code, period.id),
        attendance=class_attendance(cursor, year, class_code, period.start, period.end),
    )
