"""A student's progress printout for a family without electronic access.

School 77 §4.3.5 and §9.2: parents who said they cannot or will not use the electronic diary are
told their child's results at least once every two weeks by a printout. It is the diary of those
days (lessons, topics, homework, marks with their kind, absences with their reason), the
period's weighted averages with the forecast mark (§9.3), and places for the class teacher's
signature and the parent's acknowledgement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archive.templates import esc, ru_date, signature_block
from ejournal.marks import AbsenceReason, Attendance
from ejournal.projections.diary.queries import DiaryAttendance, DiaryMark, DiaryView, SubjectAverage

ABSENCE_REASONS = {
    AbsenceReason.ILLNESS: "по болезни",
    AbsenceReason.FAMILY: "по семейным обстоятельствам",
    AbsenceReason.OFFICIAL: "по официальной причине",
    AbsenceReason.MEDICAL_GROUP: "освобождён (медицинская группа)",
    AbsenceReason.UNEXCUSED: "без уважительной причины",
}


@dataclass(frozen=True)
class Printout:
    """What a printout shows: who, which days, the diary of those days and the averages."""

    anchor: str
    student_name: str
    class_code: str | None
    year: str | None
    diary: DiaryView
    period_name: str | None
    averages: Sequence[SubjectAverage]
    built: str


def printout_html(printout: Printout) -> str:
    """The printout's body, one portrait section."""
    diary = printout.diary
    facts = [
        ("Ученик", printout.student_name),
        ("Класс", printout.class_code or "—"),
        ("Учебный год", printout.year or "—"),
        ("Период", f"{ru_date(diary.start)} – {ru_date(diary.end)}"),
    ]
    facts_html = "".join(
        f'<tr><td class="label">{esc(label)}:</td><td>{esc(value)}</td></tr>'
        for label, value in facts
    )
    lessons = "".join(
        f'<tr><td class="date">{ru_date(day.on)}</td><td class="num">{lesson.slot}</td>'
        f"<td>{esc(lesson.subject_name)}</td><td>{esc(lesson.topic or '')}</td>"
        f"<td>{esc(lesson.homework or '')}</td><td>{_marks(lesson.marks)}</td>"
        f"<td>{_attendance(lesson.attendance)}</td></tr>"
        for day in diary.days
        for lesson in day.lessons
    )
    if not lessons:
        lessons = '<tr><td colspan="7">За эти дни уроков не записано.</td></tr>'
    period_marks = [(day.on, mark) for day in diary.days for mark in day.period_marks]
    given = ""
    if period_marks:
        given = (
            "<h3>Отметки за учебный период</h3>"
            '<table class="list"><thead><tr><th>Период</th><th>Предмет</th><th>Отметка</th>'
            "</tr></thead><tbody>"
            + "".join(
                f"<tr><td>{esc(mark.period_name)}</td><td>{esc(mark.subject_name)}</td>"
                f'<td class="num">{esc(mark.value)}</td></tr>'
                for _, mark in period_marks
            )
            + "</tbody></table>"
        )
    return (
        f'<section id="{esc(printout.anchor)}" class="printout">'
        "<h1>Сведения о результатах обучения</h1>"
        f'<table class="title-facts">{facts_html}</table>'
        "<h3>Уроки, отметки и посещаемость</h3>"
        '<table class="list"><thead><tr><th>Дата</th><th>Урок</th><th>Предмет</th>'
        "<th>Тема урока</th><th>Домашнее задание</th><th>Отметки</th><th>Посещаемость</th>"
        f"</tr></thead><tbody>{lessons}</tbody></table>"
        f"{given}{_averages(printout)}"
        f'<p class="note">Сформировано: {esc(printout.built)}. Распечатка предоставляется '
        "родителям (законным представителям), не использующим электронный дневник, не реже "
        "одного раза в две недели.</p>"
        f"{signature_block('Классный руководитель', seal=False)}"
        '<p class="acknowledgement">С результатами ознакомлен(а):</p>'
        f"{signature_block('Родитель (законный представитель)', seal=False)}"
        "</section>"
    )


def _marks(marks: Sequence[DiaryMark]) -> str:
    return "; ".join(f"<b>{esc(m.value)}</b> ({esc(m.work_kind.title_ru.lower())})" for m in marks)


def _attendance(attendance: DiaryAttendance | None) -> str:
    if attendance is None or attendance.status is Attendance.PRESENT:
        return ""
    if attendance.status is Attendance.LATE:
        return "опоздал(а)"
    reason = ABSENCE_REASONS.get(attendance.absence_reason) if attendance.absence_reason else None
    return esc(f"отсутствовал(а) {reason}" if reason else "отсутствовал(а)")


def _average(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _averages(printout: Printout) -> str:
    if printout.period_name is None or not printout.averages:
        return ""
    body = "".join(
        f"<tr><td>{esc(a.subject_name)}</td><td class='num'>{a.marks}</td>"
        f"<td class='num'>{_average(a.average)}</td><td class='num'>{esc(a.forecast or '')}</td>"
        f"<td class='num'>{esc(a.period_mark or '')}</td></tr>"
        for a in printout.averages
    )
    return (
        f"<h3>Средневзвешенный балл и прогноз отметки: {esc(printout.period_name)}</h3>"
        '<table class="list"><thead><tr><th>Предмет</th><th>Отметок</th>'
        "<th>Средневзвешенный балл</th><th>Прогноз</th><th>Отметка за период</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )
