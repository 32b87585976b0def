"""Verifying a school's log from what is stored: ``ejournal log verify``.

Every stored event is read back through the application's recorder and mapper and hashed again;
each leaf is compared with the stored tree's, and the first that differs is named (its index,
position, aggregate and version). The roots are recomputed at every checkpoint's size from those
leaves alone and compared with what each checkpoint signed. Every checkpoint's signature is checked
with the school's key, consecutive checkpoints must be consistent, and the checkpoints kept in the
directory outside the database must all be in the database, unchanged, and be extended by the
database's newest checkpoint: a history rewritten in the database, even with its tree and
checkpoints re-derived, fails there. A kept checkpoint the database does not know is only noted
when its signature checks out and its root is the one recomputed from the stored events at its
size: it is genuine, and the log it vouches for is intact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

from eventsourcing.persistence import Notification

from ejournal.integrity.canonical import CanonicalFormError, event_leaf_hash
from ejournal.integrity.checkpoint import (
    Checkpoint,
    CheckpointError,
    VerifierKey,
    open_signed,
    read_unverified,
)
from ejournal.integrity.merkle import MerkleAccumulator, leaf_hash, verify_consistency
from ejournal.integrity.notary import Notary
from ejournal.integrity.tree import Leaf, StoredTree, read_leaves, read_state

PAGE = 1000

Progress = Callable[[int, int], None]
"""Told (log position reached, head of the log) after each page of events."""


@dataclass(frozen=True)
class LeafMismatch:
    """A stored event whose leaf is not the one the tree (and its checkpoints) hold."""

    index: int
    position: int | None
    originator_id: str | None
    originator_version: int | None
    reason: str

    def describe(self) -> str:
        where = f"leaf {self.index}"
        if self.position is not None:
            where += (
                f" (position {self.position}, aggregate {self.originator_id}"
                f" version {self.originator_version})"
            )
        return f"{where}: {self.reason}"


@dataclass
class LogReport:
    """What a verification found: the counts, the first leaf that does not match, and every
    problem with the tree or its checkpoints."""

    school: str
    events: int = 0
    tree_size: int = 0
    checkpoints: int = 0
    directory_checkpoints: int = 0
    first_mismatch: LeafMismatch | None = None
    mismatches: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_mismatch is None and not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def verify_log(notary: Notary, progress: Progress | None = None) -> LogReport:
    """Recompute the school's tree from its stored events and check it and every checkpoint."""
    report = LogReport(school=notary.school.school_id)
    try:
        verifier = notary.existing_verifier()
        unusable = None if verifier else "is missing"
    except CheckpointError as error:
        verifier, unusable = None, f"cannot be used: {error.detail}"
    stored = _StoredCheckpoints.read(notary, verifier, unusable, report)
    with notary.database.transaction(write=False) as cursor:
        report.tree_size = read_state(cursor).size
    roots = _recompute(notary, report, stored.sizes(), progress)
    if report.events > report.tree_size:
        report.warnings.append(
            f"{report.events - report.tree_size} recent events are not in the tree yet"
            " (the service's projector hashes them)"
        )
    stored.check(notary, report, roots)
    return report


# --- the events, hashed again -------------------------------------------------------------------


def _recompute(
    notary: Notary, report: LogReport, sizes: set[int], progress: Progress | None
) -> dict[int, bytes]:
    """Hash every stored event, compare each leaf with the stored tree's, and return the roots
    recomputed at the given sizes."""
    accumulator = MerkleAccumulator()
    roots: dict[int, bytes] = {0: accumulator.root()} if 0 in sizes else {}
    head = notary.school.position()
    leaves = _stored_leaves(notary, report.tree_size)
    mapper = notary.school.mapper
    for page in _pages(notary):
        for notification in page:
            index = accumulator.size
            try:
                computed = event_leaf_hash(notification, mapper)
                unreadable = None
            except CanonicalFormError as error:
                # Still a leaf, so later roots are computed: it cannot match what was signed.
                computed = leaf_hash(b"unreadable:" + notification.state)
                unreadable = str(error)
            if index < report.tree_size:
                expected = next(leaves)
                reason = unreadable or _difference(expected, notification, computed)
                if reason is not None:
                    _mismatch(report, index, notification, reason)
            accumulator.append(computed)
            if accumulator.size in sizes:
                roots[accumulator.size] = accumulator.root()
        report.events = accumulator.size
        if progress is not None and page:
            progress(page[-1].id, head)
    if report.events < report.tree_size:
        missing = next(leaves)
        report.mismatches += report.tree_size - report.events
        if report.first_mismatch is None:
            report.first_mismatch = LeafMismatch(
                index=missing.index,
                position=missing.position,
                originator_id=None,
                originator_version=None,
                reason=(
                    f"the tree holds {report.tree_size} events but the log only {report.events}:"
                    f" the event at position {missing.position} and later ones are gone"
                ),
            )
    return roots


