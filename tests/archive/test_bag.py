"""The archive as a BagIt bag, on ordinary files: what ``seal`` writes is a bag the Library of
Congress validator accepts, with SHA-256 and SHA-512 manifests and tag manifests, and bag-info
that reads back to what was written; manifests and tag files parse as RFC 8493 says."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import bagit
import pytest

from archive.bag import (
    CHECKPOINT,
    DOCUMENTS_DIR,
    EVENTS,
    PUBLIC_KEY,
    ArchiveInfo,
    BagFormatError,
    archive_id,
    parse_manifest,
    parse_retention,
    parse_tag_file,
    seal,
    stage_file,
    write_order,
)

ROOT = bytes(range(32))
INFO = ArchiveInfo(
    archive_id="school7-2026-2027-Q1-3",
    school="school7",
    year="2026/2027",
    period="Q1",
    checkpoint_size=3,
    checkpoint_root=ROOT,
    build_time=datetime(2027, 6, 1, 9, 30, tzinfo=UTC),
    description="Архив электронного классного журнала, 2026/2027 учебный год, 1 четверть",
    school_name="МАОУ «Лицей № 68» г. Примерска",
)
PAYLOAD = {
    EVENTS: b'{"position":1}\n{"position":2}\n{"position":3}\n',
    CHECKPOINT: b"ejournal/school7\n3\nAAEC\n",
    PUBLIC_KEY: b"ejournal/school7+00000000+AQ==\n",
    DOCUMENTS_DIR + "journal-5A.pdf": b"%PDF-1.7 journal",
    DOCUMENTS_DIR + "movement-sheet.pdf": b"%PDF-1.7 movement",
    DOCUMENTS_DIR + "progress-sheet-5A.pdf": b"%PDF-1.7 progress",
}


def sealed(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    bag = tmp_path / INFO.archive_id
    for path, content in PAYLOAD.items():
        stage_file(bag, path, content)
    return bag, seal(bag, INFO)


def test_a_sealed_directory_is_a_valid_bag_with_both_manifests(tmp_path: Path) -> None:
    bag, files = sealed(tmp_path)

    bagit.Bag(str(bag)).validate()  # the full check, not fast=True
    assert set(files) == {
        *PAYLOAD,
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
        "retention.txt",
    }
    for algorithm in ("sha256", "sha512"):
        manifest = parse_manifest((bag / f"manifest-{algorithm}.txt").read_bytes())
        assert manifest == {
            path: hashlib.new(algorithm, content).hexdigest() for path, content in PAYLOAD.items()
        }
        tags = parse_manifest((bag / f"tagmanifest-{algorithm}.txt").read_bytes())
        assert set(tags) == {
            "bagit.txt",
            "bag-info.txt",
            "manifest-sha256.txt",
            "manifest-sha512.txt",
            "retention.txt",
        }


def test_bag_info_reads_back_to_what_was_written(tmp_path: Path) -> None:
    bag, _ = sealed(tmp_path)

    fields = parse_tag_file((bag / "bag-info.txt").read_bytes())

    assert ArchiveInfo.from_bag_info(fields).to_bag_info() == INFO.to_bag_info()
    assert fields["External-Identifier"] == INFO.archive_id
    assert fields["Bagging-Date"] == "2027-06-01"
    assert fields["Ejournal-Checkpoint-Root"] == ROOT.hex()
    assert fields["Payload-Oxum"] == f"{sum(map(len, PAYLOAD.values()))}.{len(PAYLOAD)}"
    assert bagit.Bag(str(bag)).info["Ejournal-Checkpoint-Size"] == "3"


def test_the_bag_is_bagit_1_0_and_names_the_school_by_its_name(tmp_path: Path) -> None:
    bag, _ = sealed(tmp_path)

    declaration = parse_tag_file((bag / "bagit.txt").read_bytes())
    fields = parse_tag_file((bag / "bag-info.txt").read_bytes())
    loaded = bagit.Bag(str(bag))

    assert declaration == {"BagIt-Version": "1.0", "Tag-File-Character-Encoding": "UTF-8"}
    assert loaded.version_info == (1, 0)
    assert fields["Source-Organization"] == "МАОУ «Лицей № 68» г. Примерска"
    assert fields["Ejournal-School"] == "school7"  # the id, for the verifier to find the school
    for field in ("Payload-Oxum", "Bagging-Date", "Bag-Software-Agent", "External-Identifier"):
        assert fields[field]
    assert {"tagmanifest-sha256.txt", "tagmanifest-sha512.txt"} <= {p.name for p in bag.iterdir()}


def test_each_payload_file_carries_its_retention_class_and_years(tmp_path: Path) -> None:
    bag, _ = sealed(tmp_path)

    retention = parse_retention((bag / "retention.txt").read_bytes())
    fields = parse_tag_file((bag / "bag-info.txt").read_bytes())

    assert retention == {
        DOCUMENTS_DIR + "journal-5A.pdf": (5, "journal"),  # Lyceum 68 §6.2
        DOCUMENTS_DIR + "progress-sheet-5A.pdf": (75, "summary-sheet"),  # §6.3
        DOCUMENTS_DIR + "movement-sheet.pdf": (75, "summary-sheet"),
        EVENTS: (75, "integrity"),
        CHECKPOINT: (75, "integrity"),
        PUBLIC_KEY: (75, "integrity"),
    }
    assert fields["Ejournal-Retention-File"] == "retention.txt"
    assert fields["Ejournal-Retention-Journal"] == "5 years (Lyceum 68 §6.2)"
    assert fields["Ejournal-Retention-Summary-Sheet"] == "75 years (Lyceum 68 §6.3)"
    assert fields["Ejournal-Retention-Integrity"].startswith("75 years")


def test_a_whole_year_archive_says_year_for_its_period() -> None:
    assert archive_id("demo", "2026/2027", None, 1532) == "demo-2026-2027-year-1532"
    assert archive_id("demo", "2026/2027", "Q1", 90) == "demo-2026-2027-Q1-90"
    whole_year = ArchiveInfo.from_bag_info({**INFO.to_bag_info(), "Ejournal-Period": "year"})
    assert whole_year.period is None


def test_bag_info_without_our_fields_is_malformed() -> None:
    fields = INFO.to_bag_info()
    del fields["Ejournal-Checkpoint-Root"]
    with pytest.raises(BagFormatError, match="Ejournal-Checkpoint-Root"):
        ArchiveInfo.from_bag_info(fields)
    with pytest.raises(BagFormatError, match="malformed"):
        ArchiveInfo.from_bag_info({**INFO.to_bag_info(), "Ejournal-Checkpoint-Size": "three"})


def test_manifest_paths_are_percent_decoded_and_digests_lower_cased() -> None:
    entries = parse_manifest(b"ABCDEF  data/a%0Ab.txt\r\n0123 data/100%25.pdf\n\n")

    assert entries == {"data/a\nb.txt": "abcdef", "data/100%.pdf": "0123"}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not-hex data/a.pdf\n", "not '<digest> <path>'"),
        (b"abcdef\n", "not '<digest> <path>'"),
        (b"ab data/a.pdf\ncd data/a.pdf\n", "twice"),
        (b"\xff\xfe data/a.pdf\n", "not UTF-8"),
    ],
)
def test_a_malformed_manifest_is_refused(content: bytes, problem: str) -> None:
    with pytest.raises(BagFormatError, match=problem):
        parse_manifest(content)


def test_tag_files_continue_values_on_indented_lines() -> None:
    text = "External-Description: Архив журнала,\n  первая четверть\nBagging-Date: 2027-06-01\n"

    fields = parse_tag_file(text.encode())

    assert fields == {
        "External-Description": "Архив журнала, первая четверть",
        "Bagging-Date": "2027-06-01",
    }
    with pytest.raises(BagFormatError, match="continues no field"):
        parse_tag_file(b"  stray\n")
    with pytest.raises(BagFormatError, match="Label: value"):
        parse_tag_file(b"no colon here\n")


def test_a_bag_is_written_payload_first_and_tag_manifests_last() -> None:
    paths = ["tagmanifest-sha256.txt", "bagit.txt", EVENTS, "manifest-sha256.txt", CHECKPOINT]

    ordered = sorted(paths, key=write_order)

    assert ordered[:2] == [CHECKPOINT, EVENTS]
    assert ordered[-1] == "tagmanifest-sha256.txt"


def test_only_payload_paths_are_staged(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="payload"):
        stage_file(tmp_path, "bagit.txt", b"")
