"""The School application: one eventsourcing application, one event log, per school.

Each school is its own legal record (DESIGN.md §9): its own event table (a PostgreSQL schema or
an SQLite file), snapshots, and later its own Merkle tree and signing key. Command handlers run
through ``School.run``, which sets the server clock, retries on an optimistic-concurrency
conflict, and returns the log position of what was recorded so readers can wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError
from pydantic import BaseModel, ConfigDict

from ejournal import clock as server_clock
from ejournal.aggregates.account import Account
from ejournal.aggregates.base import Aggregate
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.identity import account_id, school_year_id
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.clock import Clock, SystemClock
from ejournal.errors import ConcurrencyError, NotFoundError

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")

MAX_ATTEMPTS = 8
"""How often a command is re-run after a concurrent writer won the race for an aggregate."""


class Recorded(BaseModel):
    """What a command recorded: the log position to wait for, and the ids it made."""

    model_config = ConfigDict(frozen=True)

    position: int
    """The notification id of the last event recorded (read-your-writes)."""
    events: int
    ids: dict[str, UUID] = {}


class School(Application[UUID]):
    """One school's journal."""

    name = "School"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        ClassJournal: 200,
        SchoolYear: 200,
        Student: 50,
        Account: 50,
    }

    def __init__(
        self,
        school_id: str,
        env: Mapping[str, str] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.school_id = school_id
        self.clock: Clock = clock or SystemClock()
        self._year_views: dict[UUID, SchoolYear] = {}
        self._year_views_lock = threading.Lock()
        super().__init__(env=dict(env) if env is not None else None)

    # --- loading --------------------------------------------------------------------------

    def load(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        """An aggregate of a known kind; a missing one (or one of another kind) is not found."""
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFoundError(f"no such {what}") from None
        if not isinstance(aggregate, cls):
            raise NotFoundError(f"no such {what}")
        return aggregate

    def year(self, label: str) -> SchoolYear:
        """A school year of its own, for a command that changes it."""
        return self.load(SchoolYear, school_year_id(label), f"school year {label}")

    def year_view(self, label: str) -> SchoolYear:
        """A school year to read, never to change: shared between commands and reloaded only
        when the log holds newer events for it.

        Every journal command reads the year (calendar, profile, rosters); a big school's year
        is large, and it changes rarely, so a shared copy spares each command a reload. A new
        object replaces the old one, so a command reading the old one is never disturbed.
        """
        year_id = school_year_id(label)
        with self._year_views_lock:
            cached = self._year_views.get(year_id)
        if cached is not None and not any(
            True for _ in self.events.get(year_id, gt=cached.version, limit=1)
        ):
            return cached
        fresh = self.year(label)
        with self._year_views_lock:
            current = self._year_views.get(year_id)
            if current is None or current.version < fresh.version:
                self._year_views[year_id] = fresh
        return fresh

    def account(self, aid: UUID) -> Account:
        return self.load(Account, aid, "account")

    def account_by_login(self, login: str) -> Account:
        return self.account(account_id(login))

    def journal(self, jid: UUID) -> ClassJournal:
        return self.load(ClassJournal, jid, "journal")

    def student(self, sid: UUID) -> Student:
        return self.load(Student, sid, "student")

    # --- running commands -----------------------------------------------------------------

    def run(self, attempt: Callable[[], R]) -> R:
        """Run one command attempt under the server clock, again on a concurrency conflict.

        An attempt loads what it needs, decides, and saves once; if another writer saved the
        same aggregate first, the save fails as a whole and the attempt starts over on fresh
        state. Nothing of a failed attempt is recorded.
        """
        with server_clock.using(self.clock):
            for _ in range(MAX_ATTEMPTS):
                try:
                    return attempt()
                except IntegrityError:
                    continue
        raise ConcurrencyError(
            f"the record kept changing under this command; gave up after {MAX_ATTEMPTS} tries"
        )

    def record(self, *aggregates: Aggregate, ids: Mapping[str, UUID] | None = None) -> Recorded:
        """Save the pending events of the given aggregates atomically."""
        recordings = self.save(*aggregates)
        if not recordings:
            raise ValueError("a command must record at least one event")
        return Recorded(
            position=max(r.notification.id for r in recordings),
            events=len(recordings),
            ids=dict(ids or {}),
        )

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        # The library re-reads an aggregate to snapshot it at an exact version; the aggregate
        # just saved is already in memory at its newest version, so snapshot that instead
        # whenever a save crosses a multiple of the interval.
        if self.snapshots is None:
            return
        crossed: dict[UUID, Any] = {}
        for event in processing_event.events:
            aggregate = processing_event.aggregates.get(event.originator_id)
            interval = self.snapshotting_intervals.get(type(aggregate)) if aggregate else None
            if interval and event.originator_version % interval == 0:
                crossed[event.originator_id] = aggregate
        for aggregate in crossed.values():
            self.snapshots.put([type(aggregate).Snapshot.take(aggregate)])

    def position(self) -> int:
        """The newest position in this school's log (0 when empty)."""
        return self.recorder.max_notification_id() or 0
