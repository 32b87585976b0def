"""The access matrix (DESIGN.md §5): every endpoint of the app, as every person of the scenario
school and without a token, on an in-scope and an out-of-scope resource.

The routes are taken from the app itself, so an endpoint without an entry in the table fails the
run. For each route: no token answers 401; everyone not allowed is refused (401/403/404, or a
profile's 422 where the school's regulation names who may) and records nothing; an out-of-scope
resource is refused to everyone not allowed on it too, and a read of it answers exactly as a
missing one; the first allowed person succeeds in scope. Nothing ever answers 5xx.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from api_session import PASSWORD, Api
from fastapi import routing
from fastapi.testclient import TestClient
from scenario import class_teacher_as
from templates import PostgresTemplate, SqliteTemplate

from api.app import create_app
from ejournal import access
from ejournal.clock import MovableClock
from ejournal.commands import (
    absence_notices,
    accounts,
    additional_education,
    attendance,
    control_works,
    lessons,
    marks,
    period_marks,
    results,
    staff,
)
from ejournal.marks import Attendance, ResultKind, WorkKind
from ejournal.roles import Role
from ejournal.settings import Settings

V1 = "/api/v1"
YEAR = "2026-2027"
NO_YEAR = "2031-2032"
PROBLEM = "application/problem+json"
MONDAY = date(2026, 9, 7)
EVERYONE = (
    "admin",
    "deputy",
    "secretary",
    "class_teacher",
    "math",
    "russian",
    "english1",
    "english2",
    "outsider",
    "director",
    "inspector",
    "auditor",
    "parent",
    "student",
)
ADMINISTRATION = ("admin", "deputy", "director")
HISTORY = ("inspector", "auditor")

Ctx = dict[str, Any]
Request = tuple[str, Any] | None
Build = Callable[[Api, Ctx, str], Request]


@dataclass(frozen=True)
class Case:
    """Who may use a route, and how to call it on an in-scope, an out-of-scope ("out") and a
    missing resource. The first allowed person is the one whose success is checked."""

    allowed: tuple[str, ...]
    build: Build
    allowed_out: tuple[str, ...] = ()
    """Who may also act on the out-of-scope resource (never sent: it would succeed)."""
    setup: Callable[[Api], Ctx] = field(default=lambda api: {})
    when: tuple[date, int] = (MONDAY, 12)
    success: int | None = None
    """The success status, when not 201 for a command and 200 for a read."""
    profile_refused: tuple[str, ...] = ()
    """Who holds the route's role but whom the school's profile refuses (422 rule-violated)."""


@dataclass(frozen=True)
class Upload:
    """A multipart body: a file and form fields (what the import endpoint takes)."""

    file: tuple[str, bytes, str]
    fields: dict[str, str]


def _id(value: object) -> str:
    return str(value)


def _s(api: Api, n: int) -> str:
    return str(api.world.students[n])


def _journal(api: Api, key: str) -> str:
    return str(api.world.journals[key])


def _scoped(
    inside: Callable[[Api, Ctx], tuple[str, Any]],
    outside: Callable[[Api, Ctx], tuple[str, Any]] | None = None,
    missing: Callable[[Api, Ctx], tuple[str, Any]] | None = None,
) -> Build:
    def build(api: Api, ctx: Ctx, scope: str) -> Request:
        chosen = {"in": inside, "out": outside, "missing": missing}[scope]
        return chosen(api, ctx) if chosen is not None else None

    return build


def _fixed(path: str, body: Any = None) -> Build:
    return _scoped(lambda api, ctx: (path, body))


# --- setups ---------------------------------------------------------------------------------


def _teaching(api: Api) -> Ctx:
    """A held mathematics lesson (5А, Monday lesson 1) and a held Russian lesson (lesson 3),
    each with Алексеев absent and a mark for Белова."""
    world, school = api.world, api.world.school
    ctx: Ctx = {}
    for key, slot, teacher in (("math", 1, world.math), ("russian", 3, world.russian)):
        journal_id = world.journals[key]
        lesson_id = lessons.hold_lesson(
            school,
            teacher,
            lessons.HoldLesson(journal_id=journal_id, on=MONDAY, slot=slot, topic="Вводный урок"),
        ).ids["lesson_id"]
        attendance.record_attendance(
            school,
            teacher,
            attendance.RecordAttendance(
                journal_id=journal_id,
                lesson_id=lesson_id,
                attendance={world.students[0]: Attendance.ABSENT},
            ),
        )
        mark_id = marks.record_mark(
            school,
            teacher,
            marks.RecordMark(
                journal_id=journal_id, lesson_id=lesson_id, student_id=world.students[1], value="4"
            ),
        ).ids["mark_id"]
        ctx[key] = {
            "journal": str(journal_id),
            "lesson": str(lesson_id),
            "mark": str(mark_id),
            "student": str(world.students[0]),
        }
    return ctx


def _period_marks(api: Api) -> Ctx:
    """Within School 77's window for Q1 period marks: Алексеев's Q1 mark in mathematics and in
    Russian."""
    world = api.world
    for key in ("math", "russian"):
        world.give_marks(key, 0, 1, on=date(2026, 10, 20))  # what the marks rest on
    for key, teacher in (("math", world.math), ("russian", world.russian)):
        period_marks.record_period_mark(
            world.school,
            teacher,
            period_marks.RecordPeriodMark(
                journal_id=world.journals[key],
                period_id="Q1",
                student_id=world.students[0],
                value="5",
            ),
        )
    return {key: {"student": str(world.students[0])} for key in ("math", "russian")}


def _results(api: Api) -> Ctx:
    """Within School 77's window for Q4 marks: Алексеев's and Белова's Q4 marks in mathematics
    and in Russian, and Алексеев's year marks."""
    world = api.world
    for key, teacher in (("math", world.math), ("russian", world.russian)):
        world.give_marks(key, 0, 1, on=date(2027, 5, 20))
        for student in world.students[:2]:
            period_marks.record_period_mark(
                world.school,
                teacher,
                period_marks.RecordPeriodMark(
                    journal_id=world.journals[key], period_id="Q4", student_id=student, value="5"
                ),
            )
        results.record_result_mark(
            world.school,
            teacher,
            results.RecordResultMark(
                journal_id=world.journals[key],
                kind=ResultKind.YEAR,
                student_id=world.students[0],
                value="5",
            ),
        )
    return {key: {"student": str(world.students[0])} for key in ("math", "russian")}


def _post_ok(api: Api, path: str, who: str, body: Any) -> dict[str, Any]:
    response = api.post(path, who, body)
    assert response.status_code == 201, response.text
    ids: dict[str, Any] = response.json()["ids"]
    return ids


GUARDIAN = {"name": {"last": "Алексеева", "first": "Ирина"}, "relation": "mother"}
CONSENT = {"given_on": "2026-08-20", "document": "согласие № 41"}
FORTNIGHT = {"start": "2026-08-31", "end": "2026-09-13"}


def _guardians(api: Api) -> Ctx:
    return {
        who: _post_ok(api, f"{V1}/students/{student}/guardians", "admin", GUARDIAN)["guardian_id"]
        for who, student in (("in", _s(api, 0)), ("out", api.world.first_graders[0]))
    }


def _consents(api: Api) -> Ctx:
    return {
        who: _post_ok(api, f"{V1}/students/{student}/consents", "admin", CONSENT)["consent_id"]
        for who, student in (("in", _s(api, 0)), ("out", api.world.first_graders[0]))
    }


def _fresh_account(api: Api) -> Ctx:
    account_id = accounts.register_account(
        api.world.school,
        api.world.admin,
        accounts.RegisterAccount(login="novikov", full_name="Новиков Николай Николаевич"),
    ).ids["account_id"]
    return {"account": str(account_id)}


def _annulled(api: Api) -> Ctx:
    ctx = _fresh_account(api)
    accounts.annul_account(
        api.world.school,
        api.world.admin,
        accounts.AnnulAccount(
            account_id=UUID(ctx["account"]), reason="увольнение", address="novikov@example.ru"
        ),
    )
    return ctx


def _guardian_account(api: Api) -> Ctx:
    """A fresh account whose holder is recorded as the guardian of 5А's third student and of a
    first-grader (Gymnasium 2 §3.7: the parent role goes to a recorded guardian only)."""
    ctx = _fresh_account(api)
    for student in (api.world.students[2], api.world.first_graders[0]):
        api.world.guardian_account(student, UUID(ctx["account"]), "Новикова Нина Николаевна")
    return ctx


def _granted(api: Api) -> Ctx:
    ctx = _fresh_account(api)
    grant = accounts.grant_role(
        api.world.school,
        api.world.admin,
        accounts.GrantRole(account_id=UUID(ctx["account"]), role=Role.TEACHER),
    )
    return ctx | {"grant": str(grant.ids["grant_id"])}


def _blocked(api: Api) -> Ctx:
    ctx = _fresh_account(api)
    accounts.block_account(
        api.world.school,
        api.world.admin,
        accounts.BlockAccount(account_id=UUID(ctx["account"]), reason="утеря пароля"),
    )
    return ctx


