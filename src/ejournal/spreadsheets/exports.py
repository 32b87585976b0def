"""A summary sheet or a report as a file: the table it is laid out as, written as CSV or XLSX."""

from __future__ import annotations

from ejournal.projections.summary_sheets.queries import SheetView
from ejournal.spreadsheets.report_layouts import ReportView, report_table
from ejournal.spreadsheets.sheet_layouts import sheet_table
from ejournal.spreadsheets.tables import Table, table_csv, table_xlsx


def table(view: SheetView | ReportView) -> Table:
    """The table a sheet or a report is written as."""
    if isinstance(view, SheetView):
        return sheet_table(view)
    return report_table(view)


def to_csv(view: SheetView | ReportView) -> str:
    """The sheet as CSV text: header lines, then one line per row (an empty cell for none)."""
    return table_csv(table(view))


def to_xlsx(view: SheetView | ReportView) -> bytes:
    """The sheet as an XLSX workbook of one worksheet: the title, the header lines in bold,
    the rows."""
    return table_xlsx(table(view))
