"""Integration-tier fixtures: the reporting school with its term kept (tests/report_term.py),
shared by the report modules.

Keeping the term takes a few hundred commands and projector passes; it is done once per test
session and backend, and each test gets a copy of the school (tests/templates.py): on SQLite a
copy of the file, on PostgreSQL a database of its own made from the template's. So on
PostgreSQL a ``term`` test's ``database_url`` names that database, and its school is the only
one in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from report_term import Term, keep_the_term, reporting_school
from templates import TEMPLATE_SCHOOL, Template, copy_for_test, template_fixtures

from ejournal.clock import MovableClock
from ejournal.database import open_database
from ejournal.projections.projector import Projector
from ejournal.projections.reporting.projection import Reporting
from ejournal.schools import open_school
from ejournal.settings import Settings

BATCH = 3
"""The reporting projector's batch (report_term.reporting_school's)."""


def build_term(directory: Path, database_url: str) -> Template:
    """The reporting school with its term kept, as report_term.reporting_school builds it."""
    del directory  # the term signs nothing
    with reporting_school(database_url, TEMPLATE_SCHOOL) as term:
        try:
            keep_the_term(term)
            assert term.projector.batch_size == BATCH
        finally:
            term.world.school.close()
    return Template(
        world=term.world,
        actors=dict(term.family),
        now=term.world.clock.now(),
        data={"students": list(term.students)},
    )


_TEMPLATE = template_fixtures("term", build_term, user="term")
sqlite_term_template = _TEMPLATE.sqlite
postgres_term_template = _TEMPLATE.postgres
database_url = _TEMPLATE.database_url


@pytest.fixture
def term(database_url: str, school_id: str, request: pytest.FixtureRequest) -> Iterator[Term]:
    """The scenario school with the reporting model fed in small batches, and the term of
    report_term.keep_the_term kept in it: a copy of its own for each test."""
    template = copy_for_test(request, "term", database_url, school_id)
    settings = Settings(database_url=database_url)
    clock = MovableClock(template.now)
    school = open_school(settings, school_id, clock=clock, migrate=False)
    database = open_database(settings, school_id)
    try:
        model = Reporting()
        projector = Projector(school, database, [model], batch_size=BATCH)
        projector.set_up()
        yield Term(
            template.world_on(school, clock),
            database,
            model,
            projector,
            students=list(template.data["students"]),
            family=dict(template.actors),
        )
    finally:
        database.close()
        school.close()
