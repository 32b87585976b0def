"""Is the service up, and can it reach its schools' logs?"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import DeploymentDep
from ejournal import storage
from ejournal.errors import StorageUnavailableError

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
    """200 with status "ok" when the default school's log can be read (a school not set up yet
    reads as an empty log), "degraded" naming the read models stalled at an event they cannot
    apply; 503 ``/problems/storage-unavailable`` with ``Retry-After`` when its
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
    stalled = [
        StalledReadModelPublic(school=opened.app.school_id, name=name, position=stall.position)
        for opened in deployment.opened()
        for name, stall in sorted(opened.projector.stalls().items())
    ]
    return HealthPublic(
        status="degraded" if stalled else "ok", school=school, position=position, stalled=stalled
    )
