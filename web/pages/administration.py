"""The administrator's pages: the school year's set-up, and importing the school's files.

- ``/administration``: the year as it stands (dates, zone, profile, periods, bells, classes
  with their class teachers and timetables, journals, closures), as ``GET /years/{year}`` reads
  it, and forms for the common steps — start a year, form a class, declare holidays or a
  quarantine — through the command handlers ``POST /years``, ``…/classes`` and
  ``…/closures`` call (each checks who may; a refusal is shown above its form).
- ``/administration/imports``: upload a file (the roll, staff, timetables, KTP), check it
  (a dry run records nothing) or apply it, and read every problem by row and column in Russian;
  download the templates. The same ``ejournal.imports`` as ``POST /imports/{kind}``: who imports
  which kind is ``access.importer``, and a file with a single problem records nothing. The page
  runs the import while it answers (the API runs it as a job to poll): a school's file of a few
  thousand rows is checked in seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ejournal.access import importer
from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import Recorded
from ejournal.commands import year as year_commands
from ejournal.errors import EjournalError, NotFoundError
from ejournal.imports import (
    KINDS,
    MAX_FILE_BYTES,
    ImportReport,
    import_kind,
    read_table,
    run_import,
    template_csv,
    template_xlsx,
)
from ejournal.imports.report import THINGS
from ejournal.policy.profile import shipped_profile_ids
from ejournal.roles import Role
from web.auth import WebPage, acting_as, checked_post
from web.pages.office import given, invalid_form
from web.rendering import Refusal, render
from web.routing import WebRoute
from web.school_year import YEAR_PATTERN, page_year
from web.services import core_label, deployment_of, read_position, url_label, year_to_start

router = APIRouter(route_class=WebRoute, include_in_schema=False)

AdministratorPage = Annotated[WebPage, acting_as(Role.ADMINISTRATOR)]
Posted = [Depends(checked_post)]
YearParam = Annotated[str | None, Query(pattern=YEAR_PATTERN)]
YearPath = Annotated[str, Path(pattern=YEAR_PATTERN)]

KIND_NAMES = {
    "students": "Ученики и их представители",
    "staff": "Сотрудники (учётные записи)",
    "timetable": "Расписание уроков классов",
    "ktp": "КТП журналов",
}
"""The kinds of file, as the page names them."""
CLOSURE_KINDS = {"holidays": "каникулы", "quarantine": "карантин", "other": "другое"}
LABELS = {
    "label": "Учебный год",
    "starts_on": "Начало года",
    "ends_on": "Конец года",
    "periods": "Периоды",
    "profile": "Положение о журнале",
    "grade": "Параллель",
    "letter": "Буква",
    "start": "С какого дня",
    "end": "По какой день",
    "kind": "Что",
    "classes": "Классы",
    "reason": "Причина",
}
DONE = {
    "year": "Учебный год начат.",
    "class": "Класс сформирован.",
    "closure": "Дни без уроков записаны в календарь.",
}
PERIOD_ROWS = 4
"""Rows of periods the start-a-year form offers (quarters; trimesters and half-years use fewer)."""


def _year_or_none(page: WebPage, asked: str | None) -> SchoolYear | None:
    try:
        return page_year(page.session.school.app, asked)
    except NotFoundError:
        if asked:
            raise
        return None


def _set_up_page(
    request: Request,
    page: WebPage,
    asked: str | None,
    *,
    done: str | None = None,
    refused: tuple[str, Refusal] | None = None,
    typed: dict[str, Any] | None = None,
) -> Response:
    school = page.session.school.app
    school_year = _year_or_none(page, asked)
    names: dict[Any, str] = {}
    if school_year is not None:
        for c in school_year.classes.values():
            if c.class_teacher_id is not None:
                names[c.class_teacher_id] = school.account(c.class_teacher_id).full_name
    return render(
        request,
        "administration/year.html",
        {
            "year": school_year,
            "year_url": url_label(school_year.label) if school_year else None,
            "periods": sorted(school_year.periods.values(), key=lambda p: (p.start, p.id))
            if school_year
            else [],
            "classes": sorted(school_year.classes.values(), key=lambda c: (c.grade, c.letter))
            if school_year
            else [],
            "journals": sorted(
                school_year.journals.values(),
                key=lambda j: (j.class_code, j.subject, j.subgroup or ""),
            )
            if school_year
            else [],
            "journal_counts": Counter(
                j.class_code for j in (school_year.journals.values() if school_year else ())
            ),
            "teacher_names": names,
            "closure_kinds": CLOSURE_KINDS,
            "period_rows": range(PERIOD_ROWS),
            "profiles": shipped_profile_ids(),
            "done": DONE.get(done or ""),
            "refused_form": refused[0] if refused else None,
            "form_refusal": refused[1] if refused else None,
            "typed": typed or {},
        },
        status=refused[1].status if refused else 200,
    )


@router.get("/administration")
def set_up(
    request: Request,
    page: AdministratorPage,
    year: YearParam = None,
    done: Annotated[str | None, Query(max_length=20)] = None,
    after: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """The school year's organisation as it stands, and the forms for its common steps."""
    read_position(page.session, after)
    return _set_up_page(request, page, year, done=done)


def _record(
    request: Request,
    page: WebPage,
    asked: str | None,
    form: str,
    typed: dict[str, Any],
    command: Callable[[], Recorded],
) -> Response:
    """Run a set-up command; back to the page, or the page with the form's refusal."""
    try:
        recorded = command()
    except (ValidationError, EjournalError) as error:
        refusal = (
            invalid_form(error, LABELS) if isinstance(error, ValidationError) else Refusal.of(error)
        )
        return _set_up_page(request, page, asked, refused=(form, refusal), typed=typed)
    year = typed.get("label") or asked
    query = f"year={url_label(core_label(year))}&" if year else ""
    return RedirectResponse(
        f"/administration?{query}done={form}&after={recorded.position}", status_code=303
    )


