"""Is the service up, and can it reach its schools' logs?"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import DeploymentDep
from ejournal import storage
from ejournal.errors import StorageUnavailableError

router = APIRouter(tags=["health"])


class HealthPublic(BaseModel):
    status: str
    school: str
    position: int
    """The newest position in the default school's log."""


@router.get("/health", response_model=HealthPublic, summary="Service health")
def health(deployment: DeploymentDep) -> HealthPublic:
    """200 with status "ok" when the default school's log can be read (a school not set up yet
    reads as an empty log); 503 ``/problems/storage-unavailable`` with ``Retry-After`` when its
    database cannot be reached, its ``detail`` saying why, for the operator. A load balancer
    reads the status code: the service itself keeps running and reconnects on its own, so the
    same check answers 200 again once the database is back."""
    school = deployment.settings.school
    try:
        services = deployment.school(school)
        position = services.app.position() if services else 0
    except Exception as error:
        outage = storage.unavailable(error)
        if outage is None:
            raise
        raise StorageUnavailableError(
            f"the log of school {school!r} cannot be read: {outage.reason}",
            reason=outage.reason,
            school=school,
        ) from error
    return HealthPublic(status="ok", school=school, position=position)
