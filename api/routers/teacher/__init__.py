"""The subject teacher's routes: their journals, lessons, attendance, marks, period marks, KTP."""

from fastapi import APIRouter

router = APIRouter(tags=["teacher"])
