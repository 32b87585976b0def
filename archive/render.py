"""PDF/A-3b rendering with WeasyPrint: the only module of the project that imports it.

A job is plain, picklable data (HTML strings, bytes, a time), prepared in the calling process
from the read models; rendering it needs nothing but this module, so jobs run in worker processes
(spawned: the caller may hold database pools and threads that must not be forked) or inline.

A document with a title page ends with its technical annex (the checkpoint, the key's fingerprint,
the attached files' hashes: archive.templates.title), listed in the contents like any section.
It is laid out in two passes: the body first, which tells on which
sheet each section starts and how many sheets it takes, then the title page listing those
ranges and the total. Sheets are numbered across the whole document, title page first, so the
body is laid out again only in the rare case the title page itself runs to more than one sheet.

The output is byte-reproducible: the same job gives the same bytes. The PDF's dates come from
the job's build time (the metadata, the attachments' dates, and ``SOURCE_DATE_EPOCH``, which
font subsetting reads), and its file identifier is a hash of what went into it.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# WeasyPrint ships no type information: its objects are Any here.
from weasyprint import CSS, HTML  # type: ignore[import-untyped]
from weasyprint import Attachment as WeasyAttachment
from weasyprint.document import Document as WeasyDocument  # type: ignore[import-untyped]

from archive.templates import document, page_rules, stylesheet
from archive.templates.title import (
    ANNEX_ANCHOR,
    ANNEX_LABEL,
    ContentsLine,
    TitlePage,
    annex_html,
    title_page_html,
)

PDF_VARIANT = "pdf/a-3b"
"""PDF/A-3 is the part that keeps attachments' contents (PDF/A-1 and -2 drop them)."""

_MAX_TITLE_PASSES = 4


@dataclass(frozen=True)
class EmbeddedFile:
    """A file carried inside the PDF as an associated file (PDF/A-3)."""

    filename: str
    content: bytes
    description: str


@dataclass(frozen=True)
class Section:
    """A part of the body that the contents list: its anchor (the id of the element it starts
    with, on a fresh sheet) and its label."""

    anchor: str
    label: str


@dataclass(frozen=True)
class PdfJob:
    """One PDF to render: everything it needs, as plain data."""

    title: str
    author: str
    body: str
    """The body's HTML: the sections, each a ``<section id=anchor>`` starting on a new sheet."""
    sections: tuple[Section, ...]
    footer: str
    """Printed at the foot of every sheet, beside its number."""
    build_time: datetime
    title_page: TitlePage | None = None
    files: tuple[EmbeddedFile, ...] = ()


@dataclass(frozen=True)
class RenderedPdf:
    """A rendered PDF and its number of pages (sheets)."""

    content: bytes
    pages: int


def render_pdf(job: PdfJob) -> RenderedPdf:
    """Lay out and write one PDF/A-3b document (run inline or in a worker process)."""
    with _source_date_epoch(job.build_time):
        css = CSS(string=stylesheet())
        title_sheets = 1 if job.title_page is not None else 0
        body_html, sections = job.body, job.sections
        if job.title_page is not None:
            body_html += annex_html(job.title_page)
            sections += (Section(anchor=ANNEX_ANCHOR, label=ANNEX_LABEL),)
        for _ in range(_MAX_TITLE_PASSES):
            body = _layout(job, body_html, css, first_sheet=title_sheets + 1)
            if job.title_page is None:
                pages = list(body.pages)
                break
            contents = _contents(body, sections, offset=title_sheets)
            total = title_sheets + len(body.pages)
            title_html = title_page_html(job.title_page, contents, total)
            title = _layout(job, title_html, css, first_sheet=1)
            if len(title.pages) == title_sheets:
                pages = [*title.pages, *body.pages]
                break
            title_sheets = len(title.pages)
        else:
            raise RuntimeError(f"the title page of {job.title!r} does not settle its sheet count")
        content = body.copy(pages).write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_identifier=_identifier(job),
            attachments=[_attachment(f, job.build_time) for f in job.files],
            finisher=_associate_each_file_once,
        )
    return RenderedPdf(content=content, pages=len(pages))


