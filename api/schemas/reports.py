"""What the report endpoints take besides the year, the class or the journal: the file format,
the days a report covers (a period, or a date range), and the log position to wait for.

The reports themselves are the report modules' views (``ejournal.projections``), returned as
they are, like the summary sheets.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, NoReturn

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict

from api.schemas.requests import IsoDate
from api.tabular import CSV, XLSX
from ejournal.aggregates.school_year import SchoolYear

FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report as JSON, CSV or an XLSX workbook (``format``).",
        "content": {CSV: {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string"}}},
    }
}


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


Format = Annotated[
    ReportFormat,
    Query(alias="format", description="json (default), csv (UTF-8) or xlsx (a workbook)."),
]
After = Annotated[
    int | None,
    Query(
        ge=0,
        description="A log position a command returned: wait (a few seconds at most) until the"
        " report shows it.",
    ),
]
PeriodParam = Annotated[
    str | None,
    Query(
        alias="period",
        min_length=1,
        max_length=16,
        description='A reporting period\'s id ("Q1"); or give start and end instead.',
    ),
]
RequiredPeriod = Annotated[
    str, Query(alias="period", min_length=1, max_length=16, description='The period\'s id ("Q1").')
]
Start = Annotated[
    IsoDate | None, Query(description="The first day covered; by default the year's first.")
]
End = Annotated[
    IsoDate | None, Query(description="The last day covered; by default the year's last.")
]


class ReportDays(BaseModel):
    """The days a report covers: a period's, or a range within the school year."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date
    period_id: str | None


def report_days(
    year: SchoolYear, period_id: str | None, start: date | None, end: date | None
) -> ReportDays:
    """The days asked for: a period (unknown: not found), or from ``start`` to ``end`` within
    the year (each by default the year's first and last day). A period and dates together, an
    end before the start or days outside the year are refused (422)."""
    if period_id is not None:
        if start is not None or end is not None:
            _refuse("period", "give a period or start and end, not both")
        found = year.period(period_id)
        return ReportDays(start=found.start, end=found.end, period_id=found.id)
    first = start if start is not None else year.starts_on
    last = end if end is not None else year.ends_on
    if not year.starts_on <= first <= last <= year.ends_on:
        _refuse(
            "end" if first > last else "start",
            f"the days must run forward within the school year ({year.starts_on}–{year.ends_on})",
        )
    return ReportDays(start=first, end=last, period_id=None)


def _refuse(field: str, message: str) -> NoReturn:
    raise RequestValidationError([{"loc": ("query", field), "msg": message, "type": "value_error"}])
