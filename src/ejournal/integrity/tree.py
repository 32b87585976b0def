"""The Merkle tree of a school's log, kept in its database as a read model (``merkle_tree``).

The projector applies the log to it in batches, exactly once, like any read model: each stored
event becomes the next leaf (its index is its ordinal in the log), the perfect subtrees it
completes are stored, and the accumulator's compact range is saved with the position reached, all
in the batch's transaction. Storing every perfect subtree (about one row per leaf) makes a root,
an inclusion proof or a consistency proof at any size a few indexed reads rather than a pass over
the log.

The tree is derived data: it can be rebuilt from the log, and ``log verify`` recomputes it from the
stored events. The signed checkpoints are not: their table belongs to the notary, is never dropped
with the tree, and is mirrored outside the database.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from eventsourcing.persistence import Mapper

from ejournal.database import Cursor, Dialect
from ejournal.integrity.canonical import event_leaf_hash
from ejournal.integrity.merkle import (
    MerkleAccumulator,
    consistency_path,
    inclusion_path,
    subtree_from_perfect,
)
from ejournal.projections.projector import ProjectionRaceError
from ejournal.projections.read_model import ReadModel, Recorded

_BYTES: dict[Dialect, str] = {"sqlite": "BLOB", "postgres": "BYTEA"}

CHECKPOINTS_DDL = """CREATE TABLE IF NOT EXISTS merkle_checkpoints (
    size BIGINT PRIMARY KEY,
    root {bytes} NOT NULL,
    signed_at TEXT NOT NULL,
    note TEXT NOT NULL
)"""


class MerkleTree(ReadModel):
    """The school's log as an RFC 9162 tree: leaves, perfect subtrees and the compact range."""

    name: ClassVar[str] = "merkle_tree"
    version: ClassVar[int] = 1
    tables: ClassVar[tuple[str, ...]] = ("merkle_leaves", "merkle_nodes", "merkle_state")

    def __init__(self, mapper: Mapper[Any]) -> None:
        self.mapper = mapper
        """The school application's mapper: it decrypts a stored state when a cipher is set."""

    def events(self) -> frozenset[type] | None:
        """Every event: the tree hashes the whole log."""
        return None

    def create_tables(self, cursor: Cursor, dialect: Dialect) -> None:
        blob = _BYTES[dialect]
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS merkle_leaves ("
            " leaf_index BIGINT PRIMARY KEY,"
            " position BIGINT NOT NULL UNIQUE,"
            f" leaf_hash {blob} NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS merkle_nodes ("
            " level INTEGER NOT NULL,"
            " node_index BIGINT NOT NULL,"
            f" hash {blob} NOT NULL,"
            " PRIMARY KEY (level, node_index))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS merkle_state ("
            " id INTEGER PRIMARY KEY CHECK (id = 1),"
            " size BIGINT NOT NULL,"
            " position BIGINT NOT NULL,"
            f" compact_range {blob} NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO merkle_state (id, size, position, compact_range)"
            " VALUES (1, 0, 0, %(empty)s) ON CONFLICT (id) DO NOTHING",
            {"empty": b""},
        )
        cursor.execute(CHECKPOINTS_DDL.format(bytes=blob))

    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        if not batch:
            return
        state = read_state(cursor, lock=dialect == "postgres")
        if state.position >= batch[0].position:
            # Another projector (the service's, a CLI's notary) hashed these events first; the
            # row lock above made this one wait for it rather than write the same leaves.
            raise ProjectionRaceError("merkle_tree was moved on by another projector")
        accumulator = state.accumulator
        leaves: list[dict[str, Any]] = []
        nodes: list[dict[str, Any]] = []
        for recorded in batch:
            if recorded.stored is None:
                raise ValueError("the Merkle tree hashes stored records: Recorded.stored is unset")
            completed = accumulator.append(event_leaf_hash(recorded.stored, self.mapper))
            leaves.append({"i": completed[0].index, "p": recorded.position, "h": completed[0].hash})
            nodes.extend({"l": n.level, "i": n.index, "h": n.hash} for n in completed[1:])
        cursor.executemany(
            "INSERT INTO merkle_leaves (leaf_index, position, leaf_hash)"
            " VALUES (%(i)s, %(p)s, %(h)s)",
            leaves,
        )
        if nodes:
            cursor.executemany(
                "INSERT INTO merkle_nodes (level, node_index, hash) VALUES (%(l)s, %(i)s, %(h)s)",
                nodes,
            )
        cursor.execute(
            "UPDATE merkle_state SET size = %(size)s, position = %(position)s,"
            " compact_range = %(range)s WHERE id = 1",
            {
                "size": accumulator.size,
                "position": batch[-1].position,
                "range": accumulator.to_bytes(),
            },
        )


