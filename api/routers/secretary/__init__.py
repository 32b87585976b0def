"""The secretary's routes: the student roll (admission, transfer, withdrawal, subgroups, a
student's record) and the staff list."""

from fastapi import APIRouter

from api.routers.secretary import staff, students

router = APIRouter(tags=["secretary"])
router.include_router(students.router)
router.include_router(staff.router)
