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

One event must not wedge the read models. When a batch fails and the database is not to blame
(it answers), the batch is applied model by model and, for a model that fails, halved until
the one event it cannot apply is found: everything before that event is committed, and the
model stops *at* it — it is never skipped, which would silently lose what it says. The model is
then **stalled**: its status and /health say so, with the event's position, its topic and the
error; the log gets one ERROR line (then a reminder every few minutes, not a line per retry);
the event is tried again after a pause that grows to five minutes, so a fixed read model and a
restart, or a rebuild, let it go on. Every model tracks its own position, so the other models
of the pass go on past the event, and other schools have projectors of their own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic, resolve_topic

from ejournal import storage
from ejournal.application import School
from ejournal.database import Cursor, SchoolDatabase
from ejournal.errors import EjournalError
from ejournal.projections.catalogue import read_models
from ejournal.projections.read_model import ReadModel, Recorded

log = logging.getLogger(__name__)

BATCH_SIZE = 500
REBUILD_BATCH_SIZE = 5000
"""A rebuild's page of the log: ten times fewer commits and page refreshes than following it."""
FOLLOW_BATCH_SIZE = 100
"""A batch while following the live log (``step``). On SQLite the read models share the school's
file, and a batch's transaction holds its write lock: 500 events under 16 writers' load held it
for seconds, and commands waiting to save timed out (503). A rebuild keeps BATCH_SIZE."""
RETRY_SECONDS = 1.0
"""The first pause before a stalled read model tries its event again; it doubles each time."""
MAX_RETRY_SECONDS = 300.0
REMIND_SECONDS = 300.0
"""A read model still stalled is logged again at most this often."""
_TRACKING = """
    CREATE TABLE IF NOT EXISTS projection_positions (
        name TEXT PRIMARY KEY,
        position BIGINT NOT NULL,
        version INTEGER NOT NULL
    )
"""
# A stall is kept in the database, not only in the projector that met it: the service's
# /health, ``ejournal projections status`` and a worker process each see the same.
_STALLS = """
    CREATE TABLE IF NOT EXISTS projection_stalls (
        name TEXT PRIMARY KEY,
        position BIGINT NOT NULL,
        topic TEXT NOT NULL,
        error TEXT NOT NULL,
        since TEXT NOT NULL
    )
"""
_ERROR_LENGTH = 500

Progress = Callable[[int, int], None]
"""Told (position reached, head of the log) after each batch."""


class ProjectionRaceError(RuntimeError):
    """Another projector moved a read model on while this one applied a batch to it."""


class ReadModelStalledError(EjournalError):
    """What was asked for is read from a read model stopped at an event it cannot apply."""

    slug = "read-model-stalled"
    title = "A read model is stalled"
    status = 503


@dataclass(frozen=True)
class Stall:
    """A read model stopped before an event it cannot apply: retried, never skipped."""

    position: int
    """The event's position in the log; the model has applied everything before it."""
    topic: str
    """The event's topic: what kind of event it is."""
    error: str
    """What went wrong, as the error said it."""
    since: datetime
    """When the model first stopped at this event."""


@dataclass(frozen=True)
class ModelStatus:
    """How far one read model has got."""

    name: str
    version: int
    position: int
    head: int
    stall: Stall | None = None
    """Set while the model cannot apply the event after its position."""

    @property
    def lag(self) -> int:
        """Events recorded but not yet applied."""
        return self.head - self.position


@dataclass
class _Retry:
    """A stall this projector met, and when to try its event again."""

    stall: Stall
    pause: float
    due: float
    """time.monotonic() of the next attempt."""
    reported: float
    """time.monotonic() of the last log line about it."""


_Failure = tuple[int, str, BaseException]
"""An event a model cannot apply: its position, its topic, the error."""


