"""What the teacher's pages share: the teacher acting, the year asked for."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from ejournal.roles import Role
from web.auth import WebPage, acting_as
from web.school_year import YEAR_PATTERN

TeacherPage = Annotated[WebPage, acting_as(Role.TEACHER)]
"""A signed-in teacher (the core scopes each journal and lesson)."""

YearParam = Annotated[str | None, Query(pattern=YEAR_PATTERN)]
"""``?year=2026-2027``; by default the current school year."""

AfterParam = Annotated[int | None, Query(ge=0)]
"""``?after=<log position>``: wait (briefly) until the read models show a write just made."""
