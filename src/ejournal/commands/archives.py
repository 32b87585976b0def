"""Recording archive work in the school's log: an archive created, verified, repaired.

The archive itself (documents, bag, stores) is built outside the core, by ``archive/``; what the
log keeps is the register of each archive and every check of it, so the journal's own history
shows that its archived copies were made and looked after (Lyceum 68 §6; Gymnasium 2 §10.3).
The archivist does this work, or the administration; the service acts as the system actor when
an operator runs ``ejournal archive`` on the server.
"""

from __future__ import annotations

from pydantic import Field

from ejournal.access import require_role, resolve
from ejournal.aggregates.archive_register import (
    MIN_STORES,
    ArchiveContents,
    ArchivedDocument,
    ArchiveOutcome,
    ArchiveProblem,
    ArchiveRegister,
    RestoredFile,
    archive_contents_id,
    archive_register_id,
)
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.errors import InvariantError, NotFoundError
from ejournal.roles import Actor, Role
from ejournal.text import Label

ARCHIVE_ROLES = (Role.ARCHIVIST, Role.ADMINISTRATOR, Role.DIRECTOR)
"""Who keeps the archives (DESIGN.md §1: the archivist; the director keeps archives too)."""

ARCHIVE_ID = r"^[a-z0-9_]+(?:-[A-Za-z0-9_]+)+$"


class RegisterArchive(Command):
    """Enter a newly written and verified archive in the school's log."""

    archive_id: str = Field(pattern=ARCHIVE_ID)
    year: str = Field(pattern=r"^\d{4}/\d{4}$")
    period: Label | None = None
    checkpoint_size: int = Field(ge=0)
    checkpoint_root: str = Field(pattern=r"^[0-9a-f]{64}$")
    stores: tuple[str, ...] = Field(min_length=MIN_STORES)
    """Two media at least (Gymnasium 2 §10.3)."""
    files: int = Field(ge=1)
    size_bytes: int = Field(ge=0)
    manifest_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class RecordArchiveContents(Command):
    """Enter an archive's documents (paths, SHA-256, retention) in the log before the
    checkpoint the archive carries is signed, so the archive vouches for its own documents."""

    archive_id: str = Field(pattern=ARCHIVE_ID)
    year: str = Field(pattern=r"^\d{4}/\d{4}$")
    period: Label | None = None
    documents: tuple[ArchivedDocument, ...] = Field(min_length=1)


def record_archive_contents(school: School, actor: Actor, cmd: RecordArchiveContents) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *ARCHIVE_ROLES, action="recording an archive's documents")
        if school.exists(archive_contents_id(cmd.archive_id)):
            raise InvariantError(
                f"the documents of archive {cmd.archive_id} are already recorded",
                invariant="archive.documents_already_recorded",
            )
        contents = ArchiveContents.record(
            archive_id=cmd.archive_id,
            year=cmd.year,
            period=cmd.period,
            documents=cmd.documents,
            actor=actor,
        )
        return school.record(contents, ids={"contents_id": contents.id})

    return school.run(attempt)


def register_archive(school: School, actor: Actor, cmd: RegisterArchive) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *ARCHIVE_ROLES, action="registering an archive")
        if school.exists(archive_register_id(cmd.archive_id)):
            raise InvariantError(
                f"the archive {cmd.archive_id} is already registered",
                invariant="archive.already_registered",
            )
        register = ArchiveRegister.register(**cmd.model_dump(), actor=actor)
        return school.record(register, ids={"register_id": register.id})

    return school.run(attempt)


class RecordArchiveVerification(Command):
    """Record what a verification of an archive's copies found."""

    archive_id: str = Field(pattern=ARCHIVE_ID)
    outcome: ArchiveOutcome
    problems: tuple[ArchiveProblem, ...] = ()
    stores: tuple[str, ...] = Field(min_length=1)
    live_log_checked: bool


def record_archive_verification(
    school: School, actor: Actor, cmd: RecordArchiveVerification
) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *ARCHIVE_ROLES, action="recording an archive's verification")
        register = _register(school, cmd.archive_id)
        register.record_verification(
            cmd.outcome, cmd.problems, cmd.stores, cmd.live_log_checked, actor
        )
        return school.record(register)

    return school.run(attempt)


class RecordArchiveRepair(Command):
    """Record the files a repair restored from the healthy copy (and set aside)."""

    archive_id: str = Field(pattern=ARCHIVE_ID)
    restored: tuple[RestoredFile, ...] = ()
    set_aside: tuple[str, ...] = ()


def record_archive_repair(school: School, actor: Actor, cmd: RecordArchiveRepair) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, *ARCHIVE_ROLES, action="recording an archive's repair")
        register = _register(school, cmd.archive_id)
        register.record_repair(cmd.restored, cmd.set_aside, actor)
        return school.record(register)

    return school.run(attempt)


def archive_register(school: School, actor: Actor, archive_id: str) -> ArchiveRegister | None:
    """The register of an archive for those who keep archives; None when the log has none."""
    resolve(school, actor)
    require_role(actor, *ARCHIVE_ROLES, Role.INSPECTOR, Role.AUDITOR, action="reading archives")
    try:
        return school.view(ArchiveRegister, archive_register_id(archive_id), "archive")
    except NotFoundError:
        return None


def _register(school: School, archive_id: str) -> ArchiveRegister:
    return school.load(ArchiveRegister, archive_register_id(archive_id), f"archive {archive_id}")
