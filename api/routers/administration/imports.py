"""Importing a school's files (issue 14): upload a file, follow its job, read the outcome.

``POST /imports/{kind}`` takes the file (XLSX or CSV UTF-8, with or without a byte-order mark,
``;`` or ``,``), reads it at once (a file too large, unreadable or with too many rows is refused
there, 422) and answers 202 with a job; the job checks every row and, when no row has a
problem and it is not a dry run, records them through the command handlers.
``GET /imports/jobs/{id}`` answers its progress and then its report: what was created and what
was already recorded, or every problem by row and column, in Russian. A job is its starter's:
anyone else's, and one forgotten, is 404.

Jobs are kept in this process's memory, not in a table: a job lasts seconds, the file is not a
journal fact (the log records what it made, with who and when), and a job lost with a restart
is found again by importing the same file, which records nothing twice. With several worker
processes a poll must reach the process that took the upload (sticky sessions), or it is 404.

Who imports which kind is the core's ``access.IMPORTERS``; templates are for any signed-in
person (they hold nothing but column titles).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.dependencies import CurrentSession
from api.schemas.school_year import YearLabel
from ejournal.access import importer
from ejournal.application import School
from ejournal.errors import EjournalError, NotFoundError
from ejournal.imports import (
    KINDS,
    MAX_FILE_BYTES,
    ImportFileError,
    ImportReport,
    import_kind,
    read_table,
    run_import,
    template_csv,
    template_xlsx,
)
from ejournal.imports.table import Table
from ejournal.roles import Actor

router = APIRouter(prefix="/imports")
log = logging.getLogger(__name__)

MAX_JOBS = 200
"""Jobs remembered per process; the oldest finished ones are forgotten first."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

ImportKindName = StrEnum("ImportKindName", {name: name for name in KINDS})  # type: ignore[misc]
"""The kinds of file a school imports."""


class RowProblemPublic(BaseModel):
    """One problem of a file: its row (the header is row 1), its column, what is wrong."""

    row: int
    column: str | None
    message: str


class ImportReportPublic(BaseModel):
    """What an import did (or, in a dry run, would do)."""

    rows: int
    created: dict[str, int]
    """Per thing (student, guardian, account, role, class_teacher, timetable, ktp)."""
    unchanged: dict[str, int]
    """Already recorded exactly so: left alone."""
    events: int
    position: int | None
    """The log position of the last event recorded: reads can wait for it (``after``)."""
    logins_without_password: list[str]
    """Parent accounts created without a password: the administrator gives them one."""
    applied: bool
    summary: str
    """The outcome in Russian, as the command line prints it."""


class ImportJobPublic(BaseModel):
    """An import's job: how far it is, and at the end its report or its problems."""

    id: UUID
    kind: str
    dry_run: bool
    state: Literal["running", "done", "refused", "failed"]
    """done: checked (and, unless a dry run, recorded); refused: the file has problems and
    nothing was recorded (or, rarely, a row's command refused it part-way: ``report.applied``
    is false and ``report.events`` says what was recorded before); failed: see ``problem``."""
    stage: Literal["checking", "recording"]
    done: int
    total: int
    report: ImportReportPublic | None = None
    problems: list[RowProblemPublic] = []
    problem: str | None = None
    """Why a failed job failed (the school year is not set up, the service failed)."""
    started_at: datetime


@dataclass
class ImportJob:
    id: UUID
    kind: str
    account_id: UUID
    dry_run: bool
    started_at: datetime
    state: Literal["running", "done", "refused", "failed"] = "running"
    stage: Literal["checking", "recording"] = "checking"
    done: int = 0
    total: int = 0
    report: ImportReport | None = None
    problem: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def progress(self, stage: str, done: int, total: int) -> None:
        with self.lock:
            self.stage = "recording" if stage == "recording" else "checking"
            self.done, self.total = done, total

    def public(self) -> ImportJobPublic:
        with self.lock:
            report = self.report
            return ImportJobPublic(
                id=self.id,
                kind=self.kind,
                dry_run=self.dry_run,
                state=self.state,
                stage=self.stage,
                done=self.done,
                total=self.total,
                report=None if report is None else _report(report),
                problems=[] if report is None else _problems(report),
                problem=self.problem,
                started_at=self.started_at,
            )


class ImportJobs:
    """The jobs of this process (see the module's docstring for why memory)."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[UUID, ImportJob] = OrderedDict()
        self._workers: set[threading.Thread] = set()
        self._lock = threading.Lock()

    def start(self, worker: threading.Thread) -> None:
        """Run a job's worker, known until it ends, so a shutdown can wait for it."""
        with self._lock:
            self._workers = {w for w in self._workers if w.is_alive()}
            self._workers.add(worker)
        worker.start()

    def wait(self, timeout: float) -> None:
        """Let the running imports finish before the schools' storage closes: a worker cut off
        mid-command would use a closed connection (on SQLite, a crash of the process). An
        import's rows are each a whole command, so one stopped by the timeout loses nothing
        recorded; its file is imported again."""
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.join(timeout)

    def add(self, job: ImportJob) -> None:
        with self._lock:
            self._jobs[job.id] = job
            for old in [j for j in self._jobs.values() if j.state != "running"]:
                if len(self._jobs) <= MAX_JOBS:
                    break
                del self._jobs[old.id]

    def of(self, job_id: UUID, account_id: UUID) -> ImportJob:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or job.account_id != account_id:
            raise NotFoundError("no such import job")
        return job


