"""The templates a school downloads and fills in: the columns of a kind, as XLSX (with a sheet
that explains each column) or as CSV in UTF-8 with a byte-order mark and ``;`` (so Excel in a
Russian locale opens it as a table)."""

from __future__ import annotations

import csv
import io

from ejournal.imports.plan import ImportKind


def template_csv(kind: ImportKind) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_titles(kind))
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(kind: ImportKind) -> bytes:
    # openpyxl is imported here only: writing a workbook is for templates and exports.
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = kind.title[:31]
    sheet.append(_titles(kind))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            14, len(column.title) + 4
        )
        # Codes, logins and phones are text: "5А", "007", "+7 900…" must not become numbers.
        for row in range(2, 1002):
            sheet.cell(row, index).number_format = (
                "@" if "Дата" not in column.title else "DD.MM.YYYY"
            )
    notes = workbook.create_sheet("Пояснения")
    notes.append(["Столбец", "Обязательный", "Пример", "Пояснение"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in kind.columns:
        notes.append(
            [column.title, "да" if column.required else "нет", column.example, column.hint]
        )
    notes.append([])
    notes.append(
        [
            "Импортируется первый лист. Повторный импорт того же файла ничего не записывает"
            " дважды; файл с ошибками не записывается вовсе."
        ]
    )
    for letter, width in zip("ABCD", (24, 14, 32, 70), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _titles(kind: ImportKind) -> list[str]:
    """Required columns are marked with "*", which reading ignores."""
    return [c.title + (" *" if c.required else "") for c in kind.columns]
