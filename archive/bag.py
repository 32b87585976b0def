"""An archive as a BagIt bag (RFC 8493): its layout, its bag-info fields and its manifests.

A bag is the format archivists know: a ``data/`` payload, a manifest of SHA-256 and one of
SHA-512 digests for every payload file, and tag manifests for the tag files (``bagit.txt``,
``bag-info.txt`` and the manifests). The payload of a journal archive::

    data/documents/*.pdf     the PDF/A documents (journal pages, summary sheets)
    data/events.jsonl        the school's log up to the checkpoint, one canonical event a line
    data/checkpoint.txt      the signed checkpoint (C2SP signed note) covering those lines
    data/checkpoint.vkey     the school's public key that signed it

A tag file, ``retention.txt``, gives each payload file its retention class and years, so an
archive can dispose of the class journals (5 years, Lyceum 68 §6.2) apart from the summary
sheets (75 years, §6.3); ``bag-info.txt`` names the classes too. The bag is BagIt 1.0: the
Library of Congress ``bagit`` package writes the payload manifests and ``bag-info.txt``, then
``bagit.txt`` is given version 1.0 and the tag manifests are written here, over every tag file.
Reading a bag back (from any store, not only a directory) is done here, line by line as RFC 8493
§2 defines the files.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import bagit

from ejournal.aggregates.archive_register import RetentionClass
from ejournal.errors import EjournalError

ALGORITHMS = ("sha256", "sha512")
"""Every file is checked against a digest of each: a flipped bit in one manifest shows up as a
disagreement between the two, not as damage to the file it describes."""

PAYLOAD_DIR = "data/"
DOCUMENTS_DIR = "data/documents/"
EVENTS = "data/events.jsonl"
CHECKPOINT = "data/checkpoint.txt"
PUBLIC_KEY = "data/checkpoint.vkey"
BAGIT_TXT = "bagit.txt"
BAG_INFO = "bag-info.txt"
RETENTION = "retention.txt"
"""A tag file: ``<years> <class> <path>`` a line, one line per payload file."""

BAGIT_VERSION = "1.0"
BAGIT_DECLARATION = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
"""``bagit.txt`` as RFC 8493 §2.1.1 writes it for BagIt 1.0."""

RETENTION_YEARS = {
    RetentionClass.JOURNAL: 5,
    RetentionClass.SUMMARY_SHEET: 75,
    RetentionClass.INTEGRITY: 75,
}
"""Years each class is kept: class journals 5 (Lyceum 68 §6.2), summary sheets of the year 75
(§6.3, "как документы строгой отчетности"); the log, checkpoint and key as long as the longest
document they vouch for."""

RETENTION_BASIS = {
    RetentionClass.JOURNAL: "Lyceum 68 §6.2",
    RetentionClass.SUMMARY_SHEET: "Lyceum 68 §6.3",
    RetentionClass.INTEGRITY: "as long as the summary sheets it anchors, Lyceum 68 §6.3",
}

_JOURNAL_DOCUMENT = re.compile(r"^data/documents/journal-[^/]+\.pdf$")

WHOLE_YEAR = "year"
"""The period part of an archive id (and bag-info) for an archive of a whole school year."""

_MANIFEST = re.compile(r"^manifest-([a-z0-9]+)\.txt$")
_TAG_MANIFEST = re.compile(r"^tagmanifest-([a-z0-9]+)\.txt$")


class BagFormatError(EjournalError):
    """A bag's tag file or manifest cannot be read as RFC 8493 defines it."""

    slug = "bag-malformed"
    title = "The archive's bag is malformed"
    status = 422


def manifest_name(algorithm: str) -> str:
    """The payload manifest of one algorithm."""
    return f"manifest-{algorithm}.txt"


def tagmanifest_name(algorithm: str) -> str:
    """The tag manifest of one algorithm."""
    return f"tagmanifest-{algorithm}.txt"


def is_payload(path: str) -> bool:
    return path.startswith(PAYLOAD_DIR)


def is_tagmanifest(path: str) -> bool:
    return _TAG_MANIFEST.match(path) is not None


def write_order(path: str) -> tuple[int, str]:
    """Sort key that writes a bag's payload first, its tag files next and its tag manifests
    last, so a bag copied only in part never looks complete."""
    if is_payload(path):
        return (0, path)
    if is_tagmanifest(path):
        return (2, path)
    return (1, path)


