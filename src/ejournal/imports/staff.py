"""Importing staff accounts: login, full name, e-mail, roles, and the classes a class teacher
leads in the year.

An account is the same when the login matches (and then its holder's name must too); a role,
when the account already holds it; a class teacher, when the class already has this one.
Class teachers are assigned through the year (``assign_class_teacher``), which also grants the
role for that class, so the year and the account never disagree about who leads a class.
"""

from __future__ import annotations

from uuid import UUID

from ejournal.aggregates.account import Account
from ejournal.aggregates.identity import account_id as account_id_for
from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import School
from ejournal.commands import accounts
from ejournal.commands import year as year_commands
from ejournal.imports.columns import Column, Sheet, normal
from ejournal.imports.plan import Step, runs
from ejournal.imports.references import class_code, school_year
from ejournal.imports.table import Row
from ejournal.roles import Actor, Role

ROLE_WORDS: dict[str, Role] = {
    "учитель": Role.TEACHER,
    "учитель-предметник": Role.TEACHER,
    "классный руководитель": Role.CLASS_TEACHER,
    "кл. руководитель": Role.CLASS_TEACHER,
    "завуч": Role.DEPUTY,
    "заместитель директора": Role.DEPUTY,
    "администратор": Role.ADMINISTRATOR,
    "директор": Role.DIRECTOR,
    "секретарь": Role.SECRETARY,
    **{r.value: r for r in (Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY, Role.ADMINISTRATOR)},
    **{r.value: r for r in (Role.DIRECTOR, Role.SECRETARY)},
}
"""The staff roles a file may name (DESIGN.md §1); family roles come with the roll."""


class StaffImport:
    name = "staff"
    title = "Сотрудники"
    columns: tuple[Column, ...] = (
        Column("login", "Логин", True, "ivanova.mp", "латиница, цифры и . _ @ -"),
        Column("name", "ФИО", True, "Иванова Мария Петровна"),
        Column("email", "E-mail", False, "ivanova@example.ru", aliases=("Email", "Эл. почта")),
        Column(
            "roles",
            "Роли",
            True,
            "учитель, классный руководитель",
            "через запятую: учитель, классный руководитель, завуч, администратор, директор,"
            " секретарь",
        ),
        Column(
            "classes",
            "Классы",
            False,
            "5А",
            "классы, которыми руководит классный руководитель, через запятую",
            aliases=("Класс",),
        ),
    )

    def plan(
        self, school: School, actor: Actor, account: Account | None, sheet: Sheet, year: str
    ) -> list[Step]:
        the_year = school_year(school, year)
        seen: dict[str, int] = {}
        led: dict[str, int] = {}
        """Each class a row makes someone class teacher of, with that row."""
        steps: list[Step] = []
        for row in sheet.table.rows:
            login = sheet.login(row, "login")
            name = sheet.text(row, "name", 200)
            if name is not None and len(name.split()) < 2:
                sheet.problem(row, "name", "нужны фамилия и имя (и отчество, если есть)")
                name = None
            email = sheet.email(row, "email")
            roles = self._roles(sheet, row)
            codes = [
                class_code(sheet, row, "classes", the_year, value=part)
                for part in _parts(sheet.cell(row, "classes"))
            ]
            if roles is not None and (Role.CLASS_TEACHER in roles) != bool(codes):
                sheet.problem(
                    row,
                    "classes",
                    "у классного руководителя укажите его класс"
                    if codes == []
                    else "классы указываются только для роли «классный руководитель»",
                )
                continue
            if login is None or name is None or roles is None or None in codes:
                continue
            if login.lower() in seen:
                sheet.problem(row, "login", f"этот логин уже есть в строке {seen[login.lower()]}")
                continue
            seen[login.lower()] = row.number
            holder_id = account_id_for(login)
            existing = (
                school.view(Account, holder_id, "account") if school.exists(holder_id) else None
            )
            if existing is not None and normal(existing.full_name) != normal(name):
                sheet.problem(
                    row, "login", f"логин уже занят: в журнале это «{existing.full_name}»"
                )
                continue
            if existing is None:
                command = accounts.RegisterAccount(login=login, full_name=name, email=email)
                steps.append(
                    Step(
                        row.number,
                        "account",
                        runs(school, actor, accounts.register_account, command),
                    )
                )
            else:
                steps.append(Step(row.number, "account", None))
            for role in sorted(roles - {Role.CLASS_TEACHER}):
                if existing is not None and existing.holds(role):
                    steps.append(Step(row.number, "role", None))
                    continue
                grant = accounts.GrantRole(account_id=holder_id, role=role)
                steps.append(
                    Step(row.number, "role", runs(school, actor, accounts.grant_role, grant))
                )
            for code in codes:
                assert code is not None
                steps.extend(
                    self._class_teacher(school, actor, sheet, row, the_year, code, holder_id, led)
                )
        return steps

    def _roles(self, sheet: Sheet, row: Row) -> set[Role] | None:
        words = _parts(sheet.cell(row, "roles"))
        if not words:
            sheet.problem(row, "roles", "не заполнено")
            return None
        roles = {ROLE_WORDS.get(normal(w)) for w in words}
        if None in roles:
            unknown = ", ".join(f"«{w}»" for w in words if normal(w) not in ROLE_WORDS)
            sheet.problem(
                row,
                "roles",
                f"неизвестная роль {unknown}; роли: учитель, классный руководитель, завуч,"
                " администратор, директор, секретарь",
            )
            return None
        return {r for r in roles if r is not None}

    def _class_teacher(
        self,
        school: School,
        actor: Actor,
        sheet: Sheet,
        row: Row,
        the_year: SchoolYear,
        code: str,
        holder_id: UUID,
        led: dict[str, int],
    ) -> list[Step]:
        if code in led:
            sheet.problem(row, "classes", f"класс {code} уже отдан в строке {led[code]}")
            return []
        led[code] = row.number
        current = the_year.school_class(code).class_teacher_id
        if current == holder_id:
            return [Step(row.number, "class_teacher", None)]
        if current is not None:
            sheet.problem(
                row,
                "classes",
                f"у класса {code} уже есть классный руководитель; замену назначают в журнале"
                " с указанием причины",
            )
            return []
        command = year_commands.AssignClassTeacher(
            year=the_year.label, class_code=code, account_id=holder_id
        )
        return [
            Step(
                row.number,
                "class_teacher",
                runs(school, actor, year_commands.assign_class_teacher, command),
            )
        ]


def _parts(value: str) -> list[str]:
    return [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
