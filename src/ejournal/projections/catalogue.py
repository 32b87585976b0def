"""The read models every school has."""

from __future__ import annotations

from ejournal.projections.account_directory import AccountDirectory
from ejournal.projections.audit_trail.projection import AuditTrail
from ejournal.projections.diary.projection import Diary
from ejournal.projections.journal_grid.projection import JournalGrid
from ejournal.projections.read_model import ReadModel
from ejournal.projections.reporting.projection import Reporting
from ejournal.projections.summary_sheets.projection import SummarySheets


def read_models() -> list[ReadModel]:
    """A fresh instance of each read model, in the order they are reported."""
    return [
        JournalGrid(),
        Diary(),
        SummarySheets(),
        Reporting(),
        AuditTrail(),
        AccountDirectory(),
    ]
