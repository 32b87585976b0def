"""A school year as it appears in URLs and answers: "2026-2027" (the core writes "2026/2027",
which cannot stand in a path segment)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import School
from ejournal.commands.timing import local_today

YEAR_PATTERN = r"^\d{4}-\d{4}$"


def core_label(url_label: str) -> str:
    """The core's label of a school year given as in a URL: "2026-2027" -> "2026/2027"."""
    return url_label.replace("-", "/")


def url_label(core: str) -> str:
    """The label of a school year as the API shows it: "2026/2027" -> "2026-2027"."""
    return core.replace("/", "-")


def _school_year(
    year: Annotated[
        str,
        Query(
            pattern=YEAR_PATTERN,
            description='The school year, as "2026-2027".',
            examples=["2026-2027"],
        ),
    ],
) -> str:
    return core_label(year)


SchoolYearQuery = Annotated[str, Depends(_school_year)]
"""The ``?year=2026-2027`` query parameter, as the core's label ("2026/2027")."""


def today_within(school: School, year: SchoolYear) -> date:
    """Today at the school, or the nearest day of the year before it starts or after it ends:
    the day a page or a list is taken on when none is asked for."""
    today = local_today(year, school.clock.now())
    return min(max(today, year.starts_on), year.ends_on)
