"""Importing the roll: students (class, birth date, admission order), their guardians (name,
phone, e-mail) and, where a login is given, the parent's account.

A student is the same student when the full name and the birth date match (within the year);
a guardian is the same when the name matches on that student; an account, when the login does.
A student listed on several rows (one per guardian) is admitted once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from ejournal.access import creates_accounts
from ejournal.aggregates.account import Account
from ejournal.aggregates.identity import account_id as account_id_for
from ejournal.aggregates.student import PersonName, Student
from ejournal.application import Recorded, School
from ejournal.commands import accounts, students
from ejournal.imports.columns import Column, Sheet, normal
from ejournal.imports.plan import Step, runs
from ejournal.imports.references import class_code, school_year
from ejournal.imports.table import Row
from ejournal.roles import Actor, Role

Relation = Literal["mother", "father", "guardian", "other"]
RELATIONS: dict[str, Relation] = {
    "мать": "mother",
    "мама": "mother",
    "отец": "father",
    "папа": "father",
    "опекун": "guardian",
    "попечитель": "guardian",
    "законный представитель": "guardian",
    "другое": "other",
    "другой": "other",
    "mother": "mother",
    "father": "father",
    "guardian": "guardian",
    "other": "other",
}

StudentKey = tuple[str, date]


def _key(name: PersonName, birth_date: date) -> StudentKey:
    return normal(str(name)), birth_date


@dataclass
class _Listed:
    """A student as the file first lists them."""

    row: int
    class_code: str
    existing: Student | None
    guardians: dict[str, int]
    """The guardians the file gives them, by name, with the row each first appears on."""


class StudentsImport:
    name = "students"
    title = "Ученики и представители"
    columns: tuple[Column, ...] = (
        Column("last", "Фамилия", True, "Алексеев"),
        Column("first", "Имя", True, "Артём"),
        Column("patronymic", "Отчество", False, "Игоревич"),
        Column("birth_date", "Дата рождения", True, "14.03.2015", "ДД.ММ.ГГГГ"),
        Column("class", "Класс", True, "5А", "класс этого учебного года"),
        Column(
            "admitted", "Дата зачисления", False, "01.09.2026", "если пусто — начало учебного года"
        ),
        Column("order", "Приказ о зачислении", True, "№ 101-у от 28.08.2026"),
        Column(
            "guardian",
            "Представитель",
            False,
            "Алексеева Ирина Олеговна",
            "ФИО; для второго представителя — ещё одна строка с тем же учеником",
            aliases=("ФИО представителя", "Родитель"),
        ),
        Column("relation", "Кем приходится", False, "мать", "мать, отец, опекун или другое"),
        Column("phone", "Телефон", False, "+7 900 123-45-67", aliases=("Телефон представителя",)),
        Column("email", "E-mail", False, "alekseeva@example.ru", aliases=("Email", "Эл. почта")),
        Column(
            "login",
            "Логин родителя",
            False,
            "alekseeva.io",
            "если заполнен — создаётся учётная запись родителя (без пароля)",
        ),
    )

    def plan(
        self, school: School, actor: Actor, account: Account | None, sheet: Sheet, year: str
    ) -> list[Step]:
        the_year = school_year(school, year, open_only=True)
        on_roll: dict[StudentKey, Student] = {}
        for student_id in the_year.class_stints:
            student = school.view(Student, student_id, "student")
            on_roll[_key(student.name, student.birth_date)] = student
        ids: dict[StudentKey, UUID] = {k: s.id for k, s in on_roll.items()}
        listed: dict[StudentKey, _Listed] = {}
        logins: dict[str, tuple[str, int]] = {}
        """Each login the file gives: the guardian's name and the row it first appears on."""
        steps: list[Step] = []
        for row in sheet.table.rows:
            name = sheet.person_parts(row, "last", "first", "patronymic")
            birth_date = sheet.day(row, "birth_date")
            code = class_code(sheet, row, "class", the_year)
            admitted = sheet.day(row, "admitted", required=False) or the_year.starts_on
            if not the_year.starts_on <= admitted <= the_year.ends_on:
                sheet.problem(row, "admitted", f"дата вне {the_year.label} учебного года")
            order = sheet.text(row, "order", 200)
            if name is None or birth_date is None or code is None or order is None:
                self._guardian(school, actor, sheet, row, None, None, ids, logins, steps)
                continue
            key = _key(name, birth_date)
            entry = listed.get(key)
            if entry is None:
                existing = on_roll.get(key)
                entry = _Listed(row.number, code, existing, {})
                listed[key] = entry
                if existing is None:
                    command = students.AdmitStudent(
                        year=year,
                        name=name,
                        birth_date=birth_date,
                        class_code=code,
                        on=admitted,
                        order=order,
                    )
                    steps.append(Step(row.number, "student", _admit(school, actor, command, ids)))
                elif existing.withdrawn or existing.year != year:
                    sheet.problem(row, None, f"ученик {name} выбыл; зачисление — приказом")
                elif existing.class_code != code:
                    sheet.problem(
                        row,
                        "class",
                        f"ученик {name} уже числится в классе {existing.class_code};"
                        " перевод оформляется приказом, а не импортом",
                    )
                else:
                    steps.append(Step(row.number, "student", None))
            elif entry.class_code != code:
                sheet.problem(
                    row, "class", f"тот же ученик в строке {entry.row} записан в другой класс"
                )
            self._guardian(school, actor, sheet, row, key, entry, ids, logins, steps)
        return steps

    def _guardian(
        self,
        school: School,
        actor: Actor,
        sheet: Sheet,
        row: Row,
        key: StudentKey | None,
        entry: _Listed | None,
        ids: dict[StudentKey, UUID],
        logins: dict[str, tuple[str, int]],
        steps: list[Step],
    ) -> None:
        """The row's guardian, their parent account and its role, checked even when the
        student's own cells are wrong (so every problem of the row is said at once)."""
        name = sheet.person(row, "guardian", required=False)
        relation = sheet.choice(row, "relation", RELATIONS, required=name is not None)
        phone = sheet.phone(row, "phone")
        email = sheet.email(row, "email")
        login = sheet.login(row, "login", required=False)
        if name is None:
            if not sheet.cell(row, "guardian") and any(
                sheet.cell(row, k) for k in ("relation", "phone", "email", "login")
            ):
                sheet.problem(row, "guardian", "не заполнено, а данные представителя есть")
            return
        if login is not None and not creates_accounts(actor):
            sheet.problem(
                row, "login", "учётные записи родителей создаёт администратор; оставьте пусто"
            )
            login = None
        if login is not None and not self._account(
            school, actor, sheet, row, name, email, login, logins, steps
        ):
            return
        account_id = account_id_for(login) if login else None
        if key is None or entry is None or relation is None:
            return
        who = normal(str(name))
        if who in entry.guardians:
            sheet.problem(
                row,
                "guardian",
                f"этот представитель ученика уже указан в строке {entry.guardians[who]}",
            )
            return
        entry.guardians[who] = row.number
        recorded = None
        if entry.existing is not None:
            recorded = next(
                (g for g in entry.existing.guardians.values() if normal(str(g.name)) == who),
                None,
            )
        if recorded is None:
            guardian = _GuardianSpec(name, relation, phone, email, account_id)
            steps.append(
                Step(row.number, "guardian", _add_guardian(school, actor, key, guardian, ids))
            )
        elif account_id is not None and recorded.account_id != account_id:
            sheet.problem(
                row,
                "login",
                "этот представитель уже записан без этой учётной записи; свяжите их вручную",
            )
            return
        else:
            steps.append(Step(row.number, "guardian", None))
        if account_id is None:
            return
        granted = (
            entry.existing is not None
            and school.exists(account_id)
            and any(
                g.role is Role.PARENT and g.student_id == entry.existing.id
                for g in school.view(Account, account_id, "account").grants.values()
            )
        )
        steps.append(
            Step(
                row.number,
                "role",
                None if granted else _grant_parent(school, actor, key, account_id, ids),
            )
        )

    def _account(
        self,
        school: School,
        actor: Actor,
        sheet: Sheet,
        row: Row,
        name: PersonName,
        email: str | None,
        login: str,
        logins: dict[str, tuple[str, int]],
        steps: list[Step],
    ) -> bool:
        """The parent's account, created once per login in the file; False when the login is
        another guardian's already."""
        first = logins.get(login.lower())
        if first is not None:
            if first[0] == normal(str(name)):
                return True
            sheet.problem(row, "login", f"этот логин в строке {first[1]} дан другому представителю")
            return False
        logins[login.lower()] = (normal(str(name)), row.number)
        if school.exists(account_id_for(login)):
            steps.append(Step(row.number, "account", None))
            return True
        command = accounts.RegisterAccount(login=login, full_name=str(name), email=email)
        steps.append(
            Step(
                row.number,
                "account",
                runs(school, actor, accounts.register_account, command),
                login_without_password=login,
            )
        )
        return True


