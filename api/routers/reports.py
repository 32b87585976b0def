"""Reports (DESIGN.md §6; School 77 §4.3.10, §4.6.5; Lyceum 68 §3.4.6) as JSON, CSV or XLSX:
monthly attendance, accumulation of marks, journal-keeping monitoring, class occupancy, and the
activity of parents and students.

Who reads what is the core's access module's to say (``ejournal.access``): the deputy, the
director, the administrator, inspectors and auditors read every report of the school; a class
teacher reads the reports of their own class; a subject teacher reads the monitoring of their own
journals. For anyone else who reads journals an out-of-scope class or journal does not exist
(404, exactly as a missing one); the school-wide reports are refused to them (403).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from api.conditional import Fresh
from api.dependencies import CurrentReader, CurrentSession, ReadPosition, SchoolApp, acting_as
from api.schemas.reports import (
    FILE_RESPONSES,
    End,
    Format,
    PeriodParam,
    ReportFormat,
    RequiredPeriod,
    Start,
    report_days,
)
from api.schemas.school_year import SchoolYearLabel
from api.tabular import CsvDialect, CsvDialectParam, read_view, render_view
from ejournal.access import (
    REPORT_READERS,
    monitored_journal,
    reported_class,
    require_school_reports,
)
from ejournal.aggregates.school_year import SchoolYear
from ejournal.commands.timing import local_today
from ejournal.projections.attendance_report import ClassAttendanceView, class_attendance
from ejournal.projections.class_occupancy import ClassOccupancyView, class_occupancy
from ejournal.projections.class_teacher_report import (
    ClassTeacherReportView,
    class_teacher_report,
)
from ejournal.projections.family_activity import FamilyActivityView, family_activity
from ejournal.projections.journal_monitoring import JournalMonitoringView, journal_monitoring
from ejournal.projections.marks_accumulation import MarksAccumulationView, marks_accumulation
from ejournal.roles import Actor

router = APIRouter(tags=["reports"])

CurrentSchoolReader = Annotated[Actor, Depends(acting_as(*sorted(REPORT_READERS)))]
"""Who reads every report of the school."""

# --- reading and rendering ----------------------------------------------------------------------


def _today(school: SchoolApp, year: SchoolYear) -> date:
    """Today at the school, by the server's clock: "to date" in the KTP progress."""
    return local_today(year, school.clock.now())


def _file_name(*parts: str) -> str:
    return "-".join(part.replace("/", "-") for part in parts)


# --- a class's reports --------------------------------------------------------------------------