# --- reading the stored tree --------------------------------------------------------------------


@dataclass(frozen=True)
class TreeState:
    """How far the tree has got: its size, the last position hashed, its compact range."""

    size: int
    position: int
    accumulator: MerkleAccumulator


@dataclass(frozen=True)
class Leaf:
    """A leaf of the stored tree: its index, the event's position, its hash."""

    index: int
    position: int
    hash: bytes


_STATE = "SELECT size, position, compact_range FROM merkle_state WHERE id = 1"
_STATE_FOR_UPDATE = _STATE + " FOR UPDATE"


def read_state(cursor: Cursor, *, lock: bool = False) -> TreeState:
    """The tree's state row; ``lock`` holds it until the transaction ends (PostgreSQL)."""
    cursor.execute(_STATE_FOR_UPDATE if lock else _STATE)
    row = cursor.fetchone()
    if row is None:
        return TreeState(0, 0, MerkleAccumulator())
    size = int(row["size"])
    return TreeState(
        size, int(row["position"]), MerkleAccumulator.from_bytes(size, bytes(row["compact_range"]))
    )


def read_leaves(cursor: Cursor, start: int, stop: int) -> list[Leaf]:
    """The stored leaves [start, stop), in order."""
    cursor.execute(
        "SELECT leaf_index, position, leaf_hash FROM merkle_leaves"
        " WHERE leaf_index >= %(start)s AND leaf_index < %(stop)s ORDER BY leaf_index",
        {"start": start, "stop": stop},
    )
    return [
        Leaf(int(r["leaf_index"]), int(r["position"]), bytes(r["leaf_hash"]))
        for r in cursor.fetchall()
    ]


def leaf_at(cursor: Cursor, position: int) -> Leaf | None:
    """The leaf of the event at a log position, if the tree has it."""
    cursor.execute(
        "SELECT leaf_index, position, leaf_hash FROM merkle_leaves WHERE position = %(p)s",
        {"p": position},
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return Leaf(int(row["leaf_index"]), int(row["position"]), bytes(row["leaf_hash"]))


class StoredTree:
    """Roots and proofs at any size up to the stored tree's, read from one transaction.

    A proof first works out which perfect subtrees it needs, then reads them in two queries
    (leaves and inner nodes), rather than one query per node.
    """

    def __init__(self, cursor: Cursor) -> None:
        self._cursor = cursor

    def root(self, size: int) -> bytes:
        if size == 0:
            return MerkleAccumulator().root()
        return self._computed(lambda subtree: [subtree(0, size)])[0]

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return self._computed(lambda subtree: inclusion_path(index, size, subtree))

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        return self._computed(lambda subtree: consistency_path(old_size, new_size, subtree))

    def _computed(self, compute: Any) -> list[bytes]:
        wanted: set[tuple[int, int]] = set()

        def record(level: int, index: int) -> bytes:
            wanted.add((level, index))
            return bytes(32)

        compute(subtree_from_perfect(record))
        found = self._perfect(wanted)
        missing = wanted - found.keys()
        if missing:
            raise LookupError(f"the stored tree lacks the subtrees {sorted(missing)[:3]}")
        result: list[bytes] = compute(subtree_from_perfect(lambda lv, ix: found[(lv, ix)]))
        return result

    def _perfect(self, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        found: dict[tuple[int, int], bytes] = {}
        leaves = sorted(index for level, index in wanted if level == 0)
        nodes = sorted((level, index) for level, index in wanted if level > 0)
        for chunk in _chunks(leaves):
            params = {f"i{n}": index for n, index in enumerate(chunk)}
            marks = ", ".join(f"%(i{n})s" for n in range(len(chunk)))
            self._cursor.execute(
                "SELECT leaf_index, leaf_hash FROM merkle_leaves"  # noqa: S608 (only placeholders)
                f" WHERE leaf_index IN ({marks})",
                params,
            )
            for row in self._cursor.fetchall():
                found[(0, int(row["leaf_index"]))] = bytes(row["leaf_hash"])
        for chunk in _chunks(nodes):
            params = {}
            conditions = []
            for n, (level, index) in enumerate(chunk):
                params[f"l{n}"], params[f"i{n}"] = level, index
                conditions.append(f"(level = %(l{n})s AND node_index = %(i{n})s)")
            self._cursor.execute(
                "SELECT level, node_index, hash FROM merkle_nodes"  # noqa: S608 (only placeholders)
                f" WHERE {' OR '.join(conditions)}",
                params,
            )
            for row in self._cursor.fetchall():
                found[(int(row["level"]), int(row["node_index"]))] = bytes(row["hash"])
        return found


def _chunks(items: Sequence[Any], size: int = 200) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
