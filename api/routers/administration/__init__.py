"""Deputy, director and administrator: the year's set-up, accounts, substitutions, late entries,
correction authorisations, closing periods and the year, the teachers' working-time sheet,
imports of a school's files."""

from fastapi import APIRouter

from api.routers.administration import (
    accounts,
    closing,
    deputy,
    directory,
    imports,
    journals,
    sheets,
    timesheet,
    years,
)

router = APIRouter(tags=["administration"])
for module in (years, journals, closing, deputy, directory, accounts, sheets, timesheet, imports):
    router.include_router(module.router)
