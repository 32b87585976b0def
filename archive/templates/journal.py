"""One subject's pages of the printed class journal.

A paper class journal gives each subject its pages: the marks and attendance grid by month
(students down the side, lesson dates across, the period's marks in the column after its last
lesson, School 117 §6.1), the list of lessons with topic and homework, and the period marks.
Nothing the log holds is hidden (DESIGN.md §4): a corrected mark shows the old value struck
through by a diagonal stroke, an arrow and the new one, with the number of its line in the
corrections table ("4̸→5¹": a horizontal strike through "4" falls on its crossbar and reads
"45"); a voided mark stays crossed out ("5̸→×²"); the corrections table names who corrected,
when, why and the deputy's authorising remark (Lyceum 68 §3.6.7); an entry made after its
deadline carries "*", and the deputy who allowed it is named; a substitute's lesson names the
substitution; a student who left the class or came into it during the year is marked so, with
the date. A grade-1 journal has no marks (no quarter-marks table, no period columns) unless
some were given. Times are the school's own, its zone named.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from uuid import UUID

from archive.templates import MONTHS, esc, ru_date
from ejournal.projections.journal_grid.queries import (
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
CORRECTION_ARROW = "→"
VOIDED_SIGN = "×"
SLASH = "\u0338"
"""COMBINING LONG SOLIDUS OVERLAY: a diagonal stroke through each character of a superseded
mark. A horizontal strike-through falls on the crossbar of "4" and vanishes; a slash does not."""


def slashed(value: str) -> str:
    """A superseded mark crossed out by a diagonal stroke: "4" -> "4̸"."""
    return "".join(f"{ch}{SLASH}" if not ch.isspace() else ch for ch in value)


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(number: int) -> str:
    """A corrections table line number as it follows a mark: 12 -> "¹²"."""
    return str(number).translate(_SUPERSCRIPTS)


LEGEND: tuple[tuple[str, str], ...] = (
    ("н", "отсутствовал"),
    ("оп", "опоздал"),
    (
        LATE_SIGN,
        "запись внесена после установленного срока по разрешению заместителя директора",
    ),
    (
        f"{slashed('4')}{CORRECTION_ARROW}5¹",
        "исправленная отметка: было 4 (зачёркнуто), стало 5; ¹ — номер строки в таблице "
        "«Исправления отметок» того же предмета (кто, когда, причина, разрешение)",
    ),
    (
        f"{slashed('5')}{CORRECTION_ARROW}{VOIDED_SIGN}²",
        "аннулированная отметка (номер строки в таблице «Исправления отметок»)",
    ),
    (CORRECTED_ATTENDANCE_SIGN, "исправленная отметка посещаемости"),
    ("серая клетка", "ученик в эти дни не числился в классе (группе)"),
    ("выбыл(а), прибыл(а) с датой", "движение ученика в течение учебного года"),
)
"""The signs the journal's pages use, printed once on the title page."""

Column = LessonColumn | PeriodColumn


@dataclass(frozen=True)
class CorrectionNote:
    """One correction or voiding as the log recorded it, names and times ready to print."""

    previous: str
    value: str | None
    """None: the mark was voided."""
    reason: str
    by: str
    """Who corrected: "Иванова М. П."."""
    at: str
    """When, in the school's time: "07.09.2026 15:00 (Europe/Moscow, МСК)"."""
    authorised: str = ""
    """The deputy's authorising remark and who made it, when, or "" when none was needed."""


@dataclass(frozen=True)
class LatePermissionNote:
    """A deputy's permission to enter a journal's records after their deadline."""

    days: str
    """The lesson days it covers: "07.09.2026" or "07.09.2026 – 09.09.2026"."""
    teacher: str
    """The teacher allowed, or "любой учитель журнала"."""
    by: str
    """The deputy who allowed it."""
    at: str
    reason: str
    start: date
    end: date

    @property
    def text(self) -> str:
        """How a late entry's note names it."""
        return f"{self.by}, {self.at}: {self.reason}"


