"""ArchiveRegister: the school's record of one archive, from its creation through every check.

An archive (a year's or a period's documents, the log and its signed checkpoint, in a bag on two
stores) is a legal copy of the journal kept for decades (Lyceum 68 §6; Gymnasium 2 §10). Its
register is the log's memory of it: what was archived, at which checkpoint, where, with which
manifest, and each verification and repair after, so an inspector can see that the copies were
checked and by whom. One register per archive id, found again from the id alone.

Before the archive is sealed, its documents are entered in the log (``ArchiveContents``): each
document's path in the bag, SHA-256 and retention class. The checkpoint the archive carries is
signed after that event, and the archived log holds it, so a copy of the archive checks its own
documents against a signed record with no database at hand (a forged PDF in a consistently
rebuilt bag is named, not only the bag's manifest).
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID, uuid5

from eventsourcing.domain import event

from ejournal.aggregates.base import Aggregate, AggregateSnapshot, SnapshotState, Value
from ejournal.aggregates.identity import NAMESPACE
from ejournal.errors import InvariantError
from ejournal.roles import Actor


class ArchiveRegisterError(InvariantError):
    """A record about an archive contradicts its register."""

    slug = "archive-register-invariant"


class ArchiveOutcome(StrEnum):
    """What a verification found (``ejournal archive verify`` exits 0, 2 or 3 on these)."""

    HEALTHY = "healthy"
    REPAIRABLE = "damaged but repairable"
    NOT_REPAIRABLE = "not repairable"


class ArchiveProblemKind(StrEnum):
    """The kinds of damage a verification names."""

    MISSING = "missing"
    CHECKSUM_MISMATCH = "checksum mismatch"
    EXTRA_FILE = "extra file"
    ANCHOR_MISMATCH = "anchor mismatch"
    """The bag is not the one the signed checkpoint (or the log's register) vouches for."""
    BAD_SIGNATURE = "bad signature"
    INCONSISTENT_WITH_LIVE_LOG = "inconsistent with live log"
    TOO_FEW_STORES = "too few stores"
    """Fewer than two distinct stores hold the archive (Gymnasium 2 §10.3: two media)."""


class ArchiveProblem(Value):
    """One problem a verification found: which store, which file of the bag, what kind."""

    store: str | None
    """The store's URL; none for a problem of the archive as a whole (the live log)."""
    file: str | None
    """The file's path in the bag; none for a problem of a whole store."""
    kind: ArchiveProblemKind
    detail: str


class RestoredFile(Value):
    """A file of the bag copied from the healthy store over a damaged or missing copy."""

    file: str
    from_store: str
    to_store: str
    set_aside_as: str | None = None
    """Where the damaged copy was kept, if there was one (nothing is destroyed)."""


class RetentionClass(StrEnum):
    """How long a file of an archive is kept, as the regulations class it (Lyceum 68 §6.2–6.3)."""

    JOURNAL = "journal"
    """The printed class journal: kept 5 years (Lyceum 68 §6.2)."""
    SUMMARY_SHEET = "summary-sheet"
    """Summary sheets of the year's marks (and of attendance and movement): 75 years
    (Lyceum 68 §6.3)."""
    INTEGRITY = "integrity"
    """The log, its signed checkpoint and key: kept as long as the longest document they
    vouch for."""


class ArchivedDocument(Value):
    """One document of an archive as the log records it before the archive is sealed."""

    path: str
    """Its path in the bag (``data/documents/journal-5A.pdf``)."""
    sha256: str
    size: int
    retention: RetentionClass
    retention_years: int


MIN_STORES = 2
"""Archived data is kept on at least two media, in different rooms (Gymnasium 2 §10.3)."""


def archive_register_id(archive_id: str) -> UUID:
    """The register of an archive, from its id (``demo-2026-2027-Q1-1532``)."""
    return uuid5(NAMESPACE, f"archive/{archive_id}")


class ArchiveRegister(Aggregate):
    """One archive of one school."""

    class State(SnapshotState):
        archive_id: str
        year: str
        period: str | None
        checkpoint_size: int
        checkpoint_root: str
        stores: tuple[str, ...]
        files: int
        size_bytes: int
        manifest_sha256: str
        verifications: int
        last_outcome: ArchiveOutcome | None
        repairs: int

    class Snapshot(AggregateSnapshot):
        state: ArchiveRegister.State

    class ArchiveCreated(Aggregate.Created):
        """An archive of a year or period was written to its stores and verified there."""

        archive_id: str
        year: str
        period: str | None
        checkpoint_size: int
        checkpoint_root: str
        """The signed checkpoint's root hash, hex: the archived log is the tree of this root."""
        stores: tuple[str, ...]
        files: int
        size_bytes: int
        manifest_sha256: str
        """SHA-256 of the bag's ``manifest-sha256.txt``: anchors the documents in the log."""
        actor: Actor

    class ArchiveVerified(Aggregate.Event):
        """The archive's copies were checked against its manifests, checkpoint and log."""

        outcome: ArchiveOutcome
        problems: tuple[ArchiveProblem, ...]
        stores: tuple[str, ...]
        live_log_checked: bool
        actor: Actor

    class ArchiveRepaired(Aggregate.Event):
        """Damaged or missing files on one store were restored from the healthy copy."""

        restored: tuple[RestoredFile, ...]
        set_aside: tuple[str, ...]
        """Files that were not part of the bag, moved out of it (and kept)."""
        actor: Actor

    @staticmethod
    def create_id(archive_id: str, **_: object) -> UUID:
        return archive_register_id(archive_id)

    @classmethod
    def register(
        cls,
        *,
        archive_id: str,
        year: str,
        period: str | None,
        checkpoint_size: int,
        checkpoint_root: str,
        stores: tuple[str, ...],
        files: int,
        size_bytes: int,
        manifest_sha256: str,
        actor: Actor,
    ) -> ArchiveRegister:
        if len(set(stores)) < MIN_STORES:
            raise ArchiveRegisterError(
                "an archive is kept on at least two distinct stores: electronic archives are"
                " kept on at least two media, in different rooms (Gymnasium 2 §10.3)",
                invariant="archive.two_stores",
            )
        if checkpoint_size < 0 or files < 1:
            raise ArchiveRegisterError(
                "an archive holds files and a checkpoint of the log",
                invariant="archive.files_and_checkpoint",
            )
        return cls(
            archive_id=archive_id,
            year=year,
            period=period,
            checkpoint_size=checkpoint_size,
            checkpoint_root=checkpoint_root,
            stores=stores,
            files=files,
            size_bytes=size_bytes,
            manifest_sha256=manifest_sha256,
            actor=actor,
        )

    @event(ArchiveCreated)
    def __init__(
        self,
        *,
        archive_id: str,
        year: str,
        period: str | None,
        checkpoint_size: int,
        checkpoint_root: str,
        stores: tuple[str, ...],
        files: int,
        size_bytes: int,
        manifest_sha256: str,
        actor: Actor,
    ) -> None:
        self.archive_id = archive_id
        self.year = year
        self.period = period
        self.checkpoint_size = checkpoint_size
        self.checkpoint_root = checkpoint_root
        self.stores = tuple(stores)
        self.files = files
        self.size_bytes = size_bytes
        self.manifest_sha256 = manifest_sha256
        self.verifications = 0
        self.last_outcome: ArchiveOutcome | None = None
        self.repairs = 0

    def record_verification(
        self,
        outcome: ArchiveOutcome,
        problems: tuple[ArchiveProblem, ...],
        stores: tuple[str, ...],
        live_log_checked: bool,
        actor: Actor,
    ) -> None:
        if outcome is ArchiveOutcome.HEALTHY and problems:
            raise ArchiveRegisterError(
                "a healthy archive has no problems to record",
                invariant="archive.healthy_with_problems",
            )
        if outcome is not ArchiveOutcome.HEALTHY and not problems:
            raise ArchiveRegisterError(
                "a damaged archive names its problems", invariant="archive.damaged_without_problems"
            )
        self._verified(
            outcome=outcome,
            problems=problems,
            stores=stores,
            live_log_checked=live_log_checked,
            actor=actor,
        )

    @event(ArchiveVerified)
    def _verified(
        self,
        outcome: ArchiveOutcome,
        problems: tuple[ArchiveProblem, ...],
        stores: tuple[str, ...],
        live_log_checked: bool,
        actor: Actor,
    ) -> None:
        self.verifications += 1
        self.last_outcome = outcome

    def record_repair(
        self, restored: tuple[RestoredFile, ...], set_aside: tuple[str, ...], actor: Actor
    ) -> None:
        if not restored and not set_aside:
            raise ArchiveRegisterError(
                "a repair restores or sets aside at least one file",
                invariant="archive.repair_empty",
            )
        self._repaired(restored=restored, set_aside=set_aside, actor=actor)

    @event(ArchiveRepaired)
    def _repaired(
        self, restored: tuple[RestoredFile, ...], set_aside: tuple[str, ...], actor: Actor
    ) -> None:
        self.repairs += 1


def archive_contents_id(archive_id: str) -> UUID:
    """The record of an archive's documents, from the archive's id."""
    return uuid5(NAMESPACE, f"archive-contents/{archive_id}")


class ArchiveContents(Aggregate):
    """The documents of one archive, recorded in the log before the checkpoint it carries."""

    class State(SnapshotState):
        archive_id: str
        year: str
        period: str | None
        documents: tuple[ArchivedDocument, ...]

    class Snapshot(AggregateSnapshot):
        state: ArchiveContents.State

    class DocumentsRecorded(Aggregate.Created):
        """An archive's documents were rendered: their paths, digests and retention."""

        archive_id: str
        year: str
        period: str | None
        documents: tuple[ArchivedDocument, ...]
        actor: Actor

    @staticmethod
    def create_id(archive_id: str, **_: object) -> UUID:
        return archive_contents_id(archive_id)

    @classmethod
    def record(
        cls,
        *,
        archive_id: str,
        year: str,
        period: str | None,
        documents: tuple[ArchivedDocument, ...],
        actor: Actor,
    ) -> ArchiveContents:
        paths = [d.path for d in documents]
        if not documents:
            raise ArchiveRegisterError(
                "an archive holds at least one document", invariant="archive.no_documents"
            )
        if len(set(paths)) != len(paths):
            raise ArchiveRegisterError(
                "an archive's document is listed once", invariant="archive.document_twice"
            )
        return cls(
            archive_id=archive_id, year=year, period=period, documents=documents, actor=actor
        )

    @event(DocumentsRecorded)
    def __init__(
        self,
        *,
        archive_id: str,
        year: str,
        period: str | None,
        documents: tuple[ArchivedDocument, ...],
        actor: Actor,
    ) -> None:
        self.archive_id = archive_id
        self.year = year
        self.period = period
        self.documents = tuple(documents)
