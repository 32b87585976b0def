"""The notary on both backends: the incremental tree is the tree of the stored events, a killed
notary resumes without hashing anything twice, checkpoints are signed when due and kept beside the
database, and ``ejournal log verify`` (the real CLI) names a stored event changed behind the
log's back, or a history rewritten together with its tree and checkpoints."""

from __future__ import annotations

import base64
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import orjson
import psycopg
import pytest
from pymerkle import InmemoryTree
from scenario import World, build_world
from typer.testing import CliRunner

from ejournal import storage
from ejournal.access import AuditScope, system_actor
from ejournal.aggregates.integrity_register import IntegrityRegister, integrity_register_id
from ejournal.cli import app as ejournal_cli
from ejournal.clock import MovableClock
from ejournal.commands import lessons
from ejournal.commands.marking import MarkEntry
from ejournal.database import Cursor, Dialect, open_database
from ejournal.integrity.canonical import event_leaf_hash, parse_line
from ejournal.integrity.checkpoint import (
    Checkpoint,
    SigningKey,
    VerifierKey,
    open_signed,
    sign,
)
from ejournal.integrity.merkle import (
    leaf_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)
from ejournal.integrity.notary import (
    HistoryRewrittenError,
    Notary,
    SigningKeyError,
    retire_checkpoints,
)
from ejournal.integrity.tree import MerkleTree
from ejournal.integrity.verification import verify_log
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.projection import AuditTrail
from ejournal.projections.audit_trail.queries import AuditFilter, audit_page
from ejournal.projections.projector import Projector
from ejournal.projections.read_model import Recorded
from ejournal.roles import Role
from ejournal.schools import open_school
from ejournal.settings import Settings
from ejournal.storage import (
    PostgresLocation,
    SqliteLocation,
    parse_database_url,
    school_schema,
)

MONDAY = date(2026, 9, 7)


@pytest.fixture
def settings(database_url: str, school_id: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        school=school_id,
        signing_key_dir=tmp_path / "keys",
        checkpoint_dir=tmp_path / "checkpoints",
        checkpoint_every_events=20,
        checkpoint_every_seconds=600,
        _env_file=None,
    )


@pytest.fixture
def world(settings: Settings, school_id: str) -> World:
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(open_school(settings, school_id, clock=clock), clock)
    hold(world, slot=1)
    return world


@pytest.fixture
def notary(world: World, settings: Settings) -> Iterator[Notary]:
    with Notary.open(settings, world.school.school_id, clock=world.clock) as opened:
        yield opened


def hold(world: World, slot: int, value: str = "5") -> int:
    """A mathematics lesson on Monday with a mark for every student; the log's new head."""
    world.at(MONDAY, 7 + slot)
    return lessons.record_whole_lesson(
        world.school,
        world.math,
        lessons.RecordWholeLesson(
            journal_id=world.journals["math"],
            on=MONDAY,
            slot=slot,
            topic=f"Урок {slot}",
            marks=tuple(MarkEntry(student_id=s, value=value) for s in world.students),
        ),
    ).position


def stored_leaves(world: World) -> list[bytes]:
    """The leaf hashes of the log, recomputed from scratch through the public canonical form."""
    notifications = world.school.recorder.select_notifications(start=1, limit=100_000)
    return [event_leaf_hash(n, world.school.mapper) for n in notifications]


def run_cli(settings: Settings, *args: str) -> Any:
    env = {
        "EJOURNAL_DATABASE_URL": settings.database_url,
        "EJOURNAL_SCHOOL": settings.school,
        "EJOURNAL_SIGNING_KEY_DIR": str(settings.signing_key_dir),
        "EJOURNAL_CHECKPOINT_DIR": str(settings.checkpoint_dir),
        "EJOURNAL_PASSWORD_HASHING": "cheapest",
    }
    return CliRunner().invoke(ejournal_cli, list(args), env=env)


def verify_json(settings: Settings) -> tuple[int, dict[str, Any]]:
    result = run_cli(settings, "log", "verify", "--json")
    return result.exit_code, orjson.loads(result.stdout)


# --- the tree -----------------------------------------------------------------------------------


