"""The school's side of archive work, when its database is reachable.

Its notary gives the key the log names for an archived checkpoint (the key of its time: a rotation
since does not unanchor an archive) and the live tree (for the consistency of an archived
checkpoint with the log as it stands now), its log keeps the register of each archive (the
manifest recorded at creation), and every creation, verification and repair is recorded there,
then covered by a checkpoint signed at once. An operator running
``ejournal archive`` on the server acts as the system actor. When the school cannot be reached,
the archive commands still work from the archive alone, and say so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from archive.repair import RepairOutcome
from archive.verification import LiveLogReport, VerificationReport
from ejournal import storage
from ejournal.access import system_actor
from ejournal.aggregates.archive_register import ArchiveOutcome
from ejournal.application import Recorded
from ejournal.clock import Clock
from ejournal.commands import archives
from ejournal.errors import EjournalError
from ejournal.integrity.checkpoint import Checkpoint, VerifierKey
from ejournal.integrity.merkle import verify_consistency
from ejournal.integrity.notary import Notary, NotaryRefusedError
from ejournal.roles import Actor
from ejournal.schools import school_exists
from ejournal.settings import Settings

log = logging.getLogger(__name__)


class SchoolLog:
    """One school's notary and log, for the archive commands."""

    def __init__(self, notary: Notary, actor: Actor | None = None) -> None:
        self.notary = notary
        self.school_id = notary.school.school_id
        self.actor = actor or system_actor()

    def verifier(self, size: int | None = None) -> VerifierKey | None:
        """The school's public key that signs a checkpoint of ``size`` events, as the log
        names it (``Notary.verifier_at``): an archive made before a rotation is checked with
        the key of its time, not today's. Without a size, the key now. None when the log names
        no key and its key file is not where the settings say (a key is never made here: that
        would vouch for nothing)."""
        if size is None:
            return self.notary.existing_verifier()
        self.notary.catch_up()  # the tree must hold the archive's leaves to tell their key
        if size > self.notary.size():
            return self.notary.existing_verifier()  # beyond the log: the live check says so
        return self.notary.verifier_at(size)

    @property
    def key_path(self) -> str:
        return str(self.notary.key_path)

    def check_consistency(self, checkpoint: Checkpoint) -> LiveLogReport:
        """Whether the live log extends the archived checkpoint: a consistency proof from the
        archived size to the tree's size now, checked against the archived root."""
        try:
            current = self.notary.catch_up()
            if checkpoint.size > current:
                return LiveLogReport(
                    checked=True,
                    consistent=False,
                    log_size=current,
                    detail=f"the archive covers {checkpoint.size} events, but the live log now"
                    f" holds only {current}: events were removed from the log",
                )
            proof = self.notary.consistency_proof(checkpoint.size, current)
            consistent = verify_consistency(
                checkpoint.size, current, checkpoint.root, self.notary.root(current), proof
            )
        except EjournalError as error:
            return LiveLogReport(
                checked=True, consistent=False, detail=f"the live log cannot vouch: {error}"
            )
        if not consistent:
            return LiveLogReport(
                checked=True,
                consistent=False,
                log_size=current,
                detail=f"the live log of {current} events does not extend the archived"
                f" checkpoint of {checkpoint.size}: the log's history was changed",
            )
        return LiveLogReport(
            checked=True,
            consistent=True,
            log_size=current,
            detail=f"the live log of {current} events extends the archived checkpoint",
        )

    def recorded_manifest(self, archive_id: str) -> str | None:
        register = archives.archive_register(self.notary.school, self.actor, archive_id)
        return register.manifest_sha256 if register is not None else None

    def is_registered(self, archive_id: str) -> bool:
        return archives.archive_register(self.notary.school, self.actor, archive_id) is not None

    def record_contents(self, command: archives.RecordArchiveContents) -> Recorded:
        return archives.record_archive_contents(self.notary.school, self.actor, command)

    def record_created(self, command: archives.RegisterArchive) -> Recorded:
        recorded = archives.register_archive(self.notary.school, self.actor, command)
        self._sign()
        return recorded

    def _sign(self) -> None:
        """Sign a checkpoint covering what an archive command just recorded, so that the log
        is not left with events waiting for the service's notary (`ejournal log verify` exits
        3 on those). A notary that refuses has recorded and logged why; the archive command
        itself still stands, and `log verify` and /health say the rest."""
        try:
            self.notary.checkpoint()
        except NotaryRefusedError as error:
            log.warning(
                "school %s: the archive's record waits for a checkpoint: %s",
                self.school_id,
                error.detail,
            )

    def record_verified(self, report: VerificationReport) -> Recorded | None:
        """Enter a verification in the register; None when the log has no register of this
        archive (it was not made from this log)."""
        if not self.is_registered(report.archive):
            return None
        recorded = archives.record_archive_verification(
            self.notary.school,
            self.actor,
            archives.RecordArchiveVerification(
                archive_id=report.archive,
                outcome=report.outcome,
                problems=report.problems if report.outcome is not ArchiveOutcome.HEALTHY else (),
                stores=tuple(s.url for s in report.stores),
                live_log_checked=report.live_log.checked,
            ),
        )
        self._sign()
        return recorded

    def record_repaired(self, archive_id: str, outcome: RepairOutcome) -> Recorded | None:
        if not outcome.wrote_anything or not self.is_registered(archive_id):
            return None
        recorded = archives.record_archive_repair(
            self.notary.school,
            self.actor,
            archives.RecordArchiveRepair(
                archive_id=archive_id, restored=outcome.restored, set_aside=outcome.set_aside
            ),
        )
        self._sign()
        return recorded


@contextmanager
def reach_school(
    settings: Settings, school_id: str, *, clock: Clock | None = None
) -> Iterator[tuple[SchoolLog | None, str]]:
    """The school's log if its database is reachable, else None and why not."""
    try:
        exists = school_exists(settings, school_id)
    except ValueError as error:
        yield None, str(error)
        return
    except Exception as error:
        outage = storage.unavailable(error)
        if outage is None and not isinstance(error, storage.StorageError):
            raise
        yield None, f"the school's database cannot be reached ({_first_line(error)})"
        return
    if not exists:
        yield None, f"this deployment's database holds no school {school_id!r}"
        return
    try:
        notary = Notary.open(settings, school_id, clock=clock)
    except Exception as error:
        if storage.unavailable(error) is None and not isinstance(error, EjournalError):
            raise
        yield None, f"the school's log cannot be opened ({_first_line(error)})"
        return
    try:
        yield SchoolLog(notary), ""
    finally:
        notary.close()


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
