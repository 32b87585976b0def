"""The auditor's page: the audit trail (DESIGN.md §6) — who changed what, when and why — with its
filters, page by page (newest first, the keyset cursor), and as a CSV file.

The same read model, scope and queries as ``GET /audit`` and ``GET /audit.csv``: the reader's
scope is the core's (``access.audit_scope``), a journal or student outside it answers as missing
(``check_in_scope``), a person is found by name or login in the accounts' directory
(``actor_named``), and the file is written by the API's CSV code (``csv_lines``, ``csv_stream``).
Times are shown and typed on the school's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from starlette.requests import Request
from starlette.responses import Response

from ejournal.access import audit_scope
from ejournal.database import Cursor
from ejournal.errors import EjournalError, NotFoundError
from ejournal.projections.audit_trail.csv_export import csv_lines
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.queries import (
    AuditFilter,
    AuditPage,
    actor_named,
    audit_page,
    check_in_scope,
    every_entry,
)
from ejournal.roles import Role
from ejournal.subjects import subject_name
from web.auth import WebPage, acting_as
from web.pages.office import given, local_moment, no_such_person, wrong_input
from web.rendering import Refusal, render
from web.routing import WebRoute
from web.school_year import YEAR_PATTERN, page_year
from web.services import CsvDialect, csv_stream, read_position, url_label

router = APIRouter(route_class=WebRoute, include_in_schema=False)

AuditorPage = Annotated[
    WebPage, acting_as(Role.AUDITOR, Role.DEPUTY, Role.DIRECTOR, Role.ADMINISTRATOR)
]
"""Who reads the whole trail (``access.TRAIL_READERS``); the core scopes the rows anyway."""

PAGE_ROWS = 50
BAD_MOMENT = "«Изменено с» и «Изменено до» — нужны дата и время, например 07.09.2026 10:00."
Text = Annotated[str | None, Query(max_length=200)]


class Filters:
    """The page's filters as typed (to fill the form again and to link the next page) and as
    the core's ``AuditFilter``."""

    def __init__(
        self,
        year: Annotated[str | None, Query(pattern=YEAR_PATTERN)] = None,
        who: Text = None,
        student_id: Annotated[UUID | None, Query()] = None,
        class_code: Annotated[str | None, Query(max_length=20)] = None,
        subject: Annotated[str | None, Query(max_length=60)] = None,
        kind: Annotated[list[AuditKind] | None, Query()] = None,
        recorded_from: Annotated[str | None, Query(max_length=40)] = None,
        recorded_until: Annotated[str | None, Query(max_length=40)] = None,
        late_only: Annotated[bool, Query()] = False,
        revised_only: Annotated[bool, Query()] = False,
    ) -> None:
        self.year = year
        self.who = given(who)
        self.student_id = student_id
        self.class_code = given(class_code)
        self.subject = given(subject)
        self.kinds = tuple(kind or ())
        self.recorded_from = recorded_from
        self.recorded_until = recorded_until
        self.late_only = late_only
        self.revised_only = revised_only

    def query(self, **more: Any) -> str:
        """The filters, with ``more`` put in (None drops one), as a query string: for the next
        page, the CSV file, or a student's rows."""
        values: dict[str, Any] = {
            "year": self.year,
            "who": self.who,
            "student_id": self.student_id,
            "class_code": self.class_code,
            "subject": self.subject,
            "kind": [k.value for k in self.kinds],
            "recorded_from": given(self.recorded_from),
            "recorded_until": given(self.recorded_until),
            "late_only": "true" if self.late_only else None,
            "revised_only": "true" if self.revised_only else None,
        }
        values.update(more)
        return urlencode(
            [(k, v) for k, v in values.items() if v is not None and not isinstance(v, list)]
            + [(k, item) for k, v in values.items() if isinstance(v, list) for item in v]
        )

    def to_filter(self, zone: ZoneInfo, year_label: str, actor_id: UUID | None) -> AuditFilter:
        """The core's filter (the year's rows only when a year is asked for: accounts' changes
        belong to no year); ValueError for a moment that is no moment."""
        return AuditFilter(
            actor_id=actor_id,
            student_id=self.student_id,
            year=year_label if self.year else None,
            class_code=self.class_code,
            subject=self.subject,
            kinds=frozenset(self.kinds),
            recorded_from=local_moment(self.recorded_from, zone),
            recorded_until=local_moment(self.recorded_until, zone),
            late_only=self.late_only,
            revised_only=self.revised_only,
        )