def test_the_incremental_tree_is_the_tree_of_the_stored_events(
    world: World, settings: Settings
) -> None:
    database = open_database(settings, world.school.school_id)
    tree = MerkleTree(world.school.mapper)
    projector = Projector(world.school, database, [tree], batch_size=7)  # many small batches
    projector.set_up()
    projector.catch_up(limit=30)
    hold(world, slot=2)
    projector.catch_up()
    with Notary.open(settings, world.school.school_id) as notary:
        hashes = stored_leaves(world)
        size = len(hashes)
        assert notary.size() == size == world.school.position()
        lines = list(notary.leaves())
        assert [leaf_hash(line) for line in lines] == hashes
        assert [parse_line(line).position for line in lines] == list(range(1, size + 1))
        independent = InmemoryTree(algorithm="sha256")
        for line in lines:
            independent.append_entry(line)
        for n in (1, 2, 7, 30, size // 2, size):
            assert notary.root(n) == root_of(hashes[:n]) == independent.get_root(n)
        for index in (0, 6, 29, size - 1):
            proof = notary.inclusion_proof(index, size)
            assert verify_inclusion(hashes[index], index, size, proof, root_of(hashes))
            theirs = independent.prove_inclusion(index + 1, size)
            assert theirs.path[1:] == proof  # pymerkle's audit path, after its base leaf
        for old in (1, 3, 8, 30, size):
            proof = notary.consistency_proof(old, size)
            assert verify_consistency(old, size, root_of(hashes[:old]), root_of(hashes), proof)
    database.close()


class KilledTree(MerkleTree):
    """The tree, killed like a crashed process while applying the event at ``kill_at``."""

    kill_at: ClassVar[int | None] = None

    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        if self.kill_at is not None and any(r.position == self.kill_at for r in batch):
            super().apply(cursor, dialect, [r for r in batch if r.position < self.kill_at])
            os.kill(os.getpid(), signal.SIGKILL)
        super().apply(cursor, dialect, batch)


def test_a_notary_killed_mid_batch_resumes_and_hashes_nothing_twice(
    world: World, settings: Settings, school_id: str
) -> None:
    with Notary.open(settings, school_id) as notary:
        Projector(world.school, notary.database, [notary.tree], batch_size=10).catch_up(limit=20)
        assert notary.size() == 20
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from test_integrity import KilledTree
        from ejournal.database import open_database
        from ejournal.projections.projector import Projector
        from ejournal.schools import open_school
        from ejournal.settings import Settings
        settings = Settings(database_url={settings.database_url!r}, _env_file=None)
        school = open_school(settings, {school_id!r}, migrate=False)
        KilledTree.kill_at = 27
        tree = KilledTree(school.mapper)
        Projector(school, open_database(settings, {school_id!r}), [tree], 10).catch_up()
        """
    )
    killed = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    with Notary.open(settings, school_id) as notary:
        assert notary.size() == 20  # the batch 21..30 died with the process
        # Leaves are keyed by index and position: a leaf hashed twice would fail the batch.
        assert notary.catch_up() == world.school.position()
        assert notary.root(notary.size()) == root_of(stored_leaves(world))
        assert verify_log(notary).ok


def test_two_notaries_racing_hash_each_event_once(world: World, settings: Settings) -> None:
    with (
        Notary.open(settings, world.school.school_id) as first,
        Notary.open(settings, world.school.school_id) as second,
    ):
        first.catch_up()
        hold(world, slot=2)
        assert second.catch_up() == first.catch_up() == world.school.position()
        assert first.root(first.size()) == root_of(stored_leaves(world))


# --- checkpoints --------------------------------------------------------------------------------


def test_a_checkpoint_is_signed_stored_and_kept_beside_the_database(
    notary: Notary, world: World, settings: Settings
) -> None:
    signed = notary.checkpoint()
    size = world.school.position()
    assert signed.checkpoint.size == size
    assert signed.checkpoint.origin == f"{settings.installation}/ejournal/{world.school.school_id}"
    assert signed.checkpoint.root == root_of(stored_leaves(world))
    assert signed.checkpoint.time == world.clock.now().replace(microsecond=0)
    assert open_signed(signed.note, notary.verifier()) == signed.checkpoint
    kept = settings.checkpoint_dir / world.school.school_id / f"{size:012d}.checkpoint"
    assert kept.read_text() == signed.note
    key_file = settings.signing_key_dir / f"{world.school.school_id}.key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert notary.latest() == signed
    assert notary.checkpoints() == [signed]
    assert notary.checkpoint() == signed  # nothing new: the same checkpoint
    hold(world, slot=2)
    later = notary.checkpoint()
    assert [c.checkpoint.size for c in notary.checkpoints()] == [size, world.school.position()]
    proof = notary.consistency_proof(size, later.checkpoint.size)
    assert verify_consistency(
        size, later.checkpoint.size, signed.checkpoint.root, later.checkpoint.root, proof
    )


def test_checkpoints_are_due_every_n_events_or_m_seconds(notary: Notary, world: World) -> None:
    assert notary.checkpoint_if_due() is None  # the tree is empty until caught up
    notary.catch_up()
    first = notary.checkpoint_if_due()  # none yet: the first is due at once
    assert first is not None
    assert notary.checkpoint_if_due() is None  # nothing new
    notary.catch_up()
    world.at(MONDAY, 9, 0)
    lessons.hold_lesson(
        world.school,
        world.math,
        lessons.HoldLesson(journal_id=world.journals["math"], on=MONDAY, slot=2, topic="Дроби"),
    )
    notary.catch_up()
    world.clock.set(first.checkpoint.time + timedelta(seconds=599))
    assert notary.checkpoint_if_due() is None  # one event, and not ten minutes yet
    world.clock.set(first.checkpoint.time + timedelta(seconds=600))
    by_time = notary.checkpoint_if_due()
    assert by_time is not None
    assert by_time.checkpoint.size == first.checkpoint.size + 1
    for slot in (3, 4, 5, 6):  # 6 events each
        hold(world, slot=slot)
    world.clock.set(by_time.checkpoint.time + timedelta(seconds=1))
    notary.catch_up()
    by_count = notary.checkpoint_if_due()
    assert by_count is not None
    assert by_count.checkpoint.size - by_time.checkpoint.size >= 20


def test_the_service_keeps_the_tree_and_signs_checkpoints(settings: Settings, world: World) -> None:
    from api.deployment import Deployment  # noqa: PLC0415 (the service is an outer layer)

    deployment = Deployment(settings, world.clock)
    try:
        services = deployment.school(world.school.school_id)
        assert services is not None
        head = world.school.position()
        services.projector.wake()
        assert services.projector.wait_for(head, timeout=20)
        deadline = datetime.now(UTC) + timedelta(seconds=20)
        while services.notary.latest() is None and datetime.now(UTC) < deadline:
            services.projector.wake()
            services.stop.wait(0.05)
        latest = services.notary.latest()
        assert latest is not None
        # The lesson, and the key's registration in the log, which the first checkpoint covers.
        assert latest.checkpoint.size == head + 1 == world.school.position()
        assert "merkle_tree" in {s.name for s in services.projector.status()}
    finally:
        deployment.close()


# --- log verify ---------------------------------------------------------------------------------


def test_log_verify_passes_on_an_untouched_log(notary: Notary, settings: Settings) -> None:
    notary.checkpoint()
    result = run_cli(settings, "log", "checkpoint")
    assert result.exit_code == 0, result.output
    assert result.stdout == notary.latest().note  # type: ignore[union-attr]
    result = run_cli(settings, "log", "verify")
    assert result.exit_code == 0, result.output
    assert "OK: every leaf, root, signature and checkpoint checks out" in result.output
    code, report = verify_json(settings)
    assert code == 0
    assert report["ok"] is True
    assert report["events"] == report["tree_size"] == notary.size()
    assert report["checkpoints"] == report["directory_checkpoints"] == 1


def test_log_verify_of_an_unknown_school_fails(settings: Settings) -> None:
    result = run_cli(settings, "log", "verify", "--school", "nowhere")
    assert result.exit_code == 1
    assert "no school 'nowhere'" in result.output


@dataclass(frozen=True)
class Stored:
    """Reaching the stored events as whoever can bypass the log's protection (a superuser)."""

    settings: Settings
    school_id: str
    table: str

    def _sqlite(self) -> sqlite3.Connection:
        location = parse_database_url(self.settings.database_url)
        assert isinstance(location, SqliteLocation)
        return sqlite3.connect(location.school_file(self.school_id))

    def state(self, position: int) -> bytes:
        location = parse_database_url(self.settings.database_url)
        if isinstance(location, PostgresLocation):
            with location.connect() as conn:
                row = conn.execute(
                    f"SELECT state FROM {self._qualified()} WHERE notification_id = %s",
                    (position,),
                ).fetchone()
        else:
            # The SQLite recorder's notification id is the table's rowid.
            with closing(self._sqlite()) as conn:
                row = conn.execute(
                    f"SELECT state FROM {self.table} WHERE rowid = ?", (position,)
                ).fetchone()
        assert row is not None
        return bytes(row[0])

    def overwrite(self, position: int, state: bytes) -> None:
        """Change a stored event in place, the append-only triggers disabled first."""
        location = parse_database_url(self.settings.database_url)
        if isinstance(location, PostgresLocation):
            with location.connect() as conn:
                conn.execute(f"ALTER TABLE {self._qualified()} DISABLE TRIGGER ALL")
                conn.execute(
                    f"UPDATE {self._qualified()} SET state = %s WHERE notification_id = %s",
                    (state, position),
                )
            return
        with closing(self._sqlite()) as db, db:
            db.execute(f'DROP TRIGGER "{self.table}_no_update"')
            db.execute(f"UPDATE {self.table} SET state = ? WHERE rowid = ?", (state, position))

    def delete(self, position: int) -> None:
        """Remove a stored event, the append-only triggers disabled first."""
        location = parse_database_url(self.settings.database_url)
        if isinstance(location, PostgresLocation):
            with location.connect() as conn:
                conn.execute(f"ALTER TABLE {self._qualified()} DISABLE TRIGGER ALL")
                conn.execute(
                    f"DELETE FROM {self._qualified()} WHERE notification_id = %s", (position,)
                )
            return
        with closing(self._sqlite()) as db, db:
            db.execute(f'DROP TRIGGER "{self.table}_no_delete"')
            db.execute(f"DELETE FROM {self.table} WHERE rowid = ?", (position,))

    def _qualified(self) -> str:
        return f"{school_schema(self.school_id)}.{self.table}"


def stored(settings: Settings, world: World) -> Stored:
    table: str = world.school.recorder.events_table_name
    return Stored(settings, world.school.school_id, table)


def change_a_mark(world: World, settings: Settings, position: int) -> None:
    """One byte of one stored mark: a 5 becomes a 2."""
    where = stored(settings, world)
    before = where.state(position)
    assert before.count(b'"value":"5"') == 1
    after = before.replace(b'"value":"5"', b'"value":"2"')
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 1
    where.overwrite(position, after)
    assert where.state(position) == after


def test_a_changed_byte_of_a_stored_event_fails_verify_and_names_it(
    notary: Notary, world: World, settings: Settings
) -> None:
    notary.checkpoint()
    marks = [
        n
        for n in world.school.recorder.select_notifications(start=1, limit=1000)
        if n.topic.endswith("ClassJournal.MarkRecorded")
    ]
    target = marks[2]
    change_a_mark(world, settings, target.id)

    result = run_cli(settings, "log", "verify")
    assert result.exit_code == 1, result.output
    index = target.id - 1  # no gaps in this log: leaf index = position - 1
    assert (
        f"the first is leaf {index} (position {target.id}, aggregate {target.originator_id}"
        f" version {target.originator_version}): the stored event hashes to"
    ) in result.output
    assert "1 leaves do not match" in result.output
    assert "signed a root the stored events no longer hash to" in result.output
    code, report = verify_json(settings)
    assert code == 1
    assert report["ok"] is False
    assert report["first_mismatch"]["position"] == target.id
    assert report["first_mismatch"]["originator_id"] == str(target.originator_id)
    assert report["first_mismatch"]["originator_version"] == target.originator_version


def test_an_unreadable_stored_event_fails_verify_and_names_it(
    notary: Notary, world: World, settings: Settings
) -> None:
    notary.checkpoint()
    where = stored(settings, world)
    where.overwrite(5, where.state(5)[:-1])  # the closing brace gone
    code, report = verify_json(settings)
    assert code == 1
    assert report["first_mismatch"]["position"] == 5
    assert "not JSON" in report["first_mismatch"]["reason"]


def test_a_removed_stored_event_fails_verify_and_names_where(
    notary: Notary, world: World, settings: Settings
) -> None:
    notary.checkpoint()
    stored(settings, world).delete(30)
    code, report = verify_json(settings)
    assert code == 1
    assert report["first_mismatch"]["index"] == 29
    assert report["first_mismatch"]["position"] == 31
    assert "the tree's leaf is the event at position 30" in report["first_mismatch"]["reason"]
    assert any("covers more events than the log holds" in p for p in report["problems"])


@pytest.mark.postgres
def test_tampering_as_postgres_superuser_is_named_by_verify(
    postgres_url: str, school_id: str, tmp_path: Path
) -> None:
    """The issue's own case, spelled out on PostgreSQL: the superuser disables the append-only
    trigger and changes one byte of one stored event."""
    settings = Settings(
        database_url=postgres_url,
        school=school_id,
        signing_key_dir=tmp_path / "keys",
        checkpoint_dir=tmp_path / "checkpoints",
        _env_file=None,
    )
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(open_school(settings, school_id, clock=clock), clock)
    position = hold(world, slot=1)  # the last of the lesson's marks
    with Notary.open(settings, school_id, clock=clock) as notary:
        notary.checkpoint()
    assert run_cli(settings, "log", "verify").exit_code == 0
    admin = parse_database_url(postgres_url)
    assert isinstance(admin, PostgresLocation)
    table = f"{school_schema(school_id)}.school_events"
    with admin.connect() as conn:
        conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        conn.execute(
            f"UPDATE {table} SET state = convert_to(replace(convert_from(state, 'UTF8'),"
            """ '"value":"5"', '"value":"2"'), 'UTF8') WHERE notification_id = %s""",
            (position,),
        )
    result = run_cli(settings, "log", "verify")
    assert result.exit_code == 1
    assert f"(position {position}, aggregate " in result.output
    world.school.close()


def rewrite_the_tail(
    settings: Settings, world: World, notary: Notary, position: int
) -> tuple[int, int]:
    """What someone holding the database and the key could do: change a stored event, derive
    the tree again from the changed log, and re-sign the database's checkpoints over it. The
    checkpoint directory beside the database is out of their reach. Returns the new sizes."""
    change_a_mark(world, settings, position)
    key = SigningKey.load(notary.key_path)
    rebuilt = Projector(world.school, notary.database, [notary.tree])
    rebuilt.rebuild("merkle_tree")
    size = notary.size()
    with notary.database.transaction() as cursor:
        cursor.execute("SELECT size FROM merkle_checkpoints ORDER BY size")
        sizes = [int(r["size"]) for r in cursor.fetchall()]
        cursor.execute("DELETE FROM merkle_checkpoints")
        for n in {*sizes, size}:
            forged = Checkpoint(notary.origin, n, notary.root(n), world.clock.now())
            cursor.execute(
                "INSERT INTO merkle_checkpoints (size, root, signed_at, note)"
                " VALUES (%(s)s, %(r)s, %(t)s, %(n)s)",
                {"s": n, "r": forged.root, "t": forged.time.isoformat(), "n": sign(forged, key)},
            )
    return sizes[-1], size


def test_a_tail_rewritten_consistently_fails_against_the_kept_checkpoint(
    notary: Notary, world: World, settings: Settings
) -> None:
    first = notary.checkpoint().checkpoint  # the scenario school and one lesson
    changed = hold(world, slot=2)  # a mark of the second lesson: after the first checkpoint
    second = notary.checkpoint().checkpoint
    hold(world, slot=3)
    notary.catch_up()

    rewrite_the_tail(settings, world, notary, changed)
    newest = notary.latest()
    assert newest is not None
    assert newest.checkpoint.size == notary.size() > second.size
    # In the database all is consistent again: its checkpoints verify and extend each other ...
    assert open_signed(newest.note, notary.verifier()) == newest.checkpoint
    rewritten_second = notary.checkpoint_at(second.size)
    assert rewritten_second is not None
    assert rewritten_second.checkpoint.root != second.root
    # ... but the checkpoint kept in the directory was signed over the original history.
    kept = open_signed(notary.checkpoint_path(second.size).read_text(), notary.verifier())
    assert kept == second
    proof = notary.consistency_proof(kept.size, newest.checkpoint.size)
    assert not verify_consistency(
        kept.size, newest.checkpoint.size, kept.root, newest.checkpoint.root, proof
    )
    # The part of the log before the change still extends the earlier kept checkpoint.
    proof = notary.consistency_proof(first.size, newest.checkpoint.size)
    assert verify_consistency(
        first.size, newest.checkpoint.size, first.root, newest.checkpoint.root, proof
    )

    code, report = verify_json(settings)
    assert code == 1
    problems = "\n".join(report["problems"])
    assert (
        f"is not consistent with the directory's checkpoint of size {second.size}:"
        " history was rewritten"
    ) in problems
    assert f"the checkpoint of size {second.size} kept in the directory differs" in problems
    assert report["first_mismatch"] is None  # the tree was re-derived from the changed log
    # Nor does the notary sign anything over the rewritten history.
    hold(world, slot=4)
    with pytest.raises(HistoryRewrittenError, match="does not extend the checkpoint"):
        notary.checkpoint()


def test_a_log_dropped_on_purpose_retires_its_checkpoints(
    world: World, settings: Settings, school_id: str
) -> None:
    with Notary.open(settings, school_id, clock=world.clock) as notary:
        old = notary.checkpoint()
    world.school.close()
    storage.drop_school(settings, school_id)
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    fresh = build_world(open_school(settings, school_id, clock=clock), clock)
    with Notary.open(settings, school_id, clock=clock) as notary:
        # The kept checkpoints are of the dropped log: the new one does not extend them.
        with pytest.raises(HistoryRewrittenError):
            notary.checkpoint()
        retired = retire_checkpoints(settings, school_id, clock.now())
        assert retired is not None
        assert (retired / notary.checkpoint_path(old.checkpoint.size).name).read_text() == old.note
        with notary.database.transaction() as cursor:
            cursor.execute("DELETE FROM merkle_checkpoints")  # they went with the dropped log
        assert notary.checkpoint().checkpoint.size == fresh.school.position()
        assert verify_log(notary).ok
    assert retire_checkpoints(settings, "nowhere", clock.now()) is None


def write_kept(notary: Notary, checkpoint: Checkpoint, key: SigningKey | None = None) -> Path:
    """A checkpoint file in the directory beside the database, and only there."""
    path = notary.checkpoint_path(checkpoint.size)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sign(checkpoint, key or SigningKey.load(notary.key_path)))
    return path


