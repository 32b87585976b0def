"""The school's notary: keeps the log's Merkle tree current and signs checkpoints of it.

The tree is the ``merkle_tree`` read model (``tree.py``), tracked exactly once like every read
model; the service's projector keeps it current and calls ``checkpoint_if_due`` after each pass,
and the notary catches it up itself when asked for a checkpoint. A checkpoint is signed with the
school's Ed25519 key, read from ``<signing_key_dir>/<school_id>.key`` (never in the database),
stored in the database and written to ``<checkpoint_dir>/<school_id>/``, so that a database
rewritten by someone who can bypass its triggers no longer matches the checkpoints kept beside
it. Before signing, the notary checks that the tree extends its last checkpoint: it never signs a
history that contradicts one it signed before.

The key belongs to the log: the first checkpoint of a log names its key in the log
(``IntegrityRegister.SigningKeyRegistered``, made for a new log, or the key file that signed an
existing log's checkpoints), and ``rotate_key`` names a new one with a reason. A checkpoint is
signed by the key the log names last among the events it covers (``key_in_force``). The notary
refuses to sign with a key file the log does not name, and never makes a key for a log that has
one or has checkpoints: a command run with another key directory is told so, naming the key file
and both fingerprints, instead of starting a history nobody can verify. Refusals
(``NotaryRefusedError``) are recorded in the log once per distinct reason, logged in one line, and
reported by ``integrity_status`` (``/health``).

The file is written only once the database has committed its checkpoint (a temporary file, then
an atomic rename), so no file ever exists that no committed state explains: written before the
commit, a crash between the two left a file the database never learnt of, which ``log verify``
then took for a checkpoint removed from the database. A crash between the commit and the rename
leaves a database checkpoint without its file, which is harmless: the notary writes the missing
files of the database's checkpoints when it starts (its first ``checkpoint_if_due``, or any
``checkpoint``), and ``log verify`` meanwhile only notes them.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from eventsourcing.utils import get_topic

from ejournal import storage
from ejournal.access import system_actor
from ejournal.aggregates.base import DomainEvent
from ejournal.aggregates.integrity_register import (
    IntegrityRegister,
    IntegrityRegisterError,
    NotaryRefusal,
    RefusalReason,
    integrity_register_id,
)
from ejournal.application import School
from ejournal.clock import Clock
from ejournal.database import Cursor, SchoolDatabase, open_database
from ejournal.errors import EjournalError, NotFoundError
from ejournal.integrity.canonical import canonical_bytes
from ejournal.integrity.checkpoint import (
    Checkpoint,
    CheckpointError,
    SigningKey,
    VerifierKey,
    open_signed,
    origin_for,
    read_unverified,
    sign,
)
from ejournal.integrity.merkle import verify_consistency
from ejournal.integrity.tree import (
    Leaf,
    MerkleTree,
    StoredTree,
    leaf_at,
    read_leaves,
    read_state,
)
from ejournal.projections.projector import ProjectionRaceError, Projector
from ejournal.schools import open_school, school_exists
from ejournal.settings import Settings

STORAGE_RETRY_SECONDS = 1.0
"""How soon the notary tries again after the database failed it (a cut connection, a restart)."""

log = logging.getLogger(__name__)

CHECKPOINT_SUFFIX = ".checkpoint"
_PAGE = 1000
_RACE_RETRIES = 20
_NO_LIMIT = 2**62


class ProofRequestError(EjournalError):
    """A proof was asked for between sizes or of a leaf that do not fit together."""

    slug = "proof-request-invalid"
    title = "No such proof"
    status = 422


class NotaryRefusedError(EjournalError):
    """The notary will not sign a checkpoint; ``reason`` says which kind of refusal it is."""

    slug = "notary-refused"
    title = "The notary refuses to sign the log"
    status = 409
    reason: RefusalReason = RefusalReason.KEY_UNUSABLE


class HistoryRewrittenError(NotaryRefusedError):
    """The stored tree does not extend the last signed checkpoint: the log was changed."""

    slug = "history-rewritten"
    title = "The log no longer extends its last signed checkpoint"
    reason = RefusalReason.HISTORY_REWRITTEN


class SigningKeyError(NotaryRefusedError):
    """The key at hand is not the key the log names (or there is none, or it cannot be read):
    signing with it would make checkpoints nobody could verify against the log's key."""

    slug = "signing-key-not-named"
    title = "The signing key is not the one the log names"

    def __init__(self, detail: str, reason: RefusalReason) -> None:
        super().__init__(detail)
        self.reason = reason


KEY_EVENT_TOPICS = (
    get_topic(IntegrityRegister.SigningKeyRegistered),
    get_topic(IntegrityRegister.SigningKeyRotated),
)
"""The events that name a signing key in the log."""


