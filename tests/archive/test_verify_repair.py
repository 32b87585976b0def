"""Verifying and repairing a real archive (the kept school's first quarter) on real stores.

Each test damages fresh copies of the two stores the way media and people damage archives (a
flipped bit, a lost file, a stray file, a bag rebuilt after tampering, a forged checkpoint, a
forked history) and checks what verification names, what it decides, and what repair does about
it, with the school's database reachable and from the archive alone.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import bagit
import boto3
import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.log_tree import LineTreeBuilder, tree_of_stream
from archive.repair import RepairOutcome, repair_archive
from archive.school_log import SchoolLog, reach_school
from archive.stores import DirectoryStore, S3Store, Store, open_store
from archive.verification import TrustedKey, VerificationReport, verify_archive
from ejournal.access import system_actor
from ejournal.aggregates.archive_register import (
    ArchiveContents,
    ArchiveOutcome,
    ArchiveProblemKind,
    ArchiveRegister,
    archive_contents_id,
    archive_register_id,
)
from ejournal.commands import archives
from ejournal.errors import AccessDeniedError
from ejournal.integrity.checkpoint import Checkpoint, SigningKey, VerifierKey, sign
from ejournal.integrity.merkle import leaf_hash, root_of
from ejournal.integrity.notary import Notary

if TYPE_CHECKING:
    from tests.archive.conftest import BuiltArchive  # a fixture's type: never imported

Kind = ArchiveProblemKind
NOW = datetime(2027, 6, 2, 10, 0, tzinfo=UTC)
PDF = "data/documents/journal-5A.pdf"
EVENTS = "data/events.jsonl"


# --- helpers ------------------------------------------------------------------------------------


@contextmanager
def school_log(built: BuiltArchive, *, reachable: bool = True) -> Iterator[SchoolLog | None]:
    if not reachable:
        yield None
        return
    with reach_school(built.settings, built.school.school_id) as (live, why):
        assert live is not None, why
        yield live


def verify(
    built: BuiltArchive,
    stores: Sequence[Store],
    *,
    reachable: bool = True,
    trusted_key: TrustedKey | None = None,
) -> VerificationReport:
    with school_log(built, reachable=reachable) as live:
        return verify_archive(
            built.archive_id, stores, checked_at=NOW, live=live, trusted_key=trusted_key
        )


def repair(
    built: BuiltArchive, stores: Sequence[Store], report: VerificationReport
) -> RepairOutcome:
    return repair_archive(built.archive_id, stores, report, label="repair-20270602T100000Z")


def directory_stores(copies: tuple[Path, Path]) -> list[Store]:
    return [DirectoryStore(copies[0]), DirectoryStore(copies[1])]


def problems(report: VerificationReport) -> set[tuple[str | None, str | None, Kind]]:
    return {(p.store, p.file, p.kind) for p in report.problems}


def flip_bit(path: Path) -> None:
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x10
    path.write_bytes(bytes(content))


def snapshot(*roots: Path) -> dict[str, bytes]:
    """Every file under the store roots (set-aside and partial files included)."""
    return {
        str(path): path.read_bytes() for root in roots for path in root.rglob("*") if path.is_file()
    }


def rebuild(bag: Path, **info: str) -> None:
    """Regenerate a bag's manifests and tag manifests after its files were changed, as someone
    covering their tracks would: the result is a valid bag."""
    rebuilt = bagit.Bag(str(bag))
    rebuilt.info.update(info)
    rebuilt.save(manifests=True)
    bagit.Bag(str(bag)).validate()


def change_a_mark(events: Path) -> None:
    """Rewrite one recorded mark in the archived log: a 3 becomes a 5."""
    lines = events.read_bytes().split(b"\n")
    index = next(i for i, line in enumerate(lines) if b'"value":"3"' in line)
    lines[index] = lines[index].replace(b'"value":"3"', b'"value":"5"', 1)
    events.write_bytes(b"\n".join(lines))


def school_key(built: BuiltArchive) -> SigningKey:
    return SigningKey.load(built.settings.signing_key_dir / f"{built.school.school_id}.key")


def register(built: BuiltArchive) -> ArchiveRegister:
    return built.school.world.school.view(
        ArchiveRegister, archive_register_id(built.archive_id), "archive"
    )


# --- the log's tree ------------------------------------------------------------------------------


@given(
    lines=st.lists(st.binary(max_size=40).filter(lambda b: b"\n" not in b), max_size=300),
    cuts=st.lists(st.integers(min_value=0, max_value=20_000), max_size=8),
)
def test_the_tree_of_a_log_read_in_any_chunks_is_the_integrity_tree(
    lines: list[bytes], cuts: list[int]
) -> None:
    log = b"".join(line + b"\n" for line in lines)
    builder = LineTreeBuilder()
    for start, end in zip([0, *sorted(cuts)], [*sorted(cuts), len(log)], strict=True):
        builder.feed(log[start:end])

    tree = builder.finish()

    assert (tree.size, tree.root(), tree.terminated) == (
        len(lines),
        root_of([leaf_hash(line) for line in lines]),
        True,
    )
    assert tree_of_stream(io.BytesIO(log)) == tree


@given(
    lines=st.lists(st.sampled_from([b"{}", b'{"x":"MARK"}', b"MA", b"RK", b"MARK"]), max_size=60),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=8),
)
def test_the_lines_with_the_marker_are_kept_whatever_the_chunks(
    lines: list[bytes], cuts: list[int]
) -> None:
    log = b"".join(line + b"\n" for line in lines)
    builder = LineTreeBuilder(b"MARK")
    for start, end in zip([0, *sorted(cuts)], [*sorted(cuts), len(log)], strict=True):
        builder.feed(log[start:end])

    tree = builder.finish()

    assert tree.marked == tuple(line for line in lines if b"MARK" in line)
    assert tree.root() == root_of([leaf_hash(line) for line in lines])


def test_a_log_whose_last_line_is_not_ended_says_so() -> None:
    tree = tree_of_stream(io.BytesIO(b'{"a":1}\n{"b":2}'))

    assert (tree.size, tree.terminated) == (2, False)
    assert tree.root() == root_of([leaf_hash(b'{"a":1}'), leaf_hash(b'{"b":2}')])


# --- a healthy archive --------------------------------------------------------------------------


def test_a_healthy_archive_verifies_on_both_stores_and_against_the_live_log(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path]
) -> None:
    report = verify(built_archive, directory_stores(archive_copies))

    assert report.outcome is ArchiveOutcome.HEALTHY
    assert report.exit_code == 0
    assert report.problems == ()
    assert [(s.whole, s.anchored, s.healthy) for s in report.stores] == [(True, True, True)] * 2
    assert report.stores[0].files == 7 + 3 + 7  # documents, log files, tag files (retention.txt)
    assert report.anchor is not None
    assert report.anchor.key_source == "the school's key"
    assert report.anchor.size == register(built_archive).checkpoint_size
    assert report.live_log.checked
    assert report.live_log.consistent is True
    assert report.repairs == ()


def test_creation_tells_the_pages_of_each_document_as_it_is_rendered(
    built_archive: BuiltArchive,
) -> None:
    told = built_archive.rendered
    documents = told[0][1]
    assert told[0] == (0, documents, 0)
    assert [done for done, _, _ in told] == list(range(documents + 1))
    pages = [paged for _, _, paged in told]
    assert pages == sorted(pages)
    assert all(after > before for before, after in itertools.pairwise(pages))  # ≥ 1 sheet each
    assert told[-1] == (documents, documents, built_archive.pages)


def test_an_archive_made_before_a_key_rotation_still_verifies_online_and_offline(
    built_archive: BuiltArchive, tmp_path: Path
) -> None:
    """The log names the key of the archive's checkpoint: a rotation since does not make the
    archive fail against the live log (its checkpoint is held to the key of its time)."""
    built = built_archive.settings
    shutil.copytree(built.signing_key_dir.parent, tmp_path / "deployment")
    moved = tmp_path / "deployment"
    settings = built.model_copy(
        update={
            "database_url": built.database_url.replace(
                str(built.signing_key_dir.parent), str(moved)
            ),
            "signing_key_dir": moved / "keys",
            "checkpoint_dir": moved / "checkpoints",
        }
    )
    school_id = built_archive.school.school_id
    with Notary.open(settings, school_id) as notary:
        old, new, _signed = notary.rotate_key("the archive test rotates the school's key")
    assert old != new
    stores = [DirectoryStore(moved / "stores" / "a"), DirectoryStore(moved / "stores" / "b")]

    with reach_school(settings, school_id) as (live, why):
        assert live is not None, why
        assert live.verifier() == new
        online = verify_archive(built_archive.archive_id, stores, checked_at=NOW, live=live)
    offline = verify_archive(built_archive.archive_id, stores, checked_at=NOW)

    for report in (online, offline):
        assert report.outcome is ArchiveOutcome.HEALTHY, report.problems
        assert report.anchor is not None
        assert report.anchor.key == old.text
    assert online.live_log.consistent is True
    assert online.anchor is not None
    assert online.anchor.key_source == "the school's key"


def test_from_one_copy_alone_without_a_database_it_says_what_it_could_not_check(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path], tmp_path: Path
) -> None:
    alone = [DirectoryStore(archive_copies[0])]

    unpinned = verify(built_archive, alone, reachable=False)
    key_file = tmp_path / "school.vkey"
    key_file.write_text(school_key(built_archive).verifier().text)
    pinned = verify(
        built_archive,
        alone,
        reachable=False,
        trusted_key=TrustedKey(VerifierKey.from_text(key_file.read_text()), "the key in a file"),
    )

    for report in (unpinned, pinned):
        # Whole and anchored, but one copy is not an archive (Gymnasium 2 §10.3: two media).
        assert report.outcome is ArchiveOutcome.REPAIRABLE
        assert problems(report) == {(None, None, Kind.TOO_FEW_STORES)}
        assert "§10.3" in report.problems[0].detail
        assert report.stores[0].healthy
        assert report.documents.checked
        assert report.documents.documents == 7
        assert not report.live_log.checked
        assert "checked from the archive alone" in report.live_log.detail
    assert unpinned.anchor is not None
    assert "not pinned" in unpinned.anchor.key_source
    assert pinned.anchor is not None
    assert pinned.anchor.key_source == "the key in a file"


# --- damage a repair can mend -------------------------------------------------------------------


@pytest.mark.parametrize("damaged", [PDF, EVENTS, "data/checkpoint.txt", "bag-info.txt"])
def test_a_flipped_bit_on_store_b_is_named_and_repaired(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path], damaged: str
) -> None:
    stores = directory_stores(archive_copies)
    bag_b = archive_copies[1] / built_archive.archive_id
    healthy = (archive_copies[0] / built_archive.archive_id / damaged).read_bytes()
    flip_bit(bag_b / damaged)
    flipped = (bag_b / damaged).read_bytes()

    found = verify(built_archive, stores)

    assert found.outcome is ArchiveOutcome.REPAIRABLE
    assert found.exit_code == 2
    assert problems(found) == {(stores[1].url, damaged, Kind.CHECKSUM_MISMATCH)}
    assert [(r.file, r.from_store, r.to_store) for r in found.repairs] == [
        (damaged, stores[0].url, stores[1].url)
    ]

    outcome = repair(built_archive, stores, found)

    assert [(r.file, r.to_store) for r in outcome.restored] == [(damaged, stores[1].url)]
    assert (bag_b / damaged).read_bytes() == healthy
    kept = outcome.restored[0].set_aside_as
    assert kept is not None
    assert Path(kept).read_bytes() == flipped  # the damaged copy is evidence: kept
    assert verify(built_archive, stores).outcome is ArchiveOutcome.HEALTHY


def test_a_file_missing_on_store_a_is_named_and_restored(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path]
) -> None:
    stores = directory_stores(archive_copies)
    lost = archive_copies[0] / built_archive.archive_id / PDF
    lost.unlink()

    found = verify(built_archive, stores)

    assert found.outcome is ArchiveOutcome.REPAIRABLE
    assert problems(found) == {(stores[0].url, PDF, Kind.MISSING)}

    outcome = repair(built_archive, stores, found)

    assert [(r.file, r.from_store, r.set_aside_as) for r in outcome.restored] == [
        (PDF, stores[1].url, None)
    ]
    assert lost.read_bytes() == (archive_copies[1] / built_archive.archive_id / PDF).read_bytes()
    assert verify(built_archive, stores).outcome is ArchiveOutcome.HEALTHY


@pytest.mark.parametrize(
    ("store", "manifest"),
    [(1, "manifest-sha256.txt"), (0, "tagmanifest-sha512.txt"), (1, "tagmanifest-sha256.txt")],
)
def test_a_flipped_bit_in_a_manifest_blames_the_manifest_not_the_files(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path], store: int, manifest: str
) -> None:
    stores = directory_stores(archive_copies)
    path = archive_copies[store] / built_archive.archive_id / manifest
    content = path.read_bytes()
    # A digit of the first digest: the manifest still parses, one entry is wrong.
    digit = content.index(b" ") - 1
    path.write_bytes(
        content[:digit]
        + (b"1" if content[digit : digit + 1] == b"0" else b"0")
        + content[digit + 1 :]
    )

    found = verify(built_archive, stores)

    assert found.outcome is ArchiveOutcome.REPAIRABLE
    assert problems(found) == {(stores[store].url, manifest, Kind.CHECKSUM_MISMATCH)}
    repair(built_archive, stores, found)
    assert verify(built_archive, stores).outcome is ArchiveOutcome.HEALTHY


def test_a_stray_file_in_the_bag_is_named_and_set_aside(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path]
) -> None:
    stores = directory_stores(archive_copies)
    stray = archive_copies[1] / built_archive.archive_id / "data/documents/journal-5A (1).pdf"
    stray.write_bytes(b"%PDF a copy someone left")

    found = verify(built_archive, stores)

    assert found.outcome is ArchiveOutcome.REPAIRABLE
    assert problems(found) == {
        (stores[1].url, "data/documents/journal-5A (1).pdf", Kind.EXTRA_FILE)
    }
    outcome = repair(built_archive, stores, found)
    assert not stray.exists()
    assert len(outcome.set_aside) == 1
    kept = outcome.set_aside[0].split(" -> ")[1]
    assert Path(kept).read_bytes() == b"%PDF a copy someone left"
    assert verify(built_archive, stores).outcome is ArchiveOutcome.HEALTHY


def test_a_store_without_the_archive_gets_the_whole_bag(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path], tmp_path: Path
) -> None:
    stores = [DirectoryStore(archive_copies[0]), DirectoryStore(tmp_path / "new-medium")]

    found = verify(built_archive, stores)

    assert found.outcome is ArchiveOutcome.REPAIRABLE
    assert (stores[1].url, None, Kind.MISSING) in problems(found)
    outcome = repair(built_archive, stores, found)
    assert len(outcome.restored) == 17
    assert verify(built_archive, stores).outcome is ArchiveOutcome.HEALTHY


# --- tampering: valid bags the checkpoint catches -----------------------------------------------


@pytest.mark.parametrize("reachable", [True, False], ids=["with-database", "archive-alone"])
def test_a_bag_rebuilt_after_tampering_is_valid_but_caught_by_the_checkpoint(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path], reachable: bool
) -> None:
    stores = directory_stores(archive_copies)
    bag_b = archive_copies[1] / built_archive.archive_id
    change_a_mark(bag_b / EVENTS)
    rebuild(bag_b)  # bagit's full validation passes: as a bag it is valid

    found = verify(built_archive, stores, reachable=reachable)

    assert found.outcome is ArchiveOutcome.REPAIRABLE
    named = {(stores[1].url, EVENTS, Kind.ANCHOR_MISMATCH)}
    if reachable:  # the log's register recorded another manifest when the archive was made
        named.add((stores[1].url, "manifest-sha256.txt", Kind.ANCHOR_MISMATCH))
    assert problems(found) == named
    assert found.stores[1].whole
    assert not found.stores[1].anchored
    restored = {r.file for r in found.repairs}
    assert EVENTS in restored
    assert "manifest-sha256.txt" in restored

    repair(built_archive, stores, found)

    assert verify(built_archive, stores, reachable=reachable).outcome is ArchiveOutcome.HEALTHY


def test_both_copies_rebuilt_after_tampering_are_not_repairable_and_nothing_is_written(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path]
) -> None:
    stores = directory_stores(archive_copies)
    for copy in archive_copies:
        change_a_mark(copy / built_archive.archive_id / EVENTS)
        rebuild(copy / built_archive.archive_id)
    before = snapshot(*archive_copies)

    found = verify(built_archive, stores)
    outcome = repair(built_archive, stores, found)

    assert found.outcome is ArchiveOutcome.NOT_REPAIRABLE
    assert found.exit_code == 3
    assert problems(found) == {
        (s.url, file, Kind.ANCHOR_MISMATCH)
        for s in stores
        for file in (EVENTS, "manifest-sha256.txt")
    }
    assert not outcome.wrote_anything
    assert snapshot(*archive_copies) == before


def test_both_copies_damaged_is_not_repairable_and_nothing_is_written(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path]
) -> None:
    stores = directory_stores(archive_copies)
    flip_bit(archive_copies[0] / built_archive.archive_id / PDF)
    flip_bit(archive_copies[1] / built_archive.archive_id / "data/documents/movement-sheet.pdf")
    before = snapshot(*archive_copies)

    found = verify(built_archive, stores)
    outcome = repair(built_archive, stores, found)

    assert found.outcome is ArchiveOutcome.NOT_REPAIRABLE
    assert problems(found) == {
        (stores[0].url, PDF, Kind.CHECKSUM_MISMATCH),
        (stores[1].url, "data/documents/movement-sheet.pdf", Kind.CHECKSUM_MISMATCH),
    }
    assert found.repairs == ()
    assert not outcome.wrote_anything
    assert snapshot(*archive_copies) == before


@pytest.mark.parametrize("reachable", [True, False], ids=["with-database", "archive-alone"])
def test_a_document_swapped_in_a_rebuilt_bag_is_named_by_the_signed_log(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path], reachable: bool
) -> None:
    stores = directory_stores(archive_copies)
    bag_b = archive_copies[1] / built_archive.archive_id
    (bag_b / PDF).write_bytes(b"%PDF-1.7 a journal with other marks")
    rebuild(bag_b)

    found = verify(built_archive, stores, reachable=reachable)

    assert found.outcome is ArchiveOutcome.REPAIRABLE
    assert problems(found) == {(stores[1].url, PDF, Kind.ANCHOR_MISMATCH)}
    assert "the document was altered" in found.problems[0].detail
    repair(built_archive, stores, found)
    assert verify(built_archive, stores, reachable=reachable).outcome is ArchiveOutcome.HEALTHY


def test_a_real_pdf_forged_on_the_only_copy_is_named_with_the_database_gone(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path]
) -> None:
    """The state archive holds one copy and no database: a PDF altered inside (a real PDF,
    the bag's manifests and tag manifests regenerated, bagit's full validation passing) is
    named by its path, pinned key or not."""
    bag_a = archive_copies[0] / built_archive.archive_id
    forged = bag_a / "data/documents/progress-sheet-5A.pdf"
    forged.write_bytes(forged.read_bytes().replace(b"%%EOF", b"%%EOF\n% 4 -> 5\n%%EOF", 1))
    rebuild(bag_a)
    alone = [DirectoryStore(archive_copies[0])]

    for trusted in (None, TrustedKey(school_key(built_archive).verifier(), "a key file")):
        found = verify(built_archive, alone, reachable=False, trusted_key=trusted)

        assert found.outcome is ArchiveOutcome.NOT_REPAIRABLE
        assert (alone[0].url, "data/documents/progress-sheet-5A.pdf", Kind.ANCHOR_MISMATCH) in (
            problems(found)
        )
        assert {p.file for p in found.problems} == {
            "data/documents/progress-sheet-5A.pdf",
            None,  # and one copy only (Gymnasium 2 §10.3)
        }
        assert found.documents.checked


def test_a_summary_sheet_relabelled_a_five_year_journal_is_named(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path]
) -> None:
    stores = directory_stores(archive_copies)
    bag_b = archive_copies[1] / built_archive.archive_id
    retention = (bag_b / "retention.txt").read_text()
    sheet = "summary-sheet data/documents/progress-sheet-5A.pdf"
    assert f"75 {sheet}" in retention
    (bag_b / "retention.txt").write_text(
        retention.replace(f"75 {sheet}", "5 journal data/documents/progress-sheet-5A.pdf")
    )
    rebuild(bag_b)

    found = verify(built_archive, stores, reachable=False)

    assert found.outcome is ArchiveOutcome.REPAIRABLE
    assert problems(found) == {(stores[1].url, "retention.txt", Kind.ANCHOR_MISMATCH)}
    assert "progress-sheet-5A.pdf" in found.problems[0].detail


def test_a_document_added_to_or_taken_from_a_rebuilt_bag_is_named(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path]
) -> None:
    stores = directory_stores(archive_copies)
    bag_b = archive_copies[1] / built_archive.archive_id
    (bag_b / "data/documents/journal-5A.pdf").rename(bag_b / "data/documents/journal-5Z.pdf")
    rebuild(bag_b)

    found = verify(built_archive, stores, reachable=False)

    assert found.outcome is ArchiveOutcome.REPAIRABLE
    assert problems(found) == {
        (stores[1].url, "data/documents/journal-5A.pdf", Kind.MISSING),
        (stores[1].url, "data/documents/journal-5Z.pdf", Kind.EXTRA_FILE),
    }


def test_a_checkpoint_signed_with_another_key_is_refused(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path]
) -> None:
    stores = directory_stores(archive_copies)
    bag_b = archive_copies[1] / built_archive.archive_id
    genuine = register(built_archive)
    forger = SigningKey.generate(f"ejournal/{built_archive.school.school_id}")
    change_a_mark(bag_b / EVENTS)
    lines = (bag_b / EVENTS).read_bytes().split(b"\n")[:-1]
    forged = Checkpoint(
        origin=forger.name, size=len(lines), root=root_of([leaf_hash(x) for x in lines]), time=NOW
    )
    (bag_b / "data/checkpoint.txt").write_text(sign(forged, forger))
    (bag_b / "data/checkpoint.vkey").write_text(forger.verifier().text + "\n")
    rebuild(bag_b, **{"Ejournal-Checkpoint-Root": forged.root.hex()})
    assert forged.root.hex() != genuine.checkpoint_root

    with_school = verify(built_archive, stores)
    offline = verify(
        built_archive,
        stores,
        reachable=False,
        trusted_key=TrustedKey(school_key(built_archive).verifier(), "the school's published key"),
    )
    unpinned = verify(built_archive, [stores[1]], reachable=False)

    for report in (with_school, offline):
        assert report.outcome is ArchiveOutcome.REPAIRABLE
        assert problems(report) == {
            (stores[1].url, "data/checkpoint.vkey", Kind.ANCHOR_MISMATCH),
            (stores[1].url, "data/checkpoint.txt", Kind.BAD_SIGNATURE),
        }
    # With nothing to pin the key to, a forgery by a new key is consistent in itself: that is
    # why the report says the key was not pinned.
    assert problems(unpinned) == {(None, None, Kind.TOO_FEW_STORES)}
    assert unpinned.stores[0].healthy
    assert unpinned.anchor is not None
    assert "not pinned" in unpinned.anchor.key_source


def test_an_altered_checkpoint_has_a_bad_signature(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path]
) -> None:
    stores = directory_stores(archive_copies)
    bag_b = archive_copies[1] / built_archive.archive_id
    note = (bag_b / "data/checkpoint.txt").read_text()
    (bag_b / "data/checkpoint.txt").write_text(note.replace("time 2026", "time 2025", 1))
    rebuild(bag_b)

    found = verify(built_archive, stores, reachable=False)

    assert found.outcome is ArchiveOutcome.REPAIRABLE
    assert problems(found) == {(stores[1].url, "data/checkpoint.txt", Kind.BAD_SIGNATURE)}


def test_an_archive_of_a_history_the_live_log_does_not_extend_is_not_repairable(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path]
) -> None:
    """Both copies hold a log that differs from the school's, signed with the school's own key
    (as after the database was rewritten and re-signed): in itself the archive is sound, and
    only the live log can tell."""
    stores = directory_stores(archive_copies)
    key = school_key(built_archive)
    for copy in archive_copies:
        bag = copy / built_archive.archive_id
        change_a_mark(bag / EVENTS)
        lines = (bag / EVENTS).read_bytes().split(b"\n")[:-1]
        forked = Checkpoint(
            origin=key.name, size=len(lines), root=root_of([leaf_hash(x) for x in lines]), time=NOW
        )
        (bag / "data/checkpoint.txt").write_text(sign(forked, key))
        rebuild(bag, **{"Ejournal-Checkpoint-Root": forked.root.hex()})

    alone = verify(built_archive, stores, reachable=False)
    found = verify(built_archive, stores)

    assert alone.outcome is ArchiveOutcome.HEALTHY
    assert found.outcome is ArchiveOutcome.NOT_REPAIRABLE
    assert found.live_log.consistent is False
    assert (None, "data/checkpoint.txt", Kind.INCONSISTENT_WITH_LIVE_LOG) in problems(found)


# --- an S3 store --------------------------------------------------------------------------------


def test_a_damaged_copy_in_an_s3_bucket_is_restored_from_the_directory(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path], s3_bucket: str
) -> None:
    directory = DirectoryStore(archive_copies[0])
    bucket = open_store(f"s3://{s3_bucket}/journal")
    assert isinstance(bucket, S3Store)
    for path in directory.files(built_archive.archive_id):
        with directory.open(built_archive.archive_id, path) as source:
            bucket.write(built_archive.archive_id, path, source)
    stores: list[Store] = [directory, bucket]
    assert verify(built_archive, stores).outcome is ArchiveOutcome.HEALTHY
    client = boto3.client("s3")
    key = f"journal/{built_archive.archive_id}/{EVENTS}"
    damaged = bytearray(client.get_object(Bucket=s3_bucket, Key=key)["Body"].read())
    damaged[100] ^= 0x01
    client.put_object(Bucket=s3_bucket, Key=key, Body=bytes(damaged))

    found = verify(built_archive, stores)

    assert found.outcome is ArchiveOutcome.REPAIRABLE
    assert problems(found) == {(bucket.url, EVENTS, Kind.CHECKSUM_MISMATCH)}
    outcome = repair(built_archive, stores, found)
    assert [r.to_store for r in outcome.restored] == [bucket.url]
    restored = client.get_object(Bucket=s3_bucket, Key=key)["Body"].read()
    assert (
        hashlib.sha256(restored).digest()
        == hashlib.sha256(
            (archive_copies[0] / built_archive.archive_id / EVENTS).read_bytes()
        ).digest()
    )
    assert verify(built_archive, stores).outcome is ArchiveOutcome.HEALTHY


# --- the register -------------------------------------------------------------------------------


def test_only_those_who_keep_archives_record_archive_work(built_archive: BuiltArchive) -> None:
    world = built_archive.school.world

    with pytest.raises(AccessDeniedError, match="archive"):
        archives.record_archive_verification(
            world.school,
            world.math,
            archives.RecordArchiveVerification(
                archive_id=built_archive.archive_id,
                outcome=ArchiveOutcome.HEALTHY,
                stores=("/srv/a",),
                live_log_checked=True,
            ),
        )
    recorded = archives.record_archive_verification(
        world.school,
        system_actor(),
        archives.RecordArchiveVerification(
            archive_id=built_archive.archive_id,
            outcome=ArchiveOutcome.HEALTHY,
            stores=("/srv/a",),
            live_log_checked=True,
        ),
    )
    assert recorded.events == 1


def test_the_register_holds_what_creation_recorded(built_archive: BuiltArchive) -> None:
    kept = register(built_archive)
    manifest = (
        built_archive.stores / "a" / built_archive.archive_id / "manifest-sha256.txt"
    ).read_bytes()

    assert kept.archive_id == built_archive.archive_id
    assert (kept.year, kept.period) == ("2026/2027", "Q1")
    assert kept.manifest_sha256 == hashlib.sha256(manifest).hexdigest()
    assert kept.stores == (str(built_archive.stores / "a"), str(built_archive.stores / "b"))
    # The id names the log the documents were rendered from; the archive's checkpoint was
    # signed after the documents were recorded, so it is larger.
    rendered_from = int(built_archive.archive_id.rsplit("-", 1)[1])
    assert kept.checkpoint_size > rendered_from


def test_the_log_records_every_document_before_the_archives_checkpoint(
    built_archive: BuiltArchive,
) -> None:
    bag = built_archive.stores / "a" / built_archive.archive_id
    contents = built_archive.school.world.school.view(
        ArchiveContents, archive_contents_id(built_archive.archive_id), "archive"
    )
    on_disk = {
        path.relative_to(bag).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (bag / "data/documents").iterdir()
    }

    assert {d.path: d.sha256 for d in contents.documents} == on_disk
    assert {d.path: (d.retention.value, d.retention_years) for d in contents.documents} == {
        path: ("journal", 5) if "/journal-" in path else ("summary-sheet", 75) for path in on_disk
    }
    lines = (bag / EVENTS).read_bytes().splitlines()
    recorded = [line for line in lines if b"ArchiveContents.DocumentsRecorded" in line]
    assert len(recorded) == 1
    assert lines.index(recorded[0]) < register(built_archive).checkpoint_size


def test_each_archived_pdf_lists_each_attachment_once_in_its_af(
    built_archive: BuiltArchive,
) -> None:
    """PDF/A-3 associates each embedded file with the document once (/AF): an archive's reader
    (veraPDF, an archivist's viewer) sees three attachments, not six."""
    documents = built_archive.stores / "a" / built_archive.archive_id / "data/documents"
    for path in sorted(documents.iterdir()):
        catalog = pypdf.PdfReader(path).trailer["/Root"]
        associated = [spec.get_object()["/F"] for spec in catalog["/AF"]]
        tree = catalog["/Names"]["/EmbeddedFiles"]["/Names"]
        embedded = [tree[i] for i in range(0, len(tree), 2)]

        assert sorted(associated) == sorted(set(associated)), (path.name, associated)
        assert sorted(associated) == sorted(embedded), (path.name, associated, embedded)
        expected = {"checkpoint.txt", "checkpoint.vkey"}
        if path.name == "movement-sheet.pdf":
            expected.add("events.jsonl")
        assert set(associated) == expected
