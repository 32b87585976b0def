"""The summary sheets (сводные ведомости): progress, class results, attendance, movement.

The documents kept for 75 years (Lyceum 68 §6.3; School 77 §6.5; Gymnasium 2 §10.2): the
progress sheet of period and year marks, the class results of a period (School 77 §4.3.10),
the attendance sheet by month and the movement of students. Each is printed from its read model
as it stands (ejournal.projections.summary_sheets).
"""

from __future__ import annotations

from archive.templates import SHORT_MONTHS, esc, ru_date
from ejournal.projections.summary_sheets.queries import (
    AttendanceSheetView,
    ClassResultsView,
    MovementSheetView,
    ProgressSheetView,
    ResultsLine,
)

MOVEMENT_KINDS = {
    "admitted": "прибыл (зачислен)",
    "transferred": "переведён в другой класс",
    "promoted": "переведён в следующий класс",
    "withdrawn": "выбыл",
}


MAX_MARK_COLUMNS = 28
"""Mark columns in one table of the progress sheet: a school's dozen subjects continue in
further tables, each repeating the students' names."""

_SHORT_PERIODS = (("четверть", "ч."), ("триместр", "тр."), ("полугодие", "п/г"))


def short_period(name: str) -> str:
    """A period's name in a narrow column heading: "1 четверть" -> "1 ч."."""
    for word, short in _SHORT_PERIODS:
        name = name.replace(word, short)
    return name


def _per_subject(sheet: ProgressSheetView) -> int:
    """Columns per subject: the periods, the year, and the exam and final marks where any."""
    return len(sheet.periods) + 1 + sheet.exams + sheet.finals