@router.post("/administration/years", dependencies=Posted)
async def start_year(request: Request, page: AdministratorPage) -> Response:
    """Start a school year with its periods (``year.start_school_year``, as ``POST /years``):
    a shipped regulation profile, or the school's own (the one it was created with); its zone
    is the school's."""
    form = await request.form()
    typed = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    periods = [
        {
            "id": given(typed.get(f"period_id_{n}")),
            "name": given(typed.get(f"period_name_{n}")),
            "start": given(typed.get(f"period_start_{n}")),
            "end": given(typed.get(f"period_end_{n}")),
        }
        for n in range(PERIOD_ROWS)
    ]
    label = typed.get("label", "").strip().replace("-", "/")
    services = page.session.school

    def command() -> Recorded:
        start = year_commands.StartSchoolYear.model_validate(
            {
                "label": label,
                "starts_on": typed.get("starts_on", ""),
                "ends_on": typed.get("ends_on", ""),
                "periods": [p for p in periods if any(p.values())],
                "profile": given(typed.get("profile")),
            }
        )
        start = year_to_start(start, deployment_of(request), services.app)
        return year_commands.start_school_year(services.app, page.actor, start)

    typed["label"] = label
    return _record(request, page, None, "year", typed, command)


@router.post("/administration/years/{year}/classes", dependencies=Posted)
def form_class(
    request: Request,
    year: YearPath,
    page: AdministratorPage,
    grade: Annotated[str, Form(max_length=4)],
    letter: Annotated[str, Form(max_length=10)],
) -> Response:
    """Form a class of the year (``year.form_class``, as ``POST /years/{year}/classes``)."""
    typed = {"grade": grade, "letter": letter, "label": year}
    school = page.session.school.app

    def command() -> Recorded:
        return year_commands.form_class(
            school,
            page.actor,
            year_commands.FormClass(
                year=core_label(year),
                grade=grade,
                letter=letter.strip(),
            ),
        )

    return _record(request, page, year, "class", typed, command)


@router.post("/administration/years/{year}/closures", dependencies=Posted)
def declare_closure(
    request: Request,
    year: YearPath,
    page: AdministratorPage,
    start: Annotated[str, Form(max_length=20)],
    end: Annotated[str, Form(max_length=20)],
    kind: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=2000)],
    classes: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Declare holidays, a quarantine or another schedule change (``year.declare_closure``, as
    ``POST /years/{year}/closures``); classes are listed as "5А, 5Б", none for the school."""
    typed = {"start": start, "end": end, "kind": kind, "reason": reason, "classes": classes}
    typed["label"] = year
    school = page.session.school.app
    named = [c.strip() for c in classes.replace(";", ",").split(",") if c.strip()]

    def command() -> Recorded:
        return year_commands.declare_closure(
            school,
            page.actor,
            year_commands.DeclareClosure(
                year=core_label(year),
                start=start,
                end=end,
                kind=kind,
                classes=frozenset(named) if named else None,
                reason=reason,
            ),
        )

    return _record(request, page, year, "closure", typed, command)


# --- imports ------------------------------------------------------------------------------------


def _imports_page(
    request: Request,
    page: WebPage,
    *,
    kind: str = "students",
    year: str | None = None,
    report: ImportReport | None = None,
    refusal: Refusal | None = None,
    file_name: str = "",
) -> Response:
    school_year = _year_or_none(page, None)
    chosen = year or (url_label(school_year.label) if school_year else "")
    return render(
        request,
        "administration/imports.html",
        {
            "kinds": KIND_NAMES,
            "kind": kind,
            "year": chosen,
            "report": report,
            "things": THINGS,
            "import_refusal": refusal,
            "file_name": file_name,
        },
        status=refusal.status if refusal else 200,
    )


@router.get("/administration/imports")
def imports(request: Request, page: AdministratorPage) -> Response:
    """The upload form and the templates."""
    return _imports_page(request, page)


@router.post("/administration/imports", dependencies=Posted)
def import_file(
    request: Request,
    page: AdministratorPage,
    kind: Annotated[str, Form(max_length=20)],
    year: Annotated[str, Form(max_length=9)],
    file: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    """Check a file (a dry run) or apply it, and show what it did or every problem of it."""
    try:
        actor = importer(page.account, kind)
        data = file.file.read(MAX_FILE_BYTES + 1)
        label = core_label(year.strip().replace("/", "-"))
        report = run_import(
            page.session.school.app,
            actor,
            import_kind(kind).name,
            read_table(data),
            year=label,
            dry_run=dry_run,
        )
    except EjournalError as error:
        return _imports_page(
            request,
            page,
            kind=kind,
            year=year,
            refusal=Refusal.of(error),
            file_name=file.filename or "",
        )
    return _imports_page(
        request, page, kind=kind, year=year, report=report, file_name=file.filename or ""
    )


@router.get("/administration/imports/templates/{name}")
def import_template(name: str, page: AdministratorPage) -> Response:
    """A template to fill in, as ``GET /imports/templates/{name}`` gives it."""
    kind_name, dot, fmt = name.rpartition(".")
    if not dot or fmt not in ("xlsx", "csv") or kind_name not in KINDS:
        raise NotFoundError("no such template")
    kind = import_kind(kind_name)
    body = template_xlsx(kind) if fmt == "xlsx" else template_csv(kind)
    media = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{kind_name}.{fmt}"'},
    )
