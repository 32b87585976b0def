"""The reporting read model: applies a batch of events through the handlers of each aggregate."""

from __future__ import annotations

from typing import ClassVar

from ejournal.projections.read_model import Handlers, ReadModel
from ejournal.projections.reporting import accounts, journals, students, years
from ejournal.projections.reporting.schema import DDL
from ejournal.projections.writes import Writes


class Reporting(ReadModel):
    """The reporting read model: the facts every report of the school is worked out from."""

    name: ClassVar[str] = "reporting"
    version: ClassVar[int] = 2
    """2: periods carry the grades of their scheme."""
    tables: ClassVar[tuple[str, ...]] = (
        "rpt_years",
        "rpt_periods",
        "rpt_closures",
        "rpt_classes",
        "rpt_class_stints",
        "rpt_subgroup_stints",
        "rpt_students",
        "rpt_movements",
        "rpt_accounts",
        "rpt_journals",
        "rpt_journal_teachers",
        "rpt_timetables",
        "rpt_lessons",
        "rpt_marks",
        "rpt_attendance",
        "rpt_late_entries",
        "rpt_family_grants",
        "rpt_sign_ins",
    )

    ddl: ClassVar[tuple[str, ...]] = DDL
    handlers: ClassVar[Handlers[Writes]] = Handlers(
        years.HANDLERS, students.HANDLERS, accounts.HANDLERS, journals.HANDLERS
    )
    """The handler of every event the reports rest on."""