def retention_of(path: str) -> RetentionClass:
    """The retention class of a payload file: a class journal is a journal; every other
    document is a summary sheet (kept the longest, when in doubt); the log, checkpoint and key
    are what the documents are checked against."""
    if path in (EVENTS, CHECKPOINT, PUBLIC_KEY):
        return RetentionClass.INTEGRITY
    if _JOURNAL_DOCUMENT.match(path):
        return RetentionClass.JOURNAL
    return RetentionClass.SUMMARY_SHEET


def retention_lines(payload: list[str]) -> bytes:
    """``retention.txt``: ``<years> <class> <path>`` for each payload file."""
    lines = []
    for path in sorted(payload):
        retention = retention_of(path)
        lines.append(f"{RETENTION_YEARS[retention]} {retention.value} {path}\n")
    return "".join(lines).encode("utf-8")


def parse_retention(content: bytes) -> dict[str, tuple[int, str]]:
    """``retention.txt`` read back: path → (years, class)."""
    entries: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(_text(content, "retention file").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(" ", 2)
        if len(parts) != 3 or not parts[0].isdigit():
            raise BagFormatError(f"retention.txt line {number} is not '<years> <class> <path>'")
        entries[parts[2]] = (int(parts[0]), parts[1])
    return entries


def software_version() -> str:
    """This software's version, as the bag's ``Bag-Software-Agent`` names it."""
    try:
        return version("ejournal")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def archive_id(school: str, year: str, period: str | None, size: int) -> str:
    """The stable id of the archive of a school's year or period at a log size:
    ``demo-2026-2027-Q1-1532``."""
    return f"{school}-{year.replace('/', '-')}-{period or WHOLE_YEAR}-{size}"


@dataclass(frozen=True)
class ArchiveInfo:
    """What an archive says about itself in its ``bag-info.txt``."""

    archive_id: str
    school: str
    year: str
    period: str | None
    checkpoint_size: int
    checkpoint_root: bytes
    build_time: datetime
    description: str = ""
    """A line for a reader of the bag, in Russian (what the archive holds)."""
    software: str = ""
    school_name: str = ""
    """The school's official name (Source-Organization); its id is ``school``."""

    def to_bag_info(self) -> dict[str, str]:
        """The bag-info fields: RFC 8493's reserved ones and ours (``Ejournal-…``)."""
        software = self.software or software_version()
        fields = {
            "Source-Organization": self.school_name or self.school,
            "External-Identifier": self.archive_id,
            "Bagging-Date": self.build_time.astimezone(UTC).date().isoformat(),
            "Bag-Software-Agent": f"ejournal {software} (bagit.py {bagit.VERSION})",
            "Ejournal-Archive-Id": self.archive_id,
            "Ejournal-School": self.school,
            "Ejournal-Year": self.year,
            "Ejournal-Period": self.period or WHOLE_YEAR,
            "Ejournal-Checkpoint-Size": str(self.checkpoint_size),
            "Ejournal-Checkpoint-Root": self.checkpoint_root.hex(),
            "Ejournal-Build-Time": self.build_time.astimezone(UTC).isoformat(),
            "Ejournal-Software-Version": software,
            "Ejournal-Retention-File": RETENTION,
        }
        for retention in RetentionClass:
            label = "Ejournal-Retention-" + retention.value.title()
            fields[label] = f"{RETENTION_YEARS[retention]} years ({RETENTION_BASIS[retention]})"
        if self.description:
            fields["External-Description"] = self.description
        return fields

    @classmethod
    def from_bag_info(cls, fields: Mapping[str, str]) -> ArchiveInfo:
        """Read back what ``to_bag_info`` wrote; a field missing or malformed is an error."""
        try:
            period = fields["Ejournal-Period"]
            return cls(
                archive_id=fields["Ejournal-Archive-Id"],
                school=fields["Ejournal-School"],
                year=fields["Ejournal-Year"],
                period=None if period == WHOLE_YEAR else period,
                checkpoint_size=int(fields["Ejournal-Checkpoint-Size"]),
                checkpoint_root=bytes.fromhex(fields["Ejournal-Checkpoint-Root"]),
                build_time=datetime.fromisoformat(fields["Ejournal-Build-Time"]),
                description=fields.get("External-Description", ""),
                software=fields.get("Ejournal-Software-Version", ""),
                school_name=fields.get("Source-Organization", ""),
            )
        except KeyError as error:
            raise BagFormatError(f"bag-info.txt has no {error.args[0]} field") from None
        except ValueError as error:
            raise BagFormatError(f"bag-info.txt has a malformed field: {error}") from None


def stage_file(directory: Path, payload_path: str, content: bytes) -> Path:
    """Put a payload file (a path inside ``data/``) in a directory about to become a bag."""
    if not payload_path.startswith(PAYLOAD_DIR):
        raise ValueError(f"{payload_path!r} is not a payload path (data/…)")
    target = directory / payload_path.removeprefix(PAYLOAD_DIR)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return target


def staged_path(directory: Path, payload_path: str) -> Path:
    """Where a payload file is staged before the directory becomes a bag."""
    return directory / payload_path.removeprefix(PAYLOAD_DIR)


def seal(directory: Path, info: ArchiveInfo) -> dict[str, int]:
    """Turn a directory of staged payload files into a BagIt 1.0 bag; returns its files and
    sizes."""
    bagit.make_bag(str(directory), bag_info=info.to_bag_info(), checksums=list(ALGORITHMS))
    # bagit.py declares version 0.97; what it writes is also a 1.0 bag, once bagit.txt says so.
    (directory / BAGIT_TXT).write_bytes(BAGIT_DECLARATION)
    payload = [
        p.relative_to(directory).as_posix()
        for p in (directory / PAYLOAD_DIR).rglob("*")
        if p.is_file()
    ]
    (directory / RETENTION).write_bytes(retention_lines(payload))
    _write_tagmanifests(directory)
    return {
        path.relative_to(directory).as_posix(): path.stat().st_size
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def _write_tagmanifests(directory: Path) -> None:
    """A tag manifest per algorithm over every tag file (bagit.txt, bag-info.txt, the payload
    manifests, retention.txt), written after the last of them changed."""
    tag_files = sorted(
        p.name for p in directory.iterdir() if p.is_file() and not is_tagmanifest(p.name)
    )
    for algorithm in ALGORITHMS:
        lines = "".join(
            f"{hashlib.new(algorithm, (directory / name).read_bytes()).hexdigest()} {name}\n"
            for name in tag_files
        )
        (directory / tagmanifest_name(algorithm)).write_text(lines, encoding="utf-8")


def parse_tag_file(content: bytes) -> dict[str, str]:
    """The fields of a tag file (``bagit.txt``, ``bag-info.txt``): ``Label: value`` lines, a
    value continued on lines that start with white space (RFC 8493 §2.2.2). A repeated label
    keeps its last value."""
    fields: dict[str, str] = {}
    label: str | None = None
    for number, line in enumerate(_text(content, "tag file").splitlines(), start=1):
        if not line.strip():
            continue
        if line[0] in " \t":
            if label is None:
                raise BagFormatError(f"tag file line {number} continues no field")
            fields[label] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise BagFormatError(f"tag file line {number} is not 'Label: value'")
        label = name.strip()
        fields[label] = value.strip()
    return fields


def parse_manifest(content: bytes) -> dict[str, str]:
    """A manifest's entries, path → hex digest (lower case): ``<digest> <path>`` a line, the
    path with CR, LF and ``%`` percent-encoded (RFC 8493 §2.1.3). A path listed twice, or a
    line that is not an entry, makes the manifest malformed."""
    entries: dict[str, str] = {}
    for number, line in enumerate(_text(content, "manifest").split("\n"), start=1):
        stripped = line.rstrip("\r")
        if not stripped.strip():
            continue
        digest, _, path = stripped.partition(" ")
        path = _decode_path(path.lstrip(" \t"))
        if not re.fullmatch(r"[0-9a-fA-F]+", digest) or not path:
            raise BagFormatError(f"manifest line {number} is not '<digest> <path>'")
        if path in entries:
            raise BagFormatError(f"manifest lists {path!r} twice")
        entries[path] = digest.lower()
    return entries


def manifest_algorithm(path: str) -> str | None:
    """The algorithm of a payload manifest's file name (``manifest-sha256.txt``), else None."""
    found = _MANIFEST.match(path)
    return found.group(1) if found else None


def tagmanifest_algorithm(path: str) -> str | None:
    """The algorithm of a tag manifest's file name, else None."""
    found = _TAG_MANIFEST.match(path)
    return found.group(1) if found else None


def _text(content: bytes, what: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BagFormatError(f"the {what} is not UTF-8: {error}") from None


def _decode_path(path: str) -> str:
    return re.sub(
        r"%(0[dDaA]|25)", lambda m: {"0d": "\r", "0a": "\n", "25": "%"}[m.group(1).lower()], path
    )