@dataclass(frozen=True)
class _CorrectionLine:
    """A line of the corrections table, and the mark it is about."""

    key: object
    """The mark id, or (period id, student id) for a period mark."""
    number: int
    when: str
    student: str
    note: CorrectionNote


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
    mark_corrections: Mapping[UUID, tuple[CorrectionNote, ...]] = field(default_factory=dict)
    """Mark id -> its corrections and voiding, in the order of the log."""
    period_corrections: Mapping[tuple[str, UUID], tuple[CorrectionNote, ...]] = field(
        default_factory=dict
    )
    """(period id, student id) -> the period mark's corrections, in the order of the log."""
    lesson_corrections: Mapping[UUID, str] = field(default_factory=dict)
    """Lesson id -> who corrected its topic or homework and when ("Иванова М. П., 07.09.2026
    15:00 (Europe/Moscow, МСК)")."""
    late_permissions: Mapping[UUID, LatePermissionNote] = field(default_factory=dict)
    """The deputy's permissions to enter records after their deadline, by id."""
    movements: Mapping[UUID, str] = field(default_factory=dict)
    """Student id -> "выбыл(а) 14.09.2026" / "прибыл(а) 05.10.2026" for this class."""

    @property
    def label(self) -> str:
        """The subject as the contents name it."""
        subgroup = f", подгруппа {self.grid.subgroup}" if self.grid.subgroup else ""
        teachers = f" (учитель: {', '.join(self.teachers)})" if self.teachers else ""
        return f"{self.grid.subject_name}{subgroup}{teachers}"


def journal_section_html(page: SubjectPages) -> str:
    """A subject's section: grid by month, period marks, lessons, corrections, late entries."""
    grid = page.grid
    rows = [r for r in grid.rows if any(s.overlaps(page.start, page.end) for s in r.on_page)]
    shown = [(i, c) for i, c in enumerate(grid.columns) if _in_span(c, page)]
    if not _keeps_period_marks(grid, shown, rows):
        shown = [(i, c) for i, c in shown if isinstance(c, LessonColumn)]
    corrections = _correction_lines(shown, rows, page)
    refs: dict[object, int] = {}
    for line in corrections:
        refs[line.key] = line.number
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
        parts.append(_grid_table(heading, chunk, rows, page, refs))
    periods = [(i, c) for i, c in shown if isinstance(c, PeriodColumn)]
    if periods:
        parts.append(_period_marks_table(periods, rows, page, refs))
    lessons = [c for _, c in shown if isinstance(c, LessonColumn)]
    if lessons:
        parts.append(_lessons_table(lessons, page))
    parts.append(_corrections_table(corrections))
    parts.append(_late_permissions_table(page))
    parts.append("</section>")
    return "".join(parts)


def _keeps_period_marks(
    grid: JournalGridView, shown: Sequence[tuple[int, Column]], rows: Sequence[GridRow]
) -> bool:
    """Whether the section prints period marks: not in grade 1, which is taught without marks
    (an empty quarter-marks table there misleads), unless some were given after all."""
    if grid.grade != 1:
        return True
    return any(
        row.cells[i].period_mark is not None
        for i, c in shown
        if isinstance(c, PeriodColumn)
        for row in rows
    )


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


def _student(row: GridRow, page: SubjectPages, *, grid: bool = False) -> str:
    """A student's name, with their movement in the class when they left or came."""
    moved = page.movements.get(row.student_id)
    if not moved:
        return esc(row.full_name)
    if grid:
        return f'{esc(row.full_name)}<br><span class="moved">{esc(moved)}</span>'
    return f'{esc(row.full_name)} <span class="moved">({esc(moved)})</span>'