def _closure(api: Api) -> Ctx:
    ids = _post_ok(
        api,
        f"{V1}/years/{YEAR}/closures",
        "admin",
        {"start": "2026-10-05", "end": "2026-10-09", "kind": "quarantine", "reason": "грипп"},
    )
    return {"closure": ids["closure_id"]}


def _api_token(api: Api) -> Ctx:
    response = api.post(f"{V1}/auth/api-tokens", "admin", {"label": "выгрузка", "days": 30})
    assert response.status_code == 201, response.text
    return {"credential": response.json()["credential_id"]}


def _substitution(api: Api) -> Ctx:
    ids = _post_ok(
        api, f"{V1}/journals/{_journal(api, 'math')}/substitutions", "deputy", _sub_body(api)
    )
    return {"substitution": ids["substitution_id"]}


def _sub_body(api: Api) -> dict[str, Any]:
    return {
        "on": "2026-09-14",
        "slot": 1,
        "substitute_id": str(api.actors["outsider"].account_id),
        "replaced_id": str(api.actors["math"].account_id),
        "reason": "болезнь учителя",
    }


def _next_year(api: Api) -> Ctx:
    _post_ok(api, f"{V1}/years", "admin", NEXT_YEAR)
    for grade in (6, 2, 5):
        _post_ok(api, f"{V1}/years/2027-2028/classes", "admin", {"grade": grade, "letter": "А"})
    return {}


NEXT_YEAR = {
    "label": "2027-2028",
    "starts_on": "2027-09-01",
    "ends_on": "2028-05-31",
    "periods": [
        {"id": "H1", "name": "1 полугодие", "start": "2027-09-01", "end": "2027-12-28"},
        {"id": "H2", "name": "2 полугодие", "start": "2028-01-11", "end": "2028-05-31"},
    ],
    "profile": "school77",
}
ADMISSION = {
    "name": {"last": "Морозов", "first": "Максим", "patronymic": "Олегович"},
    "birth_date": "2015-06-02",
    "class_code": "5А",
    "on": "2026-09-07",
    "order": "№ 115-у от 04.09.2026",
}
MOVE = {"year": YEAR, "on": "2026-10-05", "order": "№ 1-у", "reason": "заявление родителей"}


STAFF_HIRE = {
    "full_name": "Орлова Нина Павловна",
    "position": "учитель",
    "on": "2026-09-01",
    "order": "№ 12-к",
}


def _staffed(api: Api) -> Ctx:
    """A member on the staff list (Lyceum 68 §3.8.1)."""
    return {
        "member": staff.hire_staff_member(
            api.world.school,
            api.world.secretary,
            staff.HireStaffMember(**STAFF_HIRE | {"on": date(2026, 9, 1)}),
        ).ids["member_id"]
    }


def _member(tail: str, allowed: tuple[str, ...], body: Any) -> Case:
    """A route on one member of the staff list: out of scope is a random id."""
    return _by_id(
        allowed,
        lambda api, ctx, x: f"{V1}/staff/{ctx['member'] if x == 'in' else x}{tail}",
        lambda api, ctx: body,
        setup=_staffed,
    )


def _club(api: Api) -> Ctx:
    """A club a 5А student attends (Gymnasium 2 §7.8)."""
    return {
        "activity": additional_education.record_additional_education(
            api.world.school,
            class_teacher_as(api.world),
            additional_education.RecordAdditionalEducation(
                student_id=api.world.students[0],
                name="Шахматный клуб",
                organisation="ДДТ",
                start=date(2026, 9, 1),
            ),
        ).ids["activity_id"]
    }


def _education(tail: str, allowed: tuple[str, ...], body: Any, **extra: Any) -> Case:
    """A class teacher's route on a 5А student; out of scope: a first-grader (1А)."""

    def on(student: Callable[[Api], str]) -> Callable[[Api, Ctx], tuple[str, Any]]:
        return lambda api, ctx: (
            f"{V1}/students/{student(api)}/additional-education{tail.format(**ctx)}",
            body,
        )

    return Case(
        allowed=allowed,
        allowed_out=tuple(a for a in allowed if a != "class_teacher"),
        build=_scoped(
            on(lambda api: _s(api, 0)),
            on(lambda api: str(api.world.first_graders[0])),
            on(lambda api: str(uuid4())),
        ),
        **extra,
    )


WORK = {"on": "2026-09-16", "kind": "control", "topic": "Натуральные числа"}


def _planned(api: Api) -> Ctx:
    """A control work on 5А mathematics' schedule (Gymnasium 2 §6.3)."""
    return {
        "work": control_works.plan_work(
            api.world.school,
            api.world.math,
            control_works.PlanWork(
                journal_id=api.world.journals["math"],
                on=date(2026, 9, 16),
                kind=WorkKind.CONTROL,
                topic="Натуральные числа",
            ),
        ).ids["work_id"]
    }


def _work(tail: str, allowed: tuple[str, ...], body: Any) -> Case:
    """A route on a planned work of 5А mathematics: out of scope is a random work id."""
    return _by_id(
        allowed,
        lambda api, ctx, x: (
            f"{V1}/journals/{_journal(api, 'math')}/control-works/"
            f"{ctx['work'] if x == 'in' else x}{tail}"
        ),
        lambda api, ctx: body,
        setup=_planned,
    )


def _checkpointed(api: Api) -> Ctx:
    """A checkpoint signed over the school's log as it stands."""
    services = api.client.app.state.deployment.school(api.school)
    return {"size": services.notary.checkpoint().checkpoint.size}


def _child_marked(api: Api) -> Ctx:
    """The teaching set-up, and a mathematics mark for Алексеев (the parent's child)."""
    ctx = _teaching(api)
    ctx["child_mark"] = str(
        marks.record_mark(
            api.world.school,
            api.world.math,
            marks.RecordMark(
                journal_id=api.world.journals["math"],
                lesson_id=UUID(ctx["math"]["lesson"]),
                student_id=api.world.students[0],
                value="5",
                # Алексеев is recorded absent at this lesson: a written work, marked later.
                work_kind="written",
            ),
        ).ids["mark_id"]
    )
    return ctx


NOTICE = {"start": "2026-09-08", "end": "2026-09-08", "text": "приём у врача"}


def _noticed(api: Api) -> Ctx:
    """The teaching set-up (Алексеев absent on Monday), and his parent's notice covering it."""
    ctx = _teaching(api)
    ctx["notice"] = str(
        absence_notices.give_absence_notice(
            api.world.school,
            api.actors["parent"],
            absence_notices.GiveAbsenceNotice(
                student_id=api.world.students[0], start=MONDAY, end=MONDAY, text="болел"
            ),
        ).ids["notice_id"]
    )
    return ctx


# --- the table ------------------------------------------------------------------------------


def _teacher(
    tail: Callable[[Ctx], str], body: Callable[[Api, Ctx, str], Any], **extra: Any
) -> Case:
    """A subject teacher's command on 5А mathematics; out of scope: 5А Russian."""

    def on(key: str) -> Callable[[Api, Ctx], tuple[str, Any]]:
        return lambda api, ctx: (
            f"{V1}/journals/{_journal(api, key)}{tail(ctx[key])}",
            body(api, ctx, key),
        )

    return Case(
        allowed=extra.pop("allowed", ("math",)),
        allowed_out=extra.pop("allowed_out", ("russian",)),
        build=_scoped(on("math"), on("russian")),
        setup=extra.pop("setup", _teaching),
        **extra,
    )


def _keeper(tail: str, body: Any, setup: Callable[[Api], Ctx] | None = None) -> Case:
    """A roll keeper's command on a 5А student; out of scope: a first-grader (1А)."""

    def on(scope: str, student: Callable[[Api], str]) -> Callable[[Api, Ctx], tuple[str, Any]]:
        return lambda api, ctx: (
            f"{V1}/students/{student(api)}/{tail.format(ctx.get(scope))}",
            body,
        )

    return Case(
        allowed=("class_teacher", "secretary", "admin"),
        allowed_out=("secretary", "admin"),
        build=_scoped(
            on("in", lambda api: _s(api, 0)), on("out", lambda api: str(api.world.first_graders[0]))
        ),
        setup=setup or (lambda api: {}),
    )


def _year_wide(allowed: tuple[str, ...], tail: str, body: Any, **extra: Any) -> Case:
    """A command on the school year; out of scope: a year the school does not have."""
    return Case(
        allowed=allowed,
        build=_scoped(
            lambda api, ctx: (f"{V1}/years/{YEAR}{tail.format(**ctx)}", body),
            lambda api, ctx: (f"{V1}/years/{NO_YEAR}{tail.format(**ctx)}", body),
        ),
        **extra,
    )


