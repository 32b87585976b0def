"""Deputy, director and administrator: the year's set-up, accounts, substitutions, late entries,
correction authorisations, closing periods and the year."""

from fastapi import APIRouter

from api.routers.administration import accounts, closing, deputy, journals, sheets, years

router = APIRouter(tags=["administration"])
for module in (years, journals, closing, deputy, accounts, sheets):
    router.include_router(module.router)