def _grid_table(
    heading: str,
    columns: Sequence[tuple[int, Column]],
    rows: Sequence[GridRow],
    page: SubjectPages,
    refs: Mapping[object, int],
) -> str:
    head = "".join(
        f"<th>{column.on.day}</th>"
        if isinstance(column, LessonColumn)
        else f'<th class="period">{esc(column.name)}</th>'
        for _, column in columns
    )
    body = "".join(
        f'<tr><td class="n">{number}</td><td class="name">{_student(row, page, grid=True)}</td>'
        + "".join(_grid_cell(row, row.cells[index], column, refs) for index, column in columns)
        + "</tr>"
        for number, row in enumerate(rows, start=1)
    )
    return (
        f"<h3>{esc(heading)}</h3>"
        '<table class="grid"><thead><tr><th class="n">№</th>'
        f'<th class="name">Фамилия, имя, отчество</th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _grid_cell(row: GridRow, cell: GridCell, column: Column, refs: Mapping[object, int]) -> str:
    if isinstance(column, PeriodColumn):
        key = (column.period_id, row.student_id)
        text = _period_mark(cell.period_mark, refs.get(key)) if cell.period_mark else ""
        css = "period off" if not cell.on_page else "period"
        return f'<td class="{css}">{text}</td>'
    entries = []
    if cell.attendance is not None:
        entries.append(_attendance(cell.attendance))
    entries.extend(_mark(mark, refs.get(mark.mark_id)) for mark in cell.marks)
    text = " ".join(e for e in entries if e)
    return f'<td class="off">{text}</td>' if not cell.on_page else f"<td>{text}</td>"


def _attendance(cell: AttendanceCell) -> str:
    late = LATE_SIGN if cell.late else ""
    corrected = CORRECTED_ATTENDANCE_SIGN if cell.corrected else ""
    return f"{esc(cell.symbol)}{late}{corrected}"


def _ref(number: int | None) -> str:
    return superscript(number) if number is not None else ""


def _changed(previous: str, new: str, number: int | None) -> str:
    """Old value struck and greyed, an arrow, the new value, the corrections line number."""
    return f'<s class="old">{esc(slashed(previous))}</s>{CORRECTION_ARROW}{new}{_ref(number)}'


def _mark(mark: MarkCell, number: int | None) -> str:
    late = LATE_SIGN if mark.late else ""
    if mark.voided:
        return _changed(mark.value, VOIDED_SIGN, number) + late
    if mark.corrected and mark.previous_value is not None:
        return _changed(mark.previous_value, esc(mark.value), number) + late
    return f"{esc(mark.value)}{late}"


def _period_mark(mark: PeriodMarkCell, number: int | None) -> str:
    late = LATE_SIGN if mark.late else ""
    if mark.corrected and mark.previous_value is not None:
        return _changed(mark.previous_value, esc(mark.value), number) + late
    return f"{esc(mark.value)}{late}"


def _period_marks_table(
    periods: Sequence[tuple[int, PeriodColumn]],
    rows: Sequence[GridRow],
    page: SubjectPages,
    refs: Mapping[object, int],
) -> str:
    head = "".join(f"<th>{esc(column.name)}</th>" for _, column in periods)
    body = "".join(
        f'<tr><td class="n">{number}</td><td>{_student(row, page)}</td>'
        + "".join(
            '<td class="num">'
            + (
                _period_mark(mark, refs.get((column.period_id, row.student_id)))
                if (mark := row.cells[i].period_mark)
                else ""
            )
            + "</td>"
            for i, column in periods
        )
        + "</tr>"
        for number, row in enumerate(rows, start=1)
    )
    return (
        "<h3>Отметки за учебные периоды</h3>"
        '<table class="list"><thead><tr><th class="n">№</th><th>Фамилия, имя, отчество</th>'
        f"{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _lessons_table(lessons: Sequence[LessonColumn], page: SubjectPages) -> str:
    body = "".join(
        f'<tr><td class="n">{number}</td><td class="date">{ru_date(lesson.on)}</td>'
        f'<td class="num">{lesson.slot}</td>'
        f"<td>{_corrected_text(lesson.topic, lesson.previous_topic, lesson.corrected)}</td>"
        f"<td>{_corrected_text(lesson.homework, lesson.previous_homework, lesson.corrected)}</td>"
        f'<td class="note">{esc("; ".join(_lesson_notes(lesson, page)))}</td></tr>'
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
        return f'<s class="old">{esc(previous)}</s> {CORRECTION_ARROW} {text}'
    return text


def _lesson_notes(lesson: LessonColumn, page: SubjectPages) -> Iterable[str]:
    if lesson.substitution_id is not None:
        yield f"замена: {page.substitutions.get(lesson.substitution_id, 'учитель-заменяющий')}"
    if lesson.late:
        permission = (
            page.late_permissions.get(lesson.late_permission_id)
            if lesson.late_permission_id is not None
            else None
        )
        allowed = f" ({permission.text})" if permission is not None else ""
        yield f"{LATE_SIGN} внесено после срока по разрешению заместителя директора{allowed}"
    if lesson.corrected:
        who = page.lesson_corrections.get(lesson.lesson_id)
        by = f" ({who})" if who else ""
        yield f"исправлено{by}: {lesson.correction_reason or 'без указания причины'}"


def _correction_lines(
    shown: Sequence[tuple[int, Column]], rows: Sequence[GridRow], page: SubjectPages
) -> list[_CorrectionLine]:
    """Every correction and voiding of the marks shown, numbered in the order of the grid
    (column by column, student by student, then as the log recorded them)."""
    lines: list[_CorrectionLine] = []

    def add(key: object, when: str, row: GridRow, notes: Sequence[CorrectionNote]) -> None:
        for note in notes:
            lines.append(_CorrectionLine(key, len(lines) + 1, when, row.full_name, note))

    for index, column in shown:
        when = ru_date(column.on) if isinstance(column, LessonColumn) else column.name
        for row in rows:
            cell = row.cells[index]
            for mark in cell.marks:
                if mark.voided or mark.corrected:
                    add(
                        mark.mark_id,
                        when,
                        row,
                        page.mark_corrections.get(mark.mark_id)
                        or (
                            _from_grid(
                                mark.previous_value if mark.corrected else mark.value,
                                None if mark.voided else mark.value,
                                mark.reason,
                            ),
                        ),
                    )
            period_mark = cell.period_mark
            if (
                period_mark is not None
                and period_mark.corrected
                and isinstance(column, PeriodColumn)
            ):
                key = (column.period_id, row.student_id)
                add(
                    key,
                    when,
                    row,
                    page.period_corrections.get(key)
                    or (
                        _from_grid(
                            period_mark.previous_value, period_mark.value, period_mark.reason
                        ),
                    ),
                )
    return lines


def _from_grid(previous: str | None, value: str | None, reason: str | None) -> CorrectionNote:
    """A correction the log gave no details of (the grid alone): who and when unknown."""
    return CorrectionNote(previous or "", value, reason or "", by="—", at="—")


def _corrections_table(lines: Sequence[_CorrectionLine]) -> str:
    if not lines:
        return "<p>Исправлений отметок нет.</p>"
    body = "".join(
        f'<tr><td class="n">{line.number}</td><td class="date">{esc(line.when)}</td>'
        f'<td class="who">{esc(line.student)}</td>'
        f'<td class="num">{esc(line.note.previous)}</td>'
        f'<td class="num">{esc(line.note.value) if line.note.value is not None else "аннулирована"}'
        f'</td><td>{esc(line.note.reason)}</td><td class="who">{esc(line.note.by)}</td>'
        f'<td class="date">{esc(line.note.at)}</td><td>{esc(line.note.authorised or "—")}</td></tr>'
        for line in lines
    )
    return (
        "<h3>Исправления отметок</h3>"
        '<table class="list corrections"><thead><tr><th class="n">№</th><th>Урок / период</th>'
        "<th>Ученик</th><th>Было</th><th>Стало</th><th>Причина</th><th>Кто исправил</th>"
        "<th>Когда</th><th>Разрешение заместителя директора</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _late_permissions_table(page: SubjectPages) -> str:
    """The deputy's permissions to enter records after their deadline (entries marked "*")
    for lesson days of the span: who allowed them, when and why."""
    permissions = sorted(
        (p for p in page.late_permissions.values() if p.start <= page.end and page.start <= p.end),
        key=lambda p: (p.start, p.end, p.at),
    )
    if not permissions:
        return ""
    body = "".join(
        f'<tr><td class="n">{number}</td><td class="date">{esc(p.days)}</td>'
        f'<td>{esc(p.teacher)}</td><td>{esc(p.by)}</td><td class="date">{esc(p.at)}</td>'
        f"<td>{esc(p.reason)}</td></tr>"
        for number, p in enumerate(permissions, start=1)
    )
    return (
        f"<h3>Разрешения на внесение записей после установленного срока ({LATE_SIGN})</h3>"
        '<table class="list"><thead><tr><th class="n">№</th><th>Дни уроков</th><th>Учитель</th>'
        "<th>Разрешил(а) заместитель директора</th><th>Когда</th><th>Причина</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )
