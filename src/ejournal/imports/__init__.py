"""Importing a school's own files (issue 14): the roll with guardians and parent accounts,
staff accounts, classes' timetables, journals' KTP.

A file is read whole (``table``), every row checked against its kind's columns and against the
record (``plan``), and only a file without a single problem is applied, row by row, through the
real command handlers, with all their checks. What the record already holds is found by its
natural key and left alone, so importing the same file again records nothing. A file with
problems is answered with every one of them, by row and column, in Russian, and records nothing.

Applying is all or nothing: the rows' commands run in the file's order inside one
``School.all_or_nothing`` block, each seeing what the rows before it did, and every event they
make is saved in one transaction at the end. Were a command to refuse a row the check let
through (a teacher booked in two classes at once), the import stops there and nothing of the
file is recorded; a crash before the save leaves nothing either. Were another writer to save
one of the same aggregates first, the save fails whole and the file is checked and applied
again on the record as it now stands (``ATTEMPTS`` times at most).
"""

from __future__ import annotations

from collections.abc import Callable

from eventsourcing.persistence import IntegrityError

from ejournal.access import require_importer, resolve
from ejournal.application import School
from ejournal.errors import EjournalError
from ejournal.imports.columns import Sheet
from ejournal.imports.ktp import KtpImport
from ejournal.imports.plan import ImportKind, Step
from ejournal.imports.report import ImportFileError, ImportReport, RowProblem
from ejournal.imports.staff import StaffImport
from ejournal.imports.students import StudentsImport
from ejournal.imports.table import MAX_FILE_BYTES, MAX_ROWS, Table, read_table
from ejournal.imports.templates import template_csv, template_xlsx
from ejournal.imports.timetable import TimetableImport
from ejournal.roles import Actor

KINDS: dict[str, ImportKind] = {
    kind.name: kind for kind in (StudentsImport(), StaffImport(), TimetableImport(), KtpImport())
}

ATTEMPTS = 3
"""How many times a file is checked and applied when other writers keep changing the record."""

Progress = Callable[[str, int, int], None]
"""Told the stage ("checking" or "recording"), how much of it is done, and of how much."""

__all__ = [
    "KINDS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "ImportFileError",
    "ImportKind",
    "ImportReport",
    "Progress",
    "RowProblem",
    "import_kind",
    "read_table",
    "run_import",
    "template_csv",
    "template_xlsx",
]


def import_kind(name: str) -> ImportKind:
    kind = KINDS.get(name)
    if kind is None:
        raise ImportFileError(
            f"нет такого вида импорта «{name}»; есть: {', '.join(KINDS)}", kinds=list(KINDS)
        )
    return kind


def run_import(
    school: School,
    actor: Actor,
    kind_name: str,
    table: Table,
    *,
    year: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check a whole table and, if no row has a problem and it is not a dry run, apply it, all
    of it or nothing."""
    kind = import_kind(kind_name)
    require_importer(actor, kind.name)
    for _ in range(ATTEMPTS - 1):
        try:
            return _check_and_apply(school, actor, kind, table, year, dry_run, progress)
        except IntegrityError:
            continue  # another writer came first: check again on the record as it stands
    try:
        return _check_and_apply(school, actor, kind, table, year, dry_run, progress)
    except IntegrityError:
        report = ImportReport(kind=kind.name, dry_run=dry_run, rows=len(table.rows))
        report.problems.append(
            RowProblem(
                1,
                None,
                "ничего не записано: записи школы менялись во время импорта; импортируйте файл"
                " ещё раз",
            )
        )
        return report


def _check_and_apply(
    school: School,
    actor: Actor,
    kind: ImportKind,
    table: Table,
    year: str,
    dry_run: bool,
    progress: Progress | None,
) -> ImportReport:
    account = resolve(school, actor)
    report = ImportReport(kind=kind.name, dry_run=dry_run, rows=len(table.rows))
    if progress:
        progress("checking", 0, len(table.rows))
    sheet = Sheet(table, kind.columns)
    steps = kind.plan(school, actor, account, sheet, year) if sheet.usable else []
    if progress:
        progress("checking", len(table.rows), len(table.rows))
    if sheet.problems:
        report.problems = sorted(sheet.problems, key=lambda p: (p.row, _column_order(sheet, p)))
        return report
    for step in steps:
        if step.run is None:
            report.count(step.thing, created=False)
        elif dry_run:
            _created(report, step)
    if not dry_run:
        _apply(school, [step for step in steps if step.run is not None], report, progress)
    return report


class _RowRefusedError(Exception):
    """A row's command refused it: the block ends, and nothing of the file is saved."""


def _apply(
    school: School, todo: list[Step], report: ImportReport, progress: Progress | None
) -> None:
    """Run each step's command in the file's order, all saved together at the end; at the
    first refusal nothing is saved. Raises ``IntegrityError`` when another writer came first."""
    try:
        with school.all_or_nothing() as saved:
            for done, step in enumerate(todo):
                if progress:
                    progress("recording", done, len(todo))
                assert step.run is not None
                try:
                    step.run()
                except EjournalError as error:
                    report.problems.append(
                        RowProblem(
                            step.row, None, f"импорт остановлен, ничего не записано: {error.detail}"
                        )
                    )
                    raise _RowRefusedError from error
    except _RowRefusedError:
        return
    for step in todo:
        _created(report, step)
    if saved:
        report.events = saved[0].events
        report.position = saved[0].position
    if progress:
        progress("recording", len(todo), len(todo))
    report.applied = True


def _created(report: ImportReport, step: Step) -> None:
    report.count(step.thing, created=True)
    if step.login_without_password:
        report.logins_without_password.append(step.login_without_password)


def _column_order(sheet: Sheet, problem: RowProblem) -> int:
    """Problems of a row in the order of the file's columns (a row's own problems first)."""
    if problem.column is None:
        return -1
    try:
        return sheet.table.columns.index(problem.column)
    except ValueError:
        return len(sheet.table.columns)
