"""The canonical byte form of a stored event: the bytes its Merkle leaf hashes.

One line of JSON with sorted keys and no newline inside::

    {"originator_id":"…","originator_version":3,"position":1234,"state":{…},"topic":"…"}

``position`` is the event's notification id, ``state`` its stored state as plaintext: exactly the
bytes our transcoder wrote (sorted-key orjson, a JSON object), decrypted and decompressed when the
deployment encrypts at rest. Taking the stored bytes as they are, rather than re-encoding what
they decode to, means a change to any byte of a stored event changes its leaf.

A JSON Lines file of these lines *is* the log: the leaf of line i (0-based) is
``leaf_hash(line without its newline)``, so an archive recomputes the tree from its lines alone.
The leaf index of an event is its ordinal in the log, not its position (PostgreSQL's notification
ids can have gaps).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper, Notification

from ejournal.errors import EjournalError
from ejournal.integrity.merkle import leaf_hash


class CanonicalFormError(EjournalError):
    """A stored event has no canonical form: its state cannot be decrypted or decompressed,
    or is not a one-line JSON object."""

    slug = "event-unreadable"
    title = "A stored event cannot be read"
    status = 422


@dataclass(frozen=True)
class CanonicalEvent:
    """One line of the log, read back: where the event stands, what it is, its state."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: dict[str, Any]


def plaintext_state(stored_state: bytes, mapper: Mapper[Any]) -> bytes:
    """A stored state as the transcoder wrote it: decrypted, then decompressed, as configured."""
    try:
        if mapper.cipher is not None:
            stored_state = mapper.cipher.decrypt(stored_state)
        if mapper.compressor is not None:
            stored_state = mapper.compressor.decompress(stored_state)
    except Exception as error:
        # Any failure of the cipher (authentication) or compressor means the bytes were changed
        # or were never ours; the caller names the event.
        raise CanonicalFormError(f"the stored state cannot be decoded: {error}") from error
    return stored_state


def canonical_line(
    position: int, originator_id: UUID | str, originator_version: int, topic: str, state: bytes
) -> bytes:
    """The canonical bytes of an event from its parts; ``state`` is its plaintext JSON object."""
    if not state.startswith(b"{") or b"\n" in state or b"\r" in state:
        raise CanonicalFormError("the stored state is not a one-line JSON object")
    try:
        orjson.loads(state)
    except orjson.JSONDecodeError as error:
        raise CanonicalFormError(f"the stored state is not JSON: {error}") from error
    return orjson.dumps(
        {
            "originator_id": str(originator_id),
            "originator_version": originator_version,
            "position": position,
            "state": orjson.Fragment(state),
            "topic": topic,
        },
        option=orjson.OPT_SORT_KEYS,
    )


def canonical_bytes(notification: Notification, mapper: Mapper[Any]) -> bytes:
    """The canonical bytes of a stored event, read through the application's mapper."""
    return canonical_line(
        notification.id,
        notification.originator_id,
        notification.originator_version,
        notification.topic,
        plaintext_state(notification.state, mapper),
    )


def event_leaf_hash(notification: Notification, mapper: Mapper[Any]) -> bytes:
    """The Merkle leaf hash of a stored event."""
    return leaf_hash(canonical_bytes(notification, mapper))


def parse_line(line: bytes) -> CanonicalEvent:
    """Read one line of the log (with or without its newline) back into its parts."""
    try:
        data = orjson.loads(line)
        return CanonicalEvent(
            position=int(data["position"]),
            originator_id=str(data["originator_id"]),
            originator_version=int(data["originator_version"]),
            topic=str(data["topic"]),
            state=dict(data["state"]),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise CanonicalFormError(f"not a line of an ejournal log: {error}") from error


def line_leaf_hash(line: bytes) -> bytes:
    """The leaf hash of one line of a JSON Lines log, its trailing newline not hashed."""
    return leaf_hash(line.removesuffix(b"\n"))
