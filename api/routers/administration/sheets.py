"""Summary sheets (сводные ведомости) and the class results of a period, as JSON, CSV or XLSX
(School 77 §4.3.10, §4.6.5).

Who reads which sheet is the core's access module's to say (``ejournal.access``): a class's
sheets and results are for the administration, the class's own class teacher and the teachers of
the class (School 77 §4.3.10, §4.4.11); for anyone else who reads journals the class does not
exist. The movement sheet is the administration's whole, and a class teacher's own class's.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.conditional import Fresh
from api.dependencies import (
    CurrentReader,
    CurrentSession,
    ReadPosition,
    SchoolApp,
)
from api.schemas.school_year import SchoolYearLabel
from api.tabular import CSV, XLSX, CsvDialect, CsvDialectParam, read_view, render_view
from ejournal.access import class_sheets, movement_of
from ejournal.projections.summary_sheets.queries import (
    AttendanceSheetView,
    ClassResultsView,
    MovementSheetView,
    ProgressSheetView,
    attendance_sheet,
    class_results,
    movement_sheet,
    progress_sheet,
)

router = APIRouter()

_FILES: dict[str | int, dict[str, Any]] = {
    200: {
        "description": "The sheet as JSON, CSV or an XLSX workbook (``format``).",
        "content": {CSV: {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string"}}},
    }
}


class SheetFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


Format = Annotated[
    SheetFormat,
    Query(alias="format", description="json (default), csv (UTF-8) or xlsx (a workbook)."),
]
After = Annotated[
    int | None,
    Query(
        ge=0,
        description="A log position a command returned: wait (a few seconds at most) until the"
        " sheet shows it.",
    ),
]


def _file_name(kind: str, year: str, class_code: str | None = None) -> str:
    parts = [kind, year.replace("/", "-")]
    if class_code is not None:
        parts.append(class_code)
    return "-".join(parts)


@router.get(
    "/years/{year}/classes/{class_code}/sheets/progress",
    response_model=ProgressSheetView,
    responses=_FILES,
    summary="A class's progress sheet",
    tags=["sheets"],
)
def read_progress_sheet(
    year: SchoolYearLabel,
    class_code: str,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    read_at: ReadPosition,
    fresh: Fresh,
    fmt: Format = SheetFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """Сводная ведомость учёта успеваемости: students × subjects, each period's mark and the
    year mark, as they stand after corrections."""
    class_sheets(school, session.account, year, class_code)
    fresh.check()
    view = read_view(session, lambda c: progress_sheet(c, year, class_code))
    return render_view(view, fmt, _file_name("progress", year, class_code), response, dialect)


@router.get(
    "/years/{year}/classes/{class_code}/sheets/attendance",
    response_model=AttendanceSheetView,
    responses=_FILES,
    summary="A class's attendance sheet",
    tags=["sheets"],
)
def read_attendance_sheet(
    year: SchoolYearLabel,
    class_code: str,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    read_at: ReadPosition,
    fresh: Fresh,
    fmt: Format = SheetFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """Сводная ведомость учёта посещаемости: students × months (September to May), lessons
    missed and of them for a valid reason; coming late is not missing a lesson."""
    class_sheets(school, session.account, year, class_code)
    fresh.check()
    view = read_view(session, lambda c: attendance_sheet(c, year, class_code))
    return render_view(view, fmt, _file_name("attendance", year, class_code), response, dialect)


@router.get(
    "/years/{year}/sheets/movement",
    response_model=MovementSheetView,
    responses=_FILES,
    summary="The year's movement sheet",
    tags=["sheets"],
)
def read_movement_sheet(
    year: SchoolYearLabel,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    read_at: ReadPosition,
    fresh: Fresh,
    fmt: Format = SheetFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """Сводная ведомость учёта движения учащихся: admissions, transfers, promotions and
    withdrawals of the year, with their dates and orders; the whole school's for the
    administration, a class teacher's own class's (School 77 §4.3.10)."""
    classes = movement_of(school, session.account, year)
    fresh.check()
    view = read_view(session, lambda c: movement_sheet(c, year, classes))
    return render_view(view, fmt, _file_name("movement", year), response, dialect)


@router.get(
    "/years/{year}/classes/{class_code}/results/{period_id}",
    response_model=ClassResultsView,
    responses=_FILES,
    summary="A class's results for a period",
    tags=["sheets"],
)
def read_class_results(
    year: SchoolYearLabel,
    class_code: str,
    period_id: str,
    reader: CurrentReader,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    read_at: ReadPosition,
    fresh: Fresh,
    fmt: Format = SheetFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """Итоги успеваемости класса за учебный период: per subject and for the class, the counts
    of "5", "4", "3", "2", the success rate and the quality rate."""
    class_sheets(school, session.account, year, class_code)
    school.year_view(year).period(period_id)
    fresh.check()
    view = read_view(session, lambda c: class_results(c, year, class_code, period_id))
    return render_view(
        view, fmt, _file_name(f"results-{period_id}", year, class_code), response, dialect
    )
