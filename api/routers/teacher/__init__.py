"""The subject teacher's routes: their journals, lessons, attendance, marks, period marks, KTP;
the journal page every reader of a journal sees; the schedule of control works."""

from fastapi import APIRouter

from api.routers.teacher import (
    attendance,
    control_works,
    grid,
    journals,
    lessons,
    marks,
    period_marks,
    schedule,
)

router = APIRouter(tags=["teacher"])
for _module in (
    journals,
    grid,
    lessons,
    attendance,
    marks,
    period_marks,
    control_works,
    schedule,
):
    router.include_router(_module.router)
