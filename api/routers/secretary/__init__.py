"""The secretary's routes: the student roll (admission, transfer, withdrawal, subgroups, a
student's record)."""

from fastapi import APIRouter

from api.routers.secretary import students

router = APIRouter(tags=["secretary"])
router.include_router(students.router)
