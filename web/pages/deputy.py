"""The deputy director's pages: how the journals are kept, and the deputy's grants on a journal.

- ``/deputy``: journal-keeping monitoring (Lyceum 68 §3.4.6, School 77 §4.6.6, Gymnasium 2
  §6.2) for a period of the year: each teacher's and each journal's lessons without a topic or
  homework, late entries, students without marks, KTP progress. The same read model and query
  as ``GET /years/{year}/reports/journal-monitoring`` (``journal_monitoring``), behind the same
  rule (``access.require_school_reports``).
- ``/deputy/journals/{id}``: one journal's grants — late-entry permissions, substitutions and
  the remarks that authorise a correction or voiding of a mark (Lyceum 68 §3.6.7, §5.1; School
  77 §4.4.3) — listed from the journal's page (``journal_page``, as ``GET /journals/{id}``) and
  recorded by the command handlers the API's deputy routes call. Only a deputy gives them: the
  handlers refuse anyone else (DESIGN.md §5).

A refused grant is shown above its form with the rule and clause, the form keeping what was
typed; a recorded one leads back to the page, which waits for the read models to show it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Query
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ejournal.access import readable_journal, require_school_reports
from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import Recorded
from ejournal.commands import marks, substitutions
from ejournal.commands.timing import local_today
from ejournal.errors import EjournalError, NotFoundError
from ejournal.projections.audit_trail.queries import actor_named
from ejournal.projections.journal_monitoring import journal_monitoring
from ejournal.roles import Actor, Role
from web.auth import WebPage, acting_as, checked_post
from web.pages.office import given, invalid_form, local_day, no_such_person
from web.rendering import Refusal, render
from web.routing import WebRoute
from web.school_year import YEAR_PATTERN, page_year
from web.services import IsoDate, journal_page, read_position, report_days, url_label

router = APIRouter(route_class=WebRoute, include_in_schema=False)

DeputyPage = Annotated[WebPage, acting_as(Role.DEPUTY)]
Posted = [Depends(checked_post)]
YearParam = Annotated[str | None, Query(pattern=YEAR_PATTERN)]
After = Annotated[int | None, Query(ge=0)]

LABELS = {
    "from_date": "С какого дня",
    "to_date": "По какой день",
    "teacher_id": "Кому",
    "valid_days": "Сколько дней действует",
    "reason": "Причина",
    "on": "Дата урока",
    "slot": "Номер урока",
    "substitute_id": "Кто заменяет",
    "replaced_id": "Кого заменяют",
    "mark_id": "Отметка",
    "period_id": "Период",
    "student_id": "Ученик",
    "action": "Что разрешить",
    "remark": "Замечание",
}
"""The forms' fields as their labels name them, for a refusal of what was typed."""

DONE = {
    "permission": "Разрешение на позднее заполнение записано.",
    "substitution": "Замена назначена.",
    "authorization": "Исправление разрешено: учитель может внести его, сославшись на замечание.",
}


class SubstituteUnknownError(NotFoundError):
    """The substitute typed names no account."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no account matches {name!r}")
        self.name = name


def _current_period(year: SchoolYear, today: date) -> str | None:
    return next((p.id for p in year.periods.values() if p.start <= today <= p.end), None)


@router.get("/deputy")
def monitoring(
    request: Request,
    page: DeputyPage,
    year: YearParam = None,
    period: Annotated[str | None, Query(max_length=16)] = None,
    after: After = None,
) -> Response:
    """How the year's journals are kept, over a period (by default the one today falls in; ``""``
    for the whole year)."""
    require_school_reports(page.account)
    school = page.session.school.app
    school_year = page_year(school, year)
    today = local_today(school_year, school.clock.now())
    chosen = _current_period(school_year, today) if period is None else given(period)
    days = report_days(school_year, chosen, None, None)
    read_position(page.session, after)
    with page.session.school.database.transaction(write=False) as cursor:
        view = journal_monitoring(
            cursor, school_year.label, days.start, days.end, today, period_id=days.period_id
        )
    return render(
        request,
        "deputy/monitoring.html",
        {
            "view": view,
            "year": url_label(school_year.label),
            "periods": sorted(school_year.periods.values(), key=lambda p: (p.start, p.id)),
            "period": days.period_id or "",
        },
    )


# --- one journal's grants -----------------------------------------------------------------------


def _journal_page(
    request: Request,
    page: WebPage,
    journal_id: UUID,
    *,
    on: date | None = None,
    done: str | None = None,
    refused: tuple[str, Refusal] | None = None,
    typed: Mapping[str, Any] | None = None,
) -> Response:
    """A journal's grants and the forms to give more; ``refused`` is (which form, why)."""
    school = page.session.school.app
    journal = journal_page(school, readable_journal(school, page.account, journal_id))
    names = {s.id: s.name.full for s in journal.students}
    lessons = {lesson.id: lesson for lesson in journal.lessons}
    day = on or (journal.lessons[-1].on if journal.lessons else None)
    day_marks = [m for m in journal.marks if day is not None and lessons[m.lesson_id].on == day]
    return render(
        request,
        "deputy/journal.html",
        {
            "journal": journal,
            "names": names,
            "teachers": {t.id: t.full_name for t in journal.teachers},
            "lessons": lessons,
            "day": day,
            "day_marks": day_marks,
            "done": DONE.get(done or ""),
            "refused_form": refused[0] if refused else None,
            "form_refusal": refused[1] if refused else None,
            "typed": typed or {},
        },
        status=refused[1].status if refused else 200,
    )


