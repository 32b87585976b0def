"""The audit trail's query: the filter, a row as read, a page by the keyset cursor, every row of a
query a page at a time; and the reader's scope as conditions on the rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from functools import partial
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ejournal.access import (
    AuditScope,
    JournalPage,
    account_directory,
    audit_covers_journal,
    audit_covers_student,
)
from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.student import Student
from ejournal.application import School
from ejournal.database import Cursor, Row
from ejournal.errors import NotFoundError
from ejournal.marks import WorkKind
from ejournal.projections.account_directory import one_account
from ejournal.projections.audit_trail.cursor import decode_cursor, encode_cursor
from ejournal.projections.audit_trail.kinds import MARK_KINDS, AuditKind
from ejournal.projections.audit_trail.schema import from_micros, micros
from ejournal.projections.conventions import column_value
from ejournal.roles import Role

# --- the query ----------------------------------------------------------------------------------


class AuditModel(BaseModel):
    """A frozen part of the trail's query API."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class AuditFilter(AuditModel):
    """Which rows to show; every condition given must hold (none given: every row in scope)."""

    actor_id: UUID | None = None
    """Who made the change."""
    role: Role | None = None
    """The role they acted in."""
    student_id: UUID | None = None
    year: str | None = None
    """The school year, as the core labels it ("2026/2027")."""
    class_code: str | None = None
    subject: str | None = None
    """A subject's code ("mathematics")."""
    journal_id: UUID | None = None
    kinds: frozenset[AuditKind] = frozenset()
    """Any of these kinds of change."""
    recorded_from: datetime | None = None
    """Recorded at or after this moment."""
    recorded_until: datetime | None = None
    """Recorded before this moment."""
    lesson_from: date | None = None
    """About a lesson (or work, or move) on this day or later."""
    lesson_until: date | None = None
    """About a lesson on this day or earlier."""
    late_only: bool = False
    """Only entries made after their deadline under a deputy's permission."""
    revised_only: bool = False
    """Only changes of something already recorded: corrections, voidings, changed reasons."""


class AuditEntry(AuditModel):
    """One change: who, what, where, before and after, why, when."""

    position: int
    """The event's place in the school's log."""
    recorded_at: datetime
    """Server time (UTC)."""
    request_id: str | None
    kind: AuditKind
    actor_id: UUID
    actor_role: Role
    actor_name: str | None
    substitution_id: UUID | None
    """Set when a substitute made the entry under a deputy's substitution."""
    on_behalf_of: UUID | None
    """The teacher the substitute replaced."""
    on_behalf_of_name: str | None
    journal_id: UUID | None
    year: str | None
    class_code: str | None
    subject: str | None
    subject_name: str | None
    subgroup: str | None
    student_id: UUID | None
    student_name: str | None
    account_id: UUID | None
    """The account the change is about (a role granted, a teacher assigned, a substitute)."""
    account_name: str | None
    lesson_id: UUID | None
    lesson_date: date | None
    """The lesson or work day the change is about (for a move, its date)."""
    mark_id: UUID | None
    period_id: str | None
    work_kind: WorkKind | None
    value_before: str | None
    value_after: str | None
    reason: str | None
    note: str | None
    """The document behind the change: an order, a certificate, a comment."""
    authorization_id: UUID | None
    approved_by: UUID | None
    """The deputy whose remark authorised the correction."""
    approved_by_name: str | None
    approval_remark: str | None
    late: bool
    late_permission_id: UUID | None
    revision: bool
    """Whether it superseded something already recorded."""


class AuditPage(AuditModel):
    """A page of the trail, newest first; ``next_cursor`` asks for the page after it."""

    rows: tuple[AuditEntry, ...]
    next_cursor: str | None = Field(
        description="Pass as ``cursor`` for the next page; absent on the last page."
    )


def check_in_scope(school: School, cursor: Cursor, scope: AuditScope, query: AuditFilter) -> None:
    """Refuse a journal or student filter the reader may not see, exactly as a missing one."""
    if query.journal_id is not None:
        journal = school.view(ClassJournal, query.journal_id, "journal")
        if not audit_covers_journal(school, scope, journal):
            raise NotFoundError("no such journal")
    if query.student_id is not None:
        school.view(Student, query.student_id, "student")
        pages = partial(_journal_pages, cursor, scope)
        if not audit_covers_student(school, scope, query.student_id, pages):
            raise NotFoundError("no such student")