def test_a_checkpoint_file_a_crash_left_without_its_row_is_noted_not_failed(
    notary: Notary, world: World, settings: Settings
) -> None:
    """What a notary that wrote the file before committing left when it crashed between the
    two: the file it would have written, and no row. The log is untouched: verify passes."""
    notary.checkpoint()
    hold(world, slot=2)
    size = notary.catch_up()
    orphan = Checkpoint(notary.origin, size, notary.root(size), world.clock.now())
    write_kept(notary, orphan)
    assert notary.checkpoint_at(size) is None

    code, report = verify_json(settings)

    assert code == 0, report["problems"]
    assert report["ok"] is True
    assert any(
        f"the checkpoint of size {size} kept in the directory is not in the database, but it is"
        " signed by the school's key" in warning
        for warning in report["warnings"]
    )
    result = run_cli(settings, "log", "verify")
    assert result.exit_code == 0, result.output
    assert f"note: the checkpoint of size {size} kept in the directory" in result.output
    # And the notary goes on from it: the next checkpoint extends it.
    hold(world, slot=3)
    assert notary.checkpoint().checkpoint.size > size
    assert verify_json(settings)[0] == 0


@pytest.mark.parametrize("forgery", ["wrong-root", "another-key"])
def test_a_forged_checkpoint_file_the_database_does_not_know_fails_verify(
    notary: Notary, world: World, settings: Settings, forgery: str
) -> None:
    notary.checkpoint()
    hold(world, slot=2)
    size = notary.catch_up()
    if forgery == "wrong-root":  # the school's own key, over a root the log does not hash to
        write_kept(notary, Checkpoint(notary.origin, size, bytes(32), world.clock.now()))
        expected = f"the directory's checkpoint of size {size} signed a root the stored events"
    else:  # the log's true root, signed by a key that is not the school's
        true = Checkpoint(notary.origin, size, notary.root(size), world.clock.now())
        write_kept(notary, true, SigningKey.generate(notary.origin))
        expected = "does not verify"

    code, report = verify_json(settings)

    assert code == 1
    assert any(expected in problem for problem in report["problems"]), report["problems"]


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_checkpoint_whose_commit_fails_leaves_no_file(
    notary: Notary, world: World, settings: Settings, postgres_url: str
) -> None:
    """The crash between the two steps, for real: the checkpoint's row is inserted, then the
    transaction fails at COMMIT (a deferred constraint trigger raises there). No file may be
    left that the database does not hold, and verify passes on the untouched log."""
    first = notary.checkpoint().checkpoint
    hold(world, slot=2)
    size = notary.catch_up()
    table = f"{school_schema(world.school.school_id)}.merkle_checkpoints"
    admin = parse_database_url(postgres_url)
    assert isinstance(admin, PostgresLocation)
    with admin.connect() as conn:
        conn.execute(
            f"CREATE FUNCTION {school_schema(world.school.school_id)}.fail_at_commit()"
            " RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'the server went away at commit'; END $$"
        )
        conn.execute(
            f"CREATE CONSTRAINT TRIGGER fail_at_commit AFTER INSERT ON {table}"
            " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
            f" EXECUTE FUNCTION {school_schema(world.school.school_id)}.fail_at_commit()"
        )

    with pytest.raises(psycopg.errors.RaiseException, match="went away at commit"):
        notary.checkpoint()

    assert notary.checkpoint_at(size) is None
    assert [p.name for p in notary.checkpoint_dir.iterdir()] == [
        notary.checkpoint_path(first.size).name  # no file for it, not even a temporary one
    ]
    code, report = verify_json(settings)
    assert code == 3, report["problems"]  # intact; the second lesson awaits its checkpoint
    assert report["ok"] is True
    assert report["uncovered_events"] == size - first.size
    assert report["warnings"] == []
    with admin.connect() as conn:
        conn.execute(f"DROP TRIGGER fail_at_commit ON {table}")
    second = notary.checkpoint()
    assert second.checkpoint.size == size
    assert notary.checkpoint_path(size).read_text() == second.note
    code, report = verify_json(settings)
    assert code == 0, report["problems"]
    assert report["warnings"] == []