def _by_id(
    allowed: tuple[str, ...],
    path: Callable[[Api, Ctx, str], str],
    body: Callable[[Api, Ctx], Any],
    **extra: Any,
) -> Case:
    """A route on one resource of the whole school: out of scope is a random id."""
    return Case(
        allowed=allowed,
        build=_scoped(
            lambda api, ctx: (path(api, ctx, "in"), body(api, ctx)),
            lambda api, ctx: (path(api, ctx, str(uuid4())), body(api, ctx)),
            lambda api, ctx: (path(api, ctx, str(uuid4())), body(api, ctx)),
        ),
        **extra,
    )


_ROLL_UPLOAD = Upload(
    file=(
        "roll.csv",
        "Фамилия;Имя;Дата рождения;Класс;Приказ о зачислении\r\n"
        "Орлова;Ольга;30.07.2019;1А;№ 121-у\r\n".encode(),
        "text/csv",
    ),
    fields={"year": "2026/2027", "dry_run": "true"},
)


def _import_job(api: Api) -> Ctx:
    """A dry-run import job the administrator started: a job is read by its starter only."""
    response = api.client.post(
        f"{V1}/imports/students",
        files={"file": _ROLL_UPLOAD.file},
        data=_ROLL_UPLOAD.fields,
        headers=api.headers("admin"),
    )
    assert response.status_code == 202, response.text
    return {"job": response.json()["id"]}


def _class_sheet(tail: str) -> Case:
    """A sheet of a class: its class teacher, the administration and the class's subject
    teachers (School 77 §4.3.10, §4.4.11); out of scope another class (1А, where only the
    mathematics teacher teaches), missing a class the year does not have."""
    return Case(
        allowed=("class_teacher", *ADMINISTRATION, *CLASS_5A_TEACHERS),
        allowed_out=(*ADMINISTRATION, "math"),
        build=_scoped(
            lambda api, ctx: (f"{V1}/years/{YEAR}/classes/5А{tail}", None),
            lambda api, ctx: (f"{V1}/years/{YEAR}/classes/1А{tail}", None),
            lambda api, ctx: (f"{V1}/years/{YEAR}/classes/9Я{tail}", None),
        ),
    )


READERS = (*ADMINISTRATION, *HISTORY)
CLASS_5A_TEACHERS = ("math", "russian", "english1", "english2")
"""The subject teachers of 5А (the class teacher teaches there too, as a class teacher)."""
SETUP = ("deputy", "admin")
TEACHERS = ("math",)

