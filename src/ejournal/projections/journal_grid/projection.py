"""The journal grid read model: its handlers, and who is on each page after a batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_year import SchoolYear
from ejournal.database import Cursor, Dialect, Row
from ejournal.projections import stints
from ejournal.projections.journal_grid.handlers import HANDLERS
from ejournal.projections.journal_grid.schema import DDL, TABLES
from ejournal.projections.read_model import Handlers, ReadModel, Recorded
from ejournal.projections.writes import Writes


class JournalGrid(ReadModel):
    """The journal grid read model: a journal's page, students × lessons, with period marks."""

    name: ClassVar[str] = "journal_grid"
    version: ClassVar[int] = 2
    """2: periods carry the grades of their scheme."""
    tables: ClassVar[tuple[str, ...]] = TABLES
    ddl: ClassVar[tuple[str, ...]] = DDL
    handlers: ClassVar[Handlers[Writes]] = HANDLERS

    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        super().apply(cursor, dialect, batch)
        # Who is on a page follows from the class and subgroup stints as they stand after the
        # batch, so it is recomputed once per touched class rather than patched event by event.
        for year_id, class_code in sorted(_touched_classes(batch)):
            _refresh_pages(cursor, year_id, class_code)


def _touched_classes(batch: Sequence[Recorded]) -> set[tuple[str, str]]:
    """The (year id, class) pairs whose pages a batch may change: a stint or a new journal."""
    touched: set[tuple[str, str]] = set()
    for recorded in batch:
        e = recorded.event
        if isinstance(
            e,
            SchoolYear.StudentEnrolled | SchoolYear.StudentLeftClass | SchoolYear.SubgroupAssigned,
        ):
            touched.add((str(e.originator_id), e.class_code))
        elif isinstance(e, ClassJournal.Opened):
            # The journal's year is named by its label; the SchoolYear's id follows from it.
            touched.add((str(school_year_id(e.year)), e.class_code))
    return touched


def _refresh_pages(cursor: Cursor, year_id: str, class_code: str) -> None:
    """Recompute the students on every page of one class from its stints."""
    cursor.execute(
        """SELECT journal_id, subject, subgroup FROM grid_journals
        WHERE year_id = %(year_id)s AND class_code = %(class_code)s""",
        {"year_id": year_id, "class_code": class_code},
    )
    journals = cursor.fetchall()
    if not journals:
        return
    key = {"year_id": year_id, "class_code": class_code}
    cursor.execute(
        """SELECT s.student_id, s.since_date, s.until_date, n.full_name
        FROM grid_class_stints s LEFT JOIN grid_student_names n ON n.student_id = s.student_id
        WHERE s.year_id = %(year_id)s AND s.class_code = %(class_code)s""",
        key,
    )
    class_stints = cursor.fetchall()
    cursor.execute(
        """SELECT student_id, subject, subgroup, since_date, until_date FROM grid_subgroup_stints
        WHERE year_id = %(year_id)s AND class_code = %(class_code)s""",
        key,
    )
    by_student: dict[str, list[Row]] = {}
    for sub in cursor.fetchall():
        by_student.setdefault(sub["student_id"], []).append(sub)
    rows: list[dict[str, Any]] = []
    for journal in journals:
        cursor.execute(
            "DELETE FROM grid_page_students WHERE journal_id = %(journal_id)s",
            {"journal_id": journal["journal_id"]},
        )
        for stint in class_stints:
            spans = stints.page_spans(stint, journal, by_student.get(stint["student_id"], []))
            rows.extend(
                {
                    "journal_id": journal["journal_id"],
                    "student_id": stint["student_id"],
                    "since_date": since,
                    "until_date": until,
                    "full_name": stint["full_name"],
                }
                for since, until in spans
            )
    if rows:
        cursor.executemany(
            """INSERT INTO grid_page_students
                (journal_id, student_id, since_date, until_date, full_name)
            VALUES (%(journal_id)s, %(student_id)s, %(since_date)s, %(until_date)s,
                %(full_name)s)
            ON CONFLICT (journal_id, student_id, since_date) DO UPDATE SET
                until_date = excluded.until_date, full_name = excluded.full_name""",
            rows,
        )