def test_a_checkpoint_file_lost_after_its_commit_is_written_again_on_start(
    notary: Notary, world: World, settings: Settings
) -> None:
    """The other side of the crash: the row committed, the file never renamed into place."""
    signed = notary.checkpoint()
    path = notary.checkpoint_path(signed.checkpoint.size)
    path.unlink()
    code, report = verify_json(settings)
    assert code == 0
    assert any("not in the directory" in warning for warning in report["warnings"])

    with Notary.open(settings, world.school.school_id, clock=world.clock) as started:
        assert started.checkpoint_if_due() is None  # nothing new to sign ...
    assert path.read_text() == signed.note  # ... but the lost file is back

    code, report = verify_json(settings)
    assert code == 0
    assert report["warnings"] == []


def test_a_wrong_or_missing_key_file_does_not_break_verify_and_is_refused(
    notary: Notary, world: World, settings: Settings
) -> None:
    """The issue's third finding: one run with another key directory. Verify checks with the
    keys the log names and only notes the key file; the notary refuses to sign with a key the
    log does not name, and makes none."""
    named = notary.checkpoint()
    original = notary.key_path.read_text()
    notary.key_path.unlink()
    stray = SigningKey.generate(notary.origin)
    stray.save(notary.key_path)
    hold(world, slot=2)
    code, report = verify_json(settings)
    assert code == 3, report  # intact, but the lesson is covered by no checkpoint
    assert report["ok"] is True
    assert report["uncovered_events"] == world.school.position() - named.checkpoint.size
    assert any("is not the key the log names" in w for w in report["warnings"])
    with (
        Notary.open(settings, world.school.school_id, clock=world.clock) as fresh,
        pytest.raises(SigningKeyError) as refused,
    ):
        fresh.checkpoint()
    message = refused.value.detail
    assert str(notary.key_path) in message
    assert stray.verifier().fingerprint in message
    assert notary.verifier().fingerprint in message
    notary.key_path.unlink()
    with (
        Notary.open(settings, world.school.school_id, clock=world.clock) as fresh,
        pytest.raises(SigningKeyError, match="there is no key at"),
    ):
        fresh.checkpoint()
    assert not notary.key_path.exists()  # no key was made
    notary.key_path.write_text(original)
    with Notary.open(settings, world.school.school_id, clock=world.clock) as fresh:
        fresh.checkpoint()
    assert verify_json(settings)[0] == 0


