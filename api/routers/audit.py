"""The audit trail (a read model): who changed what, when and why, newest first, as JSON pages
or as one CSV file.

``GET /audit`` gives a page and the cursor of the next; ``GET /audit.csv`` gives every row the
same filters select, as a CSV file (UTF-8, Russian headers, times in the school's time zone).
Who reads which rows is the core's (``ejournal.access.audit_scope``): the auditor and the
administration read every row; a teacher the rows of the journals
they keep or substitute in, a class teacher those of their class's journals, a parent the
history of their own child's marks. A journal or student filter outside the reader's scope
answers exactly as a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse

from api.conditional import Fresh
from api.dependencies import (
    CurrentSession,
    DeploymentDep,
    SchoolApp,
    Session,
    wait_for_read_models,
)
from api.schemas.audit import AuditExportQuery, AuditPageQuery, AuditQuery
from api.tabular import csv_stream
from ejournal.access import audit_scope
from ejournal.database import Cursor
from ejournal.projections.audit_trail.csv_export import csv_lines
from ejournal.projections.audit_trail.queries import (
    AuditFilter,
    AuditPage,
    actor_named,
    audit_page,
    check_in_scope,
    every_entry,
)
from ejournal.projections.reporting.queries import school_timezone

router = APIRouter(tags=["audit"])

CSV = "text/csv; charset=utf-8"
_CSV_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Every row the filters select, newest first, as a CSV file.",
        "content": {CSV: {"schema": {"type": "string"}}},
    }
}


@router.get("/audit", response_model=AuditPage, summary="The audit trail")
def read_audit(
    query: Annotated[AuditPageQuery, Query()],
    session: CurrentSession,
    school: SchoolApp,
    response: Response,
    fresh: Fresh,
) -> AuditPage:
    """One row per change: actor and role (and, for a substitute's entry, the teacher replaced),
    kind, journal, class, subject, student, lesson date, value before and after, reason, the
    deputy's approval, the late flag, server time and request id. Newest first; pass a page's
    ``next_cursor`` as ``cursor`` for the next. The ``X-Read-Position`` header tells how far
    the trail has applied the log."""
    scope = audit_scope(session.account, school)
    selected = query.to_filter()
    wait_for_read_models(session, response, query.after)
    with session.school.database.transaction(write=False) as cursor:
        selected = by_actor_name(session, cursor, query, selected)
        check_in_scope(school, cursor, scope, selected)
        fresh.check()
        return audit_page(cursor, scope, selected, after=query.cursor, limit=query.limit)


@router.get(
    "/audit.csv",
    response_class=StreamingResponse,
    responses=_CSV_FILE,
    summary="The audit trail as a CSV file",
)
def export_audit(
    query: Annotated[AuditExportQuery, Query()],
    session: CurrentSession,
    school: SchoolApp,
    deployment: DeploymentDep,
    response: Response,
) -> StreamingResponse:
    """Every row the filters select (the same filters and scope as ``GET /audit``), newest
    first, streamed a page at a time: UTF-8 CSV with Russian headers, times in the school's
    time zone; ``dialect=excel-ru`` for Russian Excel (a byte order mark, ";")."""
    scope = audit_scope(session.account, school)
    selected = query.to_filter()
    read_at = wait_for_read_models(session, response, query.after)
    database = session.school.database
    with database.transaction(write=False) as cursor:
        selected = by_actor_name(session, cursor, query, selected)
        check_in_scope(school, cursor, scope, selected)
        # Times print in the school's own zone, the one its deadlines use.
        zone_name = school_timezone(cursor) or deployment.settings.timezone or "UTC"

    def read(page: Callable[[Cursor], AuditPage]) -> AuditPage:
        with database.transaction(write=False) as cursor:
            return page(cursor)

    zone = ZoneInfo(zone_name)
    return StreamingResponse(
        csv_stream(csv_lines(every_entry(read, scope, selected), zone), query.dialect),
        media_type=CSV,
        headers={
            "Content-Disposition": 'attachment; filename="audit.csv"',
            "X-Read-Position": str(read_at),
        },
    )


def by_actor_name(
    session: Session, cursor: Cursor, query: AuditQuery, selected: AuditFilter
) -> AuditFilter:
    """The filter with ``actor`` (a login or a name) turned into the one account it names (the
    core's ``actor_named``)."""
    if query.actor is None:
        return selected
    found = actor_named(session.account, cursor, query.actor)
    if query.actor_id is not None and query.actor_id != found:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", "actor"),
                    "msg": "actor and actor_id name different accounts",
                    "type": "value_error",
                }
            ]
        )
    return selected.model_copy(update={"actor_id": found})
