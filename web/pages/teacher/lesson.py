"""Entering a whole lesson, as on a paper journal's column: topic, homework, who was absent
("н") or late ("оп"), and marks with their kind of work, typed as in a spreadsheet and saved in
one request.

The save is one command, ``ejournal.commands.lessons.record_whole_lesson`` (as ``POST
/api/v1/journals/{id}/lessons``): the lesson, its details, the attendance and every mark are
saved together or not at all, under the form's idempotency key. A refusal (a deadline, a mark
off the school's scale, ...) records nothing and is shown at the cell it concerns, with the
rule and its clause in Russian; what was typed stays in the form.

What is already recorded is never edited in place: a recorded mark is corrected or voided, and
a recorded topic or homework corrected, each by its own command with the reason asked for
(``correct_mark``, ``void_mark``, ``correct_lesson_details``) — each of those is one save too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ejournal import messages
from ejournal.access import readable_journal, teacher_schedule
from ejournal.commands import lessons, marks
from ejournal.commands.marking import MarkEntry
from ejournal.errors import (
    EjournalError,
    NotFoundError,
    RuleViolationError,
    StorageUnavailableError,
)
from ejournal.marks import Attendance, WorkKind
from ejournal.projections.journal_grid.queries import AttendanceCell, LessonColumn, MarkCell, grid
from ejournal.queries.teaching import LessonSlot, lessons_of
from web import commanding
from web.auth import PostedPage, WebPage
from web.pages.teacher.common import AfterParam, TeacherPage
from web.rendering import Refusal, render
from web.routing import WebRoute
from web.services import IsoDate, read_position

router = APIRouter(route_class=WebRoute, include_in_schema=False)

MARKS_PER_STUDENT = 2
"""Mark cells per student in one lesson's form (a third is rare; it can be added afterwards)."""

ATTENDANCE_TYPED: dict[str, Attendance] = {
    "н": Attendance.ABSENT,
    "n": Attendance.ABSENT,
    "оп": Attendance.LATE,
    "op": Attendance.LATE,
}
"""What a teacher types in an attendance cell (the Latin letters: a keyboard left in English)."""

WORK_KINDS = tuple(WorkKind)


@dataclass
class TypedMark:
    value: str = ""
    kind: str = WorkKind.ORAL.value


@dataclass
class EntryRow:
    """A student's line of the lesson's form: what is recorded, and what is typed."""

    student_id: UUID
    full_name: str
    attendance: AttendanceCell | None
    marks: tuple[MarkCell, ...]
    typed_attendance: str = ""
    typed_marks: list[TypedMark] = field(
        default_factory=lambda: [TypedMark() for _ in range(MARKS_PER_STUDENT)]
    )


@dataclass
class LessonForm:
    """The lesson's form: its fields as typed, and the refusals by the cell they concern
    (``topic``, ``homework``, ``att.<student>``, ``mark.<student>.<n>``, ``mark:<mark id>``,
    ``details``, ``form``)."""

    topic: str = ""
    homework: str = ""
    rows: list[EntryRow] = field(default_factory=list)
    refusals: dict[str, Refusal] = field(default_factory=dict)


@dataclass(frozen=True)
class LessonPlace:
    """Which lesson the page is about, and what the journal's read models hold of it."""

    journal_id: UUID
    class_code: str
    subject_name: str
    subgroup: str | None
    on: date
    slot: int
    column: LessonColumn | None
    due: LessonSlot | None
    """The lesson in the teacher's day (deadlines, filled or not); None outside it."""
    rows: tuple[EntryRow, ...]


