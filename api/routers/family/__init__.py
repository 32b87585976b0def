"""Parents and students, read-only: their own children, themselves."""

from fastapi import APIRouter

from api.routers.family import absence_notices, children, diary

router = APIRouter(tags=["family"])
router.include_router(children.router)
router.include_router(diary.router)
router.include_router(absence_notices.router)
