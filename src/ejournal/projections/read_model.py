"""What a read model is: tables in the school's database, filled from the log's events.

A read model declares its tables and applies a batch of events inside the projector's
transaction; the projector records the position it reached in the same transaction, so each
event is applied exactly once. A read model never writes events. SQL is written once where
SQLite and PostgreSQL agree (``INSERT … ON CONFLICT``, TEXT/INTEGER/REAL/BOOLEAN columns) and
per dialect where they do not.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from eventsourcing.persistence import Notification

from ejournal.database import Cursor, Dialect


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


class ReadModel(ABC):
    """A projection of the log into tables."""

    name: ClassVar[str]
    """Stable id: the tracking row's key and the status report's name ("journal_grid")."""
    version: ClassVar[int] = 1
    """Bumped when the tables or their meaning change: the projector then rebuilds from zero."""
    tables: ClassVar[tuple[str, ...]]
    """Every table the model owns, dropped on a rebuild."""

    @abstractmethod
    def create_tables(self, cursor: Cursor, dialect: Dialect) -> None:
        """Create the model's tables and indexes if they are missing."""

    @abstractmethod
    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        """Apply a batch of events, in log order, within the caller's transaction."""

    def drop_tables(self, cursor: Cursor, dialect: Dialect) -> None:
        for table in self.tables:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
