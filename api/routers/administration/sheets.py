"""Summary sheets (сводные ведомости) and the class results of a period, as JSON, CSV or XLSX
(School 77 §4.3.10, §4.6.5).

A class's sheets are for the administration and for the class's own class teacher; for anyone
else who reads journals the class does not exist. The year-wide movement sheet is the
administration's.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.dependencies import CurrentAdministration, CurrentReader, CurrentSession, SchoolApp
from api.routers.administration.year_labels import SchoolYearLabel
from api.tabular import CSV, XLSX, read_view, render_view
from ejournal.commands.access import account_can_read_class
from ejournal.errors import NotFoundError
from ejournal.projections.summary_sheets import (
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


def _check_class(session: CurrentSession, school: SchoolApp, year: str, class_code: str) -> None:
    school_year = school.year_view(year)
    if class_code not in school_year.classes or not account_can_read_class(
        session.account, year, class_code
    ):
        raise NotFoundError("no such class")


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
    fmt: Format = SheetFormat.JSON,
    after: After = None,
) -> Response:
    """Сводная ведомость учёта успеваемости: students × subjects, each period's mark and the
    year mark, as they stand after corrections."""
    _check_class(session, school, year, class_code)
    view = read_view(session, after, response, lambda c: progress_sheet(c, year, class_code))
    return render_view(view, fmt, _file_name("progress", year, class_code), response)


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
    fmt: Format = SheetFormat.JSON,
    after: After = None,
) -> Response:
    """Сводная ведомость учёта посещаемости: students × months (September to May), lessons
    missed and of them for a valid reason; coming late is not missing a lesson."""
    _check_class(session, school, year, class_code)
    view = read_view(session, after, response, lambda c: attendance_sheet(c, year, class_code))
    return render_view(view, fmt, _file_name("attendance", year, class_code), response)


@router.get(
    "/years/{year}/sheets/movement",
    response_model=MovementSheetView,
    responses=_FILES,
    summary="The year's movement sheet",
    tags=["sheets"],
)
def read_movement_sheet(
    year: SchoolYearLabel,
    administration: CurrentAdministration,
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    fmt: Format = SheetFormat.JSON,
    after: After = None,
) -> Response:
    """Сводная ведомость учёта движения учащихся: admissions, transfers, promotions and
    withdrawals of the year, with their dates and orders."""
    school.year_view(year)
    view = read_view(session, after, response, lambda c: movement_sheet(c, year))
    return render_view(view, fmt, _file_name("movement", year), response)


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
    fmt: Format = SheetFormat.JSON,
    after: After = None,
) -> Response:
    """Итоги успеваемости класса за учебный период: per subject and for the class, the counts
    of "5", "4", "3", "2", the success rate and the quality rate."""
    _check_class(session, school, year, class_code)
    school.year_view(year).period(period_id)
    view = read_view(
        session, after, response, lambda c: class_results(c, year, class_code, period_id)
    )
    return render_view(view, fmt, _file_name(f"results-{period_id}", year, class_code), response)