def _place(page: WebPage, journal_id: UUID, on: date, slot: int, after: int | None) -> LessonPlace:
    """The lesson as the read models show it, scoped by the core."""
    services = page.session.school
    school = services.app
    journal = readable_journal(school, page.account, journal_id)
    read_position(page.session, after)
    with services.database.transaction(write=False) as cursor:
        view = grid(cursor, journal_id)
    index, column = next(
        (
            (i, c)
            for i, c in enumerate(view.columns)
            if isinstance(c, LessonColumn) and c.on == on and c.slot == slot
        ),
        (None, None),
    )
    rows = []
    for row in view.rows:
        if not any(span.covers(on) for span in row.on_page):
            continue
        cell = row.cells[index] if index is not None else None
        rows.append(
            EntryRow(
                student_id=row.student_id,
                full_name=row.full_name,
                attendance=cell.attendance if cell else None,
                marks=cell.marks if cell else (),
            )
        )
    teacher = teacher_schedule(school, page.account, page.account.id)
    day = lessons_of(school, teacher, journal.year, on, on)
    due = next(
        (s for s in day.days[0].lessons if s.journal_id == journal_id and s.slot == slot), None
    )
    return LessonPlace(
        journal_id=journal_id,
        class_code=view.class_code,
        subject_name=view.subject_name,
        subgroup=view.subgroup,
        on=on,
        slot=slot,
        column=column,
        due=due,
        rows=tuple(rows),
    )


