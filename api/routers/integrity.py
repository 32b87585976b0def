"""Placeholder: routes for integrity are being added."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