FiltersParam = Annotated[Filters, Depends()]


class UnknownPersonError(NotFoundError):
    """The "who" filter names no account (said as such, not as a missing page)."""


def _selected(
    page: WebPage, cursor: Cursor, filters: Filters, zone: ZoneInfo, year_label: str
) -> AuditFilter:
    """The filter the page asks for, in the reader's scope (a journal or student outside it
    answers as missing, as the API's)."""
    school = page.session.school.app
    actor_id = None
    if filters.who:
        try:
            actor_id = actor_named(page.account, cursor, filters.who)
        except NotFoundError as error:
            raise UnknownPersonError(str(error)) from error
    selected = filters.to_filter(zone, year_label, actor_id)
    check_in_scope(school, cursor, audit_scope(page.account, school), selected)
    return selected


@router.get("/audit")
def trail(
    request: Request,
    page: AuditorPage,
    filters: FiltersParam,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    after: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """A page of the trail the filters select, newest first; ``cursor`` from the page before."""
    school = page.session.school.app
    scope = audit_scope(page.account, school)
    school_year = page_year(school, filters.year)
    zone = ZoneInfo(school_year.timezone)
    read_position(page.session, after)
    refusal: Refusal | None = None
    found = AuditPage(rows=(), next_cursor=None)
    with page.session.school.database.transaction(write=False) as read:
        try:
            selected = _selected(page, read, filters, zone, school_year.label)
            found = audit_page(read, scope, selected, after=cursor, limit=PAGE_ROWS)
        except ValueError:
            refusal = wrong_input(BAD_MOMENT)
        except UnknownPersonError:
            refusal = no_such_person(filters.who or "")
        except EjournalError as error:
            refusal = Refusal.of(error)
    student_name = next(
        (r.student_name for r in found.rows if r.student_id == filters.student_id), None
    )
    return render(
        request,
        "audit/trail.html",
        {
            "filters": filters,
            "page": found,
            "first_page": cursor is None,
            "zone": zone,
            "year": url_label(school_year.label),
            "classes": sorted(school_year.classes),
            "subjects": sorted(
                {ref.subject for ref in school_year.journals.values()}, key=subject_name
            ),
            "subject_name": subject_name,
            "kinds": list(AuditKind),
            "student_name": student_name,
            "from_field": given(filters.recorded_from) or "",
            "until_field": given(filters.recorded_until) or "",
            "filter_refusal": refusal,
        },
        status=refusal.status if refusal else 200,
    )


@router.get("/audit.csv")
def trail_file(
    request: Request,
    page: AuditorPage,
    filters: FiltersParam,
    dialect: Annotated[CsvDialect, Query()] = CsvDialect.RFC4180,
) -> Response:
    """Every row the filters select, newest first, as the API's CSV file (``dialect=excel-ru``
    for Russian Excel); times in the school's zone."""
    school = page.session.school.app
    scope = audit_scope(page.account, school)
    school_year = page_year(school, filters.year)
    zone = ZoneInfo(school_year.timezone)
    database = page.session.school.database
    with database.transaction(write=False) as read:
        try:
            selected = _selected(page, read, filters, zone, school_year.label)
        except ValueError:
            refusal = wrong_input(BAD_MOMENT)
            return render(request, "refusal.html", {"refusal": refusal}, status=refusal.status)
        except UnknownPersonError:
            refusal = no_such_person(filters.who or "")
            return render(request, "refusal.html", {"refusal": refusal}, status=refusal.status)

    def one_page(query: Callable[[Cursor], AuditPage]) -> AuditPage:
        with database.transaction(write=False) as read:
            return query(read)

    stamp = school.clock.now().astimezone(zone).strftime("%Y-%m-%d")
    return StreamingResponse(
        csv_stream(csv_lines(every_entry(one_page, scope, selected), zone), dialect),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )
