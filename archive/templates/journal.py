"""One subject's pages of the printed class journal.

A paper class journal gives each subject its pages: the marks and attendance grid by month
(students down the side, lesson dates across, the period's marks in the column after its last
lesson, School 117 §6.1), the list of lessons with topic and homework, and the period marks.
Nothing the log holds is hidden (DESIGN.md §4): a corrected mark shows the old value struck
through beside the new one, a voided mark stays struck through, an entry made after its deadline
carries "*", and a substitute's lesson names the substitution.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from uuid import UUID

from archive.templates import MONTHS, esc, ru_date
from ejournal.projections.journal_grid import (
    AttendanceCell,
    GridCell,
    GridRow,
    JournalGridView,
    LessonColumn,
    MarkCell,
    PeriodColumn,
    PeriodMarkCell,
)

MAX_GRID_COLUMNS = 25
"""Lesson and period columns in one grid table: more do not fit a landscape A4 sheet legibly,
so a busy month continues in a second table."""

LATE_SIGN = "*"
CORRECTED_ATTENDANCE_SIGN = "°"

LEGEND: tuple[tuple[str, str], ...] = (
    ("н", "отсутствовал"),
    ("оп", "опоздал"),
    (
        LATE_SIGN,
        "запись внесена после установленного срока по разрешению заместителя директора",
    ),
    ("зачёркнутое значение рядом с новым", "исправленная запись (причина — в перечне исправлений)"),
    ("зачёркнутое значение без нового", "аннулированная отметка"),
    (CORRECTED_ATTENDANCE_SIGN, "исправленная отметка посещаемости"),
    ("серая клетка", "ученик в эти дни не числился в классе (группе)"),
)
"""The signs the journal's pages use, printed once on the title page."""

Column = LessonColumn | PeriodColumn


@dataclass(frozen=True)
class SubjectPages:
    """One journal's pages for an archived span: the grid as the read model holds it, what the
    grid has only ids for (teachers' names, substitutions), and the span to print."""

    anchor: str
    grid: JournalGridView
    start: date
    end: date
    period_ids: frozenset[str]
    """The period columns to print (the archived period's, or every period of the year)."""
    teachers: tuple[str, ...]
    substitutions: Mapping[UUID, str] = field(default_factory=dict)
    """Substitution id -> "Ф.И.О. (вместо Ф.И.О.; причина)"."""

    @property
    def label(self) -> str:
        """The subject as the contents name it."""
        subgroup = f", подгруппа {self.grid.subgroup}" if self.grid.subgroup else ""
        teachers = f" (учитель: {', '.join(self.teachers)})" if self.teachers else ""
        return f"{self.grid.subject_name}{subgroup}{teachers}"


def journal_section_html(page: SubjectPages) -> str:
    """A subject's section: grid by month, period marks, lessons, corrections."""
    grid = page.grid
    shown = [(i, c) for i, c in enumerate(grid.columns) if _in_span(c, page)]
    rows = [r for r in grid.rows if any(s.overlaps(page.start, page.end) for s in r.on_page)]
    subgroup = f", подгруппа {esc(grid.subgroup)}" if grid.subgroup else ""
    parts = [
        f'<section id="{esc(page.anchor)}">',
        f"<h2>{esc(grid.subject_name)}{subgroup}</h2>",
        f"<p>Класс {esc(grid.class_code)}, {esc(grid.year)} учебный год. "
        f"Учитель: {esc(', '.join(page.teachers) or '—')}</p>",
    ]
    if not shown:
        parts.append("<p>За этот период записей нет.</p>")
    for heading, chunk in _grid_chunks(shown):
        parts.append(_grid_table(heading, chunk, rows))
    periods = [(i, c) for i, c in shown if isinstance(c, PeriodColumn)]
    if periods:
        parts.append(_period_marks_table(periods, rows))
    lessons = [c for _, c in shown if isinstance(c, LessonColumn)]
    if lessons:
        parts.append(_lessons_table(lessons, page.substitutions))
    parts.append(_corrections_table(shown, rows))
    parts.append("</section>")
    return "".join(parts)


def _in_span(column: Column, page: SubjectPages) -> bool:
    if isinstance(column, LessonColumn):
        return page.start <= column.on <= page.end
    return column.period_id in page.period_ids


def _grid_chunks(
    shown: Sequence[tuple[int, Column]],
) -> Iterator[tuple[str, list[tuple[int, Column]]]]:
    """The grid's columns by month (a period's column stays with the lessons before it), a busy
    month split into tables of at most MAX_GRID_COLUMNS."""
    months: list[tuple[int, int]] = []
    for _, column in shown:
        if isinstance(column, LessonColumn):
            months.append((column.on.year, column.on.month))
        else:
            months.append(months[-1] if months else (column.end.year, column.end.month))
    keyed = zip(months, shown, strict=True)
    for (year, month), group in groupby(keyed, key=lambda pair: pair[0]):
        columns = [pair[1] for pair in group]
        for part, start in enumerate(range(0, len(columns), MAX_GRID_COLUMNS)):
            more = " (продолжение)" if part else ""
            yield f"{MONTHS[month]} {year}{more}", columns[start : start + MAX_GRID_COLUMNS]