def test_a_forged_checkpoint_file_fails_verify(notary: Notary, settings: Settings) -> None:
    signed = notary.checkpoint()
    path = notary.checkpoint_path(signed.checkpoint.size)
    root = signed.checkpoint.root
    path.write_text(
        signed.note.replace(base64.b64encode(root).decode(), base64.b64encode(bytes(32)).decode())
    )
    code, report = verify_json(settings)
    assert code == 1
    assert any("does not match the note" in p for p in report["problems"])


# --- coverage, form, keys in the log (issue: integrity anyone can check) ------------------------


def log_events(world: World, kind: str) -> list[Any]:
    """The events of one kind in the log, decoded, with their positions."""
    return [
        (n.id, world.school.mapper.to_domain_event(n))
        for n in world.school.recorder.select_notifications(start=1, limit=100_000)
        if n.topic.endswith(kind)
    ]


def test_verify_of_a_log_no_checkpoint_covers_says_so_and_exits_3(
    world: World, settings: Settings
) -> None:
    """The first finding: nothing was verified, and it said OK."""
    events = world.school.position()
    result = run_cli(settings, "log", "verify")
    assert result.exit_code == 3, result.output
    assert f"covered by none: {events}" in result.output
    assert f"UNCOVERED: {events} events (from position 1 on)" in result.output
    assert "OK" not in result.output
    code, report = verify_json(settings)
    assert code == 3
    assert report["ok"] is True
    assert report["covered"] is False
    assert (report["covered_events"], report["uncovered_events"]) == (0, events)
    help_text = run_cli(settings, "log", "verify", "--help").output
    assert "3 all" in help_text
    assert "covered by no signed" in help_text


