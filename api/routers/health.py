"""Is the service up, can it reach its schools' logs, and is the default school's log under
signed checkpoints?"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import DeploymentDep
from ejournal import storage
from ejournal.aggregates.integrity_register import RefusalReason
from ejournal.errors import StorageUnavailableError
from ejournal.integrity.notary import IntegrityStatus

router = APIRouter(tags=["health"])


class StalledReadModelPublic(BaseModel):
    """A read model stopped at an event it cannot apply (details: GET /projections)."""

    school: str
    name: str
    position: int
    """The position of the event it cannot apply."""


class NotaryRefusalPublic(BaseModel):
    """Why the notary will not sign the log (also an event in the log: NotaryRefusedToSign)."""

    reason: RefusalReason
    detail: str
    """What is wrong and what to do, naming the key path and fingerprints where it is a key."""
    tree_size: int


class IntegrityPublic(BaseModel):
    """How well the default school's log is covered by signed checkpoints."""

    status: str
    """"ok"; "uncovered" while events wait for a checkpoint; "refused" while the notary
    refuses to sign (``refusal`` says why)."""
    checkpoint_size: int
    """The events the newest checkpoint covers (0: none signed yet)."""
    checkpoint_time: datetime | None
    uncovered_events: int
    """Events recorded after the newest checkpoint: nothing vouches for them yet."""
    oldest_uncovered_at: datetime | None
    """When the oldest of them was recorded; "degraded" once it is older than
    EJOURNAL_UNCOVERED_GRACE_SECONDS."""
    refusal: NotaryRefusalPublic | None = None
    key_fingerprint: str | None
    """The fingerprint of the key the log names now (SHA256:…)."""

    @classmethod
    def of(cls, status: IntegrityStatus) -> IntegrityPublic:
        refusal = status.refusal
        return cls(
            status=status.status,
            checkpoint_size=status.checkpoint_size,
            checkpoint_time=status.checkpoint_time,
            uncovered_events=status.uncovered_events,
            oldest_uncovered_at=status.oldest_uncovered_at,
            refusal=NotaryRefusalPublic(
                reason=refusal.reason, detail=refusal.detail, tree_size=refusal.tree_size
            )
            if refusal
            else None,
            key_fingerprint=status.key_fingerprint,
        )


class HealthPublic(BaseModel):
    status: str
    """"ok", or "degraded" while a read model is stalled, the notary refuses to sign, or
    events have waited for a signed checkpoint longer than the grace period."""
    school: str
    position: int
    """The newest position in the default school's log."""
    stalled: list[StalledReadModelPublic] = []
    """The stalled read models of the schools this service has open."""
    integrity: IntegrityPublic | None = None
    """The default school's log under signed checkpoints; none for a school not set up yet."""


@router.get("/health", response_model=HealthPublic, summary="Service health")
def health(deployment: DeploymentDep) -> HealthPublic:
    """200 with status "ok" when the default school's log can be read (a school not set up yet
    reads as an empty log), "degraded" naming the read models stalled at an event they cannot
    apply, or when the log's integrity needs an operator (``integrity``: the notary refuses to
    sign, or events wait for a signed checkpoint past EJOURNAL_UNCOVERED_GRACE_SECONDS);
    503 ``/problems/storage-unavailable`` with ``Retry-After`` when its
    database cannot be reached, its ``detail`` saying why, for the operator. A load balancer
    reads the status code: the service itself keeps running and reconnects on its own, so the
    same check answers 200 again once the database is back."""
    school = deployment.settings.school
    try:
        services = deployment.school(school)
        position = services.app.position() if services else 0
        integrity = services.notary.integrity_status() if services else None
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
    degraded = bool(stalled) or (integrity is not None and integrity.degraded)
    return HealthPublic(
        status="degraded" if degraded else "ok",
        school=school,
        position=position,
        stalled=stalled,
        integrity=IntegrityPublic.of(integrity) if integrity else None,
    )
