"""The archive's documents: class journals, summary sheets and progress printouts as PDF/A-3b.

At the end of a period or a year (Lyceum 68 §6; School 77 §4.1.11, §6.5, §7.2; Gymnasium 2 §10)
each class's journal is printed with a title page listing its contents and number of sheets, to
be signed by the director and sealed; the summary sheets of progress, attendance and movement
are the documents kept for 75 years. A family without electronic access gets a printout of their
child's results every two weeks (School 77 §4.3.5, §9.2).

The data is gathered here, in the calling process, from the read models (brought up to date
first) and from the aggregates for what the read models lack: the year's classes, periods and
journals, teachers' names, substitutions. It becomes HTML strings in plain, picklable jobs, and
``archive.render`` lays them out in parallel processes. The same input and build time give
byte-identical PDFs, whatever the number of workers.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.utils import get_topic

from archive.render import EmbeddedFile, PdfJob, Section, render_pdf, render_pdfs
from archive.templates import MOSCOW, ru_date, ru_time
from archive.templates.journal import (
    LEGEND,
    CorrectionNote,
    LatePermissionNote,
    SubjectPages,
    journal_section_html,
)
from archive.templates.notice import Notice, notice_html
from archive.templates.printout import Printout, printout_html
from archive.templates.sheets import (
    attendance_sheet_html,
    class_results_html,
    movement_sheet_html,
    progress_sheet_html,
)
from archive.templates.title import CheckpointSummary, FileSummary, TitlePage
from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.school_year import Period, SchoolClass, SchoolYear
from ejournal.aggregates.student import Student
from ejournal.application import School
from ejournal.commands.printouts import Annulment, check_printout_span
from ejournal.database import Cursor, SchoolDatabase
from ejournal.errors import ConcurrencyError, EjournalError, NotFoundError
from ejournal.integrity.checkpoint import CheckpointError, VerifierKey
from ejournal.marks import ResultKind
from ejournal.projections.catalogue import read_models
from ejournal.projections.diary.queries import diary_averages, diary_week
from ejournal.projections.journal_grid.queries import grid
from ejournal.projections.projector import ProjectionRaceError, Projector, ReadModelStalledError
from ejournal.projections.summary_sheets.queries import (
    MovementSheetView,
    attendance_sheet,
    class_results,
    movement_sheet,
    progress_sheet,
)
from ejournal.roles import Role

_CATCH_UP_ATTEMPTS = 20

_LATIN = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ё": "YO", "Ж": "ZH", "З": "Z",
    "И": "I", "Й": "J", "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R",
    "С": "S", "Т": "T", "У": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH",
    "Щ": "SHCH", "Ы": "Y", "Э": "EH", "Ю": "YU", "Я": "YA",
}  # fmt: skip
"""Cyrillic capitals in a file name, one distinct spelling each (5А -> 5A, 5Ё -> 5YO)."""


@dataclass(frozen=True)
class Document:
    """One rendered archive document."""

    filename: str
    """ASCII and stable: "journal-5A.pdf", "progress-sheet-5A.pdf", "movement-sheet.pdf"."""
    title: str
    """Russian: "Классный журнал 5А, 2026/2027 учебный год"."""
    content: bytes
    """The PDF/A-3b file."""
    pages: int


@dataclass(frozen=True)
class Attachment:
    """A file carried inside the archive's PDFs (the period's event log, its signed
    checkpoint, the verifier key)."""

    filename: str
    content: bytes
    description: str
    in_every_document: bool = True
    """False for a file too big to repeat in every PDF (the year's event log, hundreds of MB
    for a large school): it goes inside the school-wide document only (the movement sheet),
    and every other title page names it with its SHA-256."""


@dataclass(frozen=True)
class DocumentJob:
    """A document to render: its file name and the render job."""

    filename: str
    job: PdfJob


class CheckpointNoteError(EjournalError):
    """The checkpoint to print is not a C2SP checkpoint (origin, tree size, base64 root)."""

    slug = "malformed-checkpoint"
    title = "Malformed checkpoint"
    status = 422


# --- the entry points ---------------------------------------------------------------------------


def render_archive_documents(
    app: School,
    database: SchoolDatabase,
    *,
    year: str,
    period: str | None,
    build_time: datetime,
    checkpoint_note: str,
    attachments: Sequence[Attachment],
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Document]:
    """Every archive document of a school year (or of one of its periods): per class with
    journals, its class journal, progress sheet (with the class results) and attendance sheet;
    and the year's movement sheet. Each carries ``attachments`` inside and prints the
    checkpoint on its title page.

    ``workers`` processes render in parallel (default: the CPUs available; 1 renders inline);
    ``progress`` is told the number of documents finished so far, up to the length of the
    list returned.
    """
    jobs = archive_jobs(
        app,
        database,
        year=year,
        period=period,
        build_time=build_time,
        checkpoint_note=checkpoint_note,
        attachments=attachments,
    )
    return render_documents(jobs, workers=workers, progress=progress)


def render_documents(
    jobs: Sequence[DocumentJob],
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Document]:
    """Render prepared jobs, in order (the benchmark times this alone)."""
    rendered = render_pdfs([j.job for j in jobs], workers=workers, progress=progress)
    return [
        Document(filename=j.filename, title=j.job.title, content=r.content, pages=r.pages)
        for j, r in zip(jobs, rendered, strict=True)
    ]


def render_progress_printout(
    app: School,
    database: SchoolDatabase,
    *,
    student_id: UUID,
    start: date,
    end: date,
    build_time: datetime,
) -> Document:
    """A student's results from ``start`` to ``end`` (inclusive) on paper, for a family
    without electronic access. The caller has checked who may see this student."""
    check_printout_span(start, end)
    bring_read_models_up_to_date(app, database)
    student = app.view(Student, student_id, "student")
    name = str(student.name)
    school_year = _year_or_none(app, student.year)
    period = (
        _period_for_printout(school_year, end, student.class_code)
        if school_year is not None
        else None
    )
    with database.transaction(write=False) as cursor:
        diary = diary_week(cursor, student_id, start, end)
        averages = (
            [a for a in diary_averages(cursor, student_id, period.id) if a.year == student.year]
            if period is not None
            else []
        )
    printout = Printout(
        anchor="printout",
        student_name=name,
        class_code=student.class_code,
        year=student.year,
        diary=diary,
        period_name=period.name if period is not None else None,
        averages=averages,
        built=ru_time(build_time, _zone(school_year)),
    )
    title = f"Сведения о результатах обучения: {name}, {ru_date(start)} – {ru_date(end)}"
    job = PdfJob(
        title=title,
        author=_school_name(app, school_year),
        body=printout_html(printout),
        sections=(Section(anchor="printout", label=title),),
        footer=title,
        build_time=build_time,
    )
    rendered = render_pdf(job)
    place = f"{ascii_class(student.class_code)}-" if student.class_code else ""
    return Document(
        filename=f"progress-report-{place}{student_id}.pdf",
        title=title,
        content=rendered.content,
        pages=rendered.pages,
    )


def render_annulment_notice(app: School, annulment: Annulment, *, build_time: datetime) -> Document:
    """The notice that the service ended for an applicant (School 117 §10.2), from the
    annulment the log records. The caller has checked who may print it."""
    school_year = _year_or_none(app, _year_label_of(annulment.annulled_at))
    zone = _zone(school_year)
    notice = annulment.notice
    regulation = f" «{school_year.profile.regulation}»" if school_year is not None else ""
    ended_on = ru_date(annulment.annulled_at.astimezone(zone).date())
    title = f"Уведомление о прекращении предоставления услуги: {notice.full_name}"
    job = PdfJob(
        title=title,
        author=_school_name(app, school_year),
        body=notice_html(
            Notice(
                anchor="notice",
                school_name=_school_name(app, school_year),
                applicant=notice.full_name,
                address=notice.address,
                service=notice.service,
                reason=notice.reason,
                ended_on=ended_on,
                basis=f"пункты 10.1–10.2 раздела 10 «Прекращение предоставления услуги "
                f"заявителю»{regulation}",
                officer=annulment.annulled_by,
                director=_director(app),
                built=ru_time(build_time, zone),
            )
        ),
        sections=(Section(anchor="notice", label=title),),
        footer=title,
        build_time=build_time,
    )
    rendered = render_pdf(job)
    return Document(
        filename=f"annulment-notice-{annulment.account_id}.pdf",
        title=title,
        content=rendered.content,
        pages=rendered.pages,
    )


def _year_label_of(moment: datetime) -> str:
    """The school year a moment falls in (September to August)."""
    start = moment.year if moment.month >= 9 else moment.year - 1
    return f"{start}/{start + 1}"


# --- gathering ------------------------------------------------------------------------------


def archive_jobs(
    app: School,
    database: SchoolDatabase,
    *,
    year: str,
    period: str | None,
    build_time: datetime,
    checkpoint_note: str,
    attachments: Sequence[Attachment],
) -> list[DocumentJob]:
    """The render jobs of ``render_archive_documents``, gathered from the read models (brought
    up to date first) and the aggregates, ready to render anywhere."""
    checkpoint = parse_checkpoint(checkpoint_note)
    bring_read_models_up_to_date(app, database)
    school_year = app.year_view(year)
    zone = _zone(school_year)
    gatherer = _Gatherer(
        app=app,
        school_year=school_year,
        span=_Span.of(school_year, period, today=build_time.astimezone(zone).date()),
        build_time=build_time,
        checkpoint=checkpoint,
        files=tuple(EmbeddedFile(a.filename, a.content, a.description) for a in attachments),
        everywhere=frozenset(a.filename for a in attachments if a.in_every_document),
        fingerprint=_fingerprint(attachments),
    )
    jobs: list[DocumentJob] = []
    with database.transaction(write=False) as cursor:
        gatherer.movements = movement_sheet(cursor, school_year.label)
        for school_class in sorted(school_year.classes.values(), key=lambda c: (c.grade, c.code)):
            if not school_year.journals_of(school_class.code):
                continue  # a class with no journals (yet) has no pages to print
            jobs.append(gatherer.journal(cursor, school_class))
            jobs.append(gatherer.progress_sheet(cursor, school_class))
            jobs.append(gatherer.attendance_sheet(cursor, school_class))
        jobs.append(gatherer.movement_sheet(cursor))
    return jobs


def bring_read_models_up_to_date(app: School, database: SchoolDatabase) -> None:
    """Apply the whole log recorded so far to the school's read models.

    The projector is built as ``open_projector`` builds it, but without hooking it to the
    application's saves: it lives only for this call. Another projector (the service's) may
    move the models on at the same time; a race lost is simply tried again.
    """
    projector = Projector(app, database, read_models())
    projector.set_up()
    head = app.position()
    for attempt in range(_CATCH_UP_ATTEMPTS):
        try:
            projector.catch_up()
        except ProjectionRaceError:
            # The other projector is applying the same batch: let it finish it.
            time.sleep(0.05 * (attempt + 1))
            continue
        if projector.position() >= head:
            return
        for status in projector.status():
            if status.stall is None:
                continue
            # It will not get there by waiting: a document of part of the record is worse
            # than none.
            raise ReadModelStalledError(
                f"read model {status.name} is stalled at position {status.stall.position} of"
                " the log, so documents are not built from it until it is mended"
            )
    raise ConcurrencyError("the read models kept moving while the archive was being gathered")


def parse_checkpoint(note: str) -> CheckpointSummary:
    """The origin, tree size and root of a C2SP checkpoint (or a signed note holding one):
    line 1 the origin, line 2 the size in decimal, line 3 the root in base64."""
    lines = note.split("\n")
    if len(lines) < 3:
        raise CheckpointNoteError("a checkpoint has an origin, a tree size and a root hash")
    origin, size_text, root_text = lines[:3]
    if not origin or not size_text.isdigit() or not size_text.isascii():
        raise CheckpointNoteError("a checkpoint's second line is its tree size in decimal")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error:
        raise CheckpointNoteError("a checkpoint's third line is its root hash in base64") from None
    if len(root) != hashlib.sha256().digest_size:
        raise CheckpointNoteError("a checkpoint's root hash is a SHA-256 (32 bytes)")
    return CheckpointSummary(origin=origin, size=int(size_text), root_hex=root.hex())


def ascii_class(class_code: str) -> str:
    """A class code in a file name: "5А" -> "5A"."""
    return "".join(
        ch if ch.isascii() and ch.isalnum() else _LATIN.get(ch.upper(), "_") for ch in class_code
    )


@dataclass(frozen=True)
class _Span:
    """What an archive covers: the days, the period columns, and how the title page says it."""

    start: date
    end: date
    period_ids: frozenset[str]
    label: str
    title_suffix: str

    @classmethod
    def of(cls, year: SchoolYear, period_id: str | None, *, today: date) -> _Span:
        """The year's or a period's days, up to ``today`` (the build day, in the school's
        zone) when it falls before their end: an archive made mid-year covers the days that
        have been, and says so, not the whole year's dates."""
        if period_id is None:
            start, end, name, suffix = year.starts_on, year.ends_on, "учебный год", ""
            periods = [p for p in year.periods.values() if p.start <= min(end, today)]
        else:
            period = year.period(period_id)
            start, end, name, suffix = period.start, period.end, period.name, f", {period.name}"
            periods = [period]
        if start <= today < end:
            end = today
            days = f"{ru_date(start)} – {ru_date(end)}"
            return cls(
                start=start,
                end=end,
                period_ids=frozenset(p.id for p in periods),
                label=f"{name}, {days} (по состоянию на дату формирования)",
                title_suffix=f"{suffix}, {days}",
            )
        return cls(
            start=start,
            end=end,
            period_ids=frozenset(p.id for p in periods),
            label=f"{name} ({ru_date(start)} – {ru_date(end)})",
            title_suffix=suffix,
        )