def test_verify_counts_only_what_follows_the_newest_checkpoint(
    notary: Notary, world: World, settings: Settings
) -> None:
    signed = notary.checkpoint()
    hold(world, slot=2)
    code, report = verify_json(settings)
    assert code == 3
    assert report["covered_events"] == signed.checkpoint.size
    assert report["uncovered_events"] == world.school.position() - signed.checkpoint.size
    assert report["first_uncovered_position"] == signed.checkpoint.size + 1
    assert run_cli(settings, "log", "checkpoint").exit_code == 0
    assert verify_json(settings)[0] == 0


def test_an_edit_of_an_event_no_checkpoint_covered_is_not_called_ok(
    world: World, settings: Settings
) -> None:
    """A superuser's edit before the first checkpoint: undetectable as a change when it keeps
    the canonical form, so verify must not vouch for it; the next checkpoint would sign it,
    which is why every writer signs at once (see the demo's test)."""
    marks = log_events(world, "ClassJournal.MarkRecorded")
    change_a_mark(world, settings, marks[0][0])
    code, report = verify_json(settings)
    assert code == 3
    assert report["uncovered_events"] == world.school.position()


def test_an_edit_of_an_event_a_checkpoint_covers_is_named(
    notary: Notary, world: World, settings: Settings
) -> None:
    notary.checkpoint()
    position = log_events(world, "ClassJournal.MarkRecorded")[0][0]
    change_a_mark(world, settings, position)
    result = run_cli(settings, "log", "verify")
    assert result.exit_code == 1, result.output
    assert f"(position {position}, aggregate" in result.output
    # The notary's tree was hashed before the edit: it goes on signing the true history.
    hold(world, slot=2)
    notary.checkpoint()
    assert run_cli(settings, "log", "verify").exit_code == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("spaces", "not in the canonical form the application writes"),
        ("undecodable", "does not decode as"),
        ("not-as-written", "its field 'mark_id' is stored as"),
        ("not-json", "cannot be read"),
    ],
)
def test_a_malformed_stored_event_is_named_even_where_no_checkpoint_covers_it(
    notary: Notary, world: World, settings: Settings, change: str, expected: str
) -> None:
    notary.checkpoint()
    position = hold(world, slot=2)  # a mark no checkpoint covers yet
    where = stored(settings, world)
    state = where.state(position)
    data = orjson.loads(state)
    if change == "spaces":
        changed = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    elif change == "undecodable":
        changed = orjson.dumps({**data, "work_kind": "bribe"}, option=orjson.OPT_SORT_KEYS)
    elif change == "not-as-written":  # a value the model would have normalised when writing
        upper = {**data, "mark_id": data["mark_id"].upper()}
        changed = orjson.dumps(upper, option=orjson.OPT_SORT_KEYS)
    else:
        changed = state[:-1]
    where.overwrite(position, changed)

    result = run_cli(settings, "log", "verify")

    assert result.exit_code == 1, result.output
    assert f"FAILED: malformed event: leaf {position - 1} (position {position}" in result.output
    assert expected in result.output
    code, report = verify_json(settings)
    assert code == 1
    assert report["malformed_count"] == 1
    assert report["malformed"][0]["position"] == position


