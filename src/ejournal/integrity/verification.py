"""Verifying a school's log from what is stored: ``ejournal log verify``.

Every stored event is read back through the application's recorder and mapper, checked to be an
event the application could have written (it decodes, and its stored bytes are the canonical
bytes its decoded event encodes to), and hashed again;
each leaf is compared with the stored tree's, and the first that differs is named (its index,
position, aggregate and version). The roots are recomputed at every checkpoint's size from those
leaves alone and compared with what each checkpoint signed. Every checkpoint's signature is checked
with the school's key, consecutive checkpoints must be consistent, and the checkpoints kept in the
directory outside the database must all be in the database, unchanged, and be extended by the
database's newest checkpoint: a history rewritten in the database, even with its tree and
checkpoints re-derived, fails there. A kept checkpoint the database does not know is only noted
when its signature checks out and its root is the one recomputed from the stored events at its
size: it is genuine, and the log it vouches for is intact.

Signatures are checked with the keys the log itself names (``IntegrityRegister``): a checkpoint
with the key named last among the events it covers, before any, the log's first key. The key file
is not needed, and a key directory set wrongly changes nothing here (it is noted). A log from
before key events is checked with the key file, as before.

Finally, what no checkpoint vouches for is counted: the events after the newest checkpoint that
checks out. Nothing proves such events were not changed in the database, so ``log verify`` says
how many there are and exits with a code of its own (``EXIT_UNCOVERED``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import orjson
from eventsourcing.persistence import Mapper, Notification
from pydantic import BaseModel

from ejournal.integrity.canonical import CanonicalFormError, event_leaf_hash, plaintext_state
from ejournal.integrity.checkpoint import (
    Checkpoint,
    CheckpointError,
    VerifierKey,
    open_signed,
    read_unverified,
)
from ejournal.integrity.merkle import MerkleAccumulator, leaf_hash, verify_consistency
from ejournal.integrity.notary import KEY_EVENT_TOPICS, Notary, NotaryRefusedError, key_in_force
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
    malformed: list[LeafMismatch] = field(default_factory=list)
    """Stored events the application could not have written: undecodable or not canonical (the
    first ``MAX_NAMED``; ``malformed_count`` counts them all)."""
    malformed_count: int = 0
    covered_events: int = 0
    """The size of the newest checkpoint that checks out: the events it vouches for."""
    uncovered_events: int = 0
    """Events after it: no checkpoint vouches for them (yet)."""
    first_uncovered_position: int | None = None
    keys: list[str] = field(default_factory=list)
    """The fingerprints of the keys the log names, in order."""
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing stored contradicts the log's checkpoints or its own form."""
        return self.first_mismatch is None and not self.problems and not self.malformed_count

    @property
    def covered(self) -> bool:
        """Every stored event is under a signed checkpoint."""
        return self.uncovered_events == 0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok, "covered": self.covered}


MAX_NAMED = 20


def verify_log(notary: Notary, progress: Progress | None = None) -> LogReport:
    """Recompute the school's tree from its stored events and check it and every checkpoint."""
    report = LogReport(school=notary.school.school_id)
    rows, files = _read_checkpoints(notary, report)
    with notary.database.transaction(write=False) as cursor:
        report.tree_size = read_state(cursor).size
    sizes = {size for size in (_claimed_size(n) for n in [*rows.values(), *files.values()]) if size}
    roots, keys, positions = _recompute(notary, report, sizes | {0}, progress)
    if report.events > report.tree_size:
        report.warnings.append(
            f"{report.events - report.tree_size} recent events are not in the tree yet"
            " (the service's projector hashes them)"
        )
    key_for = _keys(notary, report, keys)
    stored = _StoredCheckpoints.read(notary, key_for, rows, files, report)
    stored.check(notary, report, roots)
    _coverage(report, stored, roots, positions)
    return report


def _read_checkpoints(notary: Notary, report: LogReport) -> tuple[dict[int, str], dict[Path, str]]:
    with notary.database.transaction(write=False) as cursor:
        cursor.execute("SELECT size, root, note FROM merkle_checkpoints ORDER BY size")
        rows = cursor.fetchall()
    files = dict(notary.directory_checkpoints())
    report.checkpoints, report.directory_checkpoints = len(rows), len(files)
    return {int(r["size"]): str(r["note"]) for r in rows}, files


