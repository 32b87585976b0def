"""What an import answers: every problem by row and column (in Russian, for the school's staff),
and what was created or found already recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ejournal.errors import EjournalError

THINGS = {
    "student": "ученики",
    "guardian": "представители",
    "account": "учётные записи",
    "role": "роли",
    "class_teacher": "классные руководители",
    "timetable": "расписания классов",
    "ktp": "КТП журналов",
}
"""What an import records, as the report names it to people."""


class ImportFileError(EjournalError):
    """The file as a whole cannot be imported: too large, unreadable, too many rows, not a
    table of this kind. Nothing is recorded; the detail says why, in Russian."""

    slug = "import-file-refused"
    title = "The file cannot be imported"
    status = 422

    def fields(self) -> dict[str, Any]:
        # The detail is already a Russian sentence (an import is a school's own file).
        return {**super().fields(), "reason": self.detail}


@dataclass(frozen=True)
class RowProblem:
    """One problem of one cell (or of a whole row when ``column`` is None)."""

    row: int
    """The row's number as the spreadsheet shows it: the header is row 1."""
    column: str | None
    """The column's title in the file (or the template's, for a missing column)."""
    message: str
    """What is wrong, in Russian."""

    def __str__(self) -> str:
        where = f"строка {self.row}"
        if self.column:
            where += f", столбец «{self.column}»"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """The outcome of one import: refused with its problems, checked (a dry run), or applied."""

    kind: str
    dry_run: bool
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    """Per thing (THINGS): recorded by this import (or that would be, in a dry run)."""
    unchanged: dict[str, int] = field(default_factory=dict)
    """Per thing: already recorded exactly so, left alone."""
    events: int = 0
    position: int | None = None
    """The log position of the last event recorded, to wait for in reads."""
    logins_without_password: list[str] = field(default_factory=list)
    """Parent accounts this import created: they have no password yet, the administrator gives
    one (or a temporary one) before the parent can sign in."""
    applied: bool = False
    """Every row's commands ran and were saved together; False when refused, dry, or stopped
    (then nothing of the file is recorded)."""

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    def count(self, thing: str, *, created: bool) -> None:
        tally = self.created if created else self.unchanged
        tally[thing] = tally.get(thing, 0) + 1

    def summary(self) -> str:
        """The outcome in Russian, in a few lines."""
        if self.problems and not self.applied and not any(self.created.values()):
            head = f"Файл не импортирован: {_errors(len(self.problems))}; ничего не записано."
            return "\n".join([head, *(f"  {p}" for p in self.problems)])
        lines = [
            "Проверка файла пройдена, ничего не записано (пробный запуск)."
            if self.dry_run
            else "Импорт выполнен."
            if self.applied
            else "Импорт остановлен на ошибке; ничего не записано."
        ]
        verb = "будет создано" if self.dry_run else "создано"
        for thing, title in THINGS.items():
            made, kept = self.created.get(thing, 0), self.unchanged.get(thing, 0)
            if made or kept:
                lines.append(f"  {title}: {verb} {made}, уже были записаны {kept}")
        if not self.dry_run:
            lines.append(f"  записано событий: {self.events}")
        if self.logins_without_password:
            lines.append(
                "  учётные записи родителей созданы без пароля (пароль выдаёт администратор): "
                + ", ".join(self.logins_without_password)
            )
        lines.extend(f"  {p}" for p in self.problems)
        return "\n".join(lines)


def _errors(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} ошибка"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} ошибки"
    return f"{n} ошибок"
