"""The log's records of an archive: its documents before the checkpoint it carries, and its
register kept on two stores at least (Gymnasium 2 §10.3)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from scenario import World

from ejournal.access import system_actor
from ejournal.aggregates.archive_register import (
    ArchiveContents,
    ArchivedDocument,
    ArchiveRegister,
    ArchiveRegisterError,
    RetentionClass,
    archive_contents_id,
)
from ejournal.commands import archives
from ejournal.errors import AccessDeniedError, InvariantError

ARCHIVE = "demo-2026-2027-Q1-90"
JOURNAL = ArchivedDocument(
    path="data/documents/journal-5A.pdf",
    sha256="ab" * 32,
    size=1000,
    retention=RetentionClass.JOURNAL,
    retention_years=5,
)
SHEET = ArchivedDocument(
    path="data/documents/progress-sheet-5A.pdf",
    sha256="cd" * 32,
    size=2000,
    retention=RetentionClass.SUMMARY_SHEET,
    retention_years=75,
)


def contents(*documents: ArchivedDocument) -> archives.RecordArchiveContents:
    return archives.RecordArchiveContents(
        archive_id=ARCHIVE, year="2026/2027", period="Q1", documents=documents
    )


def test_an_archives_documents_are_recorded_once_by_those_who_keep_archives(
    world: World,
) -> None:
    with pytest.raises(AccessDeniedError):
        archives.record_archive_contents(world.school, world.math, contents(JOURNAL, SHEET))

    recorded = archives.record_archive_contents(world.school, system_actor(), contents(JOURNAL))
    again = contents(JOURNAL, SHEET)

    kept = world.school.view(ArchiveContents, archive_contents_id(ARCHIVE), "archive")
    assert recorded.events == 1
    assert kept.documents == (JOURNAL,)
    with pytest.raises(InvariantError, match="already recorded"):
        archives.record_archive_contents(world.school, system_actor(), again)


def test_a_document_listed_twice_or_none_is_refused() -> None:
    with pytest.raises(ArchiveRegisterError, match="once"):
        ArchiveContents.record(
            archive_id=ARCHIVE,
            year="2026/2027",
            period=None,
            documents=(JOURNAL, JOURNAL),
            actor=system_actor(),
        )
    with pytest.raises(ValidationError):
        contents()


@pytest.mark.parametrize("stores", [("/srv/a",), ("/srv/a", "/srv/a")], ids=["one", "twice"])
def test_an_archive_is_registered_on_two_distinct_stores(stores: tuple[str, ...]) -> None:
    with pytest.raises(ArchiveRegisterError, match=r"Gymnasium 2 §10\.3"):
        ArchiveRegister.register(
            archive_id=ARCHIVE,
            year="2026/2027",
            period="Q1",
            checkpoint_size=91,
            checkpoint_root="00" * 32,
            stores=stores,
            files=17,
            size_bytes=1,
            manifest_sha256="00" * 32,
            actor=system_actor(),
        )
