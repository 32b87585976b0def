"""Text in a spreadsheet cell: what every CSV and XLSX export writes a text cell through.

Two hazards, one decision per cell (``sheet_text``):

- Formulas. Excel and LibreOffice read a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or
  with a tab or CR before one) as a formula, so a name ``=1+2`` or a reason ``+1+1`` would run as
  one (issue 11, OWASP "CSV Injection"). Such text is kept text: in CSV it gets a leading
  apostrophe, in XLSX it is a text cell with the apostrophe prefix (``quotePrefix``, how Excel
  stores an apostrophe typed before text), so the cell reads as sent. A plain number ("-3",
  "+1.5") is no formula and is left alone; marks ("4-", "5+") start with a digit.
- Characters XML cannot carry (the C0 controls but tab, LF and CR; lone surrogates; U+FFFE and
  U+FFFF): openpyxl refuses them and the export would fail. The journal refuses them at the edge
  (``ejournal.text``), but a log may hold them from before; each becomes U+FFFD, in CSV too, so
  the two files of one sheet never disagree and an export never fails on stored data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a cell starts with when a spreadsheet would read it as a formula."""
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class SheetText:
    """A text as a cell holds it, and whether it must be kept from being read as a formula."""

    text: str
    quoted: bool

    @property
    def csv(self) -> str:
        """The text as a CSV cell: an apostrophe before it where it must stay text."""
        return f"'{self.text}" if self.quoted else self.text


def sheet_text(value: str) -> SheetText:
    """The text a cell holds for ``value``: characters XML refuses replaced, formulas defused."""
    text = _UNWRITABLE.sub(REPLACEMENT, value)
    return SheetText(text, text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text))


def csv_cell(value: Any) -> Any:
    """A cell of a CSV row: text made safe (``sheet_text``), anything else as it is."""
    return sheet_text(value).csv if isinstance(value, str) else value