@dataclass
class _Gatherer:
    """Builds the jobs of one archive, remembering the names it looked up."""

    app: School
    school_year: SchoolYear
    span: _Span
    build_time: datetime
    checkpoint: CheckpointSummary
    files: tuple[EmbeddedFile, ...]
    everywhere: frozenset[str]
    """The files embedded in every document; the others only in the school-wide one."""
    fingerprint: str | None = None
    """The school key's fingerprint, printed on every title page."""
    movements: MovementSheetView | None = None
    """The year's movements of students (who left a class or came into it, and when)."""

    NO_NAME: ClassVar[str] = "—"

    def __post_init__(self) -> None:
        self._names: dict[UUID, str] = {}
        self.school = _school_name(self.app, self.school_year)
        self.zone = _zone(self.school_year)
        self.director = _director(self.app)

    # --- the documents ------------------------------------------------------------------------

    def journal(self, cursor: Cursor, school_class: SchoolClass) -> DocumentJob:
        pages = [
            self._subject_pages(cursor, journal_id, number)
            for number, journal_id in enumerate(self._journal_ids(school_class.code), start=1)
        ]
        title = f"Классный журнал {school_class.code}, {self._year_title()}"
        return self._job(
            filename=f"journal-{ascii_class(school_class.code)}.pdf",
            title=title,
            heading="Классный журнал",
            school_class=school_class,
            body="".join(journal_section_html(p) for p in pages),
            sections=tuple(Section(anchor=p.anchor, label=p.label) for p in pages),
            legend=LEGEND,
        )

    def progress_sheet(self, cursor: Cursor, school_class: SchoolClass) -> DocumentJob:
        sheet = progress_sheet(cursor, self.school_year.label, school_class.code)
        body = [progress_sheet_html("progress", sheet, grade=school_class.grade)]
        sections = [Section(anchor="progress", label="Сводная ведомость учёта успеваемости")]
        # The class's grade's periods (half-years in 10–11 beside quarters), then, for the
        # whole year, the year's results once there are year marks (Lyceum 68 §6.3).
        terms = [(p.id, p.name) for p in self._periods() if p.applies_to(school_class.grade)]
        if len(self.span.period_ids) > 1:
            terms.append((ResultKind.YEAR.period_id, "год"))
        for period_id, name in terms:
            results = class_results(cursor, self.school_year.label, school_class.code, period_id)
            if results.total.students == 0 and (
                len(self.span.period_ids) > 1 or school_class.grade == 1
            ):
                # A period of the year with no marks yet has no results to sign; nor has a
                # grade-1 class, taught without marks.
                continue
            anchor = f"results-{len(sections)}"
            body.append(class_results_html(anchor, results))
            sections.append(Section(anchor=anchor, label=f"Итоги успеваемости: {name}"))
        return self._job(
            filename=f"progress-sheet-{ascii_class(school_class.code)}.pdf",
            title=(
                f"Сводная ведомость учёта успеваемости {school_class.code}, {self._year_title()}"
            ),
            heading="Сводная ведомость учёта успеваемости",
            school_class=school_class,
            body="".join(body),
            sections=tuple(sections),
        )

    def attendance_sheet(self, cursor: Cursor, school_class: SchoolClass) -> DocumentJob:
        sheet = attendance_sheet(cursor, self.school_year.label, school_class.code)
        return self._job(
            filename=f"attendance-sheet-{ascii_class(school_class.code)}.pdf",
            title=(
                f"Сводная ведомость учёта посещаемости {school_class.code}, {self._year_title()}"
            ),
            heading="Сводная ведомость учёта посещаемости",
            school_class=school_class,
            body=attendance_sheet_html("attendance", sheet),
            sections=(Section(anchor="attendance", label="Сводная ведомость учёта посещаемости"),),
        )

    def movement_sheet(self, cursor: Cursor) -> DocumentJob:
        sheet = movement_sheet(cursor, self.school_year.label)
        return self._job(
            filename="movement-sheet.pdf",
            title=f"Сводная ведомость учёта движения учащихся, {self._year_title()}",
            heading="Сводная ведомость учёта движения учащихся",
            school_class=None,
            body=movement_sheet_html("movement", sheet),
            sections=(
                Section(anchor="movement", label="Сводная ведомость учёта движения учащихся"),
            ),
        )

    # --- parts ------------------------------------------------------------------------------

    def _job(
        self,
        *,
        filename: str,
        title: str,
        heading: str,
        school_class: SchoolClass | None,
        body: str,
        sections: tuple[Section, ...],
        legend: tuple[tuple[str, str], ...] = (),
    ) -> DocumentJob:
        embedded = tuple(
            f for f in self.files if school_class is None or f.filename in self.everywhere
        )
        facts = [("Образовательная организация", self.school)]
        if school_class is not None:
            facts.append(("Класс", school_class.code))
        facts.append(("Учебный год", self.school_year.label))
        facts.append(("Период", self.span.label))
        if school_class is not None:
            teacher = school_class.class_teacher_id
            facts.append(("Классный руководитель", self._name(teacher) if teacher else "—"))
        title_page = TitlePage(
            heading=heading,
            facts=tuple(facts),
            checkpoint=self.checkpoint,
            files=tuple(
                FileSummary(
                    f.filename,
                    hashlib.sha256(f.content).hexdigest(),
                    f.description
                    if f in embedded
                    else f"{f.description} (вложен в сводную ведомость движения учащихся)",
                )
                for f in self.files
            ),
            built=ru_time(self.build_time, self.zone),
            legend=legend,
            fingerprint=self.fingerprint,
            director=_initials(self.director) if self.director else None,
        )
        return DocumentJob(
            filename=filename,
            job=PdfJob(
                title=title,
                author=self.school,
                body=body,
                sections=sections,
                footer=title,
                build_time=self.build_time,
                title_page=title_page,
                files=embedded,
            ),
        )

    def _subject_pages(self, cursor: Cursor, journal_id: UUID, number: int) -> SubjectPages:
        journal = self.app.view(ClassJournal, journal_id, "journal")
        page = grid(cursor, journal_id)
        log = self._journal_log(journal)
        return SubjectPages(
            anchor=f"subject-{number}",
            grid=page,
            start=self.span.start,
            end=self.span.end,
            period_ids=self.span.period_ids,
            teachers=tuple(sorted(self._name(t) for t in journal.teachers)),
            substitutions={
                s.id: self._substitution(s.substitute_id, s.replaced_id, s.reason)
                for s in journal.substitutions.values()
            },
            mark_corrections=log.mark_corrections,
            period_corrections=log.period_corrections,
            lesson_corrections=log.lesson_corrections,
            late_permissions=log.late_permissions,
            movements=self._movements(page.class_code),
        )

    def _journal_log(self, journal: ClassJournal) -> _JournalLog:
        """What the aggregate does not keep, from the journal's own events: who corrected a
        mark, when, under which deputy's remark (Lyceum 68 §3.6.7), and who allowed late
        entries. Only those events are decoded; the journal's log is read up to the version
        viewed, so the page and its notes agree."""
        found = _JournalLog()
        authorisations: dict[UUID, str] = {}
        app = self.app
        for stored in app.recorder.select_events(journal.id, lte=journal.version):
            if stored.topic not in _LOGGED_TOPICS:
                continue
            event: Any = app.mapper.to_domain_event(stored)
            by = _initials(self._name(event.actor.account_id))
            at = ru_time(event.timestamp, self.zone)
            match event:
                case ClassJournal.CorrectionAuthorized():
                    authorisations[event.authorization.id] = (
                        f"{by}, {at}: {event.authorization.remark}"
                    )
                case ClassJournal.MarkCorrected() | ClassJournal.MarkVoided():
                    note = CorrectionNote(
                        previous=event.previous,
                        value=event.value
                        if isinstance(event, ClassJournal.MarkCorrected)
                        else None,
                        reason=event.reason,
                        by=by,
                        at=at,
                        authorised=authorisations.get(event.authorization_id, "")
                        if event.authorization_id is not None
                        else "",
                    )
                    found.mark_corrections[event.mark_id] = (
                        *found.mark_corrections.get(event.mark_id, ()),
                        note,
                    )
                case ClassJournal.PeriodMarkCorrected():
                    key = (event.period_id, event.student_id)
                    note = CorrectionNote(
                        previous=event.previous,
                        value=event.value,
                        reason=event.reason,
                        by=by,
                        at=at,
                        authorised=authorisations.get(event.authorization_id, "")
                        if event.authorization_id is not None
                        else "",
                    )
                    found.period_corrections[key] = (*found.period_corrections.get(key, ()), note)
                case ClassJournal.LessonDetailsCorrected():
                    found.lesson_corrections[event.lesson_id] = f"{by}, {at}"
                case ClassJournal.LateEntryPermitted():
                    permission = event.permission
                    first, last = permission.from_date, permission.to_date
                    found.late_permissions[permission.id] = LatePermissionNote(
                        days=ru_date(first)
                        if first == last
                        else f"{ru_date(first)} – {ru_date(last)}",
                        teacher=self._name(permission.teacher_id)
                        if permission.teacher_id is not None
                        else "любой учитель журнала",
                        by=by,
                        at=at,
                        reason=permission.reason,
                        start=first,
                        end=last,
                    )
        return found

    def _movements(self, class_code: str) -> dict[UUID, str]:
        """Who left this class during the archived days ("выбыл(а) 14.09.2026"), or came into
        it after the year began ("прибыл(а) 05.10.2026"), from the movement sheet."""
        moved: dict[UUID, str] = {}
        if self.movements is None:
            return moved
        for row in self.movements.rows:
            if not self.span.start <= row.on <= self.span.end:
                continue
            if row.from_class == class_code and row.kind in ("transferred", "withdrawn"):
                where = f" в {row.to_class}" if row.to_class else ""
                moved[row.student_id] = f"выбыл(а){where} {ru_date(row.on)}"
            elif (
                row.to_class == class_code
                and row.kind in ("admitted", "transferred")
                and row.on > self.school_year.starts_on
            ):
                moved.setdefault(row.student_id, f"прибыл(а) {ru_date(row.on)}")
        return moved

    def _journal_ids(self, class_code: str) -> list[UUID]:
        """The class's journals in the order of the contents: by subject name, then subgroup."""
        journals = self.school_year.journals_of(class_code)
        views = {jid: self.app.view(ClassJournal, jid, "journal") for jid in journals}
        return sorted(
            journals,
            key=lambda jid: (views[jid].subject_name, views[jid].subgroup or "", str(jid)),
        )

    def _periods(self) -> Iterable[Period]:
        periods = [p for p in self.school_year.periods.values() if p.id in self.span.period_ids]
        return sorted(periods, key=lambda p: (p.start, p.end, p.id))

    def _substitution(self, substitute: UUID, replaced: UUID | None, reason: str) -> str:
        instead = f" вместо {_initials(self._name(replaced))}" if replaced else ""
        return f"{_initials(self._name(substitute))}{instead}; {reason}"

    def _name(self, account_id: UUID) -> str:
        if account_id not in self._names:
            try:
                self._names[account_id] = self.app.view(Account, account_id, "account").full_name
            except NotFoundError:
                self._names[account_id] = self.NO_NAME
        return self._names[account_id]

    def _year_title(self) -> str:
        return f"{self.school_year.label} учебный год{self.span.title_suffix}"