TABLE: dict[tuple[str, str], Case] = {
    # --- the session's own account ---
    ("GET", "/api/v1/me"): Case(allowed=EVERYONE, build=_fixed(f"{V1}/me")),
    ("POST", "/api/v1/auth/logout"): Case(
        allowed=EVERYONE, build=_fixed(f"{V1}/auth/logout"), success=204
    ),
    ("POST", "/api/v1/auth/password"): Case(
        allowed=EVERYONE,
        build=_fixed(
            f"{V1}/auth/password",
            {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        ),
        success=204,
    ),
    ("POST", "/api/v1/auth/api-tokens"): Case(
        allowed=EVERYONE, build=_fixed(f"{V1}/auth/api-tokens", {"label": "выгрузка"})
    ),
    ("GET", "/api/v1/auth/api-tokens"): Case(
        allowed=EVERYONE, build=_fixed(f"{V1}/auth/api-tokens")
    ),
    ("DELETE", "/api/v1/auth/api-tokens/{credential_id}"): _by_id(
        ("admin",),
        lambda api, ctx, x: f"{V1}/auth/api-tokens/{ctx['credential'] if x == 'in' else x}",
        lambda api, ctx: None,
        setup=_api_token,
        success=204,
    ),
    # --- journals: the page, and the subject teacher's commands ---
    ("GET", "/api/v1/journals/{journal_id}"): Case(
        allowed=("math", "class_teacher", *READERS),
        allowed_out=("math", *READERS),
        build=_scoped(
            lambda api, ctx: (f"{V1}/journals/{_journal(api, 'math')}", None),
            lambda api, ctx: (f"{V1}/journals/{_journal(api, 'math1')}", None),
            lambda api, ctx: (f"{V1}/journals/{uuid4()}", None),
        ),
        setup=_teaching,
    ),
    ("GET", "/api/v1/journals/{journal_id}/grid"): Case(
        allowed=("math", "class_teacher", *READERS),
        allowed_out=("math", *READERS),
        build=_scoped(
            lambda api, ctx: (f"{V1}/journals/{_journal(api, 'math')}/grid", None),
            lambda api, ctx: (f"{V1}/journals/{_journal(api, 'math1')}/grid", None),
            lambda api, ctx: (f"{V1}/journals/{uuid4()}/grid", None),
        ),
        setup=_teaching,
    ),
    ("GET", "/api/v1/projections"): Case(allowed=ADMINISTRATION, build=_fixed(f"{V1}/projections")),
    ("POST", "/api/v1/journals/{journal_id}/ktp"): _teacher(
        lambda c: "/ktp",
        lambda api, ctx, key: {"items": [{"topic": "Натуральные числа", "hours": 2}]},
        allowed=("math", "deputy"),
        allowed_out=("russian", "deputy"),
    ),
    ("POST", "/api/v1/journals/{journal_id}/lessons"): _teacher(
        lambda c: "/lessons",
        lambda api, ctx, key: {"on": MONDAY.isoformat(), "slot": 2, "topic": "Дроби"},
    ),
    ("POST", "/api/v1/journals/{journal_id}/lessons/{lesson_id}/details"): _teacher(
        lambda c: f"/lessons/{c['lesson']}/details",
        lambda api, ctx, key: {"homework": "№ 1–5"},
    ),
    ("POST", "/api/v1/journals/{journal_id}/lessons/{lesson_id}/corrections"): _teacher(
        lambda c: f"/lessons/{c['lesson']}/corrections",
        lambda api, ctx, key: {"topic": "Натуральные числа", "reason": "опечатка"},
    ),
    ("POST", "/api/v1/journals/{journal_id}/lessons/{lesson_id}/attendance"): _teacher(
        lambda c: f"/lessons/{c['lesson']}/attendance",
        lambda api, ctx, key: {"attendance": {_s(api, 2): "late"}},
    ),
    (
        "POST",
        "/api/v1/journals/{journal_id}/lessons/{lesson_id}/attendance/{student_id}/corrections",
    ): _teacher(
        lambda c: f"/lessons/{c['lesson']}/attendance/{c['student']}/corrections",
        lambda api, ctx, key: {"status": "late", "reason": "пришёл ко второй половине"},
        # The class teacher corrects attendance in every journal of 5А (School 77 §4.3.8).
        allowed=("math", "class_teacher"),
        allowed_out=("russian", "class_teacher"),
    ),
    ("POST", "/api/v1/journals/{journal_id}/marks"): _teacher(
        lambda c: "/marks",
        lambda api, ctx, key: {
            "lesson_id": ctx[key]["lesson"],
            "student_id": _s(api, 2),
            "value": "5",
        },
    ),
    ("POST", "/api/v1/journals/{journal_id}/marks/{mark_id}/corrections"): _teacher(
        lambda c: f"/marks/{c['mark']}/corrections",
        lambda api, ctx, key: {"value": "5", "reason": "ошибка при вводе"},
    ),
    ("POST", "/api/v1/journals/{journal_id}/marks/{mark_id}/voiding"): _teacher(
        lambda c: f"/marks/{c['mark']}/voiding",
        lambda api, ctx, key: {"reason": "отметка не тому ученику"},
    ),
    ("POST", "/api/v1/journals/{journal_id}/period-marks"): _teacher(
        lambda c: "/period-marks",
        lambda api, ctx, key: {"period_id": "Q1", "student_id": _s(api, 1), "value": "4"},
        setup=_period_marks,
        when=(date(2026, 10, 20), 12),
    ),
    (
        "POST",
        "/api/v1/journals/{journal_id}/period-marks/{period_id}/{student_id}/corrections",
    ): _teacher(
        lambda c: f"/period-marks/Q1/{c['student']}/corrections",
        lambda api, ctx, key: {"value": "4", "reason": "пересчёт по итогам контрольной"},
        setup=_period_marks,
        when=(date(2026, 10, 20), 12),
    ),
    ("POST", "/api/v1/journals/{journal_id}/results"): _teacher(
        lambda c: "/results",
        lambda api, ctx, key: {"kind": "year", "student_id": _s(api, 1), "value": "4"},
        setup=_results,
        when=(date(2027, 5, 20), 12),
    ),
    ("POST", "/api/v1/journals/{journal_id}/results/{kind}/{student_id}/corrections"): _teacher(
        lambda c: f"/results/year/{c['student']}/corrections",
        lambda api, ctx, key: {"value": "4", "reason": "пересчёт по итогам четвертей"},
        setup=_results,
        when=(date(2027, 5, 20), 12),
    ),
    # --- the class teacher's ---
    ("POST", "/api/v1/classes/{class_code}/absence-reasons"): Case(
        allowed=("class_teacher",),
        build=_scoped(
            lambda api, ctx: (
                f"{V1}/classes/5А/absence-reasons?year={YEAR}",
                _reason(api.world.students[0]),
            ),
            lambda api, ctx: (
                f"{V1}/classes/1А/absence-reasons?year={YEAR}",
                _reason(api.world.first_graders[0]),
            ),
        ),
        setup=_teaching,
    ),
    ("GET", "/api/v1/classes/{class_code}/students"): Case(
        allowed=("class_teacher", *ADMINISTRATION),
        allowed_out=ADMINISTRATION,
        build=_scoped(
            lambda api, ctx: (f"{V1}/classes/5А/students?year={YEAR}", None),
            lambda api, ctx: (f"{V1}/classes/1А/students?year={YEAR}", None),
            lambda api, ctx: (f"{V1}/classes/9Я/students?year={YEAR}", None),
        ),
    ),
    # --- summary sheets and the class results of a period ---
    ("GET", "/api/v1/years/{year}/classes/{class_code}/sheets/progress"): _class_sheet(
        "/sheets/progress"
    ),
    ("GET", "/api/v1/years/{year}/classes/{class_code}/sheets/attendance"): _class_sheet(
        "/sheets/attendance"
    ),
    ("GET", "/api/v1/years/{year}/classes/{class_code}/results/{period_id}"): _class_sheet(
        "/results/Q1"
    ),
    ("GET", "/api/v1/years/{year}/sheets/movement"): Case(
        # The class teacher reads their own class's movement (School 77 §4.3.10).
        allowed=(*ADMINISTRATION, "class_teacher"),
        build=_scoped(
            lambda api, ctx: (f"{V1}/years/{YEAR}/sheets/movement", None),
            lambda api, ctx: (f"{V1}/years/{NO_YEAR}/sheets/movement", None),
            lambda api, ctx: (f"{V1}/years/{NO_YEAR}/sheets/movement", None),
        ),
    ),
    # The teachers' working-time sheet (Belogorsk, Инструкция п. 4.2).
    ("GET", "/api/v1/years/{year}/reports/working-time"): Case(
        allowed=ADMINISTRATION,
        build=_scoped(
            lambda api, ctx: (f"{V1}/years/{YEAR}/reports/working-time?month=2026-09", None),
            lambda api, ctx: (f"{V1}/years/{NO_YEAR}/reports/working-time?month=2031-09", None),
            lambda api, ctx: (f"{V1}/years/{NO_YEAR}/reports/working-time?month=2031-09", None),
        ),
    ),
    ("POST", "/api/v1/students/{student_id}/guardians"): _keeper("guardians", GUARDIAN),
    ("POST", "/api/v1/students/{student_id}/guardians/{guardian_id}/removal"): _keeper(
        "guardians/{}/removal", {"reason": "лишена родительских прав"}, _guardians
    ),
    ("POST", "/api/v1/students/{student_id}/consents"): _keeper("consents", CONSENT),
    ("POST", "/api/v1/students/{student_id}/consents/{consent_id}/withdrawal"): _keeper(
        "consents/{}/withdrawal", {"on": "2026-09-10", "reason": "заявление матери"}, _consents
    ),
    ("POST", "/api/v1/students/{student_id}/personal-data-corrections"): _keeper(
        "personal-data-corrections",
        {
            "name": {"last": "Алексеев", "first": "Артём", "patronymic": "Игоревич"},
            "birth_date": "2015-03-15",
            "reason": "по свидетельству о рождении",
        },
    ),
    ("POST", "/api/v1/accounts/{account_id}/family-roles"): Case(
        allowed=("class_teacher",),
        build=_scoped(
            lambda api, ctx: (
                f"{V1}/accounts/{ctx['account']}/family-roles",
                {"role": "parent", "student_id": _s(api, 2)},
            ),
            lambda api, ctx: (
                f"{V1}/accounts/{ctx['account']}/family-roles",
                {"role": "parent", "student_id": str(api.world.first_graders[0])},
            ),
        ),
        setup=_guardian_account,
    ),
    # --- the school year ---
    ("POST", "/api/v1/years"): Case(allowed=("admin",), build=_fixed(f"{V1}/years", NEXT_YEAR)),
    ("GET", "/api/v1/years/{year}"): Case(
        allowed=(*READERS, "class_teacher", "math", "russian", "english1", "english2", "outsider"),
        build=_scoped(
            lambda api, ctx: (f"{V1}/years/{YEAR}", None),
            lambda api, ctx: (f"{V1}/years/{NO_YEAR}", None),
            lambda api, ctx: (f"{V1}/years/{NO_YEAR}", None),
        ),
    ),
    ("POST", "/api/v1/years/{year}/profile"): _year_wide(
        ("admin",), "/profile", {"profile": "lyceum68", "reason": "новое положение о журнале"}
    ),
    ("POST", "/api/v1/years/{year}/periods/{period_id}/marks-due"): _year_wide(
        SETUP, "/periods/Q1/marks-due", {"due": "2026-10-21", "order": "№ 57-о от 01.10.2026"}
    ),
    ("POST", "/api/v1/years/{year}/closures"): _year_wide(
        SETUP,
        "/closures",
        {"start": "2026-10-05", "end": "2026-10-09", "kind": "quarantine", "reason": "грипп"},
    ),
    ("POST", "/api/v1/years/{year}/closures/{closure_id}/lifting"): _year_wide(
        SETUP, "/closures/{closure}/lifting", {"reason": "карантин отменён"}, setup=_closure
    ),
    ("POST", "/api/v1/years/{year}/bells"): _year_wide(
        SETUP,
        "/bells",
        {"slots": [{"slot": 1, "start": "08:30", "end": "09:15"}], "reason": "приказ № 12"},
    ),
    ("POST", "/api/v1/years/{year}/classes"): _year_wide(
        SETUP, "/classes", {"grade": 5, "letter": "Б"}
    ),
    ("POST", "/api/v1/years/{year}/classes/{class_code}/class-teacher"): Case(
        allowed=SETUP,
        build=_scoped(
            lambda api, ctx: (f"{V1}/years/{YEAR}/classes/1А/class-teacher", _outsider(api)),
            lambda api, ctx: (f"{V1}/years/{YEAR}/classes/9Я/class-teacher", _outsider(api)),
        ),
    ),
    ("POST", "/api/v1/years/{year}/classes/{class_code}/timetable"): Case(
        allowed=SETUP,
        build=_scoped(
            lambda api, ctx: (f"{V1}/years/{YEAR}/classes/1А/timetable", _timetable(api)),
            lambda api, ctx: (f"{V1}/years/{YEAR}/classes/9Я/timetable", _timetable(api)),
        ),
    ),
    ("POST", "/api/v1/years/{year}/journals"): _year_wide(
        SETUP, "/journals", {"class_code": "5А", "subject": "history"}
    ),
    ("POST", "/api/v1/years/{year}/periods/{period_id}/closing"): _year_wide(
        SETUP, "/periods/Q1/closing", {"class_code": "5А"}
    ),
    ("POST", "/api/v1/years/{year}/closing"): _year_wide(
        ("secretary", "admin"),
        "/closing",
        {"next_year": "2027-2028", "on": "2027-05-31", "order": "№ 88-у от 29.05.2027"},
        setup=_next_year,
    ),
    # --- journals' teachers and the deputy's grants ---
    ("POST", "/api/v1/journals/{journal_id}/teachers"): _by_id(
        SETUP,
        lambda api, ctx, x: f"{V1}/journals/{_journal(api, 'math') if x == 'in' else x}/teachers",
        lambda api, ctx: _outsider(api),
    ),
    ("POST", "/api/v1/journals/{journal_id}/teachers/{account_id}/relief"): _by_id(
        SETUP,
        lambda api, ctx, x: (
            f"{V1}/journals/{_journal(api, 'math') if x == 'in' else x}"
            f"/teachers/{api.actors['math'].account_id}/relief"
        ),
        lambda api, ctx: {"reason": "перераспределение нагрузки"},
    ),
    ("POST", "/api/v1/journals/{journal_id}/substitutions"): _by_id(
        ("deputy",),
        lambda api, ctx, x: (
            f"{V1}/journals/{_journal(api, 'math') if x == 'in' else x}/substitutions"
        ),
        lambda api, ctx: _sub_body(api),
        when=(date(2026, 9, 11), 15),
    ),
    (
        "POST",
        "/api/v1/journals/{journal_id}/substitutions/{substitution_id}/cancellation",
    ): _by_id(
        ("deputy",),
        lambda api, ctx, x: (
            f"{V1}/journals/{_journal(api, 'math')}/substitutions"
            f"/{ctx['substitution'] if x == 'in' else x}/cancellation"
        ),
        lambda api, ctx: {"reason": "учитель вышел на работу"},
        setup=_substitution,
        when=(date(2026, 9, 11), 15),
    ),
    ("POST", "/api/v1/journals/{journal_id}/late-entry-permissions"): _by_id(
        ("deputy",),
        lambda api, ctx, x: (
            f"{V1}/journals/{_journal(api, 'math') if x == 'in' else x}/late-entry-permissions"
        ),
        lambda api, ctx: {
            "from_date": "2026-09-01",
            "to_date": "2026-09-02",
            "teacher_id": str(api.actors["math"].account_id),
            "reason": "больничный лист учителя",
        },
    ),
    ("POST", "/api/v1/journals/{journal_id}/correction-authorizations"): _by_id(
        ("deputy",),
        lambda api, ctx, x: (
            f"{V1}/journals/{_journal(api, 'math') if x == 'in' else x}/correction-authorizations"
        ),
        lambda api, ctx: {"mark_id": ctx["math"]["mark"], "action": "void", "remark": "ошибка"},
        setup=_teaching,
    ),
    # --- imports of a school's files ---
    ("POST", "/api/v1/imports/{kind}"): Case(
        allowed=("admin", "secretary"),
        build=_fixed(f"{V1}/imports/students", _ROLL_UPLOAD),
        success=202,
    ),
    ("GET", "/api/v1/imports/jobs/{job_id}"): _by_id(
        ("admin",),
        lambda api, ctx, x: f"{V1}/imports/jobs/{ctx['job'] if x == 'in' else x}",
        lambda api, ctx: None,
        setup=_import_job,
    ),
    ("GET", "/api/v1/imports/templates/{name}"): Case(
        allowed=EVERYONE, build=_fixed(f"{V1}/imports/templates/students.xlsx")
    ),
    # --- accounts ---
    # A class teacher creates their class's families' accounts (Lyceum 68 §3.5.6).
    ("POST", "/api/v1/accounts"): Case(
        allowed=("admin", "class_teacher"),
        build=_fixed(f"{V1}/accounts", {"login": "novikov", "full_name": "Новиков Николай"}),
    ),
    ("GET", "/api/v1/accounts/{account_id}"): _by_id(
        ADMINISTRATION,
        lambda api, ctx, x: f"{V1}/accounts/{api.actors['math'].account_id if x == 'in' else x}",
        lambda api, ctx: None,
    ),
    ("POST", "/api/v1/accounts/{account_id}/roles"): _by_id(
        ("admin",),
        lambda api, ctx, x: f"{V1}/accounts/{ctx['account'] if x == 'in' else x}/roles",
        lambda api, ctx: {"role": "teacher"},
        setup=_fresh_account,
    ),
    ("POST", "/api/v1/accounts/{account_id}/roles/{grant_id}/revocation"): _by_id(
        ("admin",),
        lambda api, ctx, x: (
            f"{V1}/accounts/{ctx['account'] if x == 'in' else x}/roles/{ctx['grant']}/revocation"
        ),
        lambda api, ctx: {"reason": "перевод на другую должность"},
        setup=_granted,
    ),
    ("POST", "/api/v1/accounts/{account_id}/blocking"): _by_id(
        ("admin",),
        lambda api, ctx, x: f"{V1}/accounts/{ctx['account'] if x == 'in' else x}/blocking",
        lambda api, ctx: {"reason": "утеря пароля"},
        setup=_fresh_account,
    ),
    ("POST", "/api/v1/accounts/{account_id}/unblocking"): _by_id(
        ("admin",),
        lambda api, ctx, x: f"{V1}/accounts/{ctx['account'] if x == 'in' else x}/unblocking",
        lambda api, ctx: {"reason": "пароль восстановлен"},
        setup=_blocked,
    ),
    ("POST", "/api/v1/accounts/{account_id}/annulment"): _by_id(
        ("admin",),
        lambda api, ctx, x: f"{V1}/accounts/{ctx['account'] if x == 'in' else x}/annulment",
        lambda api, ctx: {"reason": "увольнение", "address": "novikov@example.ru"},
        setup=_fresh_account,
    ),
    ("POST", "/api/v1/accounts/{account_id}/password"): _by_id(
        ("admin",),
        lambda api, ctx, x: f"{V1}/accounts/{ctx['account'] if x == 'in' else x}/password",
        lambda api, ctx: {"password": "a long enough first password"},
        setup=_fresh_account,
    ),
    # --- the roll ---
    ("POST", "/api/v1/years/{year}/students"): _year_wide(
        ("secretary", "admin"), "/students", ADMISSION
    ),
    **{
        # The class teacher reads their own students' records and families (Lyceum 68 §3.5.2;
        # School 77 §4.3.7); out of scope a first-grader of 1А, missing a random id.
        ("GET", f"/api/v1/students/{{student_id}}{tail}"): Case(
            allowed=("secretary", "admin", "deputy", "director", "class_teacher"),
            allowed_out=("secretary", "admin", "deputy", "director"),
            build=_scoped(
                lambda api, ctx, t=tail: (f"{V1}/students/{_s(api, 0)}{t}", None),
                lambda api, ctx, t=tail: (f"{V1}/students/{api.world.first_graders[0]}{t}", None),
                lambda api, ctx, t=tail: (f"{V1}/students/{uuid4()}{t}", None),
            ),
        )
        for tail in ("", "/family")
    },
    ("POST", "/api/v1/students/{student_id}/transfer"): _by_id(
        ("secretary", "admin"),
        lambda api, ctx, x: f"{V1}/students/{_s(api, 2) if x == 'in' else x}/transfer",
        lambda api, ctx: MOVE | {"to_class": "1А"},
    ),
    ("POST", "/api/v1/students/{student_id}/withdrawal"): _by_id(
        ("secretary", "admin"),
        lambda api, ctx, x: f"{V1}/students/{_s(api, 2) if x == 'in' else x}/withdrawal",
        lambda api, ctx: MOVE,
    ),
    ("POST", "/api/v1/years/{year}/students/{student_id}/subgroups"): _by_id(
        # School 77 §4.4.9: only the administrator moves a student between subgroups.
        ("admin",),
        lambda api, ctx, x: (
            f"{V1}/years/{YEAR}/students/{_s(api, 0) if x == 'in' else x}/subgroups"
        ),
        lambda api, ctx: {"subject": "foreign_language", "subgroup": "2", "on": "2026-10-26"},
        when=(date(2026, 10, 26), 10),
        profile_refused=("class_teacher", "deputy"),
    ),
    # --- the staff list (Lyceum 68 §3.7.9, §3.8.1–3.8.2) ---
    ("POST", "/api/v1/staff"): Case(
        allowed=("secretary", "admin"), build=_fixed(f"{V1}/staff", STAFF_HIRE)
    ),
    ("GET", "/api/v1/staff"): Case(
        allowed=("secretary", "admin", "deputy", "director"),
        build=_fixed(f"{V1}/staff?on=2026-09-07"),
        setup=_staffed,
    ),
    ("GET", "/api/v1/staff/{member_id}"): _member(
        "", ("secretary", "admin", "deputy", "director"), None
    ),
    ("POST", "/api/v1/staff/{member_id}/transfer"): _member(
        "/transfer",
        ("secretary", "admin"),
        {
            "to_position": "педагог-организатор",
            "on": "2026-09-07",
            "order": "№ 20-к",
            "reason": "заявление",
        },
    ),
    ("POST", "/api/v1/staff/{member_id}/dismissal"): _member(
        "/dismissal",
        ("secretary", "admin"),
        {"on": "2026-09-07", "order": "№ 21-к", "reason": "по собственному желанию"},
    ),
    ("POST", "/api/v1/staff/{member_id}/attestations"): _member(
        "/attestations",
        ("deputy", "secretary", "admin"),
        {
            "on": "2026-09-04",
            "result": "соответствует занимаемой должности",
            "document": "протокол № 1",
        },
    ),
    ("POST", "/api/v1/staff/{member_id}/trainings"): _member(
        "/trainings",
        ("deputy", "secretary", "admin"),
        {
            "course": "ФГОС",
            "organisation": "ИРО",
            "start": "2026-09-02",
            "end": "2026-09-04",
            "hours": 16,
            "document": "удостоверение № 3",
        },
    ),
    # --- students' additional education (Gymnasium 2 §7.8) ---
    ("POST", "/api/v1/students/{student_id}/additional-education"): _education(
        "",
        ("class_teacher",),
        {"name": "Хор", "organisation": "школа", "start": "2026-09-01"},
    ),
    ("GET", "/api/v1/students/{student_id}/additional-education"): _education(
        "", ("class_teacher", *ADMINISTRATION), None, setup=_club
    ),
    ("POST", "/api/v1/students/{student_id}/additional-education/{activity_id}/end"): _education(
        "/{activity}/end", ("class_teacher",), {"on": "2026-09-07"}, setup=_club
    ),
    # --- schedules of control works (Gymnasium 2 §6.3) ---
    ("POST", "/api/v1/journals/{journal_id}/control-works"): Case(
        allowed=("math",),
        allowed_out=("russian",),
        build=_scoped(
            lambda api, ctx: (f"{V1}/journals/{_journal(api, 'math')}/control-works", WORK),
            lambda api, ctx: (f"{V1}/journals/{_journal(api, 'russian')}/control-works", WORK),
        ),
    ),
    ("GET", "/api/v1/journals/{journal_id}/control-works"): Case(
        allowed=("math", "class_teacher", *READERS),
        allowed_out=("math", *READERS),
        build=_scoped(
            lambda api, ctx: (f"{V1}/journals/{_journal(api, 'math')}/control-works", None),
            lambda api, ctx: (f"{V1}/journals/{_journal(api, 'math1')}/control-works", None),
            lambda api, ctx: (f"{V1}/journals/{uuid4()}/control-works", None),
        ),
        setup=_planned,
    ),
    ("POST", "/api/v1/journals/{journal_id}/control-works/{work_id}/agreement"): _work(
        "/agreement", ("deputy",), None
    ),
    ("POST", "/api/v1/journals/{journal_id}/control-works/{work_id}/cancellation"): _work(
        "/cancellation", ("math", "deputy"), {"reason": "перенос по графику"}
    ),
    ("GET", "/api/v1/years/{year}/reports/control-works-without-results"): Case(
        allowed=ADMINISTRATION,
        build=_scoped(
            lambda api, ctx: (
                f"{V1}/years/{YEAR}/reports/control-works-without-results?before=2026-09-30",
                None,
            ),
            lambda api, ctx: (
                f"{V1}/years/{NO_YEAR}/reports/control-works-without-results?before=2031-09-30",
                None,
            ),
            lambda api, ctx: (
                f"{V1}/years/{NO_YEAR}/reports/control-works-without-results?before=2031-09-30",
                None,
            ),
        ),
    ),
    # --- the family's ---
    ("GET", "/api/v1/family/children"): Case(
        allowed=("parent", "student"), build=_fixed(f"{V1}/family/children")
    ),
    ("GET", "/api/v1/family/children/{student_id}"): Case(
        allowed=("parent",),
        build=_scoped(
            lambda api, ctx: (f"{V1}/family/children/{_s(api, 0)}", None),
            lambda api, ctx: (f"{V1}/family/children/{_s(api, 2)}", None),
            lambda api, ctx: (f"{V1}/family/children/{uuid4()}", None),
        ),
    ),
    ("GET", "/api/v1/family/children/{student_id}/diary"): Case(
        allowed=("parent",),
        build=_scoped(
            lambda api, ctx: (f"{V1}/family/children/{_s(api, 0)}/diary?start=2026-09-07", None),
            lambda api, ctx: (f"{V1}/family/children/{_s(api, 2)}/diary?start=2026-09-07", None),
            lambda api, ctx: (f"{V1}/family/children/{uuid4()}/diary?start=2026-09-07", None),
        ),
        setup=_teaching,
    ),
    ("GET", "/api/v1/family/children/{student_id}/averages"): Case(
        allowed=("parent",),
        build=_scoped(
            lambda api, ctx: (f"{V1}/family/children/{_s(api, 0)}/averages?period=Q1", None),
            lambda api, ctx: (f"{V1}/family/children/{_s(api, 2)}/averages?period=Q1", None),
            lambda api, ctx: (f"{V1}/family/children/{uuid4()}/averages?period=Q1", None),
        ),
        setup=_teaching,
    ),
    # --- reports (issue 4) ---
    # A class's reports: its class teacher and the school's readers (inspectors and auditors
    # too); out of scope another class, missing a class the year does not have.
    **{
        ("GET", f"/api/v1/years/{{year}}/classes/{{class_code}}/reports/{name}"): Case(
            allowed=("class_teacher", *READERS),
            allowed_out=READERS,
            build=_scoped(
                lambda api, ctx, q=f"{name}{query}": (
                    f"{V1}/years/{YEAR}/classes/5А/reports/{q}",
                    None,
                ),
                lambda api, ctx, q=f"{name}{query}": (
                    f"{V1}/years/{YEAR}/classes/1А/reports/{q}",
                    None,
                ),
                lambda api, ctx, q=f"{name}{query}": (
                    f"{V1}/years/{YEAR}/classes/9Я/reports/{q}",
                    None,
                ),
            ),
            setup=_teaching,
        )
        for name, query in (
            ("attendance", ""),
            ("marks-accumulation", "?period=Q1"),
            ("journal-monitoring", "?period=Q1"),
            ("family-activity", ""),
            ("class-teacher", "?period=Q1"),
        )
    },
    # A journal's monitoring: its teacher, its class's class teacher and the school's readers;
    # out of scope 5А Russian, which the mathematics teacher does not keep (its own does).
    ("GET", "/api/v1/journals/{journal_id}/reports/journal-monitoring"): Case(
        allowed=("math", "class_teacher", *READERS),
        allowed_out=("russian", "class_teacher", *READERS),
        build=_scoped(
            lambda api, ctx: (
                f"{V1}/journals/{_journal(api, 'math')}/reports/journal-monitoring?period=Q1",
                None,
            ),
            lambda api, ctx: (
                f"{V1}/journals/{_journal(api, 'russian')}/reports/journal-monitoring?period=Q1",
                None,
            ),
            lambda api, ctx: (f"{V1}/journals/{uuid4()}/reports/journal-monitoring", None),
        ),
        setup=_teaching,
    ),
    # The school's reports, for its readers; out of scope a year the school does not have.
    **{
        ("GET", f"/api/v1/years/{{year}}/reports/{name}"): Case(
            allowed=READERS,
            build=_scoped(
                lambda api, ctx, q=f"{name}{query}": (f"{V1}/years/{YEAR}/reports/{q}", None),
                lambda api, ctx, q=f"{name}{query}": (f"{V1}/years/{NO_YEAR}/reports/{q}", None),
                lambda api, ctx, q=f"{name}{query}": (f"{V1}/years/{NO_YEAR}/reports/{q}", None),
            ),
            setup=_teaching,
        )
        for name, query in (
            ("journal-monitoring", "?start=2026-09-01&end=2026-09-30"),
            ("class-occupancy", "?period=Q1"),
            ("family-activity", ""),
        )
    },
    # --- audit trail (issue 5) ---
    # The whole trail for the auditor, the deputy and the director; a teacher's own journals, a
    # class teacher's class, a parent's child's marks. In scope 5А mathematics; out of scope 1А
    # mathematics (kept by the same teacher); missing a journal that does not exist.
    **{
        ("GET", path): Case(
            allowed=("auditor", "deputy", "director", "admin", "math", "class_teacher", "parent"),
            allowed_out=("auditor", "deputy", "director", "admin", "math"),
            build=_scoped(
                lambda api, ctx, p=path: (f"{p}?journal_id={_journal(api, 'math')}", None),
                lambda api, ctx, p=path: (f"{p}?journal_id={_journal(api, 'math1')}", None),
                lambda api, ctx, p=path: (f"{p}?journal_id={uuid4()}", None),
            ),
            setup=_teaching,
        )
        for path in (f"{V1}/audit", f"{V1}/audit.csv")
    },
    # --- history (issue 5) ---
    # A journal as it stood and what changed on it: history readers and the journal's own
    # teacher; out of scope 5А Russian (its own teacher may), missing a journal that does not
    # exist.
    **{
        ("GET", f"{V1}/journals/{{journal_id}}/history{tail}"): Case(
            allowed=(*HISTORY, "deputy", "director", "admin", "math", "class_teacher"),
            allowed_out=(*HISTORY, "deputy", "director", "admin", "russian", "class_teacher"),
            build=_scoped(
                lambda api, ctx, q=f"{tail}?{query}": (
                    f"{V1}/journals/{_journal(api, 'math')}/history{q}",
                    None,
                ),
                lambda api, ctx, q=f"{tail}?{query}": (
                    f"{V1}/journals/{_journal(api, 'russian')}/history{q}",
                    None,
                ),
                lambda api, ctx, q=f"{tail}?{query}": (f"{V1}/journals/{uuid4()}/history{q}", None),
            ),
            setup=_teaching,
        )
        for tail, query in (
            ("", "at=2026-09-07T12:00:00Z"),
            ("/diff", "start=2026-09-01T00:00:00Z&end=2026-09-07T12:00:00Z"),
        )
    },
    # One mark's story: history readers, the journal's teacher, and the parent of the student
    # it was given to; out of scope a mark of another child in 5А Russian.
    ("GET", "/api/v1/journals/{journal_id}/marks/{mark_id}/story"): Case(
        allowed=(*HISTORY, "deputy", "director", "admin", "math", "class_teacher", "parent"),
        allowed_out=(*HISTORY, "deputy", "director", "admin", "russian", "class_teacher"),
        build=_scoped(
            lambda api, ctx: (
                f"{V1}/journals/{_journal(api, 'math')}/marks/{ctx['child_mark']}/story",
                None,
            ),
            lambda api, ctx: (
                f"{V1}/journals/{_journal(api, 'russian')}/marks/{ctx['russian']['mark']}/story",
                None,
            ),
            lambda api, ctx: (f"{V1}/journals/{_journal(api, 'math')}/marks/{uuid4()}/story", None),
        ),
        setup=_child_marked,
    ),
    # --- integrity (issue 5) ---
    ("GET", "/api/v1/integrity/checkpoints"): Case(
        allowed=READERS, build=_fixed(f"{V1}/integrity/checkpoints"), setup=_checkpointed
    ),
    ("GET", "/api/v1/integrity/checkpoints/latest"): Case(
        allowed=READERS, build=_fixed(f"{V1}/integrity/checkpoints/latest"), setup=_checkpointed
    ),
    ("GET", "/api/v1/integrity/checkpoints/{size}"): Case(
        allowed=READERS,
        build=_scoped(lambda api, ctx: (f"{V1}/integrity/checkpoints/{ctx['size']}", None)),
        setup=_checkpointed,
    ),
    ("GET", "/api/v1/integrity/public-key"): Case(
        allowed=READERS, build=_fixed(f"{V1}/integrity/public-key")
    ),
    ("GET", "/api/v1/integrity/inclusion"): Case(
        allowed=READERS,
        build=_scoped(
            lambda api, ctx: (f"{V1}/integrity/inclusion?position=1&size={ctx['size']}", None)
        ),
        setup=_checkpointed,
    ),
    ("GET", "/api/v1/integrity/consistency"): Case(
        allowed=READERS,
        build=_scoped(
            lambda api, ctx: (f"{V1}/integrity/consistency?old=1&new={ctx['size']}", None)
        ),
        setup=_checkpointed,
    ),
    # --- printouts (School 77 §4.3.5, School 117 §10.2) ---
    ("POST", "/api/v1/students/{student_id}/printouts"): Case(
        allowed=("class_teacher", *ADMINISTRATION),
        allowed_out=ADMINISTRATION,
        build=_scoped(
            lambda api, ctx: (f"{V1}/students/{_s(api, 0)}/printouts", FORTNIGHT),
            lambda api, ctx: (f"{V1}/students/{api.world.first_graders[0]}/printouts", FORTNIGHT),
            lambda api, ctx: (f"{V1}/students/{uuid4()}/printouts", FORTNIGHT),
        ),
    ),
    ("GET", "/api/v1/accounts/{account_id}/annulment-notice"): _by_id(
        ADMINISTRATION,
        lambda api, ctx, x: f"{V1}/accounts/{ctx['account'] if x == 'in' else x}/annulment-notice",
        lambda api, ctx: None,
        setup=_annulled,
    ),
    # --- everyday reads (issue 14) ---
    # A teacher's journals and lessons: their own, and any teacher's for the administration; out
    # of scope another teacher's (the Russian teacher reads her own), missing an unknown id.
    **{
        ("GET", f"{V1}/teachers/{{teacher_id}}/{tail}"): Case(
            allowed=("math", *ADMINISTRATION),
            allowed_out=("russian", *ADMINISTRATION),
            build=_scoped(
                lambda api, ctx, q=f"{tail}?year={YEAR}{query}": (
                    f"{V1}/teachers/{api.actors['math'].account_id}/{q}",
                    None,
                ),
                lambda api, ctx, q=f"{tail}?year={YEAR}{query}": (
                    f"{V1}/teachers/{api.actors['russian'].account_id}/{q}",
                    None,
                ),
                lambda api, ctx, q=f"{tail}?year={YEAR}{query}": (
                    f"{V1}/teachers/{uuid4()}/{q}",
                    None,
                ),
            ),
            setup=_teaching,
        )
        for tail, query in (("journals", ""), ("lessons", f"&start={MONDAY.isoformat()}"))
    },
    # A family's week: the parent's own child; out of scope another child of 5А.
    ("GET", "/api/v1/family/children/{student_id}/week"): Case(
        allowed=("parent",),
        build=_scoped(
            lambda api, ctx: (f"{V1}/family/children/{_s(api, 0)}/week?from=2026-09-07", None),
            lambda api, ctx: (f"{V1}/family/children/{_s(api, 2)}/week?from=2026-09-07", None),
            lambda api, ctx: (f"{V1}/family/children/{uuid4()}/week?from=2026-09-07", None),
        ),
        setup=_teaching,
    ),
    # A parent's notice of absence: for their own child only.
    ("POST", "/api/v1/family/children/{student_id}/absence-notices"): Case(
        allowed=("parent",),
        build=_scoped(
            lambda api, ctx: (f"{V1}/family/children/{_s(api, 0)}/absence-notices", NOTICE),
            lambda api, ctx: (f"{V1}/family/children/{_s(api, 2)}/absence-notices", NOTICE),
        ),
    ),
    # The notices given for one's children: a parent's own child only.
    ("GET", "/api/v1/family/children/{student_id}/absence-notices"): Case(
        allowed=("parent",),
        build=_scoped(
            lambda api, ctx: (f"{V1}/family/children/{_s(api, 0)}/absence-notices", None),
            lambda api, ctx: (f"{V1}/family/children/{_s(api, 2)}/absence-notices", None),
            lambda api, ctx: (f"{V1}/family/children/{uuid4()}/absence-notices", None),
        ),
        setup=_noticed,
    ),
    ("GET", "/api/v1/family/absence-notices"): Case(
        allowed=("parent",), build=_fixed(f"{V1}/family/absence-notices"), setup=_noticed
    ),
    # A class's absences and its families' notices: its class teacher and the administration.
    **{
        ("GET", f"{V1}/classes/{{class_code}}/{tail}"): Case(
            allowed=("class_teacher", *ADMINISTRATION),
            allowed_out=ADMINISTRATION,
            build=_scoped(
                lambda api, ctx, q=f"{tail}?year={YEAR}{query}": (f"{V1}/classes/5А/{q}", None),
                lambda api, ctx, q=f"{tail}?year={YEAR}{query}": (f"{V1}/classes/1А/{q}", None),
                lambda api, ctx, q=f"{tail}?year={YEAR}{query}": (f"{V1}/classes/9Я/{q}", None),
            ),
            setup=_noticed,
        )
        for tail, query in (
            ("absences", "&week=2026-09-07&without_reason=true"),
            ("absence-notices", ""),
        )
    },
    # A notice taken as the reason for absences: the class's own class teacher.
    ("POST", "/api/v1/classes/{class_code}/absence-notices/{notice_id}/reason"): Case(
        allowed=("class_teacher",),
        build=_scoped(
            lambda api, ctx: (
                f"{V1}/classes/5А/absence-notices/{ctx['notice']}/reason?year={YEAR}",
                {"student_id": _s(api, 0), "absence_reason": "family"},
            ),
            lambda api, ctx: (
                f"{V1}/classes/1А/absence-notices/{ctx['notice']}/reason?year={YEAR}",
                {"student_id": _s(api, 0), "absence_reason": "family"},
            ),
        ),
        setup=_noticed,
    ),
    # The accounts' directory: the administration and the auditor.
    ("GET", "/api/v1/accounts"): Case(
        allowed=(*ADMINISTRATION, "auditor"), build=_fixed(f"{V1}/accounts?q=иванова")
    ),
}


def _reasons(class_code: str) -> str:
    return f"{V1}/classes/{class_code}/absence-reasons?year={YEAR}"


def _reason(student: UUID) -> dict[str, Any]:
    return {
        "student_id": str(student),
        "start": MONDAY.isoformat(),
        "end": MONDAY.isoformat(),
        "absence_reason": "illness",
        "note": "справка № 12",
    }


def _outsider(api: Api) -> dict[str, Any]:
    return {"account_id": str(api.actors["outsider"].account_id)}


def _timetable(api: Api) -> dict[str, Any]:
    return {
        # Lesson 6: the teacher of 1А's mathematics teaches 5А in lessons 1–2.
        "entries": [{"weekday": 1, "slot": 6, "journal_id": _journal(api, "math1")}],
        "reason": "расписание 1А",
    }


def app_routes(api: Api) -> set[tuple[str, str]]:
    """Every (method, path) the app serves under /api/v1, but logging in (and replacing a
    temporary password, which is a login too: tests/api/test_school_create.py) and the health
    check."""
    found = set()
    for route in routing.iter_route_contexts(api.client.app.routes):
        path, methods = route.path, route.methods or set()
        if not isinstance(route.original_route, routing.APIRoute) or not path.startswith(V1):
            continue
        if path in (f"{V1}/auth/token", f"{V1}/auth/password-change", f"{V1}/health"):
            continue
        found |= {(method, path) for method in methods if method != "HEAD"}
    return found


def without_instance(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "instance"}


def send(api: Api, method: str, who: str | None, request: tuple[str, Any]) -> Any:
    path, body = request
    if isinstance(body, Upload):
        return api.client.request(
            method, path, files={"file": body.file}, data=body.fields, headers=api.headers(who)
        )
    return api.client.request(method, path, json=body, headers=api.headers(who))


def refused(api: Api, method: str, who: str, request: tuple[str, Any], case: Case) -> Any:
    """A refusal that records nothing and, for a read, tells nothing (answers as missing)."""
    position = api.world.school.position()
    response = send(api, method, who, request)
    allowed = (403, 404) if method == "GET" else (401, 403, 404)
    if who in case.profile_refused:
        allowed = (*allowed, 422)
    assert response.status_code in allowed, (who, request[0], response.status_code, response.text)
    assert response.headers["content-type"] == PROBLEM, response.text
    assert api.world.school.position() == position, (who, request[0], "recorded something")
    if method == "GET" and response.status_code == 404:
        missing = case.build(api, {}, "missing")
        assert missing is not None, f"{request[0]}: a 404 with no missing-resource probe"
        absent = send(api, method, who, missing)
        assert absent.status_code == 404, (who, missing[0], absent.text)
        assert without_instance(response.json()) == without_instance(absent.json())
    return response


PUBLIC = {
    ("GET", f"{V1}/schools/{{school}}/log/key"),
    ("GET", f"{V1}/schools/{{school}}/log/checkpoint"),
    ("GET", f"{V1}/schools/{{school}}/log/checkpoints"),
    ("GET", f"{V1}/schools/{{school}}/log/checkpoints/{{size}}"),
    ("GET", f"{V1}/schools/{{school}}/log/leaves"),
    ("GET", f"{V1}/schools/{{school}}/log/proof/inclusion"),
    ("GET", f"{V1}/schools/{{school}}/log/proof/consistency"),
}
"""The public log (finding 5 of the integrity issue): no token, no event content; each route is
checked anonymously in test_public_log_api.py."""


def test_every_route_is_in_the_matrix(api: Api) -> None:
    routes = app_routes(api)
    assert len(routes) > 50
    assert set(TABLE) == routes - PUBLIC
    assert routes >= PUBLIC


READS = sorted(route for route in TABLE if route[0] == "GET")
WRITES = sorted(route for route in TABLE if route[0] != "GET")
"""The read cells share a world per backend (one copy of the school per setup and time, built
once: a read records nothing, which every cell asserts); each writing cell has a fresh copy of
its own, so no write can disturb another cell."""


def prepare(api: Api, case: Case) -> Ctx:
    """The case's moment and resources, everyone logged in at that moment."""
    day, hour = case.when
    api.world.at(day, hour)
    for who in EVERYONE:
        api.token(who)  # logged in at the time of the requests
    return case.setup(api)


def check_cells(api: Api, route: tuple[str, str], ctx: Ctx) -> None:
    """Every cell of a route's row: no token, everyone refused, the first allowed succeeds."""
    method, _ = route
    case = TABLE[route]
    inside = case.build(api, ctx, "in")
    outside = case.build(api, ctx, "out")
    assert inside is not None
    position = api.world.school.position()
    for request in (inside, outside):
        if request is not None:
            response = send(api, method, None, request)
            assert response.status_code == 401, response.text
            assert response.headers["content-type"] == PROBLEM
    assert api.world.school.position() == position
    for who in EVERYONE:
        if who not in case.allowed:
            refused(api, method, who, inside, case)
    if outside is not None:
        for who in EVERYONE:
            if who not in case.allowed_out:
                refused(api, method, who, outside, case)
    who = case.allowed[0]
    response = send(api, method, who, inside)
    expected = case.success or (200 if method == "GET" else 201)
    assert response.status_code == expected, (who, inside[0], response.text)
    if method == "GET":
        assert api.world.school.position() == position


@pytest.mark.parametrize("route", WRITES, ids=" ".join)
def test_access_matrix(api: Api, route: tuple[str, str]) -> None:
    check_cells(api, route, prepare(api, TABLE[route]))


SharedWorld = Callable[[Case], tuple[Api, Ctx]]


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ],
)
def read_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedWorld]:
    """The read cells' worlds on one backend: a copy of the API school for each (setup, time)
    the read cases name, opened and prepared when first asked for and kept for the module."""
    backend: str = request.param
    directory = tmp_path_factory.mktemp(f"matrix-{backend}")
    worlds: dict[tuple[int, tuple[date, int]], tuple[Api, Ctx]] = {}
    with contextlib.ExitStack() as stack:

        def world(case: Case) -> tuple[Api, Ctx]:
            key = (id(case.setup), case.when)
            if key not in worlds:
                api = stack.enter_context(_open_copy(request, backend, directory, stack))
                worlds[key] = (api, prepare(api, case))
            return worlds[key]

        yield world


