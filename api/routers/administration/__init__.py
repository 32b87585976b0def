"""Deputy, director and administrator: the year's set-up, accounts, substitutions, late entries,
correction authorisations, closing periods and the year."""

from fastapi import APIRouter

router = APIRouter(tags=["administration"])