_LOGGED_TOPICS = frozenset(
    get_topic(cls)
    for cls in (
        ClassJournal.MarkCorrected,
        ClassJournal.MarkVoided,
        ClassJournal.PeriodMarkCorrected,
        ClassJournal.CorrectionAuthorized,
        ClassJournal.LessonDetailsCorrected,
        ClassJournal.LateEntryPermitted,
    )
)
"""The stored topics of the journal events whose actor and time the printed journal names."""


@dataclass
class _JournalLog:
    """Who corrected what, when, and who allowed it, from one journal's events."""

    mark_corrections: dict[UUID, tuple[CorrectionNote, ...]] = field(default_factory=dict)
    period_corrections: dict[tuple[str, UUID], tuple[CorrectionNote, ...]] = field(
        default_factory=dict
    )
    lesson_corrections: dict[UUID, str] = field(default_factory=dict)
    late_permissions: dict[UUID, LatePermissionNote] = field(default_factory=dict)


def _zone(school_year: SchoolYear | None) -> ZoneInfo:
    """The school's time zone, as its school year records it (its regulation profile's, unless
    the year named its own); Moscow time for a printout with no school year to go by."""
    return ZoneInfo(school_year.timezone) if school_year is not None else MOSCOW


def _fingerprint(attachments: Sequence[Attachment]) -> str | None:
    """The fingerprint of the school's verifier key carried in the documents (a ``.vkey``
    attachment): the title pages print it, so a reader can hold the key inside the PDF
    against the one the school published."""
    for attachment in attachments:
        if not attachment.filename.endswith(".vkey"):
            continue
        try:
            return VerifierKey.from_text(attachment.content.decode("ascii")).fingerprint
        except (CheckpointError, UnicodeDecodeError) as error:
            raise CheckpointNoteError(
                f"the attached key {attachment.filename} is not a verifier key: {error}"
            ) from None
    return None


