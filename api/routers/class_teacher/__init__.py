"""The class teacher's routes: absence reasons, students' guardians and consent, family access."""

from fastapi import APIRouter

router = APIRouter(tags=["class teacher"])
