"""Importing a school's own files (issue 14): the roll with guardians and parent accounts,
staff accounts, classes' timetables, journals' KTP.

A file is read whole (``table``), every row checked against its kind's columns and against the
record (``plan``), and only a file without a single problem is applied, row by row, through the
real command handlers, with all their checks. What the record already holds is found by its
natural key and left alone, so importing the same file again records nothing. A file with
problems is answered with every one of them, by row and column, in Russian, and records nothing.

Applying is not one transaction: each row's commands save on their own, as they do when a
person enters them. Were a command to refuse a row the check let through (a race with another
writer, a teacher booked in two classes at once), the import stops at that row and says so; the
rows before it stay recorded, and importing the file again picks up from there.
"""

from __future__ import annotations

from collections.abc import Callable

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
    """Check a whole table and, if no row has a problem and it is not a dry run, apply it."""
    kind = import_kind(kind_name)
    account = resolve(school, actor)
    require_importer(actor, kind.name)
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
        _apply([step for step in steps if step.run is not None], report, progress)
    return report


def _apply(todo: list[Step], report: ImportReport, progress: Progress | None) -> None:
    """Run each step's command in the file's order; stop at the first refusal."""
    for done, step in enumerate(todo):
        if progress:
            progress("recording", done, len(todo))
        assert step.run is not None
        try:
            recorded = step.run()
        except EjournalError as error:
            report.problems.append(
                RowProblem(step.row, None, f"не записано, импорт остановлен: {error.detail}")
            )
            return
        _created(report, step)
        report.events += recorded.events
        report.position = recorded.position
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
