"""A school year's periods as a read model keeps them: its own copy, named with its prefix, so it
is rebuilt on its own (as ``stints`` keeps who is where). A period carries the grades of its
scheme (",5,6,"; NULL for every grade); dates are ISO text."""

from __future__ import annotations

from ejournal.aggregates.school_year import SchoolYear
from ejournal.projections.conventions import grades_column, table_prefix
from ejournal.projections.writes import Statement


def ddl(prefix: str) -> str:
    """The periods table of one read model."""
    return f"""CREATE TABLE IF NOT EXISTS {table_prefix(prefix)}_periods (
        year_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        name TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        grades TEXT,
        PRIMARY KEY (year_id, period_id)
    )"""


def started(prefix: str, e: SchoolYear.Started) -> list[Statement]:
    """The year's periods, as the year starts."""
    # The prefix is checked (table_prefix); values go in as parameters.
    statement = f"""INSERT INTO {table_prefix(prefix)}_periods (year_id, period_id, name,
            start_date, end_date, grades)
        VALUES (%(year_id)s, %(period_id)s, %(name)s, %(start_date)s, %(end_date)s, %(grades)s)
        ON CONFLICT (year_id, period_id) DO UPDATE SET name = excluded.name,
            start_date = excluded.start_date, end_date = excluded.end_date,
            grades = excluded.grades"""  # noqa: S608 (a checked prefix, no values)
    return [
        (
            statement,
            {
                "year_id": str(e.originator_id),
                "period_id": period.id,
                "name": period.name,
                "start_date": period.start.isoformat(),
                "end_date": period.end.isoformat(),
                "grades": grades_column(period.grades),
            },
        )
        for period in e.periods
    ]
