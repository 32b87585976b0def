"""The provable log (DESIGN.md §7): the school's signed checkpoints, its public key, and proofs
that an event is in a checkpoint's tree or that a later checkpoint extends an earlier one.

For those who check the record rather than keep it: the administration, inspectors, auditors and
archivists. Proofs are computed over the stored tree, which the service keeps current; a size the
tree has not reached yet is not found.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import PlainTextResponse

from api.dependencies import CurrentIntegrityReader, CurrentSession
from api.schemas.integrity import (
    CheckpointPublic,
    ConsistencyProofPublic,
    InclusionProofPublic,
    PublicKeyPublic,
)
from ejournal.errors import NotFoundError
from ejournal.integrity.notary import Notary, ProofRequestError, SignedCheckpoint

router = APIRouter(prefix="/integrity", tags=["integrity"])

MAX_SIZE = 2**53
"""Sizes and positions beyond any log (and beyond what a JSON number carries exactly)."""

NOTE = "text/plain; charset=utf-8"
_NOTE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The checkpoint as JSON, or its signed note as text (``format=note``).",
        "content": {NOTE: {"schema": {"type": "string"}}},
    }
}


class CheckpointFormat(StrEnum):
    JSON = "json"
    NOTE = "note"


Format = Annotated[
    CheckpointFormat,
    Query(
        alias="format",
        description="json (default), or note: the C2SP signed note itself, as text/plain.",
    ),
]


def _notary(session: CurrentSession) -> Notary:
    return session.school.notary


def _rendered(signed: SignedCheckpoint, fmt: CheckpointFormat) -> Response:
    if fmt is CheckpointFormat.NOTE:
        return PlainTextResponse(signed.note, media_type=NOTE)
    return Response(CheckpointPublic.of(signed).model_dump_json(), media_type="application/json")


def _latest(notary: Notary) -> SignedCheckpoint:
    latest = notary.latest()
    if latest is None:
        raise NotFoundError("no checkpoint has been signed yet")
    return latest


@router.get("/checkpoints", response_model=list[CheckpointPublic], summary="The signed checkpoints")
def list_checkpoints(
    reader: CurrentIntegrityReader,
    session: CurrentSession,
    after: Annotated[
        int | None,
        Query(ge=0, le=MAX_SIZE, description="Only checkpoints of more events than this."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many.")] = 100,
) -> list[CheckpointPublic]:
    """The school's signed checkpoints, oldest first."""
    return [
        CheckpointPublic.of(signed)
        for signed in _notary(session).checkpoints(
            after=after if after is not None else -1, limit=limit
        )
    ]


@router.get(
    "/checkpoints/latest",
    response_model=CheckpointPublic,
    responses=_NOTE_RESPONSE,
    summary="The newest signed checkpoint",
)
def read_latest_checkpoint(
    reader: CurrentIntegrityReader,
    session: CurrentSession,
    fmt: Format = CheckpointFormat.JSON,
) -> Response:
    """The newest checkpoint: as JSON with its note, or the signed note alone."""
    return _rendered(_latest(_notary(session)), fmt)


@router.get(
    "/checkpoints/{size}",
    response_model=CheckpointPublic,
    responses=_NOTE_RESPONSE,
    summary="The checkpoint of a size",
)
def read_checkpoint(
    size: Annotated[int, Path(ge=0, le=MAX_SIZE, description="The checkpoint's tree size.")],
    reader: CurrentIntegrityReader,
    session: CurrentSession,
    fmt: Format = CheckpointFormat.JSON,
) -> Response:
    """The checkpoint signed when the log held ``size`` events."""
    signed = _notary(session).checkpoint_at(size)
    if signed is None:
        raise NotFoundError(f"no checkpoint of size {size}")
    return _rendered(signed, fmt)


@router.get("/public-key", response_model=PublicKeyPublic, summary="The school's signing key")
def read_public_key(reader: CurrentIntegrityReader, session: CurrentSession) -> PublicKeyPublic:
    """The Ed25519 key that signs the school's checkpoints, raw and as a C2SP verifier key."""
    return PublicKeyPublic.of(_notary(session).verifier())


@router.get(
    "/inclusion", response_model=InclusionProofPublic, summary="Proof that an event is logged"
)
def prove_inclusion(
    reader: CurrentIntegrityReader,
    session: CurrentSession,
    position: Annotated[
        int, Query(ge=1, le=MAX_SIZE, description="The event's position in the log.")
    ],
    size: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_SIZE,
            description="The tree's size (a checkpoint's); default: the newest one's.",
        ),
    ] = None,
) -> InclusionProofPublic:
    """The audit path from the event at ``position`` to the root of the tree of ``size``
    events, with the event's canonical bytes and the checkpoint of that size."""
    notary = _notary(session)
    tree_size = size if size is not None else _latest(notary).checkpoint.size
    leaf = notary.leaf(position)
    if leaf.index >= tree_size:
        raise ProofRequestError(
            f"the event at position {position} came after the tree of {tree_size} events"
        )
    path = notary.inclusion_proof(leaf.index, tree_size)
    checkpoint = notary.checkpoint_at(tree_size)
    return InclusionProofPublic(
        position=position,
        leaf_index=leaf.index,
        tree_size=tree_size,
        leaf=next(notary.leaves(leaf.index, leaf.index + 1)).decode("utf-8"),
        leaf_hash=leaf.hash.hex(),
        audit_path=[p.hex() for p in path],
        root=notary.root(tree_size).hex(),
        checkpoint=CheckpointPublic.of(checkpoint) if checkpoint else None,
    )


@router.get(
    "/consistency",
    response_model=ConsistencyProofPublic,
    summary="Proof that a later checkpoint extends an earlier one",
)
def prove_consistency(
    reader: CurrentIntegrityReader,
    session: CurrentSession,
    old: Annotated[int, Query(ge=0, le=MAX_SIZE, description="The earlier tree's size.")],
    new: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_SIZE,
            description="The later tree's size; default: the newest checkpoint's.",
        ),
    ] = None,
) -> ConsistencyProofPublic:
    """The proof that the tree of ``new`` events holds the tree of ``old`` events unchanged."""
    notary = _notary(session)
    new_size = new if new is not None else _latest(notary).checkpoint.size
    proof = notary.consistency_proof(old, new_size)
    old_checkpoint, new_checkpoint = notary.checkpoint_at(old), notary.checkpoint_at(new_size)
    return ConsistencyProofPublic(
        old_size=old,
        new_size=new_size,
        old_root=notary.root(old).hex(),
        new_root=notary.root(new_size).hex(),
        proof=[p.hex() for p in proof],
        old_checkpoint=CheckpointPublic.of(old_checkpoint) if old_checkpoint else None,
        new_checkpoint=CheckpointPublic.of(new_checkpoint) if new_checkpoint else None,
    )
