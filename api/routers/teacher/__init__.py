"""The subject teacher's routes: their journals, lessons, attendance, marks, period marks, KTP;
and the journal page every reader of a journal sees."""

from fastapi import APIRouter

from api.routers.teacher import attendance, grid, journals, lessons, marks, period_marks

router = APIRouter(tags=["teacher"])
for _module in (journals, grid, lessons, attendance, marks, period_marks):
    router.include_router(_module.router)