@dataclass(frozen=True)
class KeyEvent:
    """A key the log names, and the position of the event that names it."""

    position: int
    key: VerifierKey
    rotation_reason: str | None
    """None for the first key's registration."""


def key_in_force(keys: list[tuple[int, VerifierKey]], size: int) -> VerifierKey | None:
    """The key a checkpoint of ``size`` leaves must be signed by, from the log's key events as
    (leaf index, key) in log order: the last one among its leaves, and before any, the log's
    first key (a log from before key events registered the key that had signed it)."""
    if not keys:
        return None
    inside = [key for index, key in keys if index < size]
    return inside[-1] if inside else keys[0][1]


@dataclass(frozen=True)
class IntegrityStatus:
    """How well the log is covered by signed checkpoints, for /health and operators."""

    status: str
    """"ok", "uncovered" (events wait for a checkpoint) or "refused" (the notary will not sign)."""
    degraded: bool
    """Refused, or events waited longer than ``uncovered_grace_seconds``."""
    checkpoint_size: int
    checkpoint_time: datetime | None
    uncovered_events: int
    oldest_uncovered_at: datetime | None
    refusal: NotaryRefusal | None
    key_fingerprint: str | None


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint and the signed note it was read from (the note is what is published)."""

    checkpoint: Checkpoint
    note: str


class Notary:
    """One school's tree, key and checkpoints."""

    def __init__(
        self,
        settings: Settings,
        school: School,
        database: SchoolDatabase,
        *,
        clock: Clock | None = None,
        owns: bool = False,
    ) -> None:
        """A notary over an open school and its database (the service shares its own); ``owns``
        closes them with the notary."""
        self.settings = settings
        self.school = school
        self.database = database
        self.clock: Clock = clock or school.clock
        self.tree = MerkleTree(school.mapper)
        """The read model: the service's projector applies it with the others."""
        self._owns = owns
        self._projector = Projector(school, database, [self.tree])
        self._projector.set_up()
        self._key: SigningKey | None = None
        self._named: list[KeyEvent] = []
        self._named_seen = 0
        self._named_lock = threading.Lock()
        self._named_frozen: ContextVar[list[KeyEvent] | None] = ContextVar(
            f"ejournal_named_keys_{id(self)}", default=None
        )
        self._retry_after: datetime | None = None
        self._mirrored = False
        self.refusal: NotaryRefusedError | None = None
        """The refusal of this notary's last attempt to sign, if it refused."""

    @classmethod
    def open(cls, settings: Settings, school_id: str, *, clock: Clock | None = None) -> Notary:
        """The notary of an existing school, with its own connections (the CLI's, a script's)."""
        if not school_exists(settings, school_id):
            raise NotFoundError(f"no school {school_id!r} in this deployment")
        school = open_school(settings, school_id, clock=clock, migrate=False)
        try:
            database = open_database(settings, school_id)
        except BaseException:
            school.close()
            raise
        return cls(settings, school, database, clock=clock, owns=True)

    def close(self) -> None:
        if self._owns:
            self.database.close()
            self.school.close()

    def __enter__(self) -> Notary:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- the tree ---------------------------------------------------------------------------

    def catch_up(self, limit: int | None = None) -> int:
        """Hash the events recorded since the last pass (or ``limit`` of them) into the tree;
        returns its size."""
        for _ in range(_RACE_RETRIES):
            try:
                self._projector.catch_up(limit=limit)
                break
            except ProjectionRaceError:
                continue  # another projector hashed that batch: go on from where it stopped
        return self.size()

    def size(self) -> int:
        """How many events the tree holds."""
        with self.database.transaction(write=False) as cursor:
            return read_state(cursor).size

    def root(self, size: int) -> bytes:
        """The tree's root at a size it has reached."""
        with self.database.transaction(write=False) as cursor:
            self._check_size(cursor, size)
            return StoredTree(cursor).root(size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """The audit path of leaf ``index`` in the tree of ``size`` leaves."""
        if not 0 <= index < size:
            raise ProofRequestError(f"leaf {index} is not in a tree of {size} leaves")
        with self.database.transaction(write=False) as cursor:
            self._check_size(cursor, size)
            return StoredTree(cursor).inclusion_proof(index, size)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """The proof that the tree of ``new_size`` leaves extends the one of ``old_size``."""
        if not 0 <= old_size <= new_size:
            raise ProofRequestError(f"a tree of {new_size} leaves cannot extend one of {old_size}")
        with self.database.transaction(write=False) as cursor:
            self._check_size(cursor, new_size)
            return StoredTree(cursor).consistency_proof(old_size, new_size)

    def leaf(self, position: int) -> Leaf:
        """The leaf of the event at a log position (index, position, hash)."""
        with self.database.transaction(write=False) as cursor:
            found = leaf_at(cursor, position)
        if found is None:
            raise NotFoundError(f"no event at position {position} in the tree")
        return found

    def leaves(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """The canonical bytes of the leaves [start, stop) (to the tree's size), read from the
        stored events: the lines of the log's JSON Lines form, without their newlines."""
        size = self.size()
        stop = size if stop is None else stop
        if not 0 <= start <= stop <= size:
            raise ProofRequestError(f"no leaves [{start}, {stop}) in a tree of {size} leaves")
        while start < stop:
            with self.database.transaction(write=False) as cursor:
                page = read_leaves(cursor, start, min(stop, start + _PAGE))
            if not page:
                raise HistoryRewrittenError(f"the stored tree lacks its leaf {start}")
            notifications = self.school.recorder.select_notifications(
                start=page[0].position, limit=len(page), stop=page[-1].position
            )
            if [n.id for n in notifications] != [leaf.position for leaf in page]:
                raise HistoryRewrittenError(
                    f"the log no longer holds the events of leaves {start} to {start + len(page)}"
                )
            for notification in notifications:
                yield canonical_bytes(notification, self.school.mapper)
            start += len(page)

    def _check_size(self, cursor: Cursor, size: int) -> None:
        reached = read_state(cursor).size
        if size > reached:
            raise NotFoundError(f"the tree has {reached} leaves; it has no state of {size}")

    # --- keys -------------------------------------------------------------------------------

    @property
    def key_path(self) -> Path:
        """The school's signing key file."""
        return self.settings.signing_key_dir / f"{self.school.school_id}.key"

    @property
    def pending_key_path(self) -> Path:
        """Where a rotation writes the new key before the log names it."""
        return self.key_path.with_name(f"{self.key_path.name}.pending")

    def named_keys(self) -> list[KeyEvent]:
        """The keys the log names, in log order (read once, then only what is new)."""
        frozen = self._named_frozen.get()
        if frozen is not None:
            return list(frozen)  # read before the signing transaction (see ``_sign``)
        with self._named_lock:
            while True:
                page = self.school.recorder.select_notifications(
                    start=self._named_seen + 1, limit=_PAGE, topics=KEY_EVENT_TOPICS
                )
                for notification in page:
                    event = cast(
                        IntegrityRegister.SigningKeyRegistered
                        | IntegrityRegister.SigningKeyRotated,
                        self.school.mapper.to_domain_event(notification),
                    )
                    reason = getattr(event, "reason", None)
                    key = VerifierKey.from_text(event.verifier_key)
                    self._named.append(KeyEvent(notification.id, key, reason))
                    self._named_seen = notification.id
                if len(page) < _PAGE:
                    return list(self._named)

    @property
    def origin(self) -> str:
        """The log's origin line: its key event's; for a log from before key events, its first
        checkpoint's; for a new log, this installation's (``EJOURNAL_INSTALLATION``)."""
        named = self.named_keys()
        if named:
            return named[0].key.name
        with self.database.transaction(write=False) as cursor:
            cursor.execute("SELECT note FROM merkle_checkpoints ORDER BY size LIMIT 1")
            row = cursor.fetchone()
        if row is not None:
            return read_unverified(str(row["note"])).origin
        return origin_for(self.settings.installation, self.school.school_id)

    def _key_at(self, cursor: Cursor, size: int) -> VerifierKey | None:
        """The key the log names for a checkpoint of ``size`` leaves (``key_in_force``): the
        key events the stored tree holds among its first ``size`` leaves decide."""
        named = self.named_keys()
        last = read_leaves(cursor, size - 1, size) if size > 0 else []
        covered = last[0].position if last else 0  # the position of the checkpoint's last leaf
        inside = [e.key for e in named if e.position <= covered]
        if inside:
            return inside[-1]
        return named[0].key if named else None

    def verifier_at(self, size: int) -> VerifierKey | None:
        """The public key a checkpoint of ``size`` leaves is signed by, as the log names it (the
        key file's, for a log whose keys are not named yet); None when there is neither."""
        with self.database.transaction(write=False) as cursor:
            named = self._key_at(cursor, size)
        return named if named is not None else self.key_file_verifier()

    def key_file_verifier(self) -> VerifierKey | None:
        """The public half of the key file at ``key_path``, if there is one (named or not)."""
        if not self.key_path.exists():
            return None
        return self._load_key_file().verifier()

    def _load_key_file(self) -> SigningKey:
        try:
            return SigningKey.load(self.key_path)
        except CheckpointError as error:
            if not self.key_path.exists():
                raise SigningKeyError(
                    f"there is no signing key at {self.key_path}", RefusalReason.KEY_MISSING
                ) from None
            raise SigningKeyError(
                f"the signing key at {self.key_path} cannot be used: {error.detail}",
                RefusalReason.KEY_UNUSABLE,
            ) from None

    def _signing_key(self, wanted: VerifierKey | None = None) -> SigningKey:
        """The private key of the key the log names now (or of ``wanted``, a key it named);
        the first key of a log is registered here. A key the log does not name is refused."""
        named = self.named_keys()
        if not named:
            self._register_first_key()
            named = self.named_keys()
        wanted = wanted or named[-1].key
        if self._key is not None and self._key.verifier() == wanted:
            return self._key
        if not self.key_path.exists() and not self.pending_key_path.exists():
            raise SigningKeyError(
                f"the log of school {self.school.school_id!r} names the signing key"
                f" {wanted.fingerprint}, but there is no key at {self.key_path}: refusing to make"
                " a new one. Point EJOURNAL_SIGNING_KEY_DIR at the directory that holds the"
                " school's key, or, if it is lost, rotate deliberately with"
                " `ejournal log rotate-key --reason …`",
                RefusalReason.KEY_MISSING,
            )
        key = self._finish_rotation(wanted) or self._load_key_file()
        if key.verifier() != wanted:
            raise SigningKeyError(
                f"the signing key at {self.key_path} ({key.verifier().fingerprint}) is not the key"
                f" the log of school {self.school.school_id!r} names ({wanted.fingerprint}):"
                " refusing to sign with it. Point EJOURNAL_SIGNING_KEY_DIR at the directory that"
                " holds the school's key, or rotate deliberately with"
                " `ejournal log rotate-key --reason …`",
                RefusalReason.KEY_NOT_NAMED,
            )
        self._key = key
        return key

    def _finish_rotation(self, wanted: VerifierKey) -> SigningKey | None:
        """A rotation that crashed after the log named its key but before the key file was put
        in place: put it there now. None when there is none to finish."""
        if not self.pending_key_path.exists():
            return None
        try:
            pending = SigningKey.load(self.pending_key_path)
        except CheckpointError:
            return None
        if pending.verifier() != wanted:
            return None
        self._retire_key_file()
        os.replace(self.pending_key_path, self.key_path)
        log.warning(
            "school %s: finished a key rotation the log named: %s", self.school.school_id, pending
        )
        return pending

    def _retire_key_file(self) -> None:
        """Move the key file aside (kept, mode 0600: what it signed stays explainable)."""
        if not self.key_path.exists():
            return
        try:
            old = SigningKey.load(self.key_path).key_id.hex()
        except CheckpointError:
            old = "unreadable"
        retired = self.key_path.with_name(
            f"{self.school.school_id}.retired-{old}-{uuid.uuid4().hex[:8]}.key"
        )
        os.replace(self.key_path, retired)

    def _register_first_key(self) -> None:
        """Name the school's key in its log: the key file's, if it signed the log's checkpoints
        (or there are none yet); a new key for a log that has neither key nor checkpoints. A log
        with checkpoints and no key at hand is refused: a new key would verify none of them."""
        signed = self.latest()
        kept = self._newest_file()
        if self.key_path.exists():
            key = self._load_key_file()
            for note in (
                signed.note if signed else None,
                kept.read_text("utf-8") if kept else None,
            ):
                if note is None:
                    continue
                try:
                    open_signed(note, key.verifier())
                except CheckpointError:
                    raise SigningKeyError(
                        f"the signing key at {self.key_path} ({key.verifier().fingerprint}) did"
                        f" not sign the checkpoints of school {self.school.school_id!r}: refusing"
                        " to name it in the log. Point EJOURNAL_SIGNING_KEY_DIR at the directory"
                        " that holds the key that signed them",
                        RefusalReason.KEY_NOT_NAMED,
                    ) from None
        elif signed is not None or kept is not None:
            raise SigningKeyError(
                f"the log of school {self.school.school_id!r} has signed checkpoints but there is"
                f" no signing key at {self.key_path}: refusing to make a new one. Point"
                " EJOURNAL_SIGNING_KEY_DIR at the directory that holds the school's key",
                RefusalReason.KEY_MISSING,
            )
        else:
            origin = origin_for(self.settings.installation, self.school.school_id)
            try:
                SigningKey.generate(origin).save(self.key_path)
                log.info(
                    "made the signing key of school %s at %s", self.school.school_id, self.key_path
                )
            except FileExistsError:
                pass  # another process made it first
            key = self._load_key_file()
        installation = key.name.removesuffix(f"ejournal/{self.school.school_id}").rstrip("/")

        def attempt() -> None:
            if self.school.exists(integrity_register_id()):
                return  # another notary named its key first: checked by the caller
            register = IntegrityRegister.register(
                verifier_key=key.verifier().text, installation=installation, actor=system_actor()
            )
            self.school.record(register)

        self.school.run(attempt)
        log.info(
            "school %s: named its signing key %s in the log",
            self.school.school_id,
            key.verifier().fingerprint,
        )

    def verifier(self) -> VerifierKey:
        """The school's public key now, as its log names it (a new log's key is made and
        registered here)."""
        named = self.named_keys()
        if not named:
            self._register_first_key()
            named = self.named_keys()
        return named[-1].key

    def existing_verifier(self) -> VerifierKey | None:
        """The school's public key now, as its log names it (the key file's, for a log whose
        key is not named yet); never makes one."""
        named = self.named_keys()
        if named:
            return named[-1].key
        return self.key_file_verifier()

    def register(self) -> IntegrityRegister | None:
        """The log's integrity register; None before its first key is named."""
        try:
            return self.school.view(
                IntegrityRegister, integrity_register_id(), "integrity register"
            )
        except NotFoundError:
            return None

    def rotate_key(self, reason: str) -> tuple[VerifierKey, VerifierKey, SignedCheckpoint]:
        """Replace the school's signing key on purpose: sign what the old key can still sign,
        make a new key, name it in the log with the reason, put it in place of the old file
        (which is kept aside) and sign a checkpoint covering the rotation with it. Returns the
        old and new public keys and that checkpoint. Older checkpoints keep verifying with the
        key the log named at their time."""
        if not reason.strip():
            raise IntegrityRegisterError(
                "a key is rotated for a reason: say it",
                invariant="integrity.rotation_reason_missing",
            )
        register = self.register()
        if register is None:
            raise NotFoundError(
                "the log names no signing key yet: sign its first checkpoint"
                " (`ejournal log checkpoint`), which names the key"
            )
        try:
            self.checkpoint()  # the last one the old key signs, if it is at hand
        except SigningKeyError as error:
            log.warning("school %s: rotating without the old key: %s", self.school.school_id, error)
        old = VerifierKey.from_text(register.current.verifier_key)
        self._finish_rotation(old)  # an earlier rotation the log named but that did not finish
        new = SigningKey.generate(register.origin)
        self.pending_key_path.unlink(missing_ok=True)  # a rotation that never reached the log
        new.save(self.pending_key_path)

        def attempt() -> None:
            current = self.school.load(IntegrityRegister, integrity_register_id(), "register")
            current.rotate(new.verifier().text, reason, system_actor())
            self.school.record(current)

        self.school.run(attempt)
        self._retire_key_file()
        os.replace(self.pending_key_path, self.key_path)
        self._key = new
        return old, new.verifier(), self.checkpoint()

    # --- checkpoints ------------------------------------------------------------------------

    @property
    def checkpoint_dir(self) -> Path:
        """Where this school's checkpoints are written besides the database."""
        return self.settings.checkpoint_dir / self.school.school_id

    def checkpoint_path(self, size: int) -> Path:
        return self.checkpoint_dir / f"{size:012d}{CHECKPOINT_SUFFIX}"

    def checkpoint(self, *, catch_up: bool = True) -> SignedCheckpoint:
        """Catch up (unless told not to), sign a checkpoint of the tree as it stands, store it
        in the database and the checkpoint directory, and return it. When the log has not grown
        since the last checkpoint, that one is returned: one checkpoint per size.

        A refusal (``NotaryRefusedError``: the log does not extend a checkpoint signed before,
        or the key at hand is not the one the log names) is recorded in the log's integrity
        register once per distinct reason, and raised; the first checkpoint signed after one
        records that the notary signs again, and is followed by one covering that record."""
        try:
            signed = self._sign(catch_up=catch_up)
        except NotaryRefusedError as error:
            self._record_refusal(error)
            raise
        self.refusal = None
        if self._record_resumed(signed):
            signed = self._sign(catch_up=True)
        return signed

    def _sign(self, *, catch_up: bool) -> SignedCheckpoint:
        if not self.named_keys():
            self._register_first_key()
            catch_up = True  # the first checkpoint covers the key's registration
        if catch_up:
            self.catch_up()
        inserted: SignedCheckpoint | None = None
        # On SQLite the transaction below holds the school's file's write lock, and a read
        # through the library's pool inside it can wait on a save that waits on that lock (the
        # pool queues its callers, a writer queues holding the queue): a 5 s stall that answered
        # commands 503 (issue 17). So the log's named keys are read first, and inside the lock,
        # where no one else can write, its own cursor checks that no key was named since.
        frozen = self.database.dialect == "sqlite"
        while True:
            head = self.school.position() if frozen else 0
            named = self.named_keys() if frozen else None
            with self.database.transaction() as cursor:
                if named is not None and self._keys_named_since(cursor, head, named):
                    continue  # a key was named meanwhile: read them again
                token = self._named_frozen.set(named)
                try:
                    state = read_state(cursor, lock=self.database.dialect == "postgres")
                    latest = _latest_row(cursor)
                    # Checked even when there is nothing new to sign: a wrong key is told.
                    key = self._signing_key(self._key_at(cursor, state.size))
                    if latest is None or latest.checkpoint.size != state.size:
                        self._check_extends(cursor, latest, state.size, state.accumulator.root())
                        inserted = self._insert(cursor, state.size, state.accumulator.root(), key)
                finally:
                    self._named_frozen.reset(token)
            break
        # Committed: only now may its file appear (see the module's docstring).
        signed = inserted or self._stored(state.size)
        if signed is None:  # pragma: no cover - the row just seen cannot vanish
            raise HistoryRewrittenError(f"the checkpoint at {state.size} vanished")
        if inserted is not None:
            self._write_file(signed)
        self.mirror_checkpoints()  # a file a crash or a full disk lost before
        return signed

    def _record_refusal(self, error: NotaryRefusedError) -> None:
        """Say a refusal in the log, once per distinct reason."""
        self.refusal = error
        if self.register() is None:
            return  # no key named yet: nowhere to record it (/health still says it)
        size = self.size()

        def attempt() -> None:
            register = self.school.load(
                IntegrityRegister, integrity_register_id(), "integrity register"
            )
            if register.refused(error.reason, error.detail, size, system_actor()):
                self.school.record(register)

        try:
            self.school.run(attempt)
        except Exception:
            log.exception("school %s: the refusal could not be recorded", self.school.school_id)

    def _record_resumed(self, signed: SignedCheckpoint) -> bool:
        register = self.register()
        if register is None or register.refusal is None:
            return False

        def attempt() -> bool:
            current = self.school.load(
                IntegrityRegister, integrity_register_id(), "integrity register"
            )
            if not current.resumed(signed.checkpoint.size, system_actor()):
                return False
            self.school.record(current)
            return True

        return self.school.run(attempt)

    def _insert(
        self, cursor: Cursor, size: int, root: bytes, key: SigningKey
    ) -> SignedCheckpoint | None:
        """Sign a checkpoint of the tree and add it to the database in the caller's
        transaction; None when another notary added one of this size first."""
        checkpoint = Checkpoint(
            origin=self.origin, size=size, root=root, time=self.clock.now().replace(microsecond=0)
        )
        signed = SignedCheckpoint(checkpoint, sign(checkpoint, key))
        cursor.execute(
            "INSERT INTO merkle_checkpoints (size, root, signed_at, note)"
            " VALUES (%(size)s, %(root)s, %(at)s, %(note)s) ON CONFLICT (size) DO NOTHING",
            {
                "size": checkpoint.size,
                "root": checkpoint.root,
                "at": checkpoint.time.isoformat(),
                "note": signed.note,
            },
        )
        return signed if cursor.rowcount == 1 else None

    def _keys_named_since(self, cursor: Cursor, head: int, named: list[KeyEvent]) -> bool:
        """Whether the log holds a key event after ``head`` that ``named`` does not hold."""
        table = self.school.recorder.events_table_name  # type: ignore[attr-defined]
        topics = {f"t{i}": topic for i, topic in enumerate(KEY_EVENT_TOPICS)}
        wanted = ", ".join(f"%({name})s" for name in topics)
        cursor.execute(
            f'SELECT COUNT(*) AS n FROM "{table}" WHERE rowid > %(head)s'  # noqa: S608 (the library's table name)
            f" AND topic IN ({wanted})",
            {"head": head, **topics},
        )
        row = cursor.fetchone()
        count = int(row["n"]) if row is not None else 0
        return count != sum(1 for event in named if event.position > head)

    def _check_extends(
        self, cursor: Cursor, latest: SignedCheckpoint | None, size: int, root: bytes
    ) -> None:
        # The newest checkpoint kept outside the database, where there is one: a database
        # rewritten together with its checkpoints must not get its new history signed.
        kept = self._newest_file()
        if kept is not None:
            note = kept.read_text(encoding="utf-8")
            key = self._key_at(cursor, read_unverified(note).size) or self.key_file_verifier()
            if key is None:
                raise SigningKeyError(
                    f"no key to check the checkpoint {kept} with", RefusalReason.KEY_MISSING
                )
            try:
                old = open_signed(note, key)
            except CheckpointError as error:
                raise HistoryRewrittenError(
                    f"the checkpoint {kept} kept beside the database does not verify with the key"
                    f" the log names for it ({key.fingerprint}): {error.detail}; run"
                    " `ejournal log verify`"
                ) from None
        elif latest is not None:
            old = latest.checkpoint
        else:
            return
        if size < old.size or not verify_consistency(
            old.size, size, old.root, root, StoredTree(cursor).consistency_proof(old.size, size)
        ):
            raise HistoryRewrittenError(
                f"the log does not extend the checkpoint of {old.size} events signed at"
                f" {old.time.isoformat()}: the log was changed; run `ejournal log verify`"
            )

    def _write_file(self, signed: SignedCheckpoint) -> None:
        path = self.checkpoint_path(signed.checkpoint.size)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Whole or absent, even after a power cut: written aside, flushed, then renamed into
        # place (a name of its own per writer: two notaries may write the same checkpoint).
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            with temporary.open("x", encoding="utf-8") as file:
                file.write(signed.note)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        descriptor = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def mirror_checkpoints(self) -> list[int]:
        """Write the file of every database checkpoint that has none (a crash came between its
        commit and its file), once its signature checks out; returns their sizes. Nothing is
        written without the school's key: no checkpoint could be checked."""
        kept = {path.name for path in self._files()}
        written = []
        for signed in self.checkpoints():
            if self.checkpoint_path(signed.checkpoint.size).name in kept:
                continue
            try:
                verifier = self.verifier_at(signed.checkpoint.size)
            except NotaryRefusedError:
                verifier = None
            if verifier is None:
                continue
            try:
                open_signed(signed.note, verifier)
            except CheckpointError as error:
                log.warning(
                    "school %s: the database's checkpoint of size %d does not verify (%s), so"
                    " it is not copied beside the database; run `ejournal log verify`",
                    self.school.school_id,
                    signed.checkpoint.size,
                    error.detail,
                )
                continue
            self._write_file(signed)
            written.append(signed.checkpoint.size)
        if written:
            log.warning(
                "school %s: wrote the missing files of the checkpoints of sizes %s to %s",
                self.school.school_id,
                written,
                self.checkpoint_dir,
            )
        return written

    def checkpoint_if_due(self) -> SignedCheckpoint | None:
        """Sign a checkpoint if the log grew by ``checkpoint_every_events`` since the last one,
        or grew at all and ``checkpoint_every_seconds`` have passed. It looks at the tree as it
        stands: the service's projector calls this after each pass, once the tree is current."""
        now = self.clock.now()
        if self._retry_after is not None and now < self._retry_after:
            return None
        try:
            if not self._mirrored:  # once, when the service or the worker starts
                self.mirror_checkpoints()
                self._mirrored = True
            return self._checkpoint_if_due(now)
        except NotaryRefusedError as error:
            # Recorded in the log once per distinct reason, and /health shows it; the server's
            # log gets one line per attempt, not a traceback. Tried again a period later: an
            # operator may have fixed the key.
            log.error(  # noqa: TRY400 (a refusal, not a bug: no traceback)
                "school %s: the notary refuses to sign: %s", self.school.school_id, error.detail
            )
            self._retry_after = now + timedelta(seconds=self.settings.checkpoint_every_seconds)
            return None
        except Exception as error:
            # A log that no longer extends its checkpoint, a directory that cannot be written:
            # said once per period, not at every look at the log. A connection the database cut
            # is no such thing: waiting a whole period then left the log unsigned for minutes.
            pause = (
                STORAGE_RETRY_SECONDS
                if storage.unavailable(error) is not None
                else self.settings.checkpoint_every_seconds
            )
            self._retry_after = now + timedelta(seconds=pause)
            raise

    def _checkpoint_if_due(self, now: datetime) -> SignedCheckpoint | None:
        size = self.size()
        latest = self.latest()
        if latest is None:
            due = size > 0
        else:
            last = latest.checkpoint
            grown = size - last.size
            waited = now - last.time
            due = grown >= self.settings.checkpoint_every_events or (
                grown > 0 and waited >= timedelta(seconds=self.settings.checkpoint_every_seconds)
            )
        return self.checkpoint(catch_up=False) if due else None

    def integrity_status(self) -> IntegrityStatus:
        """How well the log is covered by signed checkpoints, and whether the notary refuses
        to sign: a few indexed reads, cheap enough for every health check. The count of
        uncovered events is exact on SQLite; on PostgreSQL, gaps in the notification ids (a
        rolled-back write) can make it a little high."""
        now = self.clock.now()
        latest = self.latest()
        size = latest.checkpoint.size if latest else 0
        with self.database.transaction(write=False) as cursor:
            state = read_state(cursor)
            last = read_leaves(cursor, size - 1, size) if size else []
        covered = last[0].position if last else 0
        first = self.school.recorder.select_notifications(start=covered + 1, limit=1)
        uncovered, oldest = 0, None
        if first:
            uncovered = max(state.size - size, 0) + max(self.school.position() - state.position, 0)
            uncovered = max(uncovered, 1)
            try:
                oldest = cast(DomainEvent, self.school.mapper.to_domain_event(first[0])).timestamp
            except Exception:  # an event that does not decode: log verify names it
                oldest = None
        refusal = self._outstanding_refusal(state.size)
        try:
            key = self.existing_verifier()
        except NotaryRefusedError:
            key = None
        waited = oldest is not None and (now - oldest).total_seconds() > (
            self.settings.uncovered_grace_seconds
        )
        return IntegrityStatus(
            status="refused" if refusal else "uncovered" if uncovered else "ok",
            degraded=refusal is not None or waited,
            checkpoint_size=size,
            checkpoint_time=latest.checkpoint.time if latest else None,
            uncovered_events=uncovered,
            oldest_uncovered_at=oldest,
            refusal=refusal,
            key_fingerprint=key.fingerprint if key else None,
        )

    def _outstanding_refusal(self, size: int) -> NotaryRefusal | None:
        register = self.register()
        if register is not None and register.refusal is not None:
            return register.refusal
        if self.refusal is not None:  # not recorded (no key named yet, or the write failed)
            return NotaryRefusal(
                reason=self.refusal.reason, detail=self.refusal.detail, tree_size=size
            )
        return None

    def latest(self) -> SignedCheckpoint | None:
        """The newest checkpoint in the database."""
        with self.database.transaction(write=False) as cursor:
            return _latest_row(cursor)

    def checkpoints(self, *, after: int = -1, limit: int | None = None) -> list[SignedCheckpoint]:
        """The checkpoints in the database, oldest first: every one, or ``limit`` of those of
        more than ``after`` events."""
        with self.database.transaction(write=False) as cursor:
            cursor.execute(
                "SELECT note FROM merkle_checkpoints WHERE size > %(after)s ORDER BY size"
                " LIMIT %(limit)s",
                {"after": after, "limit": limit if limit is not None else _NO_LIMIT},
            )
            return [_signed(row) for row in cursor.fetchall()]

    def _stored(self, size: int) -> SignedCheckpoint | None:
        with self.database.transaction(write=False) as cursor:
            cursor.execute("SELECT note FROM merkle_checkpoints WHERE size = %(s)s", {"s": size})
            row = cursor.fetchone()
        return _signed(row) if row else None

    def checkpoint_at(self, size: int) -> SignedCheckpoint | None:
        """The stored checkpoint of a size, if one was signed at it."""
        return self._stored(size)

    def _files(self) -> list[Path]:
        if not self.checkpoint_dir.is_dir():
            return []
        # Names are zero-padded sizes: sorted by name is sorted by size. A file being written
        # is named ``.<name>.<random>.tmp`` and is none of them.
        return sorted(self.checkpoint_dir.glob(f"[0-9]*{CHECKPOINT_SUFFIX}"))

    def _newest_file(self) -> Path | None:
        return max(self._files(), default=None)

    def directory_checkpoints(self) -> list[tuple[Path, str]]:
        """The checkpoint files beside the database, by size: (path, note)."""
        return [(path, path.read_text(encoding="utf-8")) for path in self._files()]


def retire_checkpoints(settings: Settings, school_id: str, now: datetime) -> Path | None:
    """Move the checkpoints of a school whose log was dropped on purpose (a demo reset) aside,
    to ``<checkpoint_dir>/<school_id>.retired-<UTC time>``, so that a new log of the same id is
    not taken for a rewritten one; returns where they went, or None if there were none. They are
    kept: they are what the dropped log was."""
    directory = settings.checkpoint_dir / school_id
    if not directory.is_dir():
        return None
    retired = directory.with_name(f"{school_id}.retired-{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}")
    directory.rename(retired)
    return retired


def _latest_row(cursor: Cursor) -> SignedCheckpoint | None:
    cursor.execute("SELECT note FROM merkle_checkpoints ORDER BY size DESC LIMIT 1")
    row = cursor.fetchone()
    return _signed(row) if row else None


def _signed(row: dict[str, Any]) -> SignedCheckpoint:
    note = str(row["note"])
    return SignedCheckpoint(read_unverified(note), note)