def _difference(expected: Leaf, notification: Notification, computed: bytes) -> str | None:
    if expected.position != notification.id:
        return (
            f"the tree's leaf is the event at position {expected.position}, the log's is at"
            f" {notification.id}: events were removed or inserted"
        )
    if expected.hash != computed:
        return (
            f"the stored event hashes to {computed.hex()}, the tree holds {expected.hash.hex()}:"
            " the stored event was changed"
        )
    return None


def _mismatch(report: LogReport, index: int, notification: Notification, reason: str) -> None:
    report.mismatches += 1
    if report.first_mismatch is None:
        report.first_mismatch = LeafMismatch(
            index=index,
            position=notification.id,
            originator_id=str(notification.originator_id),
            originator_version=notification.originator_version,
            reason=reason,
        )


def _pages(notary: Notary) -> Iterator[list[Notification]]:
    start = 1
    while True:
        page = list(notary.school.recorder.select_notifications(start=start, limit=PAGE))
        if not page:
            return
        yield page
        start = page[-1].id + 1


def _stored_leaves(notary: Notary, size: int) -> Iterator[Leaf]:
    start = 0
    while start < size:
        with notary.database.transaction(write=False) as cursor:
            page = read_leaves(cursor, start, min(size, start + PAGE))
        expected = start
        for leaf in page:
            if leaf.index != expected:
                break
            yield leaf
            expected += 1
        if expected != min(size, start + PAGE):
            # A hole in the stored tree: report against a leaf that can match nothing.
            while True:
                yield Leaf(expected, -1, b"")
        start = expected


# --- the checkpoints ----------------------------------------------------------------------------


@dataclass
class _StoredCheckpoints:
    """The checkpoints of the database and of the directory, signatures checked."""

    database: list[tuple[str, Checkpoint]]
    directory: list[tuple[str, Checkpoint]]

    @classmethod
    def read(
        cls, notary: Notary, verifier: VerifierKey | None, unusable: str | None, report: LogReport
    ) -> _StoredCheckpoints:
        with notary.database.transaction(write=False) as cursor:
            cursor.execute("SELECT size, root, note FROM merkle_checkpoints ORDER BY size")
            rows = cursor.fetchall()
        files = notary.directory_checkpoints()
        report.checkpoints, report.directory_checkpoints = len(rows), len(files)
        if verifier is None:
            if rows or files:
                report.problems.append(
                    f"the school's signing key {notary.key_path} {unusable}:"
                    " no checkpoint's signature can be checked"
                )
            return cls([], [])
        database: list[tuple[str, Checkpoint]] = []
        for row in rows:
            where = f"the database's checkpoint of size {row['size']}"
            checkpoint = _opened(str(row["note"]), verifier, where, report)
            if checkpoint is None:
                continue
            if checkpoint.size != int(row["size"]) or checkpoint.root != bytes(row["root"]):
                report.problems.append(f"{where}: its columns differ from its signed note")
                continue
            database.append((str(row["note"]), checkpoint))
        directory: list[tuple[str, Checkpoint]] = []
        for path, note in files:
            checkpoint = _opened(note, verifier, f"the checkpoint file {path}", report)
            if checkpoint is None:
                continue
            if path.name != notary.checkpoint_path(checkpoint.size).name:
                report.problems.append(f"the checkpoint file {path} holds size {checkpoint.size}")
                continue
            directory.append((note, checkpoint))
        return cls(database, directory)

    def sizes(self) -> set[int]:
        return {c.size for _, c in self.database} | {c.size for _, c in self.directory}

    def check(self, notary: Notary, report: LogReport, roots: dict[int, bytes]) -> None:
        for where, checkpoints in (("database", self.database), ("directory", self.directory)):
            for _, checkpoint in checkpoints:
                size = checkpoint.size
                if size > report.events:
                    report.problems.append(
                        f"the {where}'s checkpoint of size {size} covers more events than the"
                        f" log holds ({report.events}): events were removed"
                    )
                elif roots.get(size) != checkpoint.root:
                    report.problems.append(
                        f"the {where}'s checkpoint of size {size} signed a root the stored"
                        " events no longer hash to"
                    )
        in_database = {c.size: note for note, c in self.database}
        for note, checkpoint in self.directory:
            kept = in_database.get(checkpoint.size)
            if kept is None and roots.get(checkpoint.size) == checkpoint.root:
                # Signed by the school's key over the root the stored log still hashes to: a
                # genuine checkpoint whose database row was lost, as when a notary of an earlier
                # version wrote its file and then crashed before committing it. The log is
                # intact; a history rewritten after it would not hash to its root.
                report.warnings.append(
                    f"the checkpoint of size {checkpoint.size} kept in the directory is not in"
                    " the database, but it is signed by the school's key and its root is the"
                    " log's at that size: a checkpoint whose database row was never committed"
                    " (a crash while signing), not a change of the log"
                )
            elif kept is None:
                report.problems.append(
                    f"the checkpoint of size {checkpoint.size} kept in the directory is missing"
                    " from the database"
                )
            elif kept != note:
                report.problems.append(
                    f"the checkpoint of size {checkpoint.size} kept in the directory differs"
                    " from the database's"
                )
        in_directory = {c.size for _, c in self.directory}
        unmirrored = [c.size for _, c in self.database if c.size not in in_directory]
        if unmirrored:
            report.warnings.append(
                f"{len(unmirrored)} of the database's checkpoints are not in the directory"
                f" {notary.checkpoint_dir} (sizes {', '.join(map(str, unmirrored[:5]))}…)"
            )
        self._check_consistency(notary, report)

    def _check_consistency(self, notary: Notary, report: LogReport) -> None:
        """Consecutive database checkpoints, and each directory checkpoint against the newest
        database checkpoint: the stored tree must prove that the later extends the earlier."""
        pairs: list[tuple[str, Checkpoint, Checkpoint]] = []
        ordered = sorted((c for _, c in self.database), key=lambda c: c.size)
        pairs.extend(("database", old, new) for old, new in pairwise(ordered))
        if ordered:
            newest = ordered[-1]
            pairs.extend(
                ("directory", kept, newest) for _, kept in self.directory if kept.size < newest.size
            )
        with notary.database.transaction(write=False) as cursor:
            tree = StoredTree(cursor)
            tree_size = read_state(cursor).size
            for _, checkpoint in self.database:
                if checkpoint.size > tree_size:
                    report.problems.append(
                        f"the checkpoint of size {checkpoint.size} is beyond the stored tree"
                        f" ({tree_size} leaves)"
                    )
                elif _stored_root(tree, checkpoint.size, report) not in (None, checkpoint.root):
                    report.problems.append(
                        f"the stored tree's root at size {checkpoint.size} is not the one its"
                        " checkpoint signed: the tree's rows were changed"
                    )
            for where, old, new in pairs:
                if new.size > tree_size:
                    continue  # said above
                try:
                    proof = tree.consistency_proof(old.size, new.size)
                except LookupError as error:
                    report.problems.append(f"the stored tree is incomplete: {error}")
                    continue
                if not verify_consistency(old.size, new.size, old.root, new.root, proof):
                    report.problems.append(
                        f"the database's checkpoint of size {new.size} is not consistent with"
                        f" the {where}'s checkpoint of size {old.size}: history was rewritten"
                    )


def _stored_root(tree: StoredTree, size: int, report: LogReport) -> bytes | None:
    try:
        return tree.root(size)
    except LookupError as error:
        report.problems.append(f"the stored tree is incomplete: {error}")
        return None


def _opened(note: str, verifier: VerifierKey, where: str, report: LogReport) -> Checkpoint | None:
    try:
        return open_signed(note, verifier)
    except CheckpointError as error:
        try:
            claimed = f" (it claims size {read_unverified(note).size})"
        except CheckpointError:
            claimed = ""
        report.problems.append(f"{where}{claimed} does not verify: {error.detail}")
        return None