_ROLE_GRANTED = get_topic(Account.RoleGranted)


def _director(app: School) -> str | None:
    """The school's director's full name, to print under the certification: the active
    account that holds the director's role now (the first by name if several do), or None
    (the name line is then left to fill in by hand). Found from the log's role grants: no read
    model lists the staff by role."""
    candidates: set[UUID] = set()
    start = 1
    while notifications := app.recorder.select_notifications(
        start=start, limit=1000, topics=[_ROLE_GRANTED]
    ):
        for notification in notifications:
            event: Any = app.mapper.to_domain_event(notification)
            if event.grant.role is Role.DIRECTOR:
                candidates.add(event.originator_id)
        start = notifications[-1].id + 1
    names = []
    for account_id in candidates:
        try:
            account = app.view(Account, account_id, "account")
        except NotFoundError:
            continue
        if account.is_active and account.holds(Role.DIRECTOR):
            names.append(account.full_name)
    return min(names) if names else None


def _school_name(app: School, school_year: SchoolYear | None) -> str:
    """The school as its documents name it: the official name its regulation profile gives."""
    if school_year is None:
        return f"школа {app.school_id}"
    return school_year.profile.official_name


def _initials(full_name: str) -> str:
    """ "Иванова Мария Петровна" -> "Иванова М. П."."""
    last, *rest = full_name.split() or [full_name]
    return " ".join([last, *(f"{part[0]}." for part in rest)])


def _year_or_none(app: School, label: str | None) -> SchoolYear | None:
    if label is None:
        return None
    try:
        return app.year_view(label)
    except NotFoundError:
        return None


def _period_for_printout(
    school_year: SchoolYear, end: date, class_code: str | None
) -> Period | None:
    """The period whose averages a printout shows: the one its last day falls in, or in the
    holidays the one that ended last before it, in the scheme of the student's grade."""
    grade = school_year.grade_of(class_code) if class_code else None
    current = school_year.period_of(end, grade)
    if current is not None:
        return current
    before = [p for p in school_year.periods_for(grade) if p.end < end]
    return max(before, key=lambda p: p.end) if before else None