@dataclass(frozen=True)
class _GuardianSpec:
    name: PersonName
    relation: Relation
    phone: str | None
    email: str | None
    account_id: UUID | None


def _admit(
    school: School, actor: Actor, command: students.AdmitStudent, ids: dict[StudentKey, UUID]
) -> Callable[[], Recorded]:
    def run() -> Recorded:
        recorded = students.admit_student(school, actor, command)
        ids[_key(command.name, command.birth_date)] = recorded.ids["student_id"]
        return recorded

    return run


def _add_guardian(
    school: School,
    actor: Actor,
    key: StudentKey,
    guardian: _GuardianSpec,
    ids: dict[StudentKey, UUID],
) -> Callable[[], Recorded]:
    def run() -> Recorded:
        command = students.AddGuardian(
            student_id=ids[key],
            name=guardian.name,
            relation=guardian.relation,
            phone=guardian.phone,
            email=guardian.email,
            account_id=guardian.account_id,
        )
        return students.add_guardian(school, actor, command)

    return run


def _grant_parent(
    school: School, actor: Actor, key: StudentKey, account_id: UUID, ids: dict[StudentKey, UUID]
) -> Callable[[], Recorded]:
    def run() -> Recorded:
        command = accounts.GrantRole(account_id=account_id, role=Role.PARENT, student_id=ids[key])
        return accounts.grant_role(school, actor, command)

    return run
