"""Reading a tabular read model (summary sheets, reports) and sending it as JSON, CSV or XLSX.

Shared by the sheets and the reports routers: the route waits for the position asked for
(``ReadPosition``), the position read at goes back in ``X-Read-Position``, and a file is offered
for download under a name that survives non-ASCII ("5А").
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar
from urllib.parse import quote

from fastapi import Response

from api.dependencies import CurrentSession
from ejournal.database import Cursor
from ejournal.projections.summary_sheets import SheetView
from ejournal.spreadsheets.exports import to_csv, to_xlsx
from ejournal.spreadsheets.report_layouts import ReportView

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

View = TypeVar("View", bound=SheetView | ReportView)


def read_view(session: CurrentSession, query: Callable[[Cursor], View]) -> View:
    """The view as the read models hold it (the route's ``ReadPosition`` waited for them)."""
    with session.school.database.transaction(write=False) as cursor:
        return query(cursor)


def render_view(
    view: SheetView | ReportView, fmt: StrEnum, name: str, response: Response
) -> Response:
    """The view in the format asked for (json, csv or xlsx); a file is offered for download
    under ``name``."""
    headers = {"X-Read-Position": response.headers["X-Read-Position"]}
    if fmt.value == "json":
        return Response(view.model_dump_json(), media_type="application/json", headers=headers)
    filename = f"{name}.{fmt.value}"
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    if fmt.value == "csv":
        return Response(to_csv(view), media_type=CSV, headers=headers)
    return Response(to_xlsx(view), media_type=XLSX, headers=headers)