def render_pdfs(
    jobs: Sequence[PdfJob],
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    pages: Callable[[int, int], None] | None = None,
) -> list[RenderedPdf]:
    """Render jobs in parallel processes (``workers``, default: the CPUs this process may use;
    1 renders inline), in the order given. ``progress`` is told how many are done so far;
    ``pages`` is told that and the pages they make: a document's page count is known once it
    is rendered, so the pages to come are not promised before."""
    count = workers if workers is not None else _usable_cpus()
    count = max(1, min(count, len(jobs)))
    results: list[RenderedPdf | None] = [None] * len(jobs)
    done_count = page_count = 0

    def finished(result: RenderedPdf) -> None:
        nonlocal done_count, page_count
        done_count += 1
        page_count += result.pages
        if progress is not None:
            progress(done_count)
        if pages is not None:
            pages(done_count, page_count)

    if count == 1:
        for index, job in enumerate(jobs):
            result = render_pdf(job)
            results[index] = result
            finished(result)
        return [r for r in results if r is not None]
    # The longest bodies go first, so no worker is left with a big document at the end.
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i].body))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        pending: dict[Future[RenderedPdf], int] = {
            pool.submit(render_pdf, jobs[i]): i for i in order
        }
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                result = future.result()
                results[pending.pop(future)] = result
                finished(result)
    return [r for r in results if r is not None]


def _layout(job: PdfJob, body: str, css: CSS, *, first_sheet: int) -> WeasyDocument:
    html = document(
        title=job.title,
        author=job.author,
        created=job.build_time,
        page_rules=page_rules(footer=job.footer, first_sheet=first_sheet),
        body=body,
    )
    return HTML(string=html).render(stylesheets=[css])


def _contents(body: WeasyDocument, sections: Sequence[Section], offset: int) -> list[ContentsLine]:
    """Each section's sheets: from the sheet its anchor is on to the sheet before the next
    section's (every section starts on a fresh sheet), numbered after ``offset`` title sheets."""
    starts: dict[str, int] = {}
    for index, page in enumerate(body.pages):
        for anchor in page.anchors:
            starts.setdefault(anchor, index + 1 + offset)
    last_sheet = len(body.pages) + offset
    firsts = [starts[s.anchor] for s in sections]
    return [
        ContentsLine(
            label=section.label,
            first=first,
            last=(firsts[i + 1] - 1) if i + 1 < len(firsts) else last_sheet,
        )
        for i, (section, first) in enumerate(zip(sections, firsts, strict=True))
    ]


def _identifier(job: PdfJob) -> bytes:
    """The PDF's file identifier: a hash of the job, so the same input gives the same bytes."""
    digest = hashlib.sha256()
    for part in (job.title, job.author, job.body, job.footer, job.build_time.isoformat()):
        digest.update(part.encode())
        digest.update(b"\0")
    if job.title_page is not None:
        digest.update(repr(job.title_page).encode())
    for file in job.files:
        digest.update(file.filename.encode() + b"\0" + hashlib.sha256(file.content).digest())
    return digest.hexdigest()[:32].encode()


def _associate_each_file_once(_document: WeasyDocument, pdf: Any) -> None:
    """WeasyPrint 70's PDF/A-3 step lists each attachment twice in the catalog's /AF (once from
    the EmbeddedFiles name tree, once as a file specification): keep each one once."""
    associated = pdf.catalog.get("AF")
    if associated:
        unique = list(dict.fromkeys(associated))
        associated.clear()
        associated.extend(unique)


def _attachment(file: EmbeddedFile, build_time: datetime) -> WeasyAttachment:
    # WeasyPrint prints an attachment's dates with a literal "Z": give them in UTC.
    moment = build_time.astimezone(UTC)
    return WeasyAttachment(
        string=file.content,
        name=file.filename,
        description=file.description,
        created=moment,
        modified=moment,
        relationship="Source",
    )


@contextmanager
def _source_date_epoch(build_time: datetime) -> Iterator[None]:
    """``SOURCE_DATE_EPOCH`` set to the build time while rendering (font subsetting stamps the
    fonts it embeds with it), restored afterwards: inline rendering shares the caller's
    environment."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(build_time.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