def test_the_first_key_is_registered_in_the_log_and_covered_by_the_first_checkpoint(
    notary: Notary, world: World, settings: Settings
) -> None:
    head = world.school.position()
    signed = notary.checkpoint()
    ((position, registered),) = log_events(world, "IntegrityRegister.SigningKeyRegistered")
    assert position == head + 1 == signed.checkpoint.size
    assert registered.verifier_key == notary.verifier().text
    assert registered.fingerprint == notary.verifier().fingerprint
    assert registered.origin == signed.checkpoint.origin
    assert registered.origin == f"{settings.installation}/ejournal/{world.school.school_id}"
    assert registered.installation == settings.installation
    assert registered.actor.role.value == "system"


def test_the_origin_names_the_installation(world: World, settings: Settings) -> None:
    elsewhere = settings.model_copy(update={"installation": "journal.school77.example"})
    with Notary.open(elsewhere, world.school.school_id, clock=world.clock) as notary:
        signed = notary.checkpoint()
    assert signed.checkpoint.origin == f"journal.school77.example/ejournal/{world.school.school_id}"
    # Once named, the origin is the log's: another installation name changes nothing.
    with Notary.open(settings, world.school.school_id, clock=world.clock) as notary:
        assert notary.origin == signed.checkpoint.origin
        hold(world, slot=2)
        assert notary.checkpoint().checkpoint.origin == signed.checkpoint.origin
    assert verify_json(settings)[0] == 0


def test_a_log_from_before_key_events_keeps_its_origin_and_its_checkpoints(
    world: World, settings: Settings, school_id: str
) -> None:
    """An existing log signed by an earlier version: origin ``ejournal/<id>``, a key file, and
    checkpoints, but no key event. Its key is named on the next checkpoint, after it is seen
    to have signed them, and everything verifies."""
    legacy = SigningKey.generate(f"ejournal/{school_id}")
    with Notary.open(settings, school_id, clock=world.clock) as notary:
        legacy.save(notary.key_path)
        size = notary.catch_up()
        old = Checkpoint(legacy.name, size, notary.root(size), world.clock.now())
        with notary.database.transaction() as cursor:
            cursor.execute(
                "INSERT INTO merkle_checkpoints (size, root, signed_at, note)"
                " VALUES (%(s)s, %(r)s, %(t)s, %(n)s)",
                {"s": size, "r": old.root, "t": old.time.isoformat(), "n": sign(old, legacy)},
            )
        write_kept(notary, old, legacy)
        assert notary.origin == f"ejournal/{school_id}"
        assert verify_json(settings)[0] == 0
        hold(world, slot=2)
        signed = notary.checkpoint()
        assert signed.checkpoint.origin == f"ejournal/{school_id}"
        ((_, registered),) = log_events(world, "IntegrityRegister.SigningKeyRegistered")
        assert registered.verifier_key == legacy.verifier().text
    assert verify_json(settings)[0] == 0


def test_a_log_with_checkpoints_and_no_key_at_hand_gets_no_new_key(
    notary: Notary, world: World, settings: Settings
) -> None:
    notary.checkpoint()
    notary.key_path.unlink()
    hold(world, slot=2)
    with (
        Notary.open(settings, world.school.school_id, clock=world.clock) as fresh,
        pytest.raises(SigningKeyError, match=f"no key at {re.escape(str(notary.key_path))}"),
    ):
        fresh.checkpoint()
    assert not notary.key_path.exists()


def test_a_refusal_is_recorded_once_per_reason_and_the_return_to_signing_too(
    notary: Notary, world: World, settings: Settings
) -> None:
    notary.checkpoint()
    good = notary.key_path.read_text()
    notary.key_path.unlink()
    SigningKey.generate(notary.origin).save(notary.key_path)
    hold(world, slot=2)
    with Notary.open(settings, world.school.school_id, clock=world.clock) as fresh:
        for _ in range(3):
            with pytest.raises(SigningKeyError):
                fresh.checkpoint()
            hold(world, slot=3 + _)  # the log goes on growing: still one refusal
        assert fresh.checkpoint_if_due() is None  # the service's path: said, not raised
    ((_, refused),) = log_events(world, "IntegrityRegister.NotaryRefusedToSign")
    assert refused.reason.value == "key-not-named"
    assert str(notary.key_path) in refused.detail
    notary.key_path.write_text(good)
    with Notary.open(settings, world.school.school_id, clock=world.clock) as fresh:
        signed = fresh.checkpoint()
    ((position, _),) = log_events(world, "IntegrityRegister.NotarySigningResumed")
    assert signed.checkpoint.size >= position  # the record of it is covered too
    assert verify_json(settings)[0] == 0