class Projector:
    """One school's read models and the loop that feeds them."""

    def __init__(
        self,
        school: School,
        database: SchoolDatabase,
        models: Sequence[ReadModel],
        batch_size: int = BATCH_SIZE,
        retry_seconds: float = RETRY_SECONDS,
        rebuild_batch_size: int = REBUILD_BATCH_SIZE,
    ) -> None:
        self.school = school
        self.database = database
        self.models = {model.name: model for model in models}
        self.batch_size = batch_size
        self.rebuild_batch_size = rebuild_batch_size
        self._wanted: dict[str, bool] = {}
        """Whether an event of a topic is decoded: some model applies it, or its topic does not
        resolve (then it fails to decode, and stops the models, as it must)."""
        self.retry_seconds = retry_seconds
        self._retries: dict[str, _Retry] = {}
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
            cursor.execute(_STALLS)
            for model in self.models.values():
                row = self._tracking_row(cursor, model.name)
                if row is not None and row["version"] == model.version:
                    model.create_tables(cursor, self.database.dialect)
                    continue
                model.drop_tables(cursor, self.database.dialect)
                model.create_tables(cursor, self.database.dialect)
                self._track(cursor, model, 0)
                self._forget_stalls([model.name], cursor)
                fresh.append(model.name)
        return fresh

    def status(self) -> list[ModelStatus]:
        head = self.school.position()
        return [
            ModelStatus(name=name, version=version, position=position, head=head, stall=stall)
            for name, (version, position, stall) in sorted(self._standing().items())
        ]

    def stalls(self) -> dict[str, Stall]:
        """The read models stopped at an event they cannot apply (none, nearly always), by
        name: one query, cheap enough for every health check."""
        return {
            name: stall for name, (_, _, stall) in self._standing().items() if stall is not None
        }

    def position(self) -> int:
        """The position every read model has reached (the slowest one's)."""
        return min((position for _, position, _ in self._standing().values()), default=0)

    def _standing(self) -> dict[str, tuple[int, int, Stall | None]]:
        """Each model's version, position and stall, as the database has them."""
        with self.database.transaction(write=False) as cursor:
            # A stall at or before the model's position is one it has got past (another
            # projector applied the event); only one ahead of it holds the model back.
            cursor.execute(
                "SELECT p.name, p.position, p.version, s.position AS stall_position,"
                " s.topic, s.error, s.since"
                " FROM projection_positions p LEFT JOIN projection_stalls s"
                " ON s.name = p.name AND s.position > p.position"
            )
            rows = {row["name"]: row for row in cursor.fetchall()}
        standing: dict[str, tuple[int, int, Stall | None]] = {}
        for name, model in self.models.items():
            row = rows.get(name)
            if row is None:
                standing[name] = (model.version, 0, None)
                continue
            stall = (
                Stall(
                    position=int(row["stall_position"]),
                    topic=row["topic"],
                    error=row["error"],
                    since=datetime.fromisoformat(row["since"]),
                )
                if row["stall_position"] is not None
                else None
            )
            standing[name] = (int(row["version"]), int(row["position"]), stall)
        return standing

    # --- applying the log -----------------------------------------------------------------

    def catch_up(
        self,
        progress: Progress | None = None,
        limit: int | None = None,
        until: int | None = None,
        batch_size: int | None = None,
    ) -> int:
        """Apply the log up to its head (or ``limit`` events, or up to the position ``until``:
        the read models as they stood then); returns how many were applied.

        Models standing at the same position share each page of the log and its transaction;
        a model behind the others is brought along first. A model that meets an event it
        cannot apply stops before it (stalls) and the others go on; it tries the event again
        once its pause is over, in a later call.
        """
        applied = 0
        if not self.models:
            return 0
        with self._lock:
            now = time.monotonic()
            resting = {name for name, retry in self._retries.items() if retry.due > now}
            while limit is None or applied < limit:
                positions = {n: p for n, (_, p, _) in self._standing().items() if n not in resting}
                if not positions:
                    break
                start = min(positions.values())
                size = batch_size or self.batch_size
                page = size if limit is None else min(size, limit - applied)
                notifications = self.school.recorder.select_notifications(
                    start=start + 1, limit=page, stop=until
                )
                if not notifications:
                    break
                behind = [self.models[name] for name, pos in positions.items() if pos == start]
                batch, undecodable, covered = self._decode(notifications, behind)
                end = notifications[covered - 1].id if covered else start
                failures = self._apply_or_isolate(behind, start, batch, end) if covered else {}
                if undecodable is not None:
                    # No model can read past an event that does not decode.
                    for model in behind:
                        failures.setdefault(model.name, undecodable)
                for model in behind:
                    failure = failures.get(model.name)
                    if failure is not None:
                        self._stall(model, *failure)
                        resting.add(model.name)
                    elif model.name in self._retries:
                        self._resume(model)
                applied += covered
                if progress is not None and covered:
                    progress(end, self.school.position())
        if applied or self._retries:
            with self._applied:
                self._applied.notify_all()
        return applied

    def _decode(
        self, notifications: Sequence[Notification], models: Sequence[ReadModel]
    ) -> tuple[list[Recorded], _Failure | None, int]:
        """The page's events that some of the models apply, up to the first that does not
        decode; that one's failure; how many of the page's notifications the batch covers.

        An event no model of the pass applies is not decoded (a rebuild of one model skips most
        of the log's kinds); its position is passed all the same.
        """
        batch: list[Recorded] = []
        wanted = self._wanted_topics(models)
        for covered, n in enumerate(notifications):
            if not wanted(n.topic):
                continue
            try:
                batch.append(Recorded(n.id, self.school.mapper.to_domain_event(n), n))
            except Exception as error:
                # Whatever the reason (a class gone, a key changed), no model reads past it.
                return batch, (n.id, n.topic, error), covered
        return batch, None, len(notifications)

    def _wanted_topics(self, models: Sequence[ReadModel]) -> Callable[[str], bool]:
        """Whether an event of a topic is to be decoded for these models."""
        kinds: set[type] = set()
        for model in models:
            events = model.events()
            if events is None:
                return lambda _topic: True
            kinds |= events
        key = ",".join(sorted(model.name for model in models))

        def wanted(topic: str) -> bool:
            known = self._wanted.get(f"{key}:{topic}")
            if known is None:
                try:
                    known = resolve_topic(topic) in kinds
                except Exception:
                    known = True  # decoded, so that it fails and stops the models
                self._wanted[f"{key}:{topic}"] = known
            return known

        return wanted

    def _apply_or_isolate(
        self, models: Sequence[ReadModel], start: int, batch: Sequence[Recorded], end: int
    ) -> dict[str, _Failure]:
        """Apply a batch to the models in one transaction, taking them from ``start`` to
        ``end``; if that fails, model by model, each as far as it goes. Returns the event each
        failing model stopped at."""
        try:
            self._apply(models, start, batch, end)
        except ProjectionRaceError:
            raise
        except Exception as error:
            if storage.unavailable(error) is not None:
                raise  # the database, not an event: the whole batch is tried again later
        else:
            return {}
        failures: dict[str, _Failure] = {}
        for model in models:
            failure = self._apply_until_failure(model, start, batch, end)
            if failure is not None:
                failures[model.name] = failure
        return failures

    def _apply_until_failure(
        self, model: ReadModel, start: int, batch: Sequence[Recorded], end: int
    ) -> _Failure | None:
        """Apply as much of a batch to one model as applies, committing it as it goes, and
        halving what fails: the event that fails on its own, or None if all of it applied.
        About 2·log2(batch) transactions, paid only when something fails."""
        try:
            self._apply([model], start, batch, end)
        except ProjectionRaceError:
            raise
        except Exception as error:
            if storage.unavailable(error) is not None or not batch:
                raise  # not an event's doing: nothing of the batch was kept
            if len(batch) == 1:
                return batch[0].position, get_topic(type(batch[0].event)), error
        else:
            return None
        half = len(batch) // 2
        middle = batch[half - 1].position
        failure = self._apply_until_failure(model, start, batch[:half], middle)
        if failure is not None:
            return failure
        return self._apply_until_failure(model, middle, batch[half:], end)

    def step(self) -> int:
        """Apply the next batch of the log, if there is one; returns how many events it held."""
        return self.catch_up(limit=min(self.batch_size, FOLLOW_BATCH_SIZE))

    def _apply(
        self, models: Sequence[ReadModel], start: int, batch: Sequence[Recorded], end: int
    ) -> None:
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

    # --- stalls ---------------------------------------------------------------------------

    def _stall(self, model: ReadModel, position: int, topic: str, error: BaseException) -> None:
        """Keep a model stopped before an event, report it, and set when to try again."""
        sentence = _sentence(error)
        now = time.monotonic()
        retry = self._retries.get(model.name)
        if retry is not None and (retry.stall.position, retry.stall.error) == (position, sentence):
            retry.pause = min(retry.pause * 2, MAX_RETRY_SECONDS)
            retry.due = now + retry.pause
            if now - retry.reported >= REMIND_SECONDS:
                retry.reported = now
                log.error(
                    "read model %s of school %s is still stalled at position %d (%s) since %s: %s",
                    model.name,
                    self.school.school_id,
                    position,
                    topic,
                    retry.stall.since.isoformat(),
                    sentence,
                )
            return
        since = self._record_stall(model, Stall(position, topic, sentence, self.school.clock.now()))
        self._retries[model.name] = _Retry(
            Stall(position, topic, sentence, since),
            pause=self.retry_seconds,
            due=now + self.retry_seconds,
            reported=now,
        )
        log.error(
            "read model %s of school %s stalled at position %d (%s): %s; the event is not"
            " skipped and is tried again, the other read models go on",
            model.name,
            self.school.school_id,
            position,
            topic,
            sentence,
            exc_info=error,
        )

    def _record_stall(self, model: ReadModel, stall: Stall) -> datetime:
        """Write a stall down for every reader of the status; returns since when it holds
        (an earlier run of any projector may have met the same event first)."""
        with self.database.transaction() as cursor:
            cursor.execute(
                "INSERT INTO projection_stalls (name, position, topic, error, since)"
                " VALUES (%(name)s, %(position)s, %(topic)s, %(error)s, %(since)s)"
                " ON CONFLICT (name) DO UPDATE SET topic = excluded.topic,"
                " error = excluded.error, since = CASE"
                " WHEN projection_stalls.position = excluded.position"
                " THEN projection_stalls.since ELSE excluded.since END,"
                " position = excluded.position",
                {
                    "name": model.name,
                    "position": stall.position,
                    "topic": stall.topic,
                    "error": stall.error,
                    "since": stall.since.isoformat(),
                },
            )
            cursor.execute(
                "SELECT since FROM projection_stalls WHERE name = %(name)s", {"name": model.name}
            )
            row = cursor.fetchone()
        return datetime.fromisoformat(row["since"]) if row else stall.since

    def _resume(self, model: ReadModel) -> None:
        """A stalled model got past its event: forget the stall."""
        retry = self._retries.pop(model.name)
        self._forget_stalls([model.name])
        log.warning(
            "read model %s of school %s applied the event at position %d and goes on",
            model.name,
            self.school.school_id,
            retry.stall.position,
        )

    def _forget_stalls(self, names: Sequence[str], cursor: Cursor | None = None) -> None:
        if cursor is None:
            with self.database.transaction() as own:
                self._forget_stalls(names, own)
            return
        for name in names:
            cursor.execute("DELETE FROM projection_stalls WHERE name = %(name)s", {"name": name})

    def rebuild(self, *names: str, progress: Progress | None = None) -> int:
        """Drop read models and apply the whole log to them again, in batches, in one pass:
        the models share each page of the log, so each event is read and decoded once."""
        models = [self.models[name] for name in names]
        with self._lock, self.database.transaction() as cursor:
            for model in models:
                model.drop_tables(cursor, self.database.dialect)
                model.create_tables(cursor, self.database.dialect)
                self._track(cursor, model, 0)
                # Started over: a stall is found again (and reported) if the event still fails.
                self._forget_stalls([model.name], cursor)
                self._retries.pop(model.name, None)
        return self.catch_up(progress, batch_size=self.rebuild_batch_size)

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

        An event a read model cannot apply stalls that model alone (``catch_up``). A batch that
        fails otherwise (the database away) is logged and tried again after a pause that grows
        to a minute: nothing of it was kept, and one failure must not silently stop every read
        model of the service.
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
        reader sees what they just recorded. True if it got there in time; False at once if a
        model is stalled short of it (it gets nowhere until mended, and is reported)."""
        reached = False

        def settled() -> bool:
            nonlocal reached
            standing = self._standing().values()
            reached = all(at >= position for _, at, _ in standing)
            return reached or any(s is not None and at < position for _, at, s in standing)

        with self._applied:
            self._applied.wait_for(settled, timeout)
        return reached

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


def _sentence(error: BaseException) -> str:
    """An error as one line of a status report: its kind and its first line, bounded."""
    first = str(error).strip().split("\n", 1)[0]
    text = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return text if len(text) <= _ERROR_LENGTH else text[: _ERROR_LENGTH - 1] + "…"


def open_projector(
    school: School, database: SchoolDatabase, models: Sequence[ReadModel] | None = None
) -> Projector:
    """The projector of a school's read models (all of them unless given), set up, and woken
    by every save the school's application makes in this process."""
    projector = Projector(school, database, read_models() if models is None else models)
    projector.set_up()
    school.recorded_hooks.append(lambda _position: projector.wake())
    return projector
