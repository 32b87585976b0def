"""The activity of parents and students in the journal, per class and month (отчет по
активности пользователей).

School 117 §9: "отчет по активности пользователей при работе с электронным дневником создается
один раз в месяц"; School 77 §4.3.11: the class teacher "Ведет мониторинг использования системы
учащимися и их родителями", and §4.6.6 the deputy checks "Активность родителей и учащихся в
работе с АИС СГО"; Lyceum 68 §3.4.6: "процент участия родителей и учащихся в работе с
электронным классным журналом".

Per class and month: the parents and the students with an account (a parent's or student's
role for a student of the class that month), how many of them signed in at least once, and the
number of sign-ins. A sign-in is an ``Account.SignedIn`` event: one per login with a password,
recorded for parents and students only (``commands.accounts.sign_in_role``). A month is the
school's local month (the year's time zone). A parent of two children in one class counts once
for it; a parent of children in two classes counts in each, and once for the school.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from ejournal.database import Cursor
from ejournal.projections.reporting.calendar import month_end, months_of
from ejournal.projections.reporting.queries import (
    ReportModel,
    ReportNotProjectedError,
    Span,
    classes,
    overlaps,
    percent,
    roster,
    year_facts,
)
from ejournal.projections.reporting.schema import instant, parse_instant
from ejournal.roles import Role

_ONE_DAY = timedelta(days=1)


def share_signed_in(with_access: int, signed_in: int) -> float | None:
    """Процент участия: of those with an account, the share who signed in at least once."""
    return percent(signed_in, with_access)


class FamilyCounts(ReportModel):
    parents: int
    """Parents with an account for a student of the class."""
    parents_signed_in: int
    parents_share: float | None
    parent_sign_ins: int
    students: int
    """Students of the class with an account of their own."""
    students_signed_in: int
    students_share: float | None
    student_sign_ins: int


class FamilyMonth(FamilyCounts):
    month: date
    """The month's first day."""


class FamilyActivityLine(ReportModel):
    """A class's months (or the whole school's, ``class_code`` None) and its year."""

    class_code: str | None
    months: tuple[FamilyMonth, ...]
    year_total: FamilyCounts


class FamilyActivityView(ReportModel):
    """Активность родителей и учащихся: per class and month, and for the school."""

    kind: Literal["family_activity"] = "family_activity"
    year: str
    months: tuple[date, ...]
    classes: tuple[FamilyActivityLine, ...]
    school: FamilyActivityLine | None
    """The whole school; None in a report of one class."""


@dataclass(frozen=True)
class _Grant:
    account_id: str
    role: str
    student_id: str
    granted_at: datetime
    revoked_at: datetime | None

    def held_within(self, start: datetime, end: datetime) -> bool:
        """Whether the grant was in force at some instant of [start, end)."""
        return self.granted_at < end and (self.revoked_at is None or self.revoked_at > start)


def family_activity(cursor: Cursor, year: str, class_code: str | None = None) -> FamilyActivityView:
    """Parents' and students' accounts and sign-ins per class and month of a year (of one
    class, if given)."""
    facts = year_facts(cursor, year)
    codes = list(classes(cursor, facts))
    if class_code is not None:
        if class_code not in codes:
            raise ReportNotProjectedError(f"no class {class_code} in school year {year}")
        codes = [class_code]
    zone = ZoneInfo(facts.timezone)
    months = months_of(facts.starts_on, facts.ends_on)
    who = roster(cursor, facts, class_code)
    cursor.execute("SELECT * FROM rpt_family_grants")
    grants = [
        _Grant(
            account_id=r["account_id"],
            role=r["role"],
            student_id=r["student_id"],
            granted_at=parse_instant(r["granted_at"]),
            revoked_at=parse_instant(r["revoked_at"]) if r["revoked_at"] else None,
        )
        for r in cursor.fetchall()
    ]
    first, last = _window(facts.starts_on, facts.ends_on, zone)
    cursor.execute(
        """SELECT account_id, role, signed_in_at FROM rpt_sign_ins
        WHERE signed_in_at >= %(first)s AND signed_in_at < %(last)s""",
        {"first": instant(first), "last": instant(last)},
    )
    sign_ins = [
        (r["account_id"], r["role"], parse_instant(r["signed_in_at"])) for r in cursor.fetchall()
    ]
    year_days = (facts.starts_on, facts.ends_on)
    lines = [
        _line(code, who.classes.get(code, {}), months, year_days, zone, grants, sign_ins)
        for code in codes
    ]
    school = None
    if class_code is None:
        everyone: dict[str, list[Span]] = {}
        for members in who.classes.values():
            for student_id, spans in members.items():
                everyone.setdefault(student_id, []).extend(spans)
        school = _line(None, everyone, months, year_days, zone, grants, sign_ins)
    return FamilyActivityView(year=year, months=tuple(months), classes=tuple(lines), school=school)


def _line(
    class_code: str | None,
    students: dict[str, list[Span]],
    months: list[date],
    year_days: tuple[date, date],
    zone: ZoneInfo,
    grants: list[_Grant],
    sign_ins: list[tuple[str, str, datetime]],
) -> FamilyActivityLine:
    year_start, year_end = year_days
    by_month = []
    for month in months:
        first_day, last_day = max(month, year_start), min(month_end(month), year_end)
        counts = _counts(students, first_day, last_day, zone, grants, sign_ins)
        by_month.append(FamilyMonth(month=month, **counts.model_dump()))
    return FamilyActivityLine(
        class_code=class_code,
        months=tuple(by_month),
        year_total=_counts(students, year_start, year_end, zone, grants, sign_ins),
    )


def _counts(
    students: dict[str, list[Span]],
    first_day: date,
    last_day: date,
    zone: ZoneInfo,
    grants: list[_Grant],
    sign_ins: list[tuple[str, str, datetime]],
) -> FamilyCounts:
    """Accounts and sign-ins for the students in the class at some time in [first, last]."""
    start, end = _window(first_day, last_day, zone)
    present = {s for s, spans in students.items() if overlaps(spans, first_day, last_day)}
    holders: dict[str, set[str]] = {Role.PARENT.value: set(), Role.STUDENT.value: set()}
    for grant in grants:
        if grant.student_id in present and grant.held_within(start, end):
            holders[grant.role].add(grant.account_id)
    signed: dict[str, set[str]] = {role: set() for role in holders}
    logins: dict[str, int] = dict.fromkeys(holders, 0)
    for account_id, role, at in sign_ins:
        if role in holders and account_id in holders[role] and start <= at < end:
            signed[role].add(account_id)
            logins[role] += 1
    parent, student = Role.PARENT.value, Role.STUDENT.value
    return FamilyCounts(
        parents=len(holders[parent]),
        parents_signed_in=len(signed[parent]),
        parents_share=share_signed_in(len(holders[parent]), len(signed[parent])),
        parent_sign_ins=logins[parent],
        students=len(holders[student]),
        students_signed_in=len(signed[student]),
        students_share=share_signed_in(len(holders[student]), len(signed[student])),
        student_sign_ins=logins[student],
    )


def _window(first_day: date, last_day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants of the school's local days [first, last]: from the first's midnight to the
    midnight after the last."""
    return (
        datetime.combine(first_day, time(), tzinfo=zone),
        datetime.combine(last_day + _ONE_DAY, time(), tzinfo=zone),
    )