@contextlib.contextmanager
def _open_copy(
    request: pytest.FixtureRequest, backend: str, directory: Path, stack: contextlib.ExitStack
) -> Iterator[Api]:
    """As tests/api/conftest.py's ``api`` fixture, on a copy of the school that outlives a test."""
    school = "t" + uuid4().hex[:12]
    if backend == "sqlite":
        sqlite: SqliteTemplate = request.getfixturevalue("sqlite_api_template")
        database_url = f"sqlite:///{directory}/db"
        sqlite.copy(database_url, school)
        template = sqlite.template
    else:
        postgres: PostgresTemplate = request.getfixturevalue("postgres_api_template")
        database_url = postgres.copy(school)
        stack.callback(postgres.drop, database_url)
        template = postgres.template
    settings = Settings(
        database_url=database_url,
        school=school,
        password_hashing="cheapest",
        signing_key_dir=directory / "keys",
        checkpoint_dir=directory / "checkpoints",
    )
    clock = MovableClock(template.now)
    app = create_app(settings.model_copy(update={"projections": "worker"}), clock=clock)
    deployment = app.state.deployment
    services = deployment.school(school)
    assert services is not None, f"no copy of the API school as {school}"
    world = template.world_on(services.app, clock)
    services.notary.checkpoint()
    deployment.settings = settings
    services.follow()
    with TestClient(app) as client:
        api = Api(client=client, world=world, school=school, actors=dict(template.actors))
        api.sign_in("parent", "student")  # as the api fixture does (a family's sign-in is an event)
        yield api


