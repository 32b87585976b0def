"""Is the service up, and can it reach its schools' logs?"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import DeploymentDep

router = APIRouter(tags=["health"])


class HealthPublic(BaseModel):
    status: str
    school: str
    position: int
    """The newest position in the default school's log."""


@router.get("/health", response_model=HealthPublic, summary="Service health")
def health(deployment: DeploymentDep) -> HealthPublic:
    school = deployment.settings.school
    services = deployment.school(school)
    position = services.app.position() if services else 0
    return HealthPublic(status="ok", school=school, position=position)
