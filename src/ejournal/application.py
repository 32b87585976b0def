"""The School application: one eventsourcing application, one event log, per school.

Each school is its own legal record (DESIGN.md §9): its own event table (a PostgreSQL schema or
an SQLite file), snapshots, and later its own Merkle tree and signing key. Command handlers run
through ``School.run``, which sets the server clock, retries on an optimistic-concurrency
conflict, and returns the log position of what was recorded so readers can wait for it.
"""

from __future__ import annotations

import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import CanMutateAggregate, DomainEventProtocol
from eventsourcing.persistence import IntegrityError, Notification
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
from ejournal.idempotency import CommandAnswer, CommandKey, StoredAnswer, check_answer, current_key
from ejournal.settings import AGGREGATE_CACHE_SIZE

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")

_fresh: ContextVar[bool] = ContextVar("ejournal_cache_fresh", default=False)


@dataclass
class _Batch:
    """What the commands of an all-or-nothing block recorded, not yet saved."""

    events: list[DomainEventProtocol[UUID]] = field(default_factory=list)
    """Every event, in the order the commands recorded them."""
    aggregates: dict[UUID, Aggregate] = field(default_factory=dict)
    """The newest state of each aggregate the block changed (its events are in ``events``)."""


_batch: ContextVar[_Batch | None] = ContextVar("ejournal_batch", default=None)
"""True inside a command attempt, whose start already caught the cache up to the log."""

CATCH_UP_PAGE = 500

MAX_ATTEMPTS = 8
"""How often a command is re-run after a concurrent writer won the race for an aggregate."""

LOCK_WAIT_SECONDS = 2.0
"""How long a command waits for another command of this process to finish with an aggregate it
wants to change. Commands queue on one journal rather than race (a class teacher and a subject
teacher, a substitute, writing at once): each waits a few milliseconds, none is refused. Past
this, the wait is taken for two commands each holding what the other wants: the attempt lets go
of everything and starts over."""

RETRY_PAUSE_SECONDS = 0.002
"""The first pause before re-running a command whose save lost the race to another process; it
doubles on each further loss (with jitter), so racers spread out instead of colliding again."""

_caught_up_by_caller: ContextVar[bool] = ContextVar("ejournal_caught_up_by_caller", default=False)
"""True where the caller has just caught the cache up (``School.caught_up_by_caller``)."""

_held: ContextVar[list[threading.RLock] | None] = ContextVar("ejournal_held", default=None)
"""The aggregate locks the running command attempt holds (None outside ``School.run``)."""