@pytest.mark.parametrize("route", READS, ids=" ".join)
def test_access_matrix_read(read_world: SharedWorld, route: tuple[str, str]) -> None:
    api, ctx = read_world(TABLE[route])
    check_cells(api, route, ctx)


UNSCOPED_READS = {
    f"{V1}/me": "the caller's own account",
    f"{V1}/auth/api-tokens": "the caller's own tokens",
    f"{V1}/years/{{year}}": "the school year's calendar, the same for all staff",
    f"{V1}/accounts/{{account_id}}": "any account, for the administration (a role, no scope)",
    f"{V1}/projections": "the read models' state, for the administration (a role, no scope)",
    f"{V1}/years/{{year}}/reports/working-time": "the teachers' табель, for the administration"
    " (a role, no scope)",
    f"{V1}/integrity/checkpoints": "the log's checkpoints carry no journal content",
    f"{V1}/integrity/checkpoints/latest": "the log's checkpoints carry no journal content",
    f"{V1}/integrity/checkpoints/{{size}}": "the log's checkpoints carry no journal content",
    f"{V1}/integrity/public-key": "the log's key carries no journal content",
    f"{V1}/integrity/inclusion": "a proof of hashes carries no journal content",
    f"{V1}/integrity/consistency": "a proof of hashes carries no journal content",
    f"{V1}/imports/templates/{{name}}": "an import template holds column titles only",
    f"{V1}/imports/jobs/{{job_id}}": "the caller's own import job (anyone else's is missing)",
}
"""The reads that scope nothing, each with the reason; every other read of the API calls one of
the core's read rules (``ejournal.access.READ_RULES``), or a core query that takes the reader and
checks it itself (``READER_QUERIES``)."""

