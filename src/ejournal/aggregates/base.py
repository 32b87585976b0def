"""The base of our aggregates: eventsourcing's mutable aggregate with pydantic events.

Events are frozen pydantic models nested in their aggregate (``ClassJournal.MarkRecorded``), so the
audit schema is reviewable in one place. Their timestamp is the server's clock (``ejournal.clock``),
and each carries the request it came from. Snapshots hold the aggregate's state as a typed pydantic
model per aggregate, so a snapshot round-trips through JSON to the same state.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.domain import (
    BaseAggregate,
    CanInitAggregate,
    CanMutateAggregate,
    CanSnapshotAggregate,
)
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from ejournal import clock

request_id: ContextVar[str | None] = ContextVar("ejournal_request_id", default=None)
"""The id of the request a command came from, recorded on each event it emits."""


class Value(BaseModel):
    """An immutable value held in an aggregate's state (a lesson, a mark, a period)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DomainEvent(BaseModel):
    """A fact recorded in a school's log: frozen, typed, timestamped by the server."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    request_id: str | None = Field(default_factory=lambda: request_id.get())

    @staticmethod
    def create_timestamp() -> datetime:
        return clock.now()


_datetime = TypeAdapter(datetime)


class SnapshotState(BaseModel):
    """The typed state of one aggregate kind; subclasses declare its fields."""

    model_config = ConfigDict(extra="allow", frozen=True)

    def __init__(self, **kwargs: Any) -> None:
        for key in ("_created_on", "_modified_on"):
            if key in kwargs:
                kwargs[key] = _datetime.validate_python(kwargs[key])
        super().__init__(**kwargs)


class AggregateSnapshot(DomainEvent, CanSnapshotAggregate[UUID]):
    """A snapshot of an aggregate; each aggregate declares ``state`` as its SnapshotState."""

    topic: str
    state: Any


class Aggregate(BaseAggregate[UUID]):
    """Base of the journal's aggregates."""

    INITIAL_VERSION: ClassVar[int] = 1

    @staticmethod
    def create_id(*_: Any, **__: Any) -> UUID:
        return uuid4()

    class Event(DomainEvent, CanMutateAggregate[UUID]):
        pass

    class Created(Event, CanInitAggregate[UUID]):
        originator_topic: str
