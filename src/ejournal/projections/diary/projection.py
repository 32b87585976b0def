"""The diary read model."""

from __future__ import annotations

from typing import ClassVar

from ejournal.projections.diary.handlers import HANDLERS
from ejournal.projections.diary.schema import DDL, TABLES
from ejournal.projections.read_model import Handlers, ReadModel
from ejournal.projections.writes import Writes


class Diary(ReadModel):
    """The diary read model: each student's days, marks, averages and forecasts."""

    name: ClassVar[str] = "diary"
    version: ClassVar[int] = 3
    """2: the year's results (year, exam, final marks) show as periods of the whole year.
    3: homework carries the day it is due."""
    tables: ClassVar[tuple[str, ...]] = TABLES
    ddl: ClassVar[tuple[str, ...]] = DDL
    handlers: ClassVar[Handlers[Writes]] = HANDLERS
