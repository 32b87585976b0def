"""Parents and students, read-only: their own children, themselves."""

from fastapi import APIRouter

router = APIRouter(tags=["family"])