def actor_named(account: Account, cursor: Cursor, name: str) -> UUID:
    """The one account a login or a name picks, for the trail's "who" filter: from the accounts'
    directory, which only its readers look into (``access.account_directory``); the API and the
    web pages both ask here."""
    account_directory(account)
    return one_account(cursor, name).id


def _journal_pages(cursor: Cursor, scope: AuditScope) -> list[JournalPage]:
    """The pages of the journals a teacher's or class teacher's scope covers."""
    conditions, params = _journal_scope(scope, column="j.journal_id")
    if not conditions:
        return []
    cursor.execute(
        "SELECT DISTINCT j.year, j.class_code, j.subject, j.subgroup FROM audit_journals j"  # noqa: S608
        f" WHERE {' OR '.join(conditions)}",
        params,
    )
    return [(p["year"], p["class_code"], p["subject"], p["subgroup"]) for p in cursor.fetchall()]


def _journal_scope(scope: AuditScope, column: str) -> tuple[list[str], dict[str, Any]]:
    """The conditions (any of them) that put a journal's rows in a teacher's or class teacher's
    scope. ``column`` is a constant of this module, never anything a request carries."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if scope.reader is not None:
        conditions.append(
            f"{column} IN (SELECT journal_id FROM audit_journal_readers"  # noqa: S608
            " WHERE account_id = %(scope_reader)s AND active)"
        )
        params["scope_reader"] = str(scope.reader)
    if scope.classes:
        # A class of a school year: "5А" of another year is another class.
        classes = []
        for i, (year, class_code) in enumerate(sorted(scope.classes)):
            params[f"scope_year_{i}"] = year
            params[f"scope_class_{i}"] = class_code
            classes.append(f"(year = %(scope_year_{i})s AND class_code = %(scope_class_{i})s)")
        conditions.append(
            f"{column} IN (SELECT journal_id FROM audit_journals"  # noqa: S608
            f" WHERE {' OR '.join(classes)})"
        )
    return conditions, params


def _listed(params: dict[str, Any], prefix: str, values: Sequence[Any]) -> str:
    """Parameters for an IN list: added to ``params``, their placeholders returned."""
    names = []
    for i, value in enumerate(values):
        params[f"{prefix}_{i}"] = value
        names.append(f"%({prefix}_{i})s")
    return ", ".join(names)


def _where(scope: AuditScope, query: AuditFilter) -> tuple[list[str], dict[str, Any]]:
    """The conditions of a query within a scope; every placeholder's value in the params."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if not scope.everything:
        allowed, params = _journal_scope(scope, column="journal_id")
        if scope.children:
            children = _listed(params, "scope_child", sorted(str(c) for c in scope.children))
            kinds = _listed(params, "scope_kind", sorted(k.value for k in MARK_KINDS))
            allowed.append(f"(student_id IN ({children}) AND kind IN ({kinds}))")
        conditions.append(f"({' OR '.join(allowed)})" if allowed else "FALSE")
    equal = {
        "actor_id": query.actor_id,
        "actor_role": query.role,
        "student_id": query.student_id,
        "year": query.year,
        "class_code": query.class_code,
        "subject": query.subject,
        "journal_id": query.journal_id,
    }
    for column, value in equal.items():
        if value is not None:
            conditions.append(f"{column} = %(f_{column})s")
            params[f"f_{column}"] = column_value(value)
    if query.kinds:
        kinds = _listed(params, "f_kind", sorted(k.value for k in query.kinds))
        conditions.append(f"kind IN ({kinds})")
    if query.recorded_from is not None:
        conditions.append("recorded_at >= %(f_recorded_from)s")
        params["f_recorded_from"] = micros(query.recorded_from)
    if query.recorded_until is not None:
        conditions.append("recorded_at < %(f_recorded_until)s")
        params["f_recorded_until"] = micros(query.recorded_until)
    if query.lesson_from is not None:
        conditions.append("lesson_date >= %(f_lesson_from)s")
        params["f_lesson_from"] = query.lesson_from.isoformat()
    if query.lesson_until is not None:
        conditions.append("lesson_date <= %(f_lesson_until)s")
        params["f_lesson_until"] = query.lesson_until.isoformat()
    if query.late_only:
        conditions.append("late")
    if query.revised_only:
        conditions.append("revision")
    return conditions, params


