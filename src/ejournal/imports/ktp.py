"""Importing journals' calendar-thematic plans (КТП): one row per lesson of the plan (class,
subject, subgroup, lesson number, topic, hours). A journal's KTP is the same when it holds
exactly these topics and hours in this order; a different one replaces it, with the reason that
an import did (School 77 §4.4.7: the KTP is the teacher's, its hours match the curriculum)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from ejournal.access import can_see_journal, can_set_ktp
from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.application import School
from ejournal.commands import journals as journal_commands
from ejournal.imports.columns import Column, Sheet
from ejournal.imports.plan import Step, runs
from ejournal.imports.references import class_code, journal_of, school_year
from ejournal.imports.report import RowProblem
from ejournal.roles import Actor

MAX_HOURS = 100


@dataclass
class _Plan:
    journal: ClassJournal
    first_row: int
    lines: dict[int, tuple[str, int, int]] = field(default_factory=dict)
    """By lesson number: the topic, its hours, the row."""


class KtpImport:
    name = "ktp"
    title = "КТП"
    columns: tuple[Column, ...] = (
        Column("class", "Класс", True, "5А"),
        Column("subject", "Предмет", True, "Математика"),
        Column("subgroup", "Подгруппа", False, ""),
        Column("number", "№ урока", True, "1", "1, 2, 3, … по порядку", aliases=("Номер урока",)),
        Column("topic", "Тема", True, "Натуральные числа и нуль"),
        Column("hours", "Часы", False, "1", "если пусто — 1"),
    )

    def plan(
        self, school: School, actor: Actor, account: Account | None, sheet: Sheet, year: str
    ) -> list[Step]:
        the_year = school_year(school, year)
        plans: dict[UUID, _Plan] = {}
        for row in sheet.table.rows:
            code = class_code(sheet, row, "class", the_year)
            number = sheet.number(row, "number", 1, 2000)
            topic = sheet.text(row, "topic", 1000, lines=True)
            hours = sheet.number(row, "hours", 1, MAX_HOURS, required=False) or 1
            journal = (
                journal_of(
                    school,
                    sheet,
                    row,
                    the_year,
                    code,
                    "subject",
                    "subgroup",
                    visible=lambda j: can_see_journal(actor, account, j),
                )
                if code is not None
                else None
            )
            if journal is not None and not can_set_ktp(actor, account, journal):
                # A substitute sees the journal but does not plan it.
                sheet.problem(row, "subject", "КТП этого журнала составляет его учитель или завуч")
                continue
            if journal is None or number is None or topic is None:
                continue
            plan = plans.setdefault(journal.id, _Plan(journal, row.number))
            if number in plan.lines:
                sheet.problem(
                    row,
                    "number",
                    f"урок № {number} этого журнала уже есть в строке {plan.lines[number][2]}",
                )
                continue
            plan.lines[number] = (topic, hours, row.number)
        steps: list[Step] = []
        for plan in plans.values():
            missing = [n for n in range(1, max(plan.lines) + 1) if n not in plan.lines]
            if missing:
                sheet.problems.append(_gap(sheet, plan.first_row, plan.journal, missing))
                continue
            lines = [plan.lines[n] for n in sorted(plan.lines)]
            if [(i.topic, i.hours) for i in plan.journal.ktp] == [(t, h) for t, h, _ in lines]:
                steps.append(Step(plan.first_row, "ktp", None))
                continue
            command = journal_commands.SetKtp(
                journal_id=plan.journal.id,
                items=tuple(journal_commands.KtpLine(topic=t, hours=h) for t, h, _ in lines),
                reason="КТП заменено импортом из файла" if plan.journal.ktp else None,
            )
            steps.append(
                Step(plan.first_row, "ktp", runs(school, actor, journal_commands.set_ktp, command))
            )
        return steps


def _gap(sheet: Sheet, first_row: int, journal: ClassJournal, missing: list[int]) -> RowProblem:
    shown = ", ".join(str(n) for n in missing[:10]) + (" …" if len(missing) > 10 else "")
    group = f", подгруппа {journal.subgroup}" if journal.subgroup else ""
    return RowProblem(
        first_row,
        sheet.titles["number"],
        f"в КТП журнала {journal.class_code} «{journal.subject_name}»{group} нет уроков № {shown}:"
        " уроки нумеруются 1, 2, 3, … без пропусков",
    )
