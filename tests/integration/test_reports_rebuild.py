"""The reporting read model rebuilt from zero on both backends, in batches of any size, holds
exactly the rows the incremental build has, and gives the same reports."""

from __future__ import annotations

from datetime import date

from report_term import TODAY, Term
from scenario import YEAR

from ejournal.projections.attendance_report import class_attendance
from ejournal.projections.class_occupancy import class_occupancy
from ejournal.projections.family_activity import family_activity
from ejournal.projections.journal_monitoring import journal_monitoring
from ejournal.projections.marks_accumulation import marks_accumulation
from ejournal.projections.projector import Projector
from ejournal.projections.reporting.projection import Reporting


def reports(term: Term) -> list[str]:
    q1 = (date(2026, 9, 1), date(2026, 10, 24))
    with term.database.transaction(write=False) as cursor:
        views = [
            class_attendance(cursor, YEAR, "5А"),
            marks_accumulation(cursor, YEAR, "5А", "Q1"),
            journal_monitoring(cursor, YEAR, *q1, TODAY),
            class_occupancy(cursor, YEAR, *q1),
            family_activity(cursor, YEAR),
        ]
    return [view.model_dump_json() for view in views]


def test_a_rebuild_from_zero_gives_the_same_rows(term: Term) -> None:
    built = term.rows()
    # The term touches every table the model has.
    assert [table for table in Reporting.tables if not built[table]] == []
    seen = reports(term)
    for batch_size in (1, 7, 500):
        rebuilder = Projector(term.world.school, term.database, [term.model], batch_size)
        assert rebuilder.rebuild(term.model.name) == term.world.school.position()
        assert term.rows() == built, f"rebuilt in batches of {batch_size}"
    assert reports(term) == seen
