"""Importing the weekly timetable of classes: one row per lesson of the week (class, weekday,
lesson number, subject and subgroup). A class's timetable is the same when it holds exactly the
lessons the file gives; a different one replaces it, with the reason that an import did."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import School
from ejournal.commands import year as year_commands
from ejournal.imports.columns import Column, Sheet
from ejournal.imports.plan import Step, runs
from ejournal.imports.references import class_code, journal_of, school_year
from ejournal.imports.report import RowProblem
from ejournal.roles import Actor

WEEKDAYS: dict[str, int] = {
    **{str(n): n for n in range(1, 7)},
    **dict.fromkeys(("понедельник", "пн", "пн."), 1),
    **dict.fromkeys(("вторник", "вт", "вт."), 2),
    **dict.fromkeys(("среда", "ср", "ср."), 3),
    **dict.fromkeys(("четверг", "чт", "чт."), 4),
    **dict.fromkeys(("пятница", "пт", "пт."), 5),
    **dict.fromkeys(("суббота", "сб", "сб."), 6),
}


@dataclass
class _ClassWeek:
    first_row: int
    entries: dict[tuple[int, int, UUID], int] = field(default_factory=dict)
    """Each lesson (weekday, slot, journal) with its row."""
    whole: dict[tuple[int, int], tuple[UUID, int, bool]] = field(default_factory=dict)
    """What stands in each (weekday, slot): a journal, its row, whether it is a subgroup's."""
    teachers: dict[tuple[int, int, UUID], frozenset[UUID]] = field(default_factory=dict)


class TimetableImport:
    name = "timetable"
    title = "Расписание"
    columns: tuple[Column, ...] = (
        Column("class", "Класс", True, "5А"),
        Column("weekday", "День недели", True, "понедельник", "понедельник … суббота или 1–6"),
        Column("slot", "Урок", True, "1", "номер урока в дне", aliases=("№ урока", "Номер урока")),
        Column("subject", "Предмет", True, "Математика"),
        Column("subgroup", "Подгруппа", False, "", "для предметов, которые ведутся по подгруппам"),
    )

    def plan(
        self, school: School, actor: Actor, account: Account | None, sheet: Sheet, year: str
    ) -> list[Step]:
        the_year = school_year(school, year, open_only=True)
        weeks: dict[str, _ClassWeek] = {}
        for row in sheet.table.rows:
            code = class_code(sheet, row, "class", the_year)
            weekday = sheet.choice(row, "weekday", WEEKDAYS)
            if weekday is not None and weekday > the_year.week_length:
                sheet.problem(
                    row,
                    "weekday",
                    f"в {the_year.label} учебном году {the_year.week_length}-дневная неделя",
                )
                weekday = None
            slot = sheet.number(row, "slot", 0, 12)
            journal = (
                journal_of(school, sheet, row, the_year, code, "subject", "subgroup")
                if code is not None
                else None
            )
            if code is None or weekday is None or slot is None or journal is None:
                continue
            week = weeks.setdefault(code, _ClassWeek(row.number))
            lesson = (weekday, slot, journal.id)
            if lesson in week.entries:
                sheet.problem(row, None, f"этот урок уже указан в строке {week.entries[lesson]}")
                continue
            there = week.whole.get((weekday, slot))
            if there is not None and not (there[2] and journal.subgroup is not None):
                sheet.problem(
                    row,
                    "slot",
                    f"в этот урок у класса {code} уже стоит другой предмет (строка {there[1]});"
                    " вместе стоят только подгруппы",
                )
                continue
            week.entries[lesson] = row.number
            week.whole[(weekday, slot)] = (journal.id, row.number, journal.subgroup is not None)
            week.teachers[lesson] = frozenset(journal.teachers)
        _check_teachers_free(school, sheet, the_year, weeks)
        if sheet.problems:
            return []
        steps: list[Step] = []
        for code, week in weeks.items():
            entries = tuple(
                year_commands.TimetableSpec(weekday=d, slot=s, journal_id=j)
                for d, s, j in sorted(week.entries, key=lambda e: (e[0], e[1], str(e[2])))
            )
            current = the_year.timetable.get(code)
            if current is not None and {(e.weekday, e.slot, e.journal_id) for e in current} == set(
                week.entries
            ):
                steps.append(Step(week.first_row, "timetable", None))
                continue
            command = year_commands.SetTimetable(
                year=year,
                class_code=code,
                entries=entries,
                reason="расписание заменено импортом из файла" if current is not None else None,
            )
            steps.append(
                Step(
                    week.first_row,
                    "timetable",
                    runs(school, actor, year_commands.set_timetable, command),
                )
            )
        return steps


def _check_teachers_free(
    school: School, sheet: Sheet, year: SchoolYear, weeks: dict[str, _ClassWeek]
) -> None:
    """No teacher in two classrooms at once (as ``set_timetable`` refuses): against the other
    classes' timetables as the file leaves them, said on the row of the later lesson."""
    busy: dict[tuple[int, int, UUID], tuple[str, int | None]] = {}
    for code, entries in sorted(year.timetable.items()):
        if code in weeks:
            continue
        for e in entries:
            journal = school.view(ClassJournal, e.journal_id, "journal")
            for teacher in journal.teachers:
                busy[(e.weekday, e.slot, teacher)] = (code, None)
    for code, week in weeks.items():
        for (weekday, slot, journal_id), teachers in week.teachers.items():
            row = week.entries[(weekday, slot, journal_id)]
            for teacher in sorted(teachers):
                other = busy.get((weekday, slot, teacher))
                if other is not None and other[0] != code:
                    where = f" (строка {other[1]})" if other[1] else ""
                    sheet.problems.append(
                        RowProblem(
                            row,
                            sheet.titles["slot"],
                            f"учитель этого предмета в этот урок уже ведёт урок в {other[0]}"
                            f"{where}: учитель не бывает в двух классах сразу",
                        )
                    )
                busy.setdefault((weekday, slot, teacher), (code, row))
