"""The provable log (DESIGN.md §7): the school's signed checkpoints, its public key, and proofs
that an event is in a checkpoint's tree or that a later checkpoint extends an earlier one.

Two routers. ``router`` (``/integrity``, the school of the caller's token) is for those who check
the record rather than keep it: the administration, inspectors, auditors and archivists; its
inclusion proof carries the event itself, which holds personal data. ``public_router``
(``/schools/{school}/log``) needs no login, like a transparency log's: the key, the signed
checkpoints and the proofs carry hashes, sizes and times, never an event, so anyone can pin the
key and check an archive or the live log without trusting the service (docs/integrity.md). An
unknown school is not found there, as anywhere. Proofs are computed over the stored tree, which
the service keeps current; a size the tree has not reached yet is not found.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import PlainTextResponse

from api.dependencies import CurrentIntegrityReader, CurrentSession, DeploymentDep
from api.schemas.integrity import (
    CheckpointPublic,
    ConsistencyProofPublic,
    InclusionProofPublic,
    LeafHashesPublic,
    LeafInclusionPublic,
    NamedKeyPublic,
    PublicKeyPublic,
)
from ejournal.errors import NotFoundError
from ejournal.integrity.notary import Notary, ProofRequestError, SignedCheckpoint
from ejournal.integrity.tree import read_leaves, read_state

router = APIRouter(prefix="/integrity", tags=["integrity"])
public_router = APIRouter(prefix="/schools/{school}/log", tags=["public log"])

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
    notary = _notary(session)
    return PublicKeyPublic.of(notary.verifier(), _named_keys(notary))


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
    return _consistency(_notary(session), old, new)


def _consistency(notary: Notary, old: int, new: int | None) -> ConsistencyProofPublic:
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


# --- the public log: no login, no event content ---------------------------------------------------


def _public_notary(
    deployment: DeploymentDep,
    school: Annotated[str, Path(description="The school's id, as in its logins.")],
) -> Notary:
    # Plain ``def``: finding the school may open it (I/O), which belongs in the thread pool.
    services = deployment.school(school)
    if services is None:
        raise NotFoundError("no such school")
    return services.notary


PublicNotary = Annotated[Notary, Depends(_public_notary)]

Size = Annotated[
    int | None,
    Query(
        ge=0,
        le=MAX_SIZE,
        description="The tree's size (a checkpoint's); default: the newest checkpoint's.",
    ),
]

_SIGNED_NOTE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The C2SP signed note of the checkpoint (tlog-checkpoint body).",
        "content": {NOTE: {"schema": {"type": "string"}}},
    }
}


@public_router.get(
    "/key", response_model=PublicKeyPublic, summary="The key that signs the log (no login)"
)
def read_log_key(notary: PublicNotary) -> PublicKeyPublic:
    """The school's Ed25519 verifier key and its fingerprint, to pin before checking anything.
    Not found while the school has no key (it is made with the first checkpoint)."""
    key = notary.existing_verifier()
    if key is None:
        raise NotFoundError("the school has signed no checkpoint yet, so it has no key")
    return PublicKeyPublic.of(key, _named_keys(notary))


def _named_keys(notary: Notary) -> list[NamedKeyPublic]:
    """The keys the log names, each with the first checkpoint size it signs."""
    named = []
    for number, event in enumerate(notary.named_keys()):
        if number == 0:
            from_size: int | None = 1
        else:
            try:
                from_size = notary.leaf(event.position).index + 1
            except NotFoundError:
                from_size = None  # the tree has not hashed the rotation yet
        named.append(
            NamedKeyPublic(
                verifier_key=event.key.text,
                fingerprint=event.key.fingerprint,
                position=event.position,
                from_size=from_size,
                rotation_reason=event.rotation_reason,
            )
        )
    return named


@public_router.get(
    "/checkpoint",
    response_class=PlainTextResponse,
    responses=_SIGNED_NOTE,
    summary="The newest signed checkpoint (no login)",
)
def read_log_checkpoint(notary: PublicNotary) -> PlainTextResponse:
    """The newest checkpoint as its signed note, ``text/plain``."""
    return PlainTextResponse(_latest(notary).note, media_type=NOTE)


@public_router.get(
    "/checkpoints",
    response_model=list[CheckpointPublic],
    summary="The signed checkpoints (no login)",
)
def list_log_checkpoints(
    notary: PublicNotary,
    after: Annotated[
        int | None,
        Query(ge=0, le=MAX_SIZE, description="Only checkpoints of more events than this."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many.")] = 100,
) -> list[CheckpointPublic]:
    """The school's signed checkpoints, oldest first: a monitor pages through them with
    ``after`` and checks that each extends the one before."""
    return [
        CheckpointPublic.of(signed)
        for signed in notary.checkpoints(after=after if after is not None else -1, limit=limit)
    ]


@public_router.get(
    "/checkpoints/{size}",
    response_class=PlainTextResponse,
    responses=_SIGNED_NOTE,
    summary="The checkpoint of a size (no login)",
)
def read_log_checkpoint_at(
    notary: PublicNotary,
    size: Annotated[int, Path(ge=0, le=MAX_SIZE, description="The checkpoint's tree size.")],
) -> PlainTextResponse:
    """The checkpoint signed when the log held ``size`` events, as its signed note."""
    signed = notary.checkpoint_at(size)
    if signed is None:
        raise NotFoundError(f"no checkpoint of size {size}")
    return PlainTextResponse(signed.note, media_type=NOTE)


@public_router.get(
    "/leaves", response_model=LeafHashesPublic, summary="Leaf hashes of the log (no login)"
)
def list_leaf_hashes(
    notary: PublicNotary,
    start: Annotated[int, Query(ge=0, le=MAX_SIZE, description="The first leaf's index.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many.")] = 1000,
) -> LeafHashesPublic:
    """The hashes of the leaves from ``start`` on, in order: an archive's lines can be compared
    with them one by one to find the first that differs from the log. Hashes only: an event's
    line stays behind login."""
    with notary.database.transaction(write=False) as cursor:
        size = read_state(cursor).size
        leaves = read_leaves(cursor, start, min(size, start + limit))
    return LeafHashesPublic(
        start=start, tree_size=size, leaf_hashes=[leaf.hash.hex() for leaf in leaves]
    )


@public_router.get(
    "/proof/inclusion",
    response_model=LeafInclusionPublic,
    summary="Proof that a leaf is in a tree (no login)",
)
def prove_leaf_inclusion(
    notary: PublicNotary,
    index: Annotated[
        int, Query(ge=0, le=MAX_SIZE, description="The leaf's index: the event's ordinal, 0-based.")
    ],
    size: Size = None,
) -> LeafInclusionPublic:
    """The leaf hash at ``index`` and its audit path to the root of the tree of ``size``
    leaves (RFC 9162 §2.1.3). The event itself is not given: it holds personal data."""
    tree_size = size if size is not None else _latest(notary).checkpoint.size
    if index >= tree_size:
        raise ProofRequestError(f"leaf {index} is not in a tree of {tree_size} leaves")
    path = notary.inclusion_proof(index, tree_size)  # not found beyond the stored tree
    with notary.database.transaction(write=False) as cursor:
        (leaf,) = read_leaves(cursor, index, index + 1)
    checkpoint = notary.checkpoint_at(tree_size)
    return LeafInclusionPublic(
        leaf_index=index,
        tree_size=tree_size,
        leaf_hash=leaf.hash.hex(),
        audit_path=[p.hex() for p in path],
        root=notary.root(tree_size).hex(),
        checkpoint=CheckpointPublic.of(checkpoint) if checkpoint else None,
    )


@public_router.get(
    "/proof/consistency",
    response_model=ConsistencyProofPublic,
    summary="Proof that a later tree extends an earlier one (no login)",
)
def prove_log_consistency(
    notary: PublicNotary,
    old: Annotated[int, Query(ge=0, le=MAX_SIZE, description="The earlier tree's size.")],
    new: Size = None,
) -> ConsistencyProofPublic:
    """The proof that the tree of ``new`` leaves holds the tree of ``old`` leaves unchanged
    (RFC 9162 §2.1.4)."""
    return _consistency(notary, old, new)
