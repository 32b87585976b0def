"""The columns of an import kind, and reading typed values out of a row's cells with a Russian
sentence for each one that is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from ejournal.aggregates.student import PersonName
from ejournal.imports.report import RowProblem
from ejournal.imports.table import Row, Table
from ejournal.text import refused_character

T = TypeVar("T")

IGNORED_COLUMNS = frozenset({"№", "№ п/п", "n", "#"})
"""A running number a school's list often starts with; never read."""


@dataclass(frozen=True)
class Column:
    """One column of a template: its title, whether it must be filled, and an example."""

    key: str
    title: str
    required: bool
    example: str
    hint: str = ""
    aliases: tuple[str, ...] = ()


def normal(title: str) -> str:
    """A title or a value as compared: case, ё/е, extra spaces and a trailing "*" ignored."""
    return re.sub(r"\s+", " ", title.replace("*", "").strip().casefold().replace("ё", "е"))


class Sheet:
    """A table read against the columns of one kind: its problems, and each row's cells by key."""

    def __init__(self, table: Table, columns: tuple[Column, ...]) -> None:
        self.table = table
        self.columns = columns
        self.problems: list[RowProblem] = []
        self.titles: dict[str, str] = {c.key: c.title for c in columns}
        self._where: dict[str, str] = {}
        known = {normal(n): c for c in columns for n in (c.title, *c.aliases)}
        for title in table.columns:
            if not title or normal(title) in IGNORED_COLUMNS:
                continue
            column = known.get(normal(title))
            if column is None:
                self.problems.append(
                    RowProblem(
                        table.header_row,
                        title,
                        "неизвестный столбец; в шаблоне есть: "
                        + ", ".join(f"«{c.title}»" for c in columns),
                    )
                )
            elif column.key in self._where:
                self.problems.append(RowProblem(table.header_row, title, "столбец повторяется"))
            else:
                self._where[column.key] = title
                self.titles[column.key] = title
        for column in columns:
            if column.required and column.key not in self._where:
                self.problems.append(
                    RowProblem(table.header_row, column.title, "в файле нет этого столбца")
                )
        if not table.rows and not self.problems:
            self.problems.append(
                RowProblem(table.header_row, None, "в файле нет ни одной строки с данными")
            )

    @property
    def usable(self) -> bool:
        """Whether the header lets rows be read at all."""
        return not self.problems

    def cell(self, row: Row, key: str) -> str:
        title = self._where.get(key)
        return row.cells.get(title, "") if title else ""

    def problem(self, row: Row, key: str | None, message: str) -> None:
        self.problems.append(RowProblem(row.number, self.titles[key] if key else None, message))

    # --- typed values -------------------------------------------------------------------------

    def text(
        self, row: Row, key: str, max_length: int, *, required: bool = True, lines: bool = False
    ) -> str | None:
        """Journal text (``ejournal.text``): no control character, at most ``max_length``."""
        value = self.cell(row, key)
        if not value:
            if required:
                self.problem(row, key, "не заполнено")
            return None
        if refused_character(value, lines=lines):
            self.problem(
                row, key, "содержит управляющий символ (табуляцию, перевод строки и т. п.)"
            )
            return None
        if len(value) > max_length:
            self.problem(row, key, f"длиннее {max_length} знаков ({len(value)})")
            return None
        return value

    def day(self, row: Row, key: str, *, required: bool = True) -> date | None:
        """A date as ДД.ММ.ГГГГ (what a Russian spreadsheet shows) or ГГГГ-ММ-ДД."""
        value = self.cell(row, key)
        if not value:
            if required:
                self.problem(row, key, "не заполнено")
            return None
        found = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
        try:
            if found:
                return date(int(found[3]), int(found[2]), int(found[1]))
            return date.fromisoformat(value)
        except ValueError:
            self.problem(row, key, f"«{value}» — не дата; пишите ДД.ММ.ГГГГ, например 14.03.2015")
            return None

    def number(
        self, row: Row, key: str, low: int, high: int, *, required: bool = True
    ) -> int | None:
        value = self.cell(row, key)
        if not value:
            if required:
                self.problem(row, key, "не заполнено")
            return None
        if not re.fullmatch(r"\d+", value) or not low <= int(value) <= high:
            self.problem(row, key, f"«{value}» — нужно целое число от {low} до {high}")
            return None
        return int(value)

    def choice(
        self, row: Row, key: str, choices: dict[str, T], *, required: bool = True
    ) -> T | None:
        """One of a few words (compared as ``normal``), each standing for a value."""
        value = self.cell(row, key)
        if not value:
            if required:
                self.problem(row, key, "не заполнено")
            return None
        found = choices.get(normal(value))
        if found is None:
            shown = ", ".join(sorted({k for k in choices if not k.isascii()}) or choices)
            self.problem(row, key, f"«{value}» — не из списка: {shown}")
        return found

    def person(self, row: Row, key: str, *, required: bool = True) -> PersonName | None:
        """A full name in one cell: фамилия, имя and (if there is one) отчество."""
        value = self.cell(row, key)
        if not value:
            if required:
                self.problem(row, key, "не заполнено")
            return None
        return self._name(row, key, value.split())

    def person_parts(self, row: Row, last: str, first: str, patronymic: str) -> PersonName | None:
        """A name in three columns."""
        parts = [self.text(row, last, 200), self.text(row, first, 200)]
        middle = self.text(row, patronymic, 200, required=False)
        if parts[0] is None or parts[1] is None:
            return None
        return PersonName(last=parts[0], first=parts[1], patronymic=middle)

    def _name(self, row: Row, key: str, words: list[str]) -> PersonName | None:
        if len(words) < 2:
            self.problem(row, key, "нужны фамилия и имя (и отчество, если есть), через пробел")
            return None
        if any(refused_character(w) or len(w) > 200 for w in words):
            self.problem(row, key, "содержит управляющий символ или слишком длинное слово")
            return None
        last, first, *rest = words
        return PersonName(last=last, first=first, patronymic=" ".join(rest) or None)

    def email(self, row: Row, key: str) -> str | None:
        value = self.text(row, key, 300, required=False)
        if value is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            self.problem(row, key, f"«{value}» — не адрес электронной почты")
            return None
        return value

    def phone(self, row: Row, key: str) -> str | None:
        value = self.text(row, key, 100, required=False)
        if value is not None and not re.fullmatch(r"\+?[\d\s()\-]{5,30}", value):
            self.problem(row, key, f"«{value}» — не номер телефона (цифры, +, скобки, дефисы)")
            return None
        return value

    def login(self, row: Row, key: str, *, required: bool = True) -> str | None:
        """A login as accounts take it: 2–64 of latin letters, digits and ``._@-``."""
        value = self.cell(row, key)
        if not value:
            if required:
                self.problem(row, key, "не заполнено")
            return None
        if not re.fullmatch(r"[A-Za-z0-9._@-]{2,64}", value):
            self.problem(
                row,
                key,
                f"«{value}» — логин пишется латиницей, цифрами и знаками . _ @ -,"
                " от 2 до 64 знаков",
            )
            return None
        return value