class _LockTimeoutError(Exception):
    """An attempt waited too long for an aggregate; it starts over (see LOCK_WAIT_SECONDS)."""


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
        self._cache: OrderedDict[UUID, Aggregate] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._caught_up = 0
        self._catch_up = threading.Condition()
        self._catch_up_running = False
        self._catch_up_started = 0
        self._catch_up_done = 0
        self._aggregate_locks: dict[UUID, threading.RLock] = {}
        self._aggregate_locks_lock = threading.Lock()
        self.recorded_hooks: list[Callable[[int], None]] = []
        """Told the new log position after every save (a projector wakes up on it)."""
        super().__init__(env=dict(env) if env is not None else None)
        # ``Settings.aggregate_cache_size``, validated there and handed on in the school's
        # environment (``storage.school_env``).
        self.cache_size = int(self.env.get("EJOURNAL_AGGREGATE_CACHE_SIZE") or AGGREGATE_CACHE_SIZE)
        # The cache starts empty, so it is up to date with the log as it stands: catching up
        # from zero would read a school's whole log on the first command.
        self._caught_up = self.position()

    # --- loading --------------------------------------------------------------------------

    def load(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        """An aggregate of a known kind, for a command to change; a missing one (or one of
        another kind) is not found.

        Inside a command attempt (``run``), the aggregate's lock is taken first and held until
        the attempt ends: another command of this process that changes it waits, and then
        loads what this one saved, instead of failing its save on the version check and
        starting over (issue 17: 31 of 1,800 requests failed when 16 writers shared journals).
        """
        held = _held.get()
        if held is not None:
            self._lock_aggregate(aggregate_id, held)
        return self.view(cls, aggregate_id, what).thawed()

    def _lock_aggregate(self, aggregate_id: UUID, held: list[threading.RLock]) -> None:
        with self._aggregate_locks_lock:
            lock = self._aggregate_locks.get(aggregate_id)
            if lock is None:
                lock = self._aggregate_locks[aggregate_id] = threading.RLock()
        # Re-entrant: an attempt may load the same aggregate twice (or a handler run another).
        if not lock.acquire(timeout=LOCK_WAIT_SECONDS):
            raise _LockTimeoutError
        held.append(lock)

    def view(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        """An aggregate to read, never to change: shared with other commands.

        Aggregates are kept in a bounded cache once loaded, and never changed there: a command
        changes a thawed copy, and a copy that was saved replaces the cached one. The cache is
        brought up to the log first (``catch_up``), once per command attempt, so what another
        process wrote is seen; a command that still read something stale fails its save on the
        version check and runs again.
        """
        if not _fresh.get():
            self.catch_up()
        batch = _batch.get()
        if batch is not None and aggregate_id in batch.aggregates:
            changed = batch.aggregates[aggregate_id]
            if not isinstance(changed, cls):
                raise NotFoundError(f"no such {what}")
            return changed
        with self._cache_lock:
            cached = self._cache.get(aggregate_id)
            if cached is not None:
                self._cache.move_to_end(aggregate_id)
        loaded: object = cached
        if cached is None:
            try:
                loaded = self.repository.get(aggregate_id)
            except AggregateNotFoundError:
                raise NotFoundError(f"no such {what}") from None
        if not isinstance(loaded, cls):
            raise NotFoundError(f"no such {what}")
        if cached is None:
            self._remember(loaded)
        return loaded

    def catch_up(self) -> None:
        """Apply what the log holds beyond what the cache has seen: one query for the events
        recorded since the last catch-up (usually a handful, often this process's own), each
        applied to its cached aggregate, or the aggregate dropped if it cannot be.

        Callers that arrive while a catch-up runs wait for the next one to start after them and
        share it: one query serves them all. Each caller still sees everything committed
        before it called, and 16 concurrent requests no longer queue for 16 queries in turn.
        """
        with self._catch_up:
            needed = self._catch_up_started + 1
            while self._catch_up_done < needed:
                if not self._catch_up_running:
                    self._catch_up_running = True
                    self._catch_up_started += 1
                    mine = self._catch_up_started
                    break
                self._catch_up.wait()
            else:
                return  # a catch-up that started after this call has finished
        caught_up = False
        try:
            self._catch_up_now()
            caught_up = True
        finally:
            with self._catch_up:
                self._catch_up_running = False
                if caught_up:  # a failed one (the database away) serves no one: they retry
                    self._catch_up_done = mine
                self._catch_up.notify_all()

    @contextmanager
    def caught_up_by_caller(self) -> Iterator[None]:
        """For a caller that caught the cache up an instant ago: the next command's first
        attempt does not catch up again. A request authenticates its account through ``view``
        (which catches up) just before it runs its command; a second query for the same few
        events would be the request's own cost twice (issue 17). A retry still catches up."""
        token = _caught_up_by_caller.set(True)
        try:
            yield
        finally:
            _caught_up_by_caller.reset(token)

    def _catch_up_now(self) -> None:
        while True:
            notifications = self.recorder.select_notifications(
                start=self._caught_up + 1, limit=CATCH_UP_PAGE
            )
            if not notifications:
                return
            for notification in notifications:
                self._apply_to_cached(notification)
            self._caught_up = notifications[-1].id
            if len(notifications) < CATCH_UP_PAGE:
                return

    def _apply_to_cached(self, notification: Notification) -> None:
        aggregate_id = cast(UUID, notification.originator_id)
        with self._cache_lock:
            cached = self._cache.get(aggregate_id)
        if cached is None or cached.version >= notification.originator_version:
            return  # not cached, or it already holds this event (this process saved it)
        if cached.version + 1 == notification.originator_version:
            event = self.mapper.to_domain_event(notification)
            newer = cast(CanMutateAggregate[UUID], event).mutate(cached.thawed())
            self._remember(cast(Aggregate, newer))
            return
        with self._cache_lock:
            self._cache.pop(aggregate_id, None)

    def _remember(self, aggregate: Aggregate) -> None:
        with self._cache_lock:
            current = self._cache.get(aggregate.id)
            if current is None or current.version < aggregate.version:
                self._cache[aggregate.id] = aggregate
                self._cache.move_to_end(aggregate.id)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def exists(self, aggregate_id: UUID) -> bool:
        """Whether the log holds an aggregate with this id (or an all-or-nothing block made
        it)."""
        batch = _batch.get()
        if batch is not None and aggregate_id in batch.aggregates:
            return True
        with self._cache_lock:
            if aggregate_id in self._cache:
                return True
        return any(True for _ in self.events.get(aggregate_id, limit=1))

    def year(self, label: str) -> SchoolYear:
        """A school year of its own, for a command that changes it."""
        return self.load(SchoolYear, school_year_id(label), f"school year {label}")

    def year_view(self, label: str) -> SchoolYear:
        """A school year to read, never to change (shared: see ``view``)."""
        return self.view(SchoolYear, school_year_id(label), f"school year {label}")

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
        state. Nothing of a failed attempt is recorded. Under an idempotency key that already
        has an answer, no attempt runs: ``AlreadyRecordedError`` carries the answer.
        """
        key = current_key()
        with server_clock.using(self.clock):
            for tries in range(MAX_ATTEMPTS):
                if tries or not _caught_up_by_caller.get():
                    self.catch_up()
                if key is not None:
                    # After the catch-up: a key answered since then also shows in the state the
                    # attempt reads, so the command cannot pass on state older than its answer.
                    check_answer(key, self.command_answer(key))
                held: list[threading.RLock] = []
                tokens = (_fresh.set(True), _held.set(held))
                try:
                    return attempt()
                except (IntegrityError, _LockTimeoutError):
                    # Another process saved first (this process's commands queue on the
                    # aggregate's lock instead), or two attempts each held what the other
                    # wanted: let go, wait a little, start over on fresh state.
                    pass
                finally:
                    for lock in reversed(held):
                        lock.release()
                    _held.reset(tokens[1])
                    _fresh.reset(tokens[0])
                pause = RETRY_PAUSE_SECONDS * 2**tries
                time.sleep(random.uniform(pause / 2, pause))  # noqa: S311 (jitter, not a secret)
        raise ConcurrencyError(
            f"the record kept changing under this command; gave up after {MAX_ATTEMPTS} tries"
        )

    def record(self, *aggregates: Aggregate, ids: Mapping[str, UUID] | None = None) -> Recorded:
        """Save the pending events of the given aggregates atomically.

        Under an idempotency key (``ejournal.idempotency.keyed``) the command's answer is
        recorded in the same transaction as the events.
        """
        batch = _batch.get()
        if batch is not None:
            return self._keep(batch, aggregates, ids)
        key = current_key()
        answer = (
            None
            if key is None
            else CommandAnswer(key, dict(ids or {}), self.clock.now().isoformat())
        )
        recordings = self.save(*aggregates, command_answer=answer)
        if not recordings:
            raise ValueError("a command must record at least one event")
        for aggregate in aggregates:
            # Saved without a conflict, so it is exactly the log's newest version of itself.
            self._remember(aggregate)
        position = max(r.notification.id for r in recordings)
        for hook in self.recorded_hooks:
            hook(position)
        return Recorded(
            position=max(r.notification.id for r in recordings),
            events=len(recordings),
            ids=dict(ids or {}),
        )

    @contextmanager
    def all_or_nothing(self) -> Iterator[list[Recorded]]:
        """Run several commands as one: what they record is saved in one transaction when
        the block ends, or nothing is (an error in the block, or another writer's save of one
        of its aggregates first: ``IntegrityError``). Each command still runs every check,
        and sees what the block's earlier commands did; its ``Recorded`` has position 0, and
        the block's (the last event's position) is put in the list yielded once it is saved.
        Not under an idempotency key: a block is not one request's command."""
        if _batch.get() is not None:
            raise RuntimeError("all-or-nothing blocks do not nest")
        batch = _Batch()
        saved: list[Recorded] = []
        token = _batch.set(batch)
        try:
            yield saved
        finally:
            _batch.reset(token)
        if not batch.events:
            return
        # One save of every event, in the commands' order (the aggregates only add nothing
        # but tell the snapshots which state is the newest): one insert, one transaction.
        recordings = self.save(*batch.events, *batch.aggregates.values())
        for aggregate in batch.aggregates.values():
            self._remember(aggregate)
        position = max(r.notification.id for r in recordings)
        for hook in self.recorded_hooks:
            hook(position)
        saved.append(Recorded(position=position, events=len(recordings)))

    @staticmethod
    def _keep(
        batch: _Batch, aggregates: tuple[Aggregate, ...], ids: Mapping[str, UUID] | None
    ) -> Recorded:
        """``record`` in an all-or-nothing block: the events are kept for the block's save."""
        events = [event for aggregate in aggregates for event in aggregate.collect_events()]
        if not events:
            raise ValueError("a command must record at least one event")
        if current_key() is not None:
            raise RuntimeError("an all-or-nothing block is not run under an idempotency key")
        batch.events.extend(events)
        for aggregate in aggregates:
            batch.aggregates[aggregate.id] = aggregate
        return Recorded(position=0, events=len(events), ids=dict(ids or {}))

    def command_answer(self, key: CommandKey) -> StoredAnswer | None:
        """The answer recorded under an idempotency key, if its command was recorded."""
        return cast(StoredAnswer | None, self.recorder.command_answer(key))  # type: ignore[attr-defined]

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
