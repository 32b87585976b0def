"""How events become bytes: pydantic models dumped to JSON-able dicts and encoded with orjson.

eventsourcing 9.5.6 ships neither; this follows its ``examples/aggregate7`` pattern (DESIGN.md §12).
The stored form is the model's JSON dump, so dates, enums, UUIDs and nested models round-trip
through their declared types, and the bytes are what integrity hashing reads.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Annotated, Any, TypeVar, cast

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel, PlainSerializer

T = TypeVar("T")


def _sorted(values: AbstractSet[Any]) -> list[Any]:
    # A set of strings iterates in an order that changes from one Python process to the next
    # (string hashing is salted), so dumped as is, one event would have many byte forms.
    return sorted(values, key=str)


SortedFrozenSet = Annotated[frozenset[T], PlainSerializer(_sorted, when_used="json")]
"""A frozenset field of an event (or of what an event carries) that is stored sorted: one
event, one byte form, whatever process wrote it — the Merkle tree hashes those bytes."""


class OrjsonTranscoder(Transcoder):
    """JSON with orjson: sorted keys, so one event always has one byte form."""

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


_CLASS_VERSIONS: dict[type[Any], int] = {}


def _class_version(cls: type[Any]) -> int:
    # A missing attribute of a pydantic model class goes through its metaclass's __getattr__
    # and an AttributeError: ~0.6 µs of CPU, a sixth of decoding an event. Asked once a class.
    version = _CLASS_VERSIONS.get(cls)
    if version is None:
        version = _CLASS_VERSIONS[cls] = int(getattr(cls, "class_version", 1))
    return version


class PydanticMapper(Mapper[Any]):
    """Maps pydantic domain events (and snapshots) to stored events and back.

    Versioned as the library's own Mapper does: an event class with ``class_version`` N > 1 is
    stored with ``"class_version": N``, and a stored event of an older version is brought up by
    the class's ``upcast_vK_vK+1`` static methods, on its JSON state, before it is validated.
    """

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        model = cast(BaseModel, domain_event)
        state = model.model_dump(mode="json", exclude={"originator_id", "originator_version"})
        class_version = _class_version(type(domain_event))
        if class_version > 1:
            state["class_version"] = class_version
        stored_state = self.transcoder.encode(state)
        if self.compressor:
            stored_state = self.compressor.compress(stored_state)
        if self.cipher:
            stored_state = self.cipher.encrypt(stored_state)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(type(domain_event)),
            state=stored_state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        stored_state = stored_event.state
        if self.cipher:
            stored_state = self.cipher.decrypt(stored_state)
        if self.compressor:
            stored_state = self.compressor.decompress(stored_state)
        state: dict[str, Any] = self.transcoder.decode(stored_state)
        cls = resolve_topic(stored_event.topic)
        version = state.pop("class_version", 1)
        while version < _class_version(cls):
            getattr(cls, f"upcast_v{version}_v{version + 1}")(state)
            version += 1
        state["originator_id"] = stored_event.originator_id
        state["originator_version"] = stored_event.originator_version
        return cast(DomainEventProtocol[Any], cls.model_validate(state))


MAPPER_TOPIC = get_topic(PydanticMapper)
TRANSCODER_TOPIC = get_topic(OrjsonTranscoder)
