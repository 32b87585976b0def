"""The secretary's routes: the student roll (admission, transfer, withdrawal, personal data)."""

from fastapi import APIRouter

router = APIRouter(tags=["secretary"])