@router.get("/deputy/journals/{journal_id}")
def journal_grants(
    request: Request,
    journal_id: UUID,
    page: DeputyPage,
    on: Annotated[IsoDate | None, Query()] = None,
    done: Annotated[str | None, Query(max_length=20)] = None,
    after: After = None,
) -> Response:
    """A journal's late-entry permissions, substitutions and correction authorisations, with
    the forms to give them; the marks of one lesson day (``on``, by default the last) to
    authorise a correction of."""
    read_position(page.session, after)
    return _journal_page(request, page, journal_id, on=on, done=done)


def _record(
    request: Request,
    page: WebPage,
    journal_id: UUID,
    form: str,
    typed: dict[str, Any],
    command: Callable[[], Recorded],
) -> Response:
    """Run a grant's command; back to the journal's page, or the form again with its refusal."""
    on = typed.get("on_page") or ""
    try:
        recorded = command()
    except (ValidationError, EjournalError) as error:
        if isinstance(error, SubstituteUnknownError):
            refusal = no_such_person(error.name)
        elif isinstance(error, ValidationError):
            refusal = invalid_form(error, LABELS)
        else:
            refusal = Refusal.of(error)
        return _journal_page(
            request,
            page,
            journal_id,
            on=date.fromisoformat(on) if on else None,
            refused=(form, refusal),
            typed=typed,
        )
    return RedirectResponse(
        f"/deputy/journals/{journal_id}?done={form}&after={recorded.position}"
        + (f"&on={on}" if on else ""),
        status_code=303,
    )


@router.post("/deputy/journals/{journal_id}/late-entry-permissions", dependencies=Posted)
def permit_late_entry(
    request: Request,
    journal_id: UUID,
    page: DeputyPage,
    from_date: Annotated[str, Form(max_length=20)],
    to_date: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=2000)],
    teacher_id: Annotated[str, Form(max_length=40)] = "",
    valid_days: Annotated[str, Form(max_length=4)] = "3",
) -> Response:
    """Let the journal's teacher(s) enter records for past dates after their deadline, flagged
    late (``substitutions.permit_late_entry``, as ``POST …/late-entry-permissions``)."""
    typed = {
        "from_date": from_date,
        "to_date": to_date,
        "teacher_id": teacher_id,
        "valid_days": valid_days,
        "reason": reason,
    }
    school = page.session.school.app

    def command() -> Recorded:
        return substitutions.permit_late_entry(
            school,
            page.actor,
            substitutions.PermitLateEntry(
                journal_id=journal_id,
                from_date=from_date,
                to_date=to_date,
                teacher_id=given(teacher_id),
                valid_days=valid_days,
                reason=reason,
            ),
        )

    return _record(request, page, journal_id, "permission", typed, command)


@router.post("/deputy/journals/{journal_id}/substitutions", dependencies=Posted)
def assign_substitution(
    request: Request,
    journal_id: UUID,
    page: DeputyPage,
    on: Annotated[str, Form(max_length=20)],
    slot: Annotated[str, Form(max_length=4)],
    substitute: Annotated[str, Form(max_length=200)],
    reason: Annotated[str, Form(max_length=2000)],
    replaced_id: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Let a substitute record one lesson of the journal (``substitutions.assign_substitution``,
    as ``POST /journals/{id}/substitutions``); the substitute is named by login or name, found
    in the accounts' directory as the auditor's filter finds a person."""
    typed = {"on": on, "slot": slot, "substitute": substitute, "reason": reason}
    typed["replaced_id"] = replaced_id
    session = page.session

    def command() -> Recorded:
        with session.school.database.transaction(write=False) as cursor:
            try:
                substitute_id = (
                    actor_named(page.account, cursor, substitute) if given(substitute) else None
                )
            except NotFoundError:
                raise SubstituteUnknownError(substitute) from None
        return substitutions.assign_substitution(
            session.school.app,
            page.actor,
            substitutions.AssignSubstitution(
                journal_id=journal_id,
                on=on,
                slot=slot,
                substitute_id=substitute_id,
                replaced_id=given(replaced_id),
                reason=reason,
            ),
        )

    return _record(request, page, journal_id, "substitution", typed, command)


@router.post("/deputy/journals/{journal_id}/correction-authorizations", dependencies=Posted)
def authorize_correction(
    request: Request,
    journal_id: UUID,
    page: DeputyPage,
    action: Annotated[str, Form(max_length=10)],
    remark: Annotated[str, Form(max_length=2000)],
    mark_id: Annotated[str, Form(max_length=40)] = "",
    period_id: Annotated[str, Form(max_length=16)] = "",
    student_id: Annotated[str, Form(max_length=40)] = "",
    on_page: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Record the deputy's remark that authorises one correction or voiding of a mark, or of a
    student's period mark (``marks.authorize_correction``, as ``POST
    /journals/{id}/correction-authorizations``)."""
    typed = {"mark_id": mark_id, "action": action, "remark": remark, "on_page": on_page}
    school = page.session.school.app
    actor: Actor = page.actor

    def command() -> Recorded:
        return marks.authorize_correction(
            school,
            actor,
            marks.AuthorizeCorrection(
                journal_id=journal_id,
                mark_id=given(mark_id),
                period_id=given(period_id),
                student_id=given(student_id),
                action=action,
                remark=remark,
            ),
        )

    try:
        day = local_day(on_page)
    except ValueError:
        day = None
    typed["on_page"] = day.isoformat() if day else ""
    return _record(request, page, journal_id, "authorization", typed, command)
