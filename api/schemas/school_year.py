"""A school year as the API writes it: "2026-2027" in URLs, queries and answers (the core writes
"2026/2027", which cannot stand in a path segment); a body may write a year either way, and both
mean the core's label."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from api.deployment import Deployment
from ejournal.aggregates.school_record import school_record_id
from ejournal.aggregates.school_year import LABEL_PATTERN, SchoolYear, check_label
from ejournal.application import School
from ejournal.commands.timing import local_today
from ejournal.commands.year import StartSchoolYear
from ejournal.errors import NotFoundError

YEAR_PATTERN = r"^\d{4}-\d{4}$"

MONTH_PATTERN = r"^[1-9]\d{3}-(0[1-9]|1[0-2])$"
"""A month as URLs write it, "2026-09": a year a calendar has (no year 0) and a month 01-12, so
that every month the pattern lets through is a date (``month_start``), never a 500."""


def month_start(month: str) -> date:
    """The first day of a month matched by MONTH_PATTERN: "2026-09" -> 2026-09-01."""
    return date.fromisoformat(f"{month}-01")


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


def school_year(
    year: Annotated[
        str, Path(description="The school year, as 2026-2027.", examples=["2026-2027"])
    ],
) -> str:
    """The core's label of the year a URL names; a malformed year does not exist."""
    if re.fullmatch(YEAR_PATTERN, year) is None:
        raise NotFoundError(f"no such school year {year}")
    return core_label(year)


SchoolYearLabel = Annotated[str, Depends(school_year)]
"""The year of the URL, as the core labels it ("2026/2027")."""


def _slashed(value: object) -> object:
    return value.strip().replace("-", "/") if isinstance(value, str) else value


YearLabel = Annotated[
    str,
    BeforeValidator(_slashed),
    Field(pattern=r"^[0-9]{4}/[0-9]{4}$"),
    AfterValidator(check_label),
    WithJsonSchema({"type": "string", "pattern": LABEL_PATTERN, "examples": ["2026/2027"]}),
]
"""A school year in a body: "2026/2027" (or "2026-2027", as in URLs)."""


def today_within(school: School, year: SchoolYear) -> date:
    """Today at the school, or the nearest day of the year before it starts or after it ends:
    the day a page or a list is taken on when none is asked for."""
    today = local_today(year, school.clock.now())
    return min(max(today, year.starts_on), year.ends_on)


def year_to_start(
    command: StartSchoolYear, deployment: Deployment, school: School
) -> StartSchoolYear:
    """A year to start, its zone filled from the deployment (``EJOURNAL_TIMEZONE``) for a
    school set up before ``ejournal school create`` recorded one; the web's set-up page starts
    a year the same way."""
    created = school.exists(school_record_id())
    if command.timezone is None and not created and deployment.settings.timezone is not None:
        return command.model_copy(update={"timezone": deployment.settings.timezone})
    return command
