"""The class teacher's routes: the class list, absence reasons, students' guardians, consent and
personal data, and family access."""

from fastapi import APIRouter

from api.routers.class_teacher import classes, family_roles, students

router = APIRouter(tags=["class teacher"])
for _module in (classes, students, family_roles):
    router.include_router(_module.router)
