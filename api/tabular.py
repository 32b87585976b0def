"""Reading a tabular read model (summary sheets, reports) and sending it as JSON, CSV or XLSX.

Shared by the sheets and the reports routers: the route waits for the position asked for
(``ReadPosition``), the position read at goes back in ``X-Read-Position``, and a file is offered
for download under a name that survives non-ASCII ("5А").

A CSV file comes in one of two dialects (``?dialect=``): ``rfc4180`` (the default: UTF-8, comma,
a dot in numbers, for programs) or ``excel-ru`` (for Russian Excel, which opens a file by
double-click in the system's locale: a UTF-8 byte order mark so it reads Cyrillic as UTF-8, ``;``
between cells, and a decimal comma in numbers, so "4,25" is a number there, not text or a date).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from typing import Annotated, TypeVar
from urllib.parse import quote

from fastapi import Query, Response

from api.conditional import carried_headers
from api.dependencies import CurrentSession
from ejournal.database import Cursor
from ejournal.projections.summary_sheets.queries import SheetView
from ejournal.spreadsheets.cells import csv_cell
from ejournal.spreadsheets.exports import table, to_xlsx
from ejournal.spreadsheets.report_layouts import ReportView
from ejournal.spreadsheets.tables import Table, table_csv

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

View = TypeVar("View", bound=SheetView | ReportView)
BOM = "\ufeff"


class CsvDialect(StrEnum):
    """How a CSV file is written (the module's docstring)."""

    RFC4180 = "rfc4180"
    EXCEL_RU = "excel-ru"


CsvDialectParam = Annotated[
    CsvDialect,
    Query(
        alias="dialect",
        description="For a CSV file: rfc4180 (default: UTF-8, comma-separated, a dot in numbers)"
        ' or excel-ru (for Russian Excel: UTF-8 with a byte order mark, ";"-separated, a decimal'
        " comma).",
    ),
]


def csv_table(laid_out: Table, dialect: CsvDialect = CsvDialect.RFC4180) -> str:
    """A laid-out table as CSV text in ``dialect``."""
    if dialect is CsvDialect.RFC4180:
        return table_csv(laid_out)
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows([csv_cell(c) for c in line] for line in laid_out.header)
    writer.writerows([_excel_ru_cell(c) for c in row] for row in laid_out.rows)
    return out.getvalue()


def _excel_ru_cell(cell: str | int | float | None) -> object:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell).replace(".", ",")
    return csv_cell(cell)


def csv_stream(lines: Iterable[str], dialect: CsvDialect) -> Iterator[str]:
    """CSV text written a record at a time (each chunk whole records, comma-separated), in
    ``dialect``: for excel-ru each record is read back and written with ";" after a byte order
    mark. The cells are as written (a record of text, ids and integers has no decimal point)."""
    if dialect is CsvDialect.RFC4180:
        yield from lines
        return
    yield BOM
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for chunk in lines:
        writer.writerows(csv.reader(io.StringIO(chunk, newline="")))
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def read_view(session: CurrentSession, query: Callable[[Cursor], View]) -> View:
    """The view as the read models hold it (the route's ``ReadPosition`` waited for them)."""
    with session.school.database.transaction(write=False) as cursor:
        return query(cursor)


def render_view(
    view: SheetView | ReportView,
    fmt: StrEnum,
    name: str,
    response: Response,
    dialect: CsvDialect = CsvDialect.RFC4180,
) -> Response:
    """The view in the format asked for (json, csv in ``dialect``, or xlsx); a file is offered
    for download under ``name``."""
    headers = carried_headers(response)
    if fmt.value == "json":
        return Response(view.model_dump_json(), media_type="application/json", headers=headers)
    filename = f"{name}.{fmt.value}"
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    if fmt.value == "csv":
        return Response(csv_table(table(view), dialect), media_type=CSV, headers=headers)
    return Response(to_xlsx(view), media_type=XLSX, headers=headers)
