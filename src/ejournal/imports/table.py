"""Reading the table a school sends: XLSX, or CSV in UTF-8 (with or without a byte-order mark)
separated by ``;`` (what Excel writes in a Russian locale) or ``,``.

A file is read whole before anything is checked, within limits that keep one upload from
holding the service: ``MAX_FILE_BYTES``, ``MAX_ROWS`` data rows, ``MAX_COLUMNS`` columns.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from ejournal.imports.report import ImportFileError

MAX_FILE_BYTES = 1_000_000
"""The largest file taken. Under the API's request limit (1 MiB, ``api.request_limits``) with
room for the multipart envelope; a school's roll of 2 000 students with two guardians each is
about 400 kB as CSV, far less as XLSX."""
MAX_ROWS = 5_000
"""The most data rows in one file: a large school's whole roll, or a year's KTP of a journal
many times over."""
MAX_COLUMNS = 40
"""Columns beyond this are not read (no template has more than a dozen)."""
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Row:
    """One data row: its number as a spreadsheet shows it, and its cells by column title."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    """The header (column titles as the file spells them) and the data rows."""

    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    header_row: int = 1


def read_table(data: bytes) -> Table:
    """The table in an XLSX or CSV file (told apart by content, not by name)."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"файл больше {MAX_FILE_BYTES // 1000} КБ; разделите его на несколько файлов",
            limit_bytes=MAX_FILE_BYTES,
        )
    if not data.strip():
        raise ImportFileError("файл пуст")
    raw = _xlsx_rows(data) if data.startswith(XLSX_MAGIC) else _csv_rows(data)
    return _table(raw)


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        # utf-8-sig takes the byte-order mark Excel writes for "CSV UTF-8", and a file without one.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "файл не в кодировке UTF-8: сохраните его как «CSV UTF-8 (разделитель — запятая)»"
            " или как книгу Excel (XLSX)"
        ) from None
    if "\x00" in text:
        raise ImportFileError("файл не текстовый: сохраните его как CSV UTF-8 или XLSX")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[str]] = []
    try:
        for record in reader:
            rows.append(record[:MAX_COLUMNS])
            _check_rows(len(rows))
    except csv.Error as error:
        raise ImportFileError(
            f"строка {reader.line_num} файла не читается как CSV: {error}"
        ) from None
    return rows


def _delimiter(text: str) -> str:
    """``;`` or ``,``: whichever the header line (outside quotes) holds more of."""
    header = text.split("\n", 1)[0]
    counts = {";": 0, ",": 0}
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return ";" if counts[";"] > counts[","] else ","


def _xlsx_rows(data: bytes) -> list[list[str]]:
    # openpyxl is imported here only: reading a workbook is for imports.
    from openpyxl import load_workbook  # noqa: PLC0415
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise ImportFileError(
            "файл не читается как книга Excel (XLSX); сохраните его заново как XLSX или CSV UTF-8"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            rows.append([_cell_text(v) for v in values])
            _check_rows(len(rows))
        return rows
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    """A cell as text: dates as ДД.ММ.ГГГГ, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().strftime("%d.%m.%Y")
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_rows(count: int) -> None:
    # The header and, for a sheet, a few empty rows around the data do not count against it.
    if count > MAX_ROWS + 10:
        raise ImportFileError(
            f"в файле больше {MAX_ROWS} строк; разделите его на несколько файлов",
            limit_rows=MAX_ROWS,
        )


def _table(raw: list[list[str]]) -> Table:
    """The first non-empty row is the header; empty rows after it are skipped."""
    start = next((i for i, r in enumerate(raw) if any(c.strip() for c in r)), None)
    if start is None:
        raise ImportFileError("в файле нет ни одной строки")
    columns = [c.strip() for c in raw[start]]
    while columns and not columns[-1]:
        columns.pop()  # a sheet's formatted but empty columns
    rows = []
    for offset, record in enumerate(raw[start + 1 :], start=start + 2):
        if not any(c.strip() for c in record):
            continue
        cells = {
            title: record[i].strip() if i < len(record) else ""
            for i, title in enumerate(columns)
            if title
        }
        rows.append(Row(number=offset, cells=cells))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            f"в файле больше {MAX_ROWS} строк; разделите его на несколько файлов",
            limit_rows=MAX_ROWS,
        )
    return Table(columns=tuple(columns), rows=tuple(rows), header_row=start + 1)
