"""The class teacher's routes: the class list, absence reasons, students' guardians, consent and
personal data, family access, and students' additional education."""

from fastapi import APIRouter

from api.routers.class_teacher import (
    absences,
    additional_education,
    classes,
    family_roles,
    students,
)

router = APIRouter(tags=["class teacher"])
for _module in (classes, students, family_roles, additional_education, absences):
    router.include_router(_module.router)