def progress_sheet_html(anchor: str, sheet: ProgressSheetView, *, grade: int = 0) -> str:
    """Students × subjects: each period's mark, the year mark, and in grades 9 and 11 the exam
    and final marks. Grade 1 is taught without marks: its sheet says so rather than print an
    empty table (unless marks were given)."""
    per_subject = _per_subject(sheet)
    subjects_per_table = max(1, MAX_MARK_COLUMNS // per_subject)
    indexes = list(range(len(sheet.subjects)))
    tables = [
        _progress_table(sheet, indexes[i : i + subjects_per_table])
        for i in range(0, len(indexes), subjects_per_table)
    ] or ["<p>В классе нет журналов по предметам.</p>"]
    if grade == 1 and not any(
        value
        for row in sheet.rows
        for marks in row.subjects
        for value in (*marks.periods, marks.year_mark)
    ):
        tables = ["<p>Обучение в первом классе ведётся без отметок: отметки не выставляются.</p>"]
    return (
        f'<section id="{esc(anchor)}">'
        f"<h2>Сводная ведомость учёта успеваемости: {esc(sheet.class_code)} класс, "
        f"{esc(sheet.year)} учебный год</h2>{''.join(tables)}</section>"
    )


def _progress_table(sheet: ProgressSheetView, subjects: list[int]) -> str:
    per_subject = _per_subject(sheet)
    heads = "".join(
        f'<th colspan="{per_subject}">{esc(sheet.subjects[i].subject_name)}</th>' for i in subjects
    )
    periods = "".join(
        "".join(f"<th>{esc(short_period(p.name))}</th>" for p in sheet.periods)
        + "<th>год</th>"
        + ("<th>экз.</th>" if sheet.exams else "")
        + ("<th>итог.</th>" if sheet.finals else "")
        for _ in subjects
    )
    body = "".join(
        f'<tr><td class="n">{number}</td><td class="name">{esc(row.full_name)}</td>'
        + "".join(
            "".join(f'<td class="num">{esc(v or "")}</td>' for v in row.subjects[i].periods)
            + f'<td class="num"><b>{esc(row.subjects[i].year_mark or "")}</b></td>'
            + (
                f'<td class="num">{esc(row.subjects[i].exam_mark or "")}</td>'
                if sheet.exams
                else ""
            )
            + (
                f'<td class="num"><b>{esc(row.subjects[i].final_mark or "")}</b></td>'
                if sheet.finals
                else ""
            )
            for i in subjects
        )
        + "</tr>"
        for number, row in enumerate(sheet.rows, start=1)
    )
    return (
        '<table class="sheet"><thead>'
        '<tr><th class="n" rowspan="2">№</th><th class="name" rowspan="2">Фамилия, имя, '
        f"отчество</th>{heads}</tr><tr>{periods}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def _results_line(line: ResultsLine, bold: bool = False) -> str:
    cells = (
        line.subject_name,
        line.students,
        line.fives,
        line.fours,
        line.threes,
        line.twos,
        line.passed,
        line.failed,
        _percent(line.success_rate),
        _percent(line.quality_rate),
    )
    tag = ("<b>", "</b>") if bold else ("", "")
    first, *rest = cells
    return (
        f"<tr><td>{tag[0]}{esc(first)}{tag[1]}</td>"
        + "".join(f'<td class="num">{tag[0]}{esc(c)}{tag[1]}</td>' for c in rest)
        + "</tr>"
    )


def class_results_html(anchor: str, results: ClassResultsView) -> str:
    """A period's results per subject and for the class: counts of marks, success and quality."""
    body = "".join(_results_line(line) for line in results.subjects)
    return (
        f'<section id="{esc(anchor)}">'
        f"<h2>Итоги успеваемости: {esc(results.class_code)} класс, "
        f"{esc(results.period_name)}, {esc(results.year)} учебный год</h2>"
        '<table class="list"><thead><tr><th>Предмет</th><th>Аттестовано</th><th>«5»</th>'
        "<th>«4»</th><th>«3»</th><th>«2»</th><th>зач</th><th>незач</th>"
        "<th>Успеваемость, %</th><th>Качество, %</th></tr></thead>"
        f"<tbody>{body}{_results_line(results.total, bold=True)}</tbody></table></section>"
    )


def attendance_sheet_html(anchor: str, sheet: AttendanceSheetView) -> str:
    """Students × months: lessons missed and, of them, for a valid reason."""
    months = "".join(f'<th colspan="2">{SHORT_MONTHS[m]}</th>' for m in sheet.months)
    split = "<th>всего</th><th>уваж.</th>" * (len(sheet.months) + 1)

    def counts(missed: int, valid: int, bold: bool = False) -> str:
        wrap = ("<b>", "</b>") if bold else ("", "")
        return (
            f'<td class="num">{wrap[0]}{missed or ""}{wrap[1]}</td>'
            f'<td class="num">{wrap[0]}{valid or ""}{wrap[1]}</td>'
        )

    body = "".join(
        f'<tr><td class="n">{number}</td><td class="name">{esc(row.full_name)}</td>'
        + "".join(counts(m.missed, m.valid) for m in row.months)
        + counts(row.missed, row.valid, bold=True)
        + "</tr>"
        for number, row in enumerate(sheet.rows, start=1)
    )
    totals = (
        '<tr><td class="n"></td><td class="name"><b>Итого по классу</b></td>'
        + "".join(counts(t.missed, t.valid) for t in sheet.totals)
        + counts(sheet.missed, sheet.valid, bold=True)
        + "</tr>"
    )
    return (
        f'<section id="{esc(anchor)}">'
        f"<h2>Сводная ведомость учёта посещаемости: {esc(sheet.class_code)} класс, "
        f"{esc(sheet.year)} учебный год</h2>"
        "<p>Пропущено уроков (всего) и из них по уважительной причине (уваж.); опоздания "
        "пропуском не считаются.</p>"
        '<table class="sheet"><thead>'
        f'<tr><th class="n" rowspan="2">№</th><th class="name" rowspan="2">Фамилия, имя, '
        f'отчество</th>{months}<th colspan="2">за год</th></tr><tr>{split}</tr></thead>'
        f"<tbody>{body}{totals}</tbody></table></section>"
    )


def movement_sheet_html(anchor: str, sheet: MovementSheetView) -> str:
    """The year's admissions, transfers, promotions and withdrawals, by date."""
    body = "".join(
        f'<tr><td class="n">{number}</td><td class="date">{ru_date(row.on)}</td>'
        f"<td>{esc(row.full_name)}</td><td>{esc(MOVEMENT_KINDS.get(row.kind, row.kind))}</td>"
        f'<td class="num">{esc(row.from_class or "")}</td>'
        f'<td class="num">{esc(row.to_class or "")}</td>'
        f"<td>{esc(row.order)}</td><td>{esc(row.reason or '')}</td>"
        f"<td>{esc(row.destination or '')}</td></tr>"
        for number, row in enumerate(sheet.rows, start=1)
    )
    if not sheet.rows:
        body = '<tr><td colspan="9">Движения учащихся в этом учебном году не было.</td></tr>'
    return (
        f'<section id="{esc(anchor)}">'
        f"<h2>Сводная ведомость учёта движения учащихся, {esc(sheet.year)} учебный год</h2>"
        '<table class="list"><thead><tr><th class="n">№</th><th>Дата</th>'
        "<th>Фамилия, имя, отчество</th><th>Движение</th><th>Из класса</th><th>В класс</th>"
        "<th>Приказ</th><th>Причина</th><th>Куда выбыл</th></tr></thead>"
        f"<tbody>{body}</tbody></table></section>"
    )