def _claimed_size(note: str) -> int | None:
    try:
        return read_unverified(note).size
    except CheckpointError:
        return None


def _keys(
    notary: Notary, report: LogReport, keys: list[tuple[int, VerifierKey]]
) -> Callable[[int], VerifierKey | str]:
    """Which key checks a checkpoint of a size: the log's (``key_in_force``), or for a log
    that names none, the key file's; a sentence instead when there is none."""
    report.keys = [key.fingerprint for _, key in keys]
    try:
        at_hand = notary.key_file_verifier()
        unusable = None if at_hand is not None else "is missing"
    except NotaryRefusedError as error:
        at_hand, unusable = None, f"cannot be used: {error.detail}"
    if keys:
        current = keys[-1][1]
        if at_hand is None:
            report.warnings.append(
                f"the signing key {notary.key_path} {unusable}: the notary cannot sign until"
                f" it holds the key the log names ({current.fingerprint})"
            )
        elif at_hand != current:
            report.warnings.append(
                f"the signing key {notary.key_path} ({at_hand.fingerprint}) is not the key the"
                f" log names ({current.fingerprint}): the notary refuses to sign with it"
            )
        return lambda size: key_in_force(keys, size) or current
    if at_hand is not None:
        report.warnings.append(
            "the log names no signing key (a log from before key events): its checkpoints are"
            f" checked with the key file {notary.key_path}"
        )
        return lambda _: at_hand
    sentence = f"the school's signing key {notary.key_path} {unusable}, and the log names none"
    return lambda _: sentence


def _coverage(
    report: LogReport,
    stored: _StoredCheckpoints,
    roots: dict[int, bytes],
    positions: dict[int, int],
) -> None:
    """How many events the newest checkpoint that checks out vouches for, and how many wait."""
    genuine = [
        c.size
        for _, c in (*stored.database, *stored.directory)
        if c.size <= report.events and roots.get(c.size) == c.root
    ]
    report.covered_events = max(genuine, default=0)
    report.uncovered_events = report.events - report.covered_events
    if report.uncovered_events:
        report.first_uncovered_position = positions.get(report.covered_events)


# --- the events, hashed again -------------------------------------------------------------------


def _recompute(
    notary: Notary, report: LogReport, sizes: set[int], progress: Progress | None
) -> tuple[dict[int, bytes], list[tuple[int, VerifierKey]], dict[int, int]]:
    """Hash every stored event, check its form, compare each leaf with the stored tree's, and
    return the roots recomputed at the given sizes, the keys the log names (with the index of
    the leaf that names each) and, for each of those sizes, the position of the event after
    it (the first one a checkpoint of that size does not cover)."""
    accumulator = MerkleAccumulator()
    roots: dict[int, bytes] = {0: accumulator.root()} if 0 in sizes else {}
    keys: list[tuple[int, VerifierKey]] = []
    positions: dict[int, int] = {}
    head = notary.school.position()
    leaves = _stored_leaves(notary, report.tree_size)
    mapper = notary.school.mapper
    for page in _pages(notary):
        for notification in page:
            index = accumulator.size
            if index in sizes:
                positions[index] = notification.id
            malformed = _malformed(notification, mapper, keys, index)
            if malformed is not None:
                report.malformed_count += 1
                if len(report.malformed) < MAX_NAMED:
                    report.malformed.append(_named(index, notification, malformed))
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
    return roots, keys, positions


def _named(index: int, notification: Notification, reason: str) -> LeafMismatch:
    return LeafMismatch(
        index=index,
        position=notification.id,
        originator_id=str(notification.originator_id),
        originator_version=notification.originator_version,
        reason=reason,
    )


def _malformed(
    notification: Notification,
    mapper: Mapper[Any],
    keys: list[tuple[int, VerifierKey]],
    index: int,
) -> str | None:
    """Why a stored event is not one the application could have written, or None: it must
    decode, be stored in the transcoder's canonical bytes (sorted keys, no spaces), and, of the
    event class's current version, hold exactly what its decoded event encodes to (a field
    added to the class since may be absent, holding its default). Collects the keys the log
    names on the way."""
    data = _stored_state(notification, mapper)
    if isinstance(data, str):
        return data
    try:
        event = mapper.to_domain_event(notification)
    except Exception as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        return f"the stored event does not decode as {notification.topic}: {first}"
    if notification.topic in KEY_EVENT_TOPICS:
        try:
            keys.append((index, VerifierKey.from_text(event.verifier_key)))  # type: ignore[attr-defined]
        except CheckpointError as error:
            return f"the key event names no usable key: {error.detail}"
    if not isinstance(event, BaseModel):
        return None
    if data.get("class_version", 1) != getattr(type(event), "class_version", 1):
        return None  # an older version, upcast when read: its bytes are its own version's
    return _not_as_written(event, data, mapper)


def _stored_state(notification: Notification, mapper: Mapper[Any]) -> dict[str, Any] | str:
    """The stored state as JSON, or why it is not the canonical JSON object the transcoder
    writes."""
    try:
        plain = plaintext_state(notification.state, mapper)
        data = orjson.loads(plain)
    except (CanonicalFormError, orjson.JSONDecodeError) as error:
        return f"the stored event cannot be read: {error}"
    if not isinstance(data, dict):
        return "the stored event is not a JSON object"
    if orjson.dumps(data, option=orjson.OPT_SORT_KEYS) != plain:
        return (
            "the stored bytes are not in the canonical form the application writes (sorted"
            " keys, no spaces): they were written by something else"
        )
    return data


def _not_as_written(event: BaseModel, data: dict[str, Any], mapper: Mapper[Any]) -> str | None:
    """Where a decoded event's stored state differs from what encoding it gives."""
    dumped = event.model_dump(mode="json", exclude={"originator_id", "originator_version"})
    if "class_version" in data:
        dumped["class_version"] = data["class_version"]
    again: dict[str, Any] = orjson.loads(mapper.transcoder.encode(dumped))
    declared = type(event).model_fields
    for name, value in again.items():
        if name not in data:
            field_info = declared.get(name)
            if (
                field_info is None
                or field_info.is_required()
                or getattr(event, name) != field_info.get_default(call_default_factory=True)
            ):
                return f"its field {name!r} is missing"
        elif data[name] != value:
            return (
                f"its field {name!r} is stored as {_short(data[name])} but reads back as"
                f" {_short(value)}: the application never wrote these bytes"
            )
    return None


def _short(value: Any) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= 60 else text[:57] + "..."


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
        cls,
        notary: Notary,
        key_for: Callable[[int], VerifierKey | str],
        rows: dict[int, str],
        files: dict[Path, str],
        report: LogReport,
    ) -> _StoredCheckpoints:
        database: list[tuple[str, Checkpoint]] = []
        roots = _stored_roots(notary)
        for size, note in rows.items():
            where = f"the database's checkpoint of size {size}"
            checkpoint = _opened(note, key_for, where, report)
            if checkpoint is None:
                continue
            if checkpoint.size != size or checkpoint.root != roots.get(size):
                report.problems.append(f"{where}: its columns differ from its signed note")
                continue
            database.append((note, checkpoint))
        directory: list[tuple[str, Checkpoint]] = []
        for path, note in files.items():
            checkpoint = _opened(note, key_for, f"the checkpoint file {path}", report)
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


def _stored_roots(notary: Notary) -> dict[int, bytes]:
    with notary.database.transaction(write=False) as cursor:
        cursor.execute("SELECT size, root FROM merkle_checkpoints")
        return {int(r["size"]): bytes(r["root"]) for r in cursor.fetchall()}


def _opened(
    note: str, key_for: Callable[[int], VerifierKey | str], where: str, report: LogReport
) -> Checkpoint | None:
    try:
        verifier = key_for(read_unverified(note).size)
        if isinstance(verifier, str):
            problem = f"no checkpoint's signature can be checked: {verifier}"
            if problem not in report.problems:
                report.problems.append(problem)
            return None
        return open_signed(note, verifier)
    except CheckpointError as error:
        try:
            claimed = f" (it claims size {read_unverified(note).size})"
        except CheckpointError:
            claimed = ""
        report.problems.append(f"{where}{claimed} does not verify: {error.detail}")
        return None
