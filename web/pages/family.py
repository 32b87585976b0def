"""A family's pages: a parent's children, or a student themself (read-only; Gymnasium 2 §3.1,
§3.8). Any other student does not exist for them (404, as a missing one).

The diary week by week comes with its own page family; here is the roll.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from ejournal.access import followed_student, followed_students
from ejournal.roles import Role
from web.auth import WebPage, acting_as
from web.rendering import render
from web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

FamilyPage = Annotated[WebPage, acting_as(Role.PARENT, Role.STUDENT)]


@router.get("/family")
def children(request: Request, page: FamilyPage) -> Response:
    school = page.session.school.app
    found = sorted(followed_students(school, page.account), key=lambda s: str(s.name))
    return render(request, "family/children.html", {"children": found})


@router.get("/family/children/{student_id}")
def child(request: Request, student_id: UUID, page: FamilyPage) -> Response:
    school = page.session.school.app
    student = followed_student(school, page.account, student_id)
    return render(request, "family/child.html", {"student": student})
