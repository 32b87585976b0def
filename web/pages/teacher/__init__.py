"""A teacher's pages: their lessons of the day, their journals, a journal's grid for a month and
the whole-lesson entry (with corrections and voidings that ask for the reason).

Every read goes through the core's scope checks (``ejournal.access``) and queries
(``ejournal.queries.teaching``, the journal-grid read model) exactly as the API's teacher
routes do; every write through the command handlers (``ejournal.commands``).
"""

from __future__ import annotations

from fastapi import APIRouter

from web.pages.teacher import day, grid, lesson
from web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
for module in (day, grid, lesson):
    router.include_router(module.router)
