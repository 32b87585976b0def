"""Creating an archive: sign a checkpoint, render the documents, enter their digests in the log,
sign a second checkpoint over that, bag the documents with the log, write the bag to both stores,
read both back and verify, then enter the archive in the school's log.

The archive of a year (or of one period) holds the PDF/A documents of the year's classes, the
whole log up to a freshly signed checkpoint as JSON Lines, the checkpoint and the school's public
key (DESIGN.md §8). The documents carry (inside them) the log up to a first checkpoint; once they
are rendered, their paths, SHA-256 digests and retention classes are recorded in the log
(``ArchiveContents.DocumentsRecorded``), and the checkpoint the archive carries is signed after
that event, so the archived log vouches for every document and a copy of the archive alone names
a forged one (``archive verify`` with no database). The bag is built once in a temporary
directory and copied to each store, payload first and tag manifests last; success is reported
only once both copies were read back and found healthy. It goes to two distinct stores at least
(Gymnasium 2 §10.3: two media, in different rooms). An archive id names the school, the year,
the period and the size of the log the documents were rendered from, so an archive already on a
store is never overwritten.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from archive.bag import (
    CHECKPOINT,
    DOCUMENTS_DIR,
    EVENTS,
    PUBLIC_KEY,
    RETENTION_YEARS,
    ArchiveInfo,
    archive_id,
    manifest_name,
    retention_of,
    seal,
    stage_file,
    staged_path,
    write_order,
)
from archive.school_log import SchoolLog
from archive.stores import MIN_STORES, Store, distinct_places
from archive.verification import VerificationReport, verify_archive
from ejournal.aggregates.archive_register import ArchivedDocument, ArchiveOutcome
from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import Recorded, School
from ejournal.clock import Clock, SystemClock
from ejournal.commands.archives import RecordArchiveContents, RegisterArchive
from ejournal.errors import EjournalError, InvariantError, NotFoundError
from ejournal.integrity.checkpoint import VerifierKey
from ejournal.integrity.notary import Notary, SignedCheckpoint
from ejournal.settings import Settings

if TYPE_CHECKING:
    from archive.documents import Document

Progress = Callable[[str], None]
Rendering = Callable[[int, int, int], None]
"""Told (documents rendered, documents in all, pages rendered) as each document is done."""
"""Told (documents rendered, documents in all) as the documents are rendered, from (0, n)."""

SCHOOL_YEAR_STARTS_IN = 9
"""A school year starts on 1 September (an archive made in June belongs to the year ending)."""


class ArchiveCreationError(EjournalError):
    """An archive could not be created, or its copies were not healthy once written."""

    slug = "archive-not-created"
    title = "The archive was not created"
    status = 409


@dataclass(frozen=True)
class CreatedArchive:
    """An archive written to its stores and verified there."""

    archive_id: str
    info: ArchiveInfo
    files: int
    size_bytes: int
    documents: int
    pages: int
    report: VerificationReport
    recorded: Recorded


def create_archive(
    settings: Settings,
    school_id: str,
    stores: Sequence[Store],
    *,
    year: str | None = None,
    period: str | None = None,
    clock: Clock | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    rendering: Rendering | None = None,
) -> CreatedArchive:
    """Build the archive of a school year (or one of its periods) and keep it on the stores."""
    say = progress or (lambda _message: None)
    clock = clock or SystemClock()
    _check_two_stores(stores)
    with Notary.open(settings, school_id, clock=clock) as notary:
        school = notary.school
        label = year or _current_year(school, clock.now(), settings.timezone)
        school_year = _school_year(school, school_id, label, period)
        signed = notary.checkpoint()
        checkpoint = signed.checkpoint
        archive = archive_id(school_id, label, period, checkpoint.size)
        say(f"signed a checkpoint of {checkpoint.size} events; building archive {archive}")
        for store in stores:
            if store.files(archive):
                raise ArchiveCreationError(
                    f"{store.url} already holds an archive {archive}: it is never overwritten;"
                    f" verify it with `ejournal archive verify {archive}`"
                )
        build_time = clock.now().replace(microsecond=0)
        live = SchoolLog(notary)
        with tempfile.TemporaryDirectory(prefix="ejournal-archive-") as temporary:
            bag = Path(temporary) / archive
            documented = Path(temporary) / "documented.jsonl"
            rendered_from = checkpoint.size
            _write_log(notary, 0, rendered_from, documented)
            say(f"wrote the log ({documented.stat().st_size} bytes); rendering the documents")
            documents = _render(
                notary,
                label,
                period,
                build_time=build_time,
                signed=signed,
                log=documented,
                workers=workers,
                rendering=rendering,
            )
            for document in documents:
                stage_file(bag, DOCUMENTS_DIR + document.filename, document.content)
            # The documents' digests go into the log, and the checkpoint the archive carries
            # is signed after them: the archived log vouches for every document.
            contents = live.record_contents(
                RecordArchiveContents(
                    archive_id=archive,
                    year=label,
                    period=period,
                    documents=tuple(_archived(document) for document in documents),
                )
            )
            signed = notary.checkpoint()
            checkpoint = signed.checkpoint
            say(
                f"recorded the {len(documents)} documents' digests in the log at position"
                f" {contents.position}; signed a checkpoint of {checkpoint.size} events"
            )
            events = staged_path(bag, EVENTS)
            shutil.copyfile(documented, events)
            _write_log(notary, rendered_from, checkpoint.size, events, append=True)
            stage_file(bag, CHECKPOINT, signed.note.encode("utf-8"))
            key = _key_of(notary, checkpoint.size)
            stage_file(bag, PUBLIC_KEY, (key.text + "\n").encode("ascii"))
            info = ArchiveInfo(
                archive_id=archive,
                school=school_id,
                year=label,
                period=period,
                checkpoint_size=checkpoint.size,
                checkpoint_root=checkpoint.root,
                build_time=build_time,
                description=_description(school_year, period, checkpoint.size),
                school_name=school_year.profile.official_name,
            )
            files = seal(bag, info)
            manifest_sha256 = hashlib.sha256(
                (bag / manifest_name("sha256")).read_bytes()
            ).hexdigest()
            _write_bag(bag, archive, files, stores, say)
        say("reading both copies back")
        report = verify_archive(archive, stores, checked_at=clock.now(), live=live, workers=workers)
        if report.outcome is not ArchiveOutcome.HEALTHY:
            named = "; ".join(
                f"{p.store or 'archive'}: {p.file or '-'}: {p.kind.value}" for p in report.problems
            )
            raise ArchiveCreationError(
                f"archive {archive} was written but its copies are not healthy: {named}",
                report=report.model_dump(mode="json"),
            )
        try:
            recorded = live.record_created(
                RegisterArchive(
                    archive_id=archive,
                    year=label,
                    period=period,
                    checkpoint_size=checkpoint.size,
                    checkpoint_root=checkpoint.root.hex(),
                    stores=tuple(store.url for store in stores),
                    files=len(files),
                    size_bytes=sum(files.values()),
                    manifest_sha256=manifest_sha256,
                )
            )
        except InvariantError as error:
            raise ArchiveCreationError(f"archive {archive} was written: {error.detail}") from error
    return CreatedArchive(
        archive_id=archive,
        info=info,
        files=len(files),
        size_bytes=sum(files.values()),
        documents=len(documents),
        pages=sum(d.pages for d in documents),
        report=report,
        recorded=recorded,
    )


def _school_year(school: School, school_id: str, label: str, period: str | None) -> SchoolYear:
    try:
        school_year = school.year_view(label)
    except NotFoundError:
        raise ArchiveCreationError(
            f"school {school_id!r} has no school year {label}; name one with --year"
        ) from None
    if period is not None and period not in school_year.periods:
        known = ", ".join(sorted(school_year.periods))
        raise ArchiveCreationError(f"the year {label} has no period {period!r} ({known})")
    return school_year


def _check_two_stores(stores: Sequence[Store]) -> None:
    if distinct_places(stores) < MIN_STORES:
        named = ", ".join(store.url for store in stores) or "none"
        raise ArchiveCreationError(
            f"an archive is written to at least {MIN_STORES} distinct stores (given: {named}):"
            " electronic archives are kept on at least two media, in different rooms"
            " (Gymnasium 2 §10.3)"
        )


def _render(
    notary: Notary,
    label: str,
    period: str | None,
    *,
    build_time: datetime,
    signed: SignedCheckpoint,
    log: Path,
    workers: int | None,
    rendering: Rendering | None,
) -> list[Document]:
    """The archive's documents, each carrying the log to the first checkpoint (``log``), the
    checkpoint and the key."""
    # WeasyPrint loads only when an archive is built, not with every `ejournal` command.
    from archive.documents import Attachment, Document, archive_jobs  # noqa: PLC0415
    from archive.render import render_pdfs  # noqa: PLC0415

    key = _key_of(notary, signed.checkpoint.size)
    jobs = archive_jobs(
        notary.school,
        notary.database,
        year=label,
        period=period,
        build_time=build_time,
        checkpoint_note=signed.note,
        attachments=[
            Attachment(
                "events.jsonl",
                log.read_bytes(),
                "Журнал событий электронного журнала до контрольной точки"
                f" {signed.checkpoint.size} (JSON Lines)",
                in_every_document=False,
            ),
            Attachment(
                "checkpoint.txt",
                signed.note.encode("utf-8"),
                "Подписанная контрольная точка журнала событий (C2SP signed note)",
            ),
            Attachment(
                "checkpoint.vkey",
                (key.text + "\n").encode("ascii"),
                "Открытый ключ школы для проверки подписи контрольной точки",
            ),
        ],
    )
    if rendering is not None:
        rendering(0, len(jobs), 0)
    rendered = render_pdfs(
        [j.job for j in jobs],
        workers=workers,
        pages=(lambda done, pages: rendering(done, len(jobs), pages)) if rendering else None,
    )
    return [
        Document(filename=j.filename, title=j.job.title, content=r.content, pages=r.pages)
        for j, r in zip(jobs, rendered, strict=True)
    ]


def _key_of(notary: Notary, size: int) -> VerifierKey:
    """The key the log names for its checkpoint of ``size`` events (the one that signed it)."""
    key = notary.verifier_at(size)
    if key is None:  # pragma: no cover - the notary has just signed that checkpoint
        raise ArchiveCreationError(f"the log names no key for its checkpoint of {size} events")
    return key


def _write_bag(
    bag: Path, archive: str, files: dict[str, int], stores: Sequence[Store], say: Progress
) -> None:
    for store in stores:
        say(f"writing {len(files)} files to {store.url}")
        for path in sorted(files, key=write_order):
            with (bag / path).open("rb") as source:
                store.write(archive, path, source)


def _current_year(school: School, now: datetime, timezone: str | None) -> str:
    """The label of the school year running now in the school's own zone: the zone its year
    records (fixed when the year was set up). Near 1 September the zones disagree, so the years
    around a first guess are asked which of them is running now by their own clocks."""
    guess = current_year_label(now, timezone or "UTC")
    first = int(guess[:4])
    for start in (first, first + 1, first - 1):
        label = f"{start}/{start + 1}"
        try:
            zone = school.year_view(label).timezone
        except NotFoundError:
            continue
        if current_year_label(now, zone) == label:
            return label
    return guess


def current_year_label(now: datetime, timezone: str) -> str:
    """The label of the school year a moment falls in ("2026/2027" from September 2026 to
    August 2027), in the schools' time zone."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    first = today.year if today.month >= SCHOOL_YEAR_STARTS_IN else today.year - 1
    return f"{first}/{first + 1}"


def _write_log(
    notary: Notary, start: int, stop: int, target: Path, *, append: bool = False
) -> None:
    # Streamed a line at a time: a school's full-year log does not fit comfortably in memory
    # twice (the documents take their own copy).
    with target.open("ab" if append else "wb") as out:
        for line in notary.leaves(start, stop):
            out.write(line)
            out.write(b"\n")


def _archived(document: Document) -> ArchivedDocument:
    path = DOCUMENTS_DIR + document.filename
    retention = retention_of(path)
    return ArchivedDocument(
        path=path,
        sha256=hashlib.sha256(document.content).hexdigest(),
        size=len(document.content),
        retention=retention,
        retention_years=RETENTION_YEARS[retention],
    )


def _description(school_year: SchoolYear, period: str | None, size: int) -> str:
    span = f"{school_year.periods[period].name}" if period is not None else "весь учебный год"
    return (
        f"Архив электронного классного журнала, {school_year.label} учебный год, {span};"
        f" журнал событий до контрольной точки {size}"
    )
