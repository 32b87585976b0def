"""Is the service up, and can it reach its schools' logs?"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import DeploymentDep

router = APIRouter(tags=["health"])


class StalledReadModelPublic(BaseModel):
    """A read model stopped at an event it cannot apply (details: GET /projections)."""

    school: str
    name: str
    position: int
    """The position of the event it cannot apply."""


class HealthPublic(BaseModel):
    status: str
    """"ok", or "degraded" while a read model is stalled."""
    school: str
    position: int
    """The newest position in the default school's log."""
    stalled: list[StalledReadModelPublic] = []
    """The stalled read models of the schools this service has open."""


@router.get("/health", response_model=HealthPublic, summary="Service health")
def health(deployment: DeploymentDep) -> HealthPublic:
    school = deployment.settings.school
    services = deployment.school(school)
    position = services.app.position() if services else 0
    stalled = [
        StalledReadModelPublic(school=opened.app.school_id, name=name, position=stall.position)
        for opened in deployment.opened()
        for name, stall in sorted(opened.projector.stalls().items())
    ]
    return HealthPublic(
        status="degraded" if stalled else "ok", school=school, position=position, stalled=stalled
    )
