"""The teachers' working-time sheet (табель) of a month, for the administration (Belogorsk,
Инструкция п. 4.2: the deputy keeps it): JSON, CSV or XLSX.

Read by the deputy, the director and the administrator; anyone else gets 403, and a year the
school does not have, or a month outside it, is 404.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Response

from api.conditional import Fresh, carried_headers
from api.dependencies import CurrentAdministration, CurrentSession, ReadPosition
from api.schemas.school_year import MONTH_PATTERN, SchoolYearLabel, month_start
from api.tabular import CSV, XLSX, CsvDialect, CsvDialectParam, csv_table
from ejournal.projections.working_time import (
    WorkingTimeSheetView,
    working_time_sheet,
    working_time_table,
)
from ejournal.spreadsheets.tables import table_xlsx

router = APIRouter()


class SheetFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


Month = Annotated[
    str,
    Query(pattern=MONTH_PATTERN, description='The month: "2026-09".'),
]


@router.get(
    "/years/{year}/reports/working-time",
    response_model=WorkingTimeSheetView,
    summary="The teachers' working-time sheet (табель) of a month",
)
def read_working_time(
    year: SchoolYearLabel,
    reader: CurrentAdministration,
    session: CurrentSession,
    month: Month,
    read_at: ReadPosition,
    fresh: Fresh,
    response: Response,
    fmt: Annotated[SheetFormat, Query(alias="format")] = SheetFormat.JSON,
    dialect: CsvDialectParam = CsvDialect.RFC4180,
) -> Response:
    """Per teacher and day, the lessons held, from the journals; a substitute's lesson is the
    substitute's hour (and counted in their substitution hours)."""
    fresh.check()
    headers = carried_headers(response)
    with session.school.database.transaction(write=False) as cursor:
        view = working_time_sheet(cursor, year, month_start(month))
    if fmt is SheetFormat.JSON:
        return Response(view.model_dump_json(), media_type="application/json", headers=headers)
    filename = f"working-time-{year.replace('/', '-')}-{month}.{fmt.value}"
    headers["Content-Disposition"] = (
        f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    )
    laid_out = working_time_table(view)
    if fmt is SheetFormat.CSV:
        return Response(csv_table(laid_out, dialect), media_type=CSV, headers=headers)
    return Response(table_xlsx(laid_out), media_type=XLSX, headers=headers)