MAX_PAGE = 500


def audit_page(
    cursor: Cursor,
    scope: AuditScope,
    query: AuditFilter,
    *,
    after: str | None = None,
    limit: int = 50,
) -> AuditPage:
    """A page of the rows in scope that match the query, newest first, after a cursor."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"a page holds 1 to {MAX_PAGE} rows")
    conditions, params = _where(scope, query)
    if after is not None:
        at, position = decode_cursor(after)
        # The first condition bounds the index range; the second breaks ties within one time.
        conditions.append(
            "recorded_at <= %(c_at)s AND (recorded_at < %(c_at)s OR position < %(c_position)s)"
        )
        params |= {"c_at": at, "c_position": position}
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    params["limit"] = limit + 1
    cursor.execute(
        f"SELECT * FROM audit_rows {where}"  # noqa: S608 (conditions are constants; values are parameters)
        " ORDER BY recorded_at DESC, position DESC LIMIT %(limit)s",
        params,
    )
    found = cursor.fetchall()
    rows = tuple(_entry(r) for r in found[:limit])
    last = found[limit - 1] if len(found) > limit else None
    return AuditPage(
        rows=rows,
        next_cursor=encode_cursor(last["recorded_at"], last["position"]) if last else None,
    )


def _entry(r: Row) -> AuditEntry:
    def uuid(name: str) -> UUID | None:
        return UUID(r[name]) if r[name] is not None else None

    return AuditEntry(
        position=r["position"],
        recorded_at=from_micros(r["recorded_at"]),
        request_id=r["request_id"],
        kind=AuditKind(r["kind"]),
        actor_id=UUID(r["actor_id"]),
        actor_role=Role(r["actor_role"]),
        actor_name=r["actor_name"],
        substitution_id=uuid("substitution_id"),
        on_behalf_of=uuid("on_behalf_of"),
        on_behalf_of_name=r["on_behalf_of_name"],
        journal_id=uuid("journal_id"),
        year=r["year"],
        class_code=r["class_code"],
        subject=r["subject"],
        subject_name=r["subject_name"],
        subgroup=r["subgroup"],
        student_id=uuid("student_id"),
        student_name=r["student_name"],
        account_id=uuid("account_id"),
        account_name=r["account_name"],
        lesson_id=uuid("lesson_id"),
        lesson_date=date.fromisoformat(r["lesson_date"]) if r["lesson_date"] else None,
        mark_id=uuid("mark_id"),
        period_id=r["period_id"],
        work_kind=WorkKind(r["work_kind"]) if r["work_kind"] else None,
        value_before=r["value_before"],
        value_after=r["value_after"],
        reason=r["reason"],
        note=r["note"],
        authorization_id=uuid("authorization_id"),
        approved_by=uuid("approved_by"),
        approved_by_name=r["approved_by_name"],
        approval_remark=r["approval_remark"],
        late=bool(r["late"]),
        late_permission_id=uuid("late_permission_id"),
        revision=bool(r["revision"]),
    )


def every_entry(
    read: Callable[[Callable[[Cursor], AuditPage]], AuditPage],
    scope: AuditScope,
    query: AuditFilter,
    page_size: int = MAX_PAGE,
) -> Iterator[AuditEntry]:
    """Every row in scope that matches, newest first, a page at a time; ``read`` runs one
    page's query in a read transaction of its own, so a long export holds no transaction open."""
    after: str | None = None
    while True:
        page = read(partial(_page_after, scope=scope, query=query, after=after, limit=page_size))
        yield from page.rows
        if page.next_cursor is None:
            return
        after = page.next_cursor


def _page_after(
    cursor: Cursor, *, scope: AuditScope, query: AuditFilter, after: str | None, limit: int
) -> AuditPage:
    return audit_page(cursor, scope, query, after=after, limit=limit)