async def posted_form(request: Request) -> FormData:
    """The form as posted (read once; Starlette keeps it for the CSRF check too)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _typed(place: LessonPlace, form: FormData) -> LessonForm:
    """The lesson's form as typed, over the lesson's rows."""
    typed = LessonForm(topic=_text(form, "topic"), homework=_text(form, "homework"))
    for row in place.rows:
        sid = row.student_id
        entry = EntryRow(sid, row.full_name, row.attendance, row.marks)
        entry.typed_attendance = _text(form, f"att.{sid}")
        entry.typed_marks = [
            TypedMark(_text(form, f"mark.{sid}.{n}"), _text(form, f"kind.{sid}.{n}") or "oral")
            for n in range(1, MARKS_PER_STUDENT + 1)
        ]
        typed.rows.append(entry)
    return typed


def _cell_refusal(detail: str) -> Refusal:
    return Refusal("invalid-request", 422, "Значение не принято", detail)


def _command(place: LessonPlace, typed: LessonForm) -> lessons.RecordWholeLesson | None:
    """The whole-lesson command the form asks for; None, with refusals at the cells, when a
    cell cannot be read at all (the core judges everything else)."""
    attendance: dict[UUID, Attendance] = {}
    entries: list[MarkEntry] = []
    for row in typed.rows:
        sid = row.student_id
        if row.typed_attendance:
            status = ATTENDANCE_TYPED.get(row.typed_attendance.lower())
            if status is None:
                typed.refusals[f"att.{sid}"] = _cell_refusal(
                    "В ячейке посещаемости пишут «н» (отсутствовал) или «оп» (опоздал)."
                )
            else:
                attendance[sid] = status
        for n, mark in enumerate(row.typed_marks, start=1):
            if not mark.value:
                continue
            try:
                entries.append(
                    MarkEntry(student_id=sid, value=mark.value, work_kind=WorkKind(mark.kind))
                )
            except (ValidationError, ValueError):
                typed.refusals[f"mark.{sid}.{n}"] = _cell_refusal(
                    "Такой отметки нет: ставят 1–5 (где положение школы позволяет — с «+» или"
                    " «−»), а в предметах с зачётом — «зач» или «незач»."
                )
    if typed.refusals:
        return None
    try:
        return lessons.RecordWholeLesson(
            journal_id=place.journal_id,
            on=place.on,
            slot=place.slot,
            topic=typed.topic or None,
            homework=typed.homework or None,
            attendance=attendance,
            marks=tuple(entries),
        )
    except ValidationError as error:
        for problem in error.errors():
            where = str(problem["loc"][0]) if problem["loc"] else "form"
            said = messages.validation_message(problem["type"], problem.get("ctx"))
            key = where if where in ("topic", "homework") else "form"
            typed.refusals[key] = _cell_refusal(said[:1].upper() + said[1:] + ".")
        return None


def _refusal_cell(error: EjournalError, typed: LessonForm) -> str:
    """The cell a refusal of the whole lesson concerns: the field its rule is about, else the
    first cell typed of that kind; ``form`` when no cell is more precise."""
    rule = error.rule if isinstance(error, RuleViolationError) else ""
    typed_att = [f"att.{r.student_id}" for r in typed.rows if r.typed_attendance]
    typed_marks = [
        (f"mark.{r.student_id}.{n}", m.kind)
        for r in typed.rows
        for n, m in enumerate(r.typed_marks, start=1)
        if m.value
    ]
    if "topic" in rule and typed.topic:
        return "topic"
    if "homework" in rule or error.slug == "homework-due-not-a-school-day":
        return "homework" if typed.homework else "form"
    if "attendance" in rule and typed_att:
        return typed_att[0]
    if rule.startswith("deadline.mark."):
        kind = rule.removeprefix("deadline.mark.").split(".")[0]
        return next(
            (cell for cell, k in typed_marks if k == kind),
            typed_marks[0][0] if typed_marks else "form",
        )
    mark_rules = ("first_grade.no_marks", "presence.", "results_date.", "late_entries.")
    mark_slugs = ("mark-not-on-scale", "absent-student-marked", "student-not-on-roster")
    if typed_marks and (rule.startswith(mark_rules) or error.slug in mark_slugs):
        return typed_marks[0][0]
    return "form"


def _show(
    request: Request,
    place: LessonPlace,
    typed: LessonForm | None = None,
    status: int = 200,
) -> Response:
    typed = typed or LessonForm(rows=list(place.rows))
    return render(
        request,
        "teacher/lesson.html",
        {
            "lesson": place,
            "form": typed,
            "kinds": WORK_KINDS,
            "key": commanding.new_key(),
            "marks_per_student": MARKS_PER_STUDENT,
            "first_refusal": next(iter(typed.refusals.values()), None),
        },
        status=status,
    )


LESSON_PATH = "/teacher/journals/{journal_id}/lessons/{on}/{slot}"


@router.get(LESSON_PATH)
def lesson_page(
    request: Request,
    journal_id: UUID,
    on: IsoDate,
    slot: int,
    page: TeacherPage,
    after: AfterParam = None,
) -> Response:
    """A lesson's column to fill in: today's lesson from the timetable, or any lesson held."""
    return _show(request, _place(page, journal_id, on, slot, after))


@router.post(LESSON_PATH)
def save_lesson(
    request: Request,
    journal_id: UUID,
    on: IsoDate,
    slot: int,
    posted: PostedPage,
    form: PostedForm,
    page: TeacherPage,
) -> Response:
    """Record the lesson as typed, in one command; back to the month's grid, or the form with
    the refusal at its cell."""
    place = _place(page, journal_id, on, slot, None)
    typed = _typed(place, form)
    command = _command(place, typed)
    if command is None:
        return _show(request, place, typed, status=422)
    grid_path = f"/teacher/journals/{journal_id}/grid?month={on:%Y-%m}"
    nothing_typed = not (command.topic or command.homework or command.attendance or command.marks)
    if place.column is not None and nothing_typed:
        return RedirectResponse(grid_path, status_code=303)  # a held lesson, nothing new: no-op
    try:
        recorded = commanding.run(
            request, page, _text(form, commanding.KEY_FIELD), lessons.record_whole_lesson, command
        )
    except EjournalError as error:
        if isinstance(error, StorageUnavailableError):
            raise
        refusal = Refusal.of(error)
        typed.refusals[_refusal_cell(error, typed)] = refusal
        return _show(request, place, typed, status=refusal.status)
    lesson_id = recorded.ids.get("lesson_id")
    target = f"/teacher/journals/{journal_id}/grid?month={on:%Y-%m}&after={recorded.position}" + (
        f"#lesson-{lesson_id}" if lesson_id else ""
    )
    return RedirectResponse(target, status_code=303)


class InvalidFormError(EjournalError):
    """A form's field the command's model refuses (an empty reason, a mark off every scale)."""

    slug = "invalid-request"
    title = "The request is not valid"
    status = 422


def _validated(
    attempt: Callable[[], commanding.RecordedPublic],
) -> Callable[[], commanding.RecordedPublic]:
    """``attempt``, with the command model's refusal of a field said as a refusal in Russian."""

    def checked() -> commanding.RecordedPublic:
        try:
            return attempt()
        except ValidationError as error:
            said = messages.validation_sentence(
                [
                    {
                        "location": ["body", *(str(p) for p in e["loc"])],
                        "message": messages.validation_message(e["type"], e.get("ctx")),
                    }
                    for e in error.errors()
                ]
            )
            raise InvalidFormError(str(error), errors_text=said) from None

    return checked