def _grid_table(
    heading: str, columns: Sequence[tuple[int, Column]], rows: Sequence[GridRow]
) -> str:
    head = "".join(
        f"<th>{column.on.day}</th>"
        if isinstance(column, LessonColumn)
        else f'<th class="period">{esc(column.name)}</th>'
        for _, column in columns
    )
    body = "".join(
        f'<tr><td class="n">{number}</td><td class="name">{esc(row.full_name)}</td>'
        + "".join(_grid_cell(row.cells[index], column) for index, column in columns)
        + "</tr>"
        for number, row in enumerate(rows, start=1)
    )
    return (
        f"<h3>{esc(heading)}</h3>"
        '<table class="grid"><thead><tr><th class="n">№</th>'
        f'<th class="name">Фамилия, имя, отчество</th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _grid_cell(cell: GridCell, column: Column) -> str:
    if isinstance(column, PeriodColumn):
        text = _period_mark(cell.period_mark) if cell.period_mark else ""
        css = "period off" if not cell.on_page else "period"
        return f'<td class="{css}">{text}</td>'
    entries = []
    if cell.attendance is not None:
        entries.append(_attendance(cell.attendance))
    entries.extend(_mark(mark) for mark in cell.marks)
    text = " ".join(e for e in entries if e)
    return f'<td class="off">{text}</td>' if not cell.on_page else f"<td>{text}</td>"


def _attendance(cell: AttendanceCell) -> str:
    late = LATE_SIGN if cell.late else ""
    corrected = CORRECTED_ATTENDANCE_SIGN if cell.corrected else ""
    return f"{esc(cell.symbol)}{late}{corrected}"


def _mark(mark: MarkCell) -> str:
    late = LATE_SIGN if mark.late else ""
    if mark.voided:
        return f"<s>{esc(mark.value)}</s>{late}"
    if mark.corrected and mark.previous_value is not None:
        return f"<s>{esc(mark.previous_value)}</s>{esc(mark.value)}{late}"
    return f"{esc(mark.value)}{late}"


def _period_mark(mark: PeriodMarkCell) -> str:
    late = LATE_SIGN if mark.late else ""
    if mark.corrected and mark.previous_value is not None:
        return f"<s>{esc(mark.previous_value)}</s>{esc(mark.value)}{late}"
    return f"{esc(mark.value)}{late}"


def _period_marks_table(
    periods: Sequence[tuple[int, PeriodColumn]], rows: Sequence[GridRow]
) -> str:
    head = "".join(f"<th>{esc(column.name)}</th>" for _, column in periods)
    body = "".join(
        f'<tr><td class="n">{number}</td><td>{esc(row.full_name)}</td>'
        + "".join(
            f'<td class="num">{_period_mark(mark) if (mark := row.cells[i].period_mark) else ""}'
            "</td>"
            for i, _ in periods
        )
        + "</tr>"
        for number, row in enumerate(rows, start=1)
    )
    return (
        "<h3>Отметки за учебные периоды</h3>"
        '<table class="list"><thead><tr><th class="n">№</th><th>Фамилия, имя, отчество</th>'
        f"{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _lessons_table(lessons: Sequence[LessonColumn], substitutions: Mapping[UUID, str]) -> str:
    body = "".join(
        f'<tr><td class="n">{number}</td><td class="date">{ru_date(lesson.on)}</td>'
        f'<td class="num">{lesson.slot}</td>'
        f"<td>{_corrected_text(lesson.topic, lesson.previous_topic, lesson.corrected)}</td>"
        f"<td>{_corrected_text(lesson.homework, lesson.previous_homework, lesson.corrected)}</td>"
        f'<td class="note">{esc("; ".join(_lesson_notes(lesson, substitutions)))}</td></tr>'
        for number, lesson in enumerate(lessons, start=1)
    )
    return (
        "<h3>Проведённые уроки: темы и домашние задания</h3>"
        '<table class="list"><thead><tr><th class="n">№</th><th>Дата</th><th>Урок</th>'
        "<th>Тема урока</th><th>Домашнее задание</th><th>Отметки о записи</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _corrected_text(current: str | None, previous: str | None, corrected: bool) -> str:
    text = esc(current or "")
    if corrected and previous is not None and previous != current:
        return f"<s>{esc(previous)}</s> {text}"
    return text


def _lesson_notes(lesson: LessonColumn, substitutions: Mapping[UUID, str]) -> Iterable[str]:
    if lesson.substitution_id is not None:
        yield f"замена: {substitutions.get(lesson.substitution_id, 'учитель-заменяющий')}"
    if lesson.late:
        yield f"{LATE_SIGN} внесено после срока по разрешению заместителя директора"
    if lesson.corrected:
        yield f"исправлено: {lesson.correction_reason or 'без указания причины'}"


def _corrections_table(shown: Sequence[tuple[int, Column]], rows: Sequence[GridRow]) -> str:
    lines: list[tuple[str, str, str, str, str]] = []
    for index, column in shown:
        for row in rows:
            cell = row.cells[index]
            when = ru_date(column.on) if isinstance(column, LessonColumn) else column.name
            for mark in cell.marks:
                if mark.voided:
                    lines.append(
                        (when, row.full_name, mark.value, "аннулирована", mark.reason or "")
                    )
                elif mark.corrected:
                    lines.append(
                        (
                            when,
                            row.full_name,
                            mark.previous_value or "",
                            mark.value,
                            mark.reason or "",
                        )
                    )
            period_mark = cell.period_mark
            if period_mark is not None and period_mark.corrected:
                lines.append(
                    (
                        when,
                        row.full_name,
                        period_mark.previous_value or "",
                        period_mark.value,
                        period_mark.reason or "",
                    )
                )
    if not lines:
        return "<p>Исправлений отметок нет.</p>"
    body = "".join(
        f'<tr><td class="date">{esc(when)}</td><td>{esc(name)}</td><td class="num">{esc(old)}</td>'
        f'<td class="num">{esc(new)}</td><td>{esc(reason)}</td></tr>'
        for when, name, old, new, reason in lines
    )
    return (
        "<h3>Исправления отметок</h3>"
        '<table class="list"><thead><tr><th>Урок / период</th><th>Ученик</th><th>Было</th>'
        f"<th>Стало</th><th>Причина</th></tr></thead><tbody>{body}</tbody></table>"
    )
