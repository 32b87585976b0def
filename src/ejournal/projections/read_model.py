"""What a read model is: tables in the school's database, filled from the log's events.

A read model declares its tables and applies a batch of events inside the projector's
transaction; the projector records the position it reached in the same transaction, so each
event is applied exactly once. A read model never writes events. SQL is written once where
SQLite and PostgreSQL agree (``INSERT … ON CONFLICT``, TEXT/INTEGER/REAL/BOOLEAN columns) and
per dialect where they do not.

Every read model is built the same way: handlers filed under the events they apply
(``Handlers.on``), each called as ``handler(event, position, writes)``, and one write buffer per
batch (``Writes``) that runs the batch's statements grouped per table when the batch ends.
"""

from __future__ import annotations

from abc import ABC
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from eventsourcing.persistence import Notification

from ejournal.database import Cursor, Dialect
from ejournal.projections.conventions import REAL
from ejournal.projections.writes import Writes


@dataclass(frozen=True)
class Recorded:
    """One event of the log as a read model sees it: where it stands and what it is."""

    position: int
    """Its notification id: the order of the school's log."""
    event: Any
    """The domain event: a pydantic model nested in its aggregate (ClassJournal.MarkRecorded)."""
    stored: Notification | None = None
    """The record as stored (topic, state bytes): for a read model of the log itself, such as
    the integrity tree, which hashes what is stored rather than what it decodes to."""


W = TypeVar("W", bound=Writes)
Handler = Callable[[Any, int, W], None]
"""What applies one kind of event: ``handler(event, position, writes)``."""
H = TypeVar("H", bound=Callable[..., None])


class Handlers(Generic[W]):
    """A read model's handlers by the event class each applies: ``on`` files them, ``apply``
    runs a batch through them. A model made of parts merges their registries."""

    def __init__(self, *parts: Handlers[W]) -> None:
        self._by_event: dict[type, Handler[W]] = {}
        for part in parts:
            self._by_event.update(part._by_event)

    def on(self, *event_types: type) -> Callable[[H], H]:
        """A decorator filing a handler under the events it applies."""

        def register(handler: H) -> H:
            for event_type in event_types:
                if event_type in self._by_event:
                    raise ValueError(f"{event_type.__qualname__} already has a handler")
                self._by_event[event_type] = handler
            return handler

        return register

    def events(self) -> frozenset[type]:
        """The event classes these handlers apply."""
        return frozenset(self._by_event)

    def kept(self, batch: Sequence[Recorded]) -> list[Recorded]:
        """The events of a batch these handlers apply, in log order."""
        return [r for r in batch if type(r.event) in self._by_event]

    def apply(self, batch: Sequence[Recorded], writes: W) -> None:
        """Apply a batch's events, in log order, into the write buffer."""
        handlers = self._by_event
        for recorded in batch:
            handler = handlers.get(type(recorded.event))
            if handler is not None:
                handler(recorded.event, recorded.position, writes)


class ReadModel(ABC):
    """A projection of the log into tables: its DDL, its handlers, its write buffer."""

    name: ClassVar[str]
    """Stable id: the tracking row's key and the status report's name ("journal_grid")."""
    version: ClassVar[int] = 1
    """Bumped when the tables or their meaning change: the projector then rebuilds from zero."""
    tables: ClassVar[tuple[str, ...]]
    """Every table the model owns, dropped on a rebuild."""
    ddl: ClassVar[tuple[str, ...]]
    """The statements creating the tables and indexes if missing; ``{real}`` stands for the
    dialect's floating-point type."""
    handlers: ClassVar[Handlers[Any]]
    """What each event the model applies does to its tables."""

    def create_tables(self, cursor: Cursor, dialect: Dialect) -> None:
        """Create the model's tables and indexes if they are missing."""
        for statement in self.ddl:
            cursor.execute(statement.replace("{real}", REAL[dialect]))

    def events(self) -> frozenset[type] | None:
        """The event classes the model applies (the projector decodes no other for it); None
        for a model of every event, such as the integrity tree."""
        return self.handlers.events()

    def writes(self, cursor: Cursor) -> Writes:
        """The write buffer of one batch; a model that keeps more per batch has its own."""
        return Writes()

    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        """Apply a batch of events, in log order, within the caller's transaction."""
        writes = self.writes(cursor)
        self.handlers.apply(batch, writes)
        writes.flush(cursor)

    def drop_tables(self, cursor: Cursor, dialect: Dialect) -> None:
        for table in self.tables:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
