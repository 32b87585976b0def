"""Text in a spreadsheet cell: a formula stays text, a number stays a number, and no character
a workbook refuses gets through."""

from __future__ import annotations

import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ejournal.spreadsheets.cells import csv_cell, sheet_text


@pytest.mark.parametrize(
    "text", ["=1+2", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")', "-ться"]
)
def test_what_a_spreadsheet_would_run_is_kept_text(text: str) -> None:
    assert sheet_text(text).quoted
    assert csv_cell(text) == f"'{text}"


@pytest.mark.parametrize("text", ["-3", "+1.5", "-2,75", "5-", "4+", "Иванов", "", "1+1", "н"])
def test_numbers_marks_and_words_are_left_alone(text: str) -> None:
    assert not sheet_text(text).quoted
    assert csv_cell(text) == text


def test_cells_that_are_not_text_are_left_alone() -> None:
    assert [csv_cell(v) for v in (-3, 2.5, None)] == [-3, 2.5, None]


def test_characters_a_workbook_refuses_become_the_replacement_character() -> None:
    stored = "Ив\x00ан\x01ов\x0b\x1f\ud800\ufffe\uffff"
    text = sheet_text(stored).text
    assert text == "Ив\ufffdан\ufffdов" + "\ufffd" * 5
    assert ILLEGAL_CHARACTERS_RE.search(text) is None
    assert sheet_text("строка 1\n\tстрока 2\r\n").text == "строка 1\n\tстрока 2\r\n"
    # A replaced character cannot hide a formula, nor make one.
    assert sheet_text("\x00=1").text == "\ufffd=1"
    assert sheet_text("\x00=1").quoted is False