@router.get(
    "/years/{year}/classes/{class_code}/reports/attendance",
    response_model=ClassAttendanceView,
    responses=FILE_RESPONSES,
    summary="A class's attendance by months",
)
def read_class_attendance(
    year: SchoolYearLabel,
    class_code: str,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    read_at: ReadPosition,
    fresh: Fresh,
    fmt: Format = ReportFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """Отчет о посещаемости класса (по месяцам), School 77 §4.3.10: per month the lessons
    held, the student-lessons, the lessons missed and of them for a valid reason, and the
    attendance rate; the same for each student. Coming late is not missing a lesson."""
    reported_class(school, session.account, year, class_code)
    fresh.check()
    view = read_view(session, lambda c: class_attendance(c, year, class_code))
    return render_view(
        view, fmt, _file_name("attendance-by-month", year, class_code), response, dialect
    )


@router.get(
    "/years/{year}/classes/{class_code}/reports/marks-accumulation",
    response_model=MarksAccumulationView,
    responses=FILE_RESPONSES,
    summary="Accumulation of marks in a class for a period",
)
def read_marks_accumulation(
    year: SchoolYearLabel,
    class_code: str,
    period: RequiredPeriod,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    read_at: ReadPosition,
    fresh: Fresh,
    fmt: Format = ReportFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """Накопляемость отметок (Gymnasium 2 §8.4): per student and subject, the marks of the
    period and their weighted average, beside each subject's weekly hours. No regulation sets
    a minimum number of marks, so nothing is flagged: the counts are for the reader to judge."""
    reported_class(school, session.account, year, class_code)
    school.year_view(year).period(period)
    fresh.check()
    view = read_view(session, lambda c: marks_accumulation(c, year, class_code, period))
    return render_view(
        view, fmt, _file_name("marks-accumulation", year, class_code, period), response, dialect
    )


@router.get(
    "/years/{year}/classes/{class_code}/reports/journal-monitoring",
    response_model=JournalMonitoringView,
    responses=FILE_RESPONSES,
    summary="Monitoring of a class's journals",
)
def read_class_monitoring(
    year: SchoolYearLabel,
    class_code: str,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    read_at: ReadPosition,
    fresh: Fresh,
    period: PeriodParam = None,
    start: Start = None,
    end: End = None,
    fmt: Format = ReportFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """Анализ ведения журнала (Lyceum 68 §3.4.6) for a class's journals over a period or a
    range: shares of students with no mark and with one mark, lessons without topic or
    homework, late entries, KTP progress; rolled up per teacher and for the class."""
    reported_class(school, session.account, year, class_code)
    school_year = school.year_view(year)
    days = report_days(school_year, period, start, end)
    today = _today(school, school_year)
    fresh.check(today)
    view = read_view(
        session,
        lambda c: journal_monitoring(
            c, year, days.start, days.end, today, period_id=days.period_id, class_code=class_code
        ),
    )
    return render_view(
        view, fmt, _file_name("journal-monitoring", year, class_code), response, dialect
    )


@router.get(
    "/years/{year}/classes/{class_code}/reports/family-activity",
    response_model=FamilyActivityView,
    responses=FILE_RESPONSES,
    summary="Parents' and students' activity in a class, by months",
)
def read_class_family_activity(
    year: SchoolYearLabel,
    class_code: str,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    read_at: ReadPosition,
    fresh: Fresh,
    fmt: Format = ReportFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """School 77 §4.3.11 (the class teacher monitors how students and parents use the
    journal): per month the parents and students with an account, how many signed in, and the
    number of sign-ins."""
    reported_class(school, session.account, year, class_code)
    fresh.check()
    view = read_view(session, lambda c: family_activity(c, year, class_code))
    return render_view(
        view, fmt, _file_name("family-activity", year, class_code), response, dialect
    )


@router.get(
    "/years/{year}/classes/{class_code}/reports/class-teacher",
    response_model=ClassTeacherReportView,
    summary="The class teacher's report for a period",
)
def read_class_teacher_report(
    year: SchoolYearLabel,
    class_code: str,
    period: RequiredPeriod,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    read_at: ReadPosition,
    fresh: Fresh,
) -> ClassTeacherReportView:
    """Отчет классного руководителя за учебный период (School 77 §4.3.10): the class results
    of the period (counts of "5", "4", "3", "2", success and quality rates, per subject and for
    the class) beside the class's attendance over the period's days (per student and by month;
    the first and last months in part). For the class's class teacher and the school's
    readers."""
    school_year = reported_class(school, session.account, year, class_code)
    grade = school_year.school_class(class_code).grade
    chosen = school_year.period(period, grade)
    fresh.check()
    with session.school.database.transaction(write=False) as cursor:
        return class_teacher_report(cursor, year, class_code, chosen)


# --- a journal's monitoring ---------------------------------------------------------------------


@router.get(
    "/journals/{journal_id}/reports/journal-monitoring",
    response_model=JournalMonitoringView,
    responses=FILE_RESPONSES,
    summary="Monitoring of one journal",
)
def read_journal_monitoring(
    journal_id: UUID,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    read_at: ReadPosition,
    fresh: Fresh,
    period: PeriodParam = None,
    start: Start = None,
    end: End = None,
    fmt: Format = ReportFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """The monitoring of one journal, for its teacher, its class's class teacher and the
    school's readers: the same measures as the school's, over a period or a range."""
    journal = monitored_journal(school, session.account, journal_id)
    school_year = school.year_view(journal.year)
    days = report_days(school_year, period, start, end)
    today = _today(school, school_year)
    fresh.check(today)
    view = read_view(
        session,
        lambda c: journal_monitoring(
            c,
            journal.year,
            days.start,
            days.end,
            today,
            period_id=days.period_id,
            journal_id=journal_id,
        ),
    )
    return render_view(
        view, fmt, _file_name("journal-monitoring", str(journal_id)), response, dialect
    )


# --- the school's reports -----------------------------------------------------------------------


@router.get(
    "/years/{year}/reports/journal-monitoring",
    response_model=JournalMonitoringView,
    responses=FILE_RESPONSES,
    summary="Monitoring of the school's journals",
)
def read_school_monitoring(
    year: SchoolYearLabel,
    reader: CurrentSchoolReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    read_at: ReadPosition,
    fresh: Fresh,
    period: PeriodParam = None,
    start: Start = None,
    end: End = None,
    fmt: Format = ReportFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """Анализ ведения журнала for every journal of the year (Lyceum 68 §3.4.6; School 77
    §4.6.6; Gymnasium 2 §6.2), rolled up per teacher and per class."""
    require_school_reports(session.account)
    school_year = school.year_view(year)
    days = report_days(school_year, period, start, end)
    today = _today(school, school_year)
    fresh.check(today)
    view = read_view(
        session,
        lambda c: journal_monitoring(
            c, year, days.start, days.end, today, period_id=days.period_id
        ),
    )
    return render_view(view, fmt, _file_name("journal-monitoring", year), response, dialect)


@router.get(
    "/years/{year}/reports/class-occupancy",
    response_model=ClassOccupancyView,
    responses=FILE_RESPONSES,
    summary="Class occupancy",
)
def read_class_occupancy(
    year: SchoolYearLabel,
    reader: CurrentSchoolReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    read_at: ReadPosition,
    fresh: Fresh,
    period: PeriodParam = None,
    start: Start = None,
    end: End = None,
    fmt: Format = ReportFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """Наполняемость классов (School 77 §4.6.5): per class the students at the start and end,
    at each month's start, who came and who left, and the subgroups' sizes."""
    require_school_reports(session.account)
    days = report_days(school.year_view(year), period, start, end)
    fresh.check()
    view = read_view(
        session,
        lambda c: class_occupancy(c, year, days.start, days.end, period_id=days.period_id),
    )
    return render_view(view, fmt, _file_name("class-occupancy", year), response, dialect)


@router.get(
    "/years/{year}/reports/family-activity",
    response_model=FamilyActivityView,
    responses=FILE_RESPONSES,
    summary="Parents' and students' activity, by classes and months",
)
def read_family_activity(
    year: SchoolYearLabel,
    reader: CurrentSchoolReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    read_at: ReadPosition,
    fresh: Fresh,
    fmt: Format = ReportFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """Активность родителей и учащихся (School 117 §9: monthly; School 77 §4.6.6; Lyceum 68
    §3.4.6): per class and month, and for the school."""
    require_school_reports(session.account)
    school.year_view(year)
    fresh.check()
    view = read_view(session, lambda c: family_activity(c, year))
    return render_view(view, fmt, _file_name("family-activity", year), response, dialect)
