"""Placeholder: routes for history are being added."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