_jobs_lock = threading.Lock()


def _jobs(request: Request) -> ImportJobs:
    return app_import_jobs(request.app.state)


def app_import_jobs(state: Any) -> ImportJobs:
    """The import jobs of one app (its ``state``), made on first use."""
    with _jobs_lock:
        jobs = getattr(state, "import_jobs", None)
        if jobs is None:
            jobs = ImportJobs()
            state.import_jobs = jobs
        return jobs


@router.get(
    "/templates/{name}",
    responses={200: {"content": {XLSX: {}, CSV: {}}, "description": "The template file"}},
    response_class=Response,
)
def download_template(name: str, session: CurrentSession) -> Response:
    """A template to fill in: ``students.xlsx``, ``staff.csv``, ``timetable.xlsx``, ``ktp.csv``…
    (XLSX with a sheet explaining the columns; CSV in UTF-8 with a byte-order mark and ``;``)."""
    kind_name, dot, fmt = name.rpartition(".")
    if not dot or fmt not in ("xlsx", "csv") or kind_name not in KINDS:
        raise NotFoundError("no such template")
    kind = import_kind(kind_name)
    body = template_xlsx(kind) if fmt == "xlsx" else template_csv(kind)
    return Response(
        body,
        media_type=XLSX if fmt == "xlsx" else CSV,
        headers={"Content-Disposition": f'attachment; filename="{kind_name}.{fmt}"'},
    )


MULTIPART = "multipart/form-data"
UPLOAD_EXAMPLES = {
    "check first": {
        "summary": "Students of 5А with their guardians, checked without recording anything",
        "value": {"file": "ученики-5А.xlsx", "year": "2026/2027", "dry_run": True},
    },
    "import": {
        "summary": "The same file, imported",
        "value": {"file": "ученики-5А.xlsx", "year": "2026/2027", "dry_run": False},
    },
}
"""Examples of the upload form (OpenAPI ``examples`` of the request body; ``file`` is the
file's content, named here)."""


@router.post(
    "/{kind}",
    status_code=202,
    response_model=ImportJobPublic,
    openapi_extra={"requestBody": {"content": {MULTIPART: {"examples": UPLOAD_EXAMPLES}}}},
)
async def upload(
    kind: ImportKindName,
    file: Annotated[UploadFile, File(description="XLSX, or CSV in UTF-8 separated by ; or ,")],
    year: Annotated[YearLabel, Form(description="The school year the file is for")],
    session: CurrentSession,
    request: Request,
    response: Response,
    dry_run: Annotated[bool, Form(description="Check the file and record nothing")] = False,
) -> ImportJobPublic:
    """Take a file to import and start its job (202; ``Location`` is the job to poll)."""
    actor = importer(session.account, kind.value)
    data = await file.read(MAX_FILE_BYTES + 1)
    # Reading a workbook takes a moment: not on the event loop.
    table = await run_in_threadpool(read_table, data)
    job = ImportJob(
        id=uuid4(),
        kind=kind.value,
        account_id=session.account.id,
        dry_run=dry_run,
        started_at=session.school.app.clock.now(),
        total=len(table.rows),
    )
    jobs = _jobs(request)
    jobs.add(job)
    jobs.start(
        threading.Thread(
            target=_run,
            args=(job, session.school.app, actor, table, year),
            name=f"import-{job.id}",
            daemon=True,
        )
    )
    response.headers["Location"] = str(request.url_for("import_job", job_id=job.id).path)
    return job.public()


@router.get("/jobs/{job_id}", response_model=ImportJobPublic, name="import_job")
def import_job(job_id: UUID, session: CurrentSession, request: Request) -> ImportJobPublic:
    """An import's progress, then its report or every problem of its file."""
    return _jobs(request).of(job_id, session.account.id).public()


def _run(job: ImportJob, school: School, actor: Actor, table: Table, year: str) -> None:
    try:
        report = run_import(
            school, actor, job.kind, table, year=year, dry_run=job.dry_run, progress=job.progress
        )
    except ImportFileError as error:
        with job.lock:
            job.state, job.problem = "failed", error.detail
        return
    except EjournalError as error:
        with job.lock:
            job.state, job.problem = "failed", f"{error.title}: {error.detail}"
        return
    except Exception:
        log.exception("import job %s failed", job.id)
        with job.lock:
            job.state = "failed"
            job.problem = "внутренняя ошибка сервиса; её причина записана в журнал сервиса"
        return
    with job.lock:
        job.report = report
        job.state = "refused" if report.problems else "done"


def _problems(report: ImportReport) -> list[RowProblemPublic]:
    return [
        RowProblemPublic(row=p.row, column=p.column, message=p.message) for p in report.problems
    ]


def _report(report: ImportReport) -> ImportReportPublic:
    return ImportReportPublic(
        rows=report.rows,
        created=report.created,
        unchanged=report.unchanged,
        events=report.events,
        position=report.position,
        logins_without_password=report.logins_without_password,
        applied=report.applied,
        summary=report.summary(),
    )