def _corrected(
    request: Request,
    page: WebPage,
    place_of: tuple[UUID, date, int],
    cell: str,
    attempt: Callable[[], commanding.RecordedPublic],
) -> Response:
    """Run one correction; back to the lesson, or the lesson with the refusal at ``cell``."""
    journal_id, on, slot = place_of
    try:
        recorded = attempt()
    except EjournalError as error:
        if isinstance(error, StorageUnavailableError):
            raise
        place = _place(page, journal_id, on, slot, None)
        typed = LessonForm(rows=list(place.rows))
        refusal = Refusal.of(error)
        typed.refusals[cell] = refusal
        return _show(request, place, typed, status=refusal.status)
    return RedirectResponse(
        f"/teacher/journals/{journal_id}/lessons/{on}/{slot}?after={recorded.position}",
        status_code=303,
    )


@router.post(LESSON_PATH + "/marks/{mark_id}/correction")
def correct_mark(
    request: Request,
    journal_id: UUID,
    on: IsoDate,
    slot: int,
    mark_id: UUID,
    posted: PostedPage,
    form: PostedForm,
    page: TeacherPage,
) -> Response:
    """A recorded mark's value superseded by another, with the reason (the old one stays)."""
    key = _text(form, commanding.KEY_FIELD)

    def attempt() -> commanding.RecordedPublic:
        return commanding.run(
            request,
            page,
            key,
            marks.correct_mark,
            marks.CorrectMark(
                journal_id=journal_id,
                mark_id=mark_id,
                value=_text(form, "value"),
                reason=_text(form, "reason"),
            ),
        )

    return _corrected(request, page, (journal_id, on, slot), f"mark:{mark_id}", _validated(attempt))


@router.post(LESSON_PATH + "/marks/{mark_id}/voiding")
def void_mark(
    request: Request,
    journal_id: UUID,
    on: IsoDate,
    slot: int,
    mark_id: UUID,
    posted: PostedPage,
    form: PostedForm,
    page: TeacherPage,
) -> Response:
    """A mark entered in error voided, with the reason (it stays in the history)."""
    key = _text(form, commanding.KEY_FIELD)

    def attempt() -> commanding.RecordedPublic:
        return commanding.run(
            request,
            page,
            key,
            marks.void_mark,
            marks.VoidMark(journal_id=journal_id, mark_id=mark_id, reason=_text(form, "reason")),
        )

    return _corrected(request, page, (journal_id, on, slot), f"mark:{mark_id}", _validated(attempt))


@router.post(LESSON_PATH + "/details/correction")
def correct_details(
    request: Request,
    journal_id: UUID,
    on: IsoDate,
    slot: int,
    posted: PostedPage,
    form: PostedForm,
    page: TeacherPage,
) -> Response:
    """A recorded topic and homework replaced, with the reason (the old text stays)."""
    key = _text(form, commanding.KEY_FIELD)

    def attempt() -> commanding.RecordedPublic:
        place = _place(page, journal_id, on, slot, None)
        if place.column is None:
            raise NotFoundError("the lesson is not held yet")
        return commanding.run(
            request,
            page,
            key,
            lessons.correct_lesson_details,
            lessons.CorrectLessonDetails(
                journal_id=journal_id,
                lesson_id=place.column.lesson_id,
                topic=_text(form, "topic") or None,
                homework=_text(form, "homework") or None,
                reason=_text(form, "reason"),
            ),
        )

    return _corrected(request, page, (journal_id, on, slot), "details", _validated(attempt))
