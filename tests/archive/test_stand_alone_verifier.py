"""docs/verify_ejournal.py on a whole archive as ``archive create`` writes it (the session's built
archive, on a directory store): its bag checks out against the school's key fingerprint, pinned,
in a Python that cannot import ejournal; a changed event line, or another key, fails."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import bagit
import cryptography

from archive.bag import CHECKPOINT, EVENTS, PUBLIC_KEY
from ejournal.integrity.checkpoint import SigningKey, VerifierKey

if TYPE_CHECKING:
    from tests.archive.conftest import BuiltArchive  # a fixture's type: never imported

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "verify_ejournal.py"
BOOTSTRAP = """
import runpy, sys
sys.path.append(sys.argv[1])
for ours in ("ejournal", "api", "archive"):
    sys.modules[ours] = None
script = sys.argv[2]
sys.argv = [script, *sys.argv[3:]]
runpy.run_path(script, run_name="__main__")
"""


def verify(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    packages = str(Path(cryptography.__file__).parents[1])
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", BOOTSTRAP, packages, str(SCRIPT), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_built_archive_checks_out_and_a_changed_one_does_not(
    built_archive: BuiltArchive, tmp_path: Path
) -> None:
    bag = tmp_path / built_archive.archive_id
    shutil.copytree(built_archive.stores / "a" / built_archive.archive_id, bag)
    key = VerifierKey.from_text((bag / PUBLIC_KEY).read_text())
    size = (bag / CHECKPOINT).read_text().split("\n")[1]

    good = verify(tmp_path, "archive", bag, "--fingerprint", key.fingerprint)
    assert good.returncode == 0, good.stderr
    assert f"the {size} events" in good.stdout
    assert "its 7 documents are the ones the log recorded" in good.stdout
    assert "retention.txt agrees" in good.stdout

    other = SigningKey.generate(key.name).verifier()
    wrong = verify(tmp_path, "archive", bag, "--fingerprint", other.fingerprint)
    assert wrong.returncode == 1
    assert "fingerprint" in wrong.stderr

    lines = (bag / EVENTS).read_bytes().split(b"\n")
    index = len(lines) // 2  # an event in the middle of the quarter, one digit of its time
    assert b'"timestamp":"2026-' in lines[index]
    lines[index] = lines[index].replace(b'"timestamp":"2026-', b'"timestamp":"2025-', 1)
    (bag / EVENTS).write_bytes(b"\n".join(lines))
    changed = verify(tmp_path, "archive", bag, "--key", key.text)
    assert changed.returncode == 1
    assert "root" in changed.stderr


def rebuild(bag: Path) -> None:
    """Regenerate the bag's manifests and tag manifests after a change, as a forger would."""
    rebuilt = bagit.Bag(str(bag))
    rebuilt.save(manifests=True)
    bagit.Bag(str(bag)).validate()


def test_a_forged_pdf_in_a_rebuilt_bag_is_named(
    built_archive: BuiltArchive, tmp_path: Path
) -> None:
    bag = tmp_path / built_archive.archive_id
    shutil.copytree(built_archive.stores / "a" / built_archive.archive_id, bag)
    key = VerifierKey.from_text((bag / PUBLIC_KEY).read_text())
    forged = bag / "data/documents/progress-sheet-5A.pdf"
    forged.write_bytes(forged.read_bytes().replace(b"%%EOF", b"%%EOF\n% 4 -> 5\n%%EOF", 1))
    rebuild(bag)

    found = verify(tmp_path, "archive", bag, "--fingerprint", key.fingerprint)

    assert found.returncode == 1
    assert found.stderr.startswith("FAILED: data/documents/progress-sheet-5A.pdf is not the")
    assert "journal-5A.pdf" not in found.stderr  # only the forged one is named


def test_a_relabelled_retention_or_an_added_document_is_named(
    built_archive: BuiltArchive, tmp_path: Path
) -> None:
    bag = tmp_path / built_archive.archive_id
    shutil.copytree(built_archive.stores / "a" / built_archive.archive_id, bag)
    key = VerifierKey.from_text((bag / PUBLIC_KEY).read_text())
    retention = bag / "retention.txt"
    sheet = "data/documents/progress-sheet-5A.pdf"
    text = retention.read_text()
    assert f"75 summary-sheet {sheet}" in text  # Lyceum 68 §6.3
    retention.write_text(text.replace(f"75 summary-sheet {sheet}", f"5 journal {sheet}"))
    (bag / "data/documents/extra.pdf").write_bytes(b"%PDF-1.7 not the school's")
    rebuild(bag)

    found = verify(tmp_path, "archive", bag, "--fingerprint", key.fingerprint)

    assert found.returncode == 1
    assert "data/documents/extra.pdf is not among the documents the log recorded" in found.stderr
    assert f"retention.txt gives {sheet} ('5', 'journal')" in found.stderr
    assert "75 years (summary-sheet)" in found.stderr