READER_QUERIES = {
    f"{V1}/journals/{{journal_id}}/control-works": "schedule_of",
    f"{V1}/years/{{year}}/reports/control-works-without-results": "agreed_without_results",
    f"{V1}/students/{{student_id}}/additional-education": "additional_education",
    f"{V1}/staff": "staff_on",
    f"{V1}/staff/{{member_id}}": "staff_member",
    f"{V1}/accounts/{{account_id}}/annulment-notice": "annulment",
}
"""Reads whose core query takes the reader (as the issue on read access asks of every query):
the route calls it, and the query checks role and scope in ``ejournal.commands``/``projections``
before it reads. Their scope checks are still to move into ``ejournal.access`` itself."""


def test_every_read_goes_through_the_cores_access_module(api: Api) -> None:
    """DESIGN.md §5: every read is scoped in one module of the core; a route only parses, calls
    it and renders. A new read route that checks nothing (or checks scope itself) fails here."""
    unscoped = set()
    for route in routing.iter_route_contexts(api.client.app.routes):
        original = route.original_route
        path = route.path
        if not isinstance(original, routing.APIRoute) or "GET" not in (original.methods or ()):
            continue
        if not path.startswith(V1) or ("GET", path) in PUBLIC or path == f"{V1}/health":
            continue
        names = set(original.endpoint.__code__.co_names)
        if path in READER_QUERIES:
            assert READER_QUERIES[path] in names, f"{path} no longer calls its reader query"
            continue
        called = names & set(access.READ_RULES)
        if not called:
            unscoped.add(path)
        else:
            assert path not in UNSCOPED_READS, f"{path} is scoped: drop it from UNSCOPED_READS"
    assert unscoped == set(UNSCOPED_READS)
    assert all(callable(getattr(access, name)) for name in access.READ_RULES)
