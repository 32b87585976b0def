"""Repairing an archive: restoring damaged or missing files on one store from the healthy copy.

A repair follows a verification's plan and nothing else: it only runs when the verdict was
"damaged but repairable", so some store's bag was whole and anchored, and it copies each file
that differs from that copy. Nothing is destroyed on the way: a damaged copy and a file that is
not part of the bag are set aside beside the bag (kept as evidence), and each file is written
atomically and read back. When neither copy is healthy nothing at all is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from archive.bag import write_order
from archive.stores import Readable, Store, StoreError
from archive.verification import VerificationReport
from ejournal.aggregates.archive_register import ArchiveOutcome, RestoredFile

_CHUNK = 1 << 20


@dataclass(frozen=True)
class RepairOutcome:
    """What a repair did."""

    restored: tuple[RestoredFile, ...]
    set_aside: tuple[str, ...]
    """Files moved out of a bag (not part of it), as ``<store> <path> -> <where>``."""
    failures: tuple[str, ...]
    """Files that could not be restored, and why (the re-verification names them again)."""

    @property
    def wrote_anything(self) -> bool:
        return bool(self.restored or self.set_aside)


class _HashingReader:
    """A stream that hashes what is read through it, so a copy is checked as it is made."""

    def __init__(self, stream: Readable) -> None:
        self._stream = stream
        self._hash = hashlib.sha512()

    def read(self, size: int = -1, /) -> bytes:
        chunk = self._stream.read(size)
        self._hash.update(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def repair_archive(
    archive_id: str, stores: Sequence[Store], report: VerificationReport, *, label: str
) -> RepairOutcome:
    """Carry out a verification's repair plan; ``label`` names where damaged copies are set
    aside (the repair's time, ``repair-20270601T120000Z``). Writes nothing unless the report
    found the archive damaged but repairable."""
    if report.outcome is not ArchiveOutcome.REPAIRABLE or report.archive != archive_id:
        return RepairOutcome((), (), ())
    by_url = {store.url: store for store in stores}
    restored: list[RestoredFile] = []
    set_aside: list[str] = []
    failures: list[str] = []
    for plan in sorted(report.repairs, key=lambda r: (r.to_store, write_order(r.file))):
        source, target = by_url[plan.from_store], by_url[plan.to_store]
        try:
            kept = target.set_aside(archive_id, plan.file, label) if plan.replaces_damaged else None
            with source.open(archive_id, plan.file) as stream:
                reader = _HashingReader(stream)
                target.write(archive_id, plan.file, reader)
            if reader.hexdigest() != plan.sha512:
                failures.append(f"{plan.file}: the healthy copy on {source.url} changed meanwhile")
                continue
            if _read_back(target, archive_id, plan.file) != plan.sha512:
                failures.append(f"{plan.file}: {target.url} does not read back what was written")
                continue
        except (OSError, StoreError) as error:
            failures.append(f"{plan.file} on {target.url}: {error}")
            continue
        restored.append(
            RestoredFile(
                file=plan.file,
                from_store=source.url,
                to_store=target.url,
                set_aside_as=kept,
            )
        )
    for removal in report.set_aside:
        try:
            where = by_url[removal.store].set_aside(archive_id, removal.file, label)
        except (OSError, StoreError) as error:
            failures.append(f"{removal.file} on {removal.store}: {error}")
            continue
        set_aside.append(f"{removal.store} {removal.file} -> {where}")
    return RepairOutcome(tuple(restored), tuple(set_aside), tuple(failures))


def _read_back(store: Store, archive_id: str, path: str) -> str:
    digest = hashlib.sha512()
    with store.open(archive_id, path) as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