def test_a_rotation_names_the_new_key_and_old_and_new_checkpoints_verify(
    notary: Notary, world: World, settings: Settings
) -> None:
    before = notary.checkpoint()
    old_key = notary.verifier()
    hold(world, slot=2)  # signed by the old key as the rotation's first step
    missing = run_cli(settings, "log", "rotate-key")
    assert missing.exit_code == 2  # --reason is required

    result = run_cli(settings, "log", "rotate-key", "--reason", "Плановая смена ключа")

    assert result.exit_code == 0, result.output
    ((position, rotated),) = log_events(world, "IntegrityRegister.SigningKeyRotated")
    assert rotated.reason == "Плановая смена ключа"
    assert rotated.previous_fingerprint == old_key.fingerprint
    new_key = VerifierKey.from_text(rotated.verifier_key)
    assert new_key != old_key
    assert new_key.name == old_key.name  # the log's origin stays
    assert f"new key: {new_key.fingerprint}" in result.output
    assert f"old key: {old_key.fingerprint}" in result.output
    assert SigningKey.load(notary.key_path).verifier() == new_key
    retired = [p for p in notary.key_path.parent.iterdir() if ".retired-" in p.name]
    assert [SigningKey.load(p).verifier() for p in retired] == [old_key]
    hold(world, slot=3)
    with Notary.open(settings, world.school.school_id, clock=world.clock) as fresh:
        after = fresh.checkpoint()
        assert fresh.verifier() == new_key
        assert fresh.verifier_at(before.checkpoint.size) == old_key
        assert fresh.verifier_at(after.checkpoint.size) == new_key
        sizes = [c.checkpoint.size for c in fresh.checkpoints()]
        for signed in fresh.checkpoints():
            key = old_key if signed.checkpoint.size < position else new_key
            assert open_signed(signed.note, key) == signed.checkpoint
    assert min(s for s in sizes if s >= position) < after.checkpoint.size  # one by the CLI
    code, report = verify_json(settings)
    assert code == 0, report
    assert report["keys"] == [old_key.fingerprint, new_key.fingerprint]
    # The service's notary, still holding the old key, takes the new one from its file.
    hold(world, slot=4)
    assert notary.checkpoint().checkpoint.size == world.school.position()
    assert verify_json(settings)[0] == 0


def test_a_rotation_that_crashed_before_the_key_file_moved_is_finished(
    notary: Notary, world: World, settings: Settings
) -> None:
    notary.checkpoint()
    pending = SigningKey.generate(notary.origin)
    pending.save(notary.pending_key_path)
    register = world.school.load(IntegrityRegister, integrity_register_id(), "register")
    register.rotate(pending.verifier().text, "scheduled", system_actor())
    world.school.record(register)
    hold(world, slot=2)
    with Notary.open(settings, world.school.school_id, clock=world.clock) as fresh:
        fresh.checkpoint()
    assert SigningKey.load(notary.key_path).verifier() == pending.verifier()
    assert not notary.pending_key_path.exists()
    assert verify_json(settings)[0] == 0


@pytest.mark.parametrize("args", [["demo"], ["demo", "--students", "30", "--weeks", "1"]])
def test_a_log_the_demo_wrote_is_covered_at_once_and_an_edit_of_it_is_caught(
    settings: Settings, school_id: str, args: list[str]
) -> None:
    """The first finding's second half: an edit of an event made before the first checkpoint
    was signed as genuine by it. Every writer now signs as it finishes, so the edit is caught."""
    result = run_cli(settings, *args)
    assert result.exit_code == 0, result.output
    assert f"Signed a checkpoint of {school_id!r}'s log" in result.output
    code, report = verify_json(settings)
    assert code == 0, report
    assert report["covered"] is True
    assert report["covered_events"] == report["events"] > 100

    school = open_school(settings, school_id, migrate=False)
    try:
        table: str = school.recorder.events_table_name
        early = next(
            n
            for n in school.recorder.select_notifications(start=1, limit=100_000)
            if n.topic.endswith("ClassJournal.MarkRecorded") and b'"value":"5"' in n.state
        )
    finally:
        school.close()
    where = Stored(settings, school_id, table)
    where.overwrite(early.id, where.state(early.id).replace(b'"value":"5"', b'"value":"2"'))

    result = run_cli(settings, "log", "verify")
    assert result.exit_code == 1, result.output
    assert f"(position {early.id}, aggregate {early.originator_id}" in result.output


def test_the_logs_keys_and_the_notarys_refusals_are_rows_of_the_audit_trail(
    notary: Notary, world: World, settings: Settings
) -> None:
    notary.checkpoint()
    old = notary.verifier()
    with Notary.open(
        settings.model_copy(update={"signing_key_dir": settings.signing_key_dir / "elsewhere"}),
        world.school.school_id,
        clock=world.clock,
    ) as misconfigured:
        hold(world, slot=2)
        with pytest.raises(SigningKeyError):
            misconfigured.checkpoint()
    _, new, _ = notary.rotate_key("Плановая смена ключа")
    projector = Projector(world.school, notary.database, [AuditTrail()])
    projector.set_up()
    projector.catch_up()
    integrity = frozenset(
        {
            AuditKind.SIGNING_KEY_REGISTERED,
            AuditKind.SIGNING_KEY_ROTATED,
            AuditKind.NOTARY_REFUSED_TO_SIGN,
            AuditKind.NOTARY_SIGNING_RESUMED,
        }
    )
    with notary.database.transaction(write=False) as cursor:
        page = audit_page(cursor, AuditScope(everything=True), AuditFilter(kinds=integrity))
    rows = {row.kind: row for row in page.rows}
    assert rows[AuditKind.SIGNING_KEY_REGISTERED].value_after == old.fingerprint
    assert rows[AuditKind.SIGNING_KEY_REGISTERED].note == notary.origin
    assert rows[AuditKind.NOTARY_REFUSED_TO_SIGN].value_after == "key-missing"
    assert "there is no key at" in (rows[AuditKind.NOTARY_REFUSED_TO_SIGN].reason or "")
    rotated = rows[AuditKind.SIGNING_KEY_ROTATED]
    assert (rotated.value_before, rotated.value_after) == (old.fingerprint, new.fingerprint)
    assert rotated.reason == "Плановая смена ключа"
    assert rotated.actor_role is Role.SYSTEM
    assert AuditKind.NOTARY_SIGNING_RESUMED in rows  # the rotation's first checkpoint
