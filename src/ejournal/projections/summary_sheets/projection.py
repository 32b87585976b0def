"""The summary sheets read model."""

from __future__ import annotations

from typing import ClassVar

from ejournal.projections.read_model import Handlers, ReadModel
from ejournal.projections.summary_sheets.handlers import HANDLERS
from ejournal.projections.summary_sheets.schema import DDL, TABLES
from ejournal.projections.writes import Writes


class SummarySheets(ReadModel):
    """The summary sheets read model: marks, attendance and movement per class and year."""

    name: ClassVar[str] = "summary_sheets"
    version: ClassVar[int] = 2
    """2: periods carry the grades of their scheme, and classes their grade."""
    tables: ClassVar[tuple[str, ...]] = TABLES
    ddl: ClassVar[tuple[str, ...]] = DDL
    handlers: ClassVar[Handlers[Writes]] = HANDLERS
