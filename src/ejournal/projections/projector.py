"""The projector: keeps a school's read models up to date with its log, exactly once.

Events are applied in batches: a page of the log is read, every read model at that position
applies it, and the position each model reached is written in the same transaction as its rows.
A projector that dies mid-batch leaves nothing of that batch behind, and a restart applies the
batch again from the recorded position: nothing twice, nothing missed. The library's own runner
commits one event per transaction (~1.4k events/s on PostgreSQL, DESIGN.md §12); batches are
what make a rebuild fast.

SQLite cannot be subscribed to, so the projector pulls: it polls the log, and is woken at once
when this process records something. The same loop serves PostgreSQL (where a separate worker,
``ejournal projections run``, can do it instead of the service).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ejournal.application import School
from ejournal.database import Cursor, SchoolDatabase
from ejournal.projections.catalogue import read_models
from ejournal.projections.read_model import ReadModel, Recorded

log = logging.getLogger(__name__)

BATCH_SIZE = 500
_TRACKING = """
    CREATE TABLE IF NOT EXISTS projection_positions (
        name TEXT PRIMARY KEY,
        position BIGINT NOT NULL,
        version INTEGER NOT NULL
    )
"""

Progress = Callable[[int, int], None]
"""Told (position reached, head of the log) after each batch."""


class ProjectionRaceError(RuntimeError):
    """Another projector moved a read model on while this one applied a batch to it."""


@dataclass(frozen=True)
class ModelStatus:
    """How far one read model has got."""

    name: str
    version: int
    position: int
    head: int

    @property
    def lag(self) -> int:
        """Events recorded but not yet applied."""
        return self.head - self.position


class Projector:
    """One school's read models and the loop that feeds them."""

    def __init__(
        self,
        school: School,
        database: SchoolDatabase,
        models: Sequence[ReadModel],
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.school = school
        self.database = database
        self.models = {model.name: model for model in models}
        self.batch_size = batch_size
        self._applied = threading.Condition()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self.after_pass: list[Callable[[], object]] = []
        """Called by ``run`` after each look at the log (the notary signs a checkpoint when due);
        a failing one is logged and does not hold the read models back."""

    # --- set-up and status ---------------------------------------------------------------

    def set_up(self) -> list[str]:
        """Create what is missing; rebuild from zero a model whose version changed. Returns
        the names of the models that start from zero."""
        fresh: list[str] = []
        with self.database.transaction() as cursor:
            cursor.execute(_TRACKING)
            for model in self.models.values():
                row = self._tracking_row(cursor, model.name)
                if row is not None and row["version"] == model.version:
                    model.create_tables(cursor, self.database.dialect)
                    continue
                model.drop_tables(cursor, self.database.dialect)
                model.create_tables(cursor, self.database.dialect)
                self._track(cursor, model, 0)
                fresh.append(model.name)
        return fresh

    def status(self) -> list[ModelStatus]:
        head = self.school.position()
        with self.database.transaction(write=False) as cursor:
            cursor.execute("SELECT name, position, version FROM projection_positions")
            rows = {row["name"]: row for row in cursor.fetchall()}
        return [
            ModelStatus(
                name=name,
                version=int(rows[name]["version"]) if name in rows else model.version,
                position=int(rows[name]["position"]) if name in rows else 0,
                head=head,
            )
            for name, model in sorted(self.models.items())
        ]

    def position(self) -> int:
        """The position every read model has reached (the slowest one's)."""
        return min((s.position for s in self.status()), default=0)

    # --- applying the log -----------------------------------------------------------------

    def catch_up(
        self, progress: Progress | None = None, limit: int | None = None, until: int | None = None
    ) -> int:
        """Apply the log up to its head (or ``limit`` events, or up to the position ``until``:
        the read models as they stood then); returns how many were applied.

        Models standing at the same position share each page of the log and its transaction;
        a model behind the others is brought along first.
        """
        applied = 0
        if not self.models:
            return 0
        with self._lock:
            while limit is None or applied < limit:
                page = self.batch_size if limit is None else min(self.batch_size, limit - applied)
                batch = self._apply_next(page, until)
                if not batch:
                    break
                applied += len(batch)
                if progress is not None:
                    progress(batch[-1].position, self.school.position())
        if applied:
            with self._applied:
                self._applied.notify_all()
        return applied

    def step(self) -> int:
        """Apply the next batch of the log, if there is one; returns how many events it held."""
        if not self.models:
            return 0
        with self._lock:
            applied = len(self._apply_next(self.batch_size, None))
        if applied:
            with self._applied:
                self._applied.notify_all()
        return applied

    def _apply_next(self, page: int, until: int | None) -> list[Recorded]:
        """Read the next page of the log after the slowest model and apply it to every model
        standing there; returns the batch (empty at the head)."""
        positions = {s.name: s.position for s in self.status()}
        start = min(positions.values(), default=0)
        notifications = self.school.recorder.select_notifications(
            start=start + 1, limit=page, stop=until
        )
        if not notifications:
            return []
        batch = [Recorded(n.id, self.school.mapper.to_domain_event(n), n) for n in notifications]
        behind = [self.models[name] for name, pos in positions.items() if pos == start]
        self._apply(behind, start, batch)
        return batch

    def _apply(self, models: Sequence[ReadModel], start: int, batch: Sequence[Recorded]) -> None:
        end = batch[-1].position
        with self.database.transaction() as cursor:
            for model in models:
                # A batch is many small statements: pipelined, they do not each wait for a
                # round trip. The block ends (and syncs) before the position is checked.
                with cursor.pipeline():
                    model.apply(cursor, self.database.dialect, batch)
                cursor.execute(
                    "UPDATE projection_positions SET position = %(end)s"
                    " WHERE name = %(name)s AND position = %(start)s",
                    {"end": end, "name": model.name, "start": start},
                )
                if cursor.rowcount != 1:
                    # Rolled back with the rows: the other projector applied this batch.
                    raise ProjectionRaceError(f"{model.name} was moved on by another projector")

    def rebuild(self, *names: str, progress: Progress | None = None) -> int:
        """Drop read models and apply the whole log to them again, in batches, in one pass:
        the models share each page of the log, so each event is read and decoded once."""
        models = [self.models[name] for name in names]
        with self._lock, self.database.transaction() as cursor:
            for model in models:
                model.drop_tables(cursor, self.database.dialect)
                model.create_tables(cursor, self.database.dialect)
                self._track(cursor, model, 0)
        return self.catch_up(progress)

    # --- running --------------------------------------------------------------------------

    def wake(self) -> None:
        """Something was recorded: look at the log now rather than at the next poll."""
        self._wake.set()

    def run(self, stop: threading.Event, poll_seconds: float = 0.5) -> None:
        """Follow the log until told to stop.

        One batch at a time, with the ``after_pass`` hooks after each: under a steady stream of
        writes the log never runs dry, and the notary's checkpoints must not wait until it does
        (a catch-up to the head starved them for as long as teachers kept writing). It waits
        for news only once it has caught up.

        A batch that fails (a read model's bug, the database away) is logged and tried again
        after a pause that grows to a minute: nothing of it was kept, and one failure must not
        silently stop every read model of the service.
        """
        pause = poll_seconds
        while not stop.is_set():
            behind = False
            try:
                behind = self.step() > 0
                pause = poll_seconds
            except ProjectionRaceError:
                continue
            except Exception:
                log.exception("projector of school %s: a batch failed", self.school.school_id)
                pause = min(max(pause * 2, 1.0), 60.0)
            for hook in self.after_pass:
                try:
                    hook()
                except Exception:
                    log.exception("projector of school %s: %r failed", self.school.school_id, hook)
            if not behind:
                self._wake.wait(pause)
                self._wake.clear()

    def wait_for(self, position: int, timeout: float) -> bool:
        """Wait (bounded) until every read model has applied the log up to a position, so a
        reader sees what they just recorded. True if it got there in time."""
        with self._applied:
            return self._applied.wait_for(lambda: self.position() >= position, timeout)

    # --- tracking -------------------------------------------------------------------------

    @staticmethod
    def _tracking_row(cursor: Cursor, name: str) -> dict[str, int] | None:
        cursor.execute(
            "SELECT position, version FROM projection_positions WHERE name = %(name)s",
            {"name": name},
        )
        row = cursor.fetchone()
        return {"position": int(row["position"]), "version": int(row["version"])} if row else None

    @staticmethod
    def _track(cursor: Cursor, model: ReadModel, position: int) -> None:
        cursor.execute(
            "INSERT INTO projection_positions (name, position, version)"
            " VALUES (%(name)s, %(position)s, %(version)s)"
            " ON CONFLICT (name) DO UPDATE SET position = excluded.position,"
            " version = excluded.version",
            {"name": model.name, "position": position, "version": model.version},
        )


def open_projector(
    school: School, database: SchoolDatabase, models: Sequence[ReadModel] | None = None
) -> Projector:
    """The projector of a school's read models (all of them unless given), set up, and woken
    by every save the school's application makes in this process."""
    projector = Projector(school, database, read_models() if models is None else models)
    projector.set_up()
    school.recorded_hooks.append(lambda _position: projector.wake())
    return projector
