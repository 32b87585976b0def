"""The school year a page is about: the one asked for (``?year=2026-2027``), else the one
today falls in, else the latest the school has set up."""

from __future__ import annotations

from datetime import date

from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import School
from ejournal.errors import NotFoundError
from web.services import YEAR_PATTERN, core_label, today_within

__all__ = ["YEAR_PATTERN", "page_today", "page_year"]


def page_year(school: School, asked: str | None) -> SchoolYear:
    """The year of a page: ``asked`` (as in URLs, "2026-2027"), or the current one."""
    if asked:
        label = core_label(asked)
        if not school.exists(school_year_id(label)):
            raise NotFoundError(f"no school year {asked}")
        return school.year_view(label)
    today = school.clock.now().date()
    first = today.year if today.month >= 8 else today.year - 1
    for start in (first, first - 1, first + 1):
        label = f"{start}/{start + 1}"
        if school.exists(school_year_id(label)):
            return school.year_view(label)
    raise NotFoundError("the school has no school year set up")


def page_today(school: School, year: SchoolYear) -> date:
    """Today at the school, within the year."""
    return today_within(school, year)
