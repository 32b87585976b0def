"""Importing a school's files on both backends: every kind, CSV with and without a byte-order
mark, ``;`` and ``,``, XLSX; a wrong file records nothing and says every problem by row and
column; the same file imported again records nothing."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from scenario import YEAR, World, build_world

from ejournal.aggregates.account import Account
from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.identity import account_id
from ejournal.aggregates.student import Student
from ejournal.clock import MovableClock
from ejournal.commands import accounts, year
from ejournal.errors import AccessDeniedError
from ejournal.imports import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportFileError,
    read_table,
    run_import,
    template_csv,
    template_xlsx,
)
from ejournal.roles import Role
from ejournal.schools import open_school
from ejournal.settings import Settings

STUDENT_HEADER = [
    "Фамилия",
    "Имя",
    "Отчество",
    "Дата рождения",
    "Класс",
    "Дата зачисления",
    "Приказ о зачислении",
    "Представитель",
    "Кем приходится",
    "Телефон",
    "E-mail",
    "Логин родителя",
]
STUDENT_ROWS = [
    # A new student with two guardians (two rows), the mother gets a parent account.
    ["Новиков", "Никита", "Олегович", "02.02.2015", "5а", "", "№ 120-у от 01.09.2026",
     "Новикова Ольга Петровна", "мать", "+7 900 111-22-33", "novikova@example.ru", "novikova.op"],
    ["Новиков", "Никита", "Олегович", "02.02.2015", "5А", "", "№ 120-у от 01.09.2026",
     "Новиков Олег Иванович", "отец", "", "", ""],
    # A new first-grader without a guardian; "1A" typed with a latin A.
    ["Орлова", "Ольга", "", "2019-07-30", "1A", "01.09.2026", "№ 121-у от 01.09.2026",
     "", "", "", "", ""],
    # A student already on the roll (the scenario's), given a guardian.
    ["Алексеев", "Артём", "Игоревич", "14.03.2015", "5А", "", "№ 101-у от 28.08.2026",
     "Алексеев Игорь Петрович", "отец", "", "", ""],
]  # fmt: skip


@pytest.fixture
def world(database_url: str, school_id: str) -> World:
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    school = open_school(Settings(database_url=database_url), school_id, clock=clock)
    return build_world(school, clock)


def csv_file(rows: list[list[str]], *, delimiter: str = ";", bom: bool = True) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_file(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def find_student(world: World, last: str, birth: date) -> Student:
    year = world.school.year_view(YEAR)
    found = [
        s
        for s in (world.school.view(Student, sid, "student") for sid in year.class_stints)
        if s.name.last == last and s.birth_date == birth
    ]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda rows: csv_file(rows, delimiter=";", bom=True), id="csv-bom-semicolon"),
        pytest.param(lambda rows: csv_file(rows, delimiter=",", bom=False), id="csv-comma"),
        pytest.param(lambda rows: csv_file(rows, delimiter=",", bom=True), id="csv-bom-comma"),
        pytest.param(lambda rows: csv_file(rows, delimiter=";", bom=False), id="csv-semicolon"),
        pytest.param(xlsx_file, id="xlsx"),
    ],
)
def test_students_with_guardians_and_parent_accounts_once(world: World, encode: object) -> None:
    assert callable(encode)
    data = encode([STUDENT_HEADER, *STUDENT_ROWS])
    before = world.school.position()

    report = run_import(world.school, world.admin, "students", read_table(data), year=YEAR)

    assert report.problems == [], report.summary()
    assert report.applied
    assert report.created == {
        "student": 2,
        "guardian": 3,
        "account": 1,
        "role": 1,
    }
    assert report.unchanged == {"student": 1}
    assert report.logins_without_password == ["novikova.op"]
    assert world.school.position() - before == report.events > 0
    nikita = find_student(world, "Новиков", date(2015, 2, 2))
    assert nikita.class_code == "5А"
    assert sorted(str(g.name) for g in nikita.guardians.values()) == [
        "Новиков Олег Иванович",
        "Новикова Ольга Петровна",
    ]
    mother = next(g for g in nikita.guardians.values() if g.relation == "mother")
    assert mother.phone == "+7 900 111-22-33"
    assert mother.account_id == account_id("novikova.op")
    parent = world.school.view(Account, account_id("novikova.op"), "account")
    assert parent.students_followed() == {nikita.id}
    assert not parent.credentials  # created without a password; the report says so
    olga = find_student(world, "Орлова", date(2019, 7, 30))
    assert olga.class_code == "1А"
    artyom = world.school.view(Student, world.students[0], "student")
    assert [str(g.name) for g in artyom.guardians.values()] == ["Алексеев Игорь Петрович"]

    # The same file again records nothing.
    at = world.school.position()
    again = run_import(world.school, world.admin, "students", read_table(data), year=YEAR)
    assert again.problems == [], again.summary()
    assert again.created == {}
    assert again.unchanged == {"student": 3, "guardian": 3, "account": 1, "role": 1}
    assert again.events == 0
    assert world.school.position() == at


def elsewhere(action: Callable[[], object]) -> None:
    """Run a command as another writer does: in a thread of its own, outside the import."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as error:
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def new_students(world: World) -> set[str]:
    """The file's new students (Новиков, Орлова) found on the roll of the year."""
    roll = world.school.year_view(YEAR).class_stints
    names = {world.school.view(Student, sid, "student").name.last for sid in roll}
    return names & {"Новиков", "Орлова"}


def test_a_row_refused_while_applying_records_nothing_of_the_file(world: World) -> None:
    """The check passes, then another administrator takes the parent login the file creates:
    that row's command refuses, and nothing of the file is in the log, not even its rows
    before the refused one."""
    data = csv_file([STUDENT_HEADER, *STUDENT_ROWS])
    taken: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "recording" and done == 0:
            register = accounts.RegisterAccount(login="novikova.op", full_name="Новикова О. П.")
            elsewhere(
                lambda: taken.append(
                    accounts.register_account(world.school, world.admin, register).position
                )
            )

    report = run_import(
        world.school, world.admin, "students", read_table(data), year=YEAR, progress=progress
    )

    assert not report.applied
    assert [p.message for p in report.problems if "ничего не записано" in p.message], (
        report.summary()
    )
    assert "ничего не записано" in report.summary()
    assert report.events == 0
    assert world.school.position() == taken[0]  # the other writer's events, none of the file's
    assert new_students(world) == set()


def test_another_writer_first_means_the_file_is_checked_and_applied_again(world: World) -> None:
    """Another writer saves the school year (a new class) while the file's commands run: the
    import's one save fails whole on the year's version, and the file is checked again on the
    record as it stands and applied, once."""
    data = csv_file([STUDENT_HEADER, *STUDENT_ROWS])
    stages: list[tuple[str, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        stages.append((stage, done))
        if stage == "recording" and done == total - 1 and stages.count(("checking", 0)) == 1:
            form = year.FormClass(year=YEAR, grade=6, letter="Б")
            elsewhere(lambda: year.form_class(world.school, world.admin, form))

    report = run_import(
        world.school, world.admin, "students", read_table(data), year=YEAR, progress=progress
    )

    assert report.applied, report.summary()
    assert stages.count(("checking", 0)) == 2  # checked twice: the first save conflicted
    assert report.created == {"student": 2, "guardian": 3, "account": 1, "role": 1}
    assert new_students(world) == {"Новиков", "Орлова"}
    assert world.school.year_view(YEAR).school_class("6Б")
    at = world.school.position()
    again = run_import(world.school, world.admin, "students", read_table(data), year=YEAR)
    assert (again.created, again.events, world.school.position()) == ({}, 0, at)


class ProcessDiedError(Exception):
    """Stands for the import's process dying part-way (a crash, a kill)."""


def test_an_import_that_dies_part_way_leaves_nothing_and_runs_again_whole(world: World) -> None:
    data = csv_file([STUDENT_HEADER, *STUDENT_ROWS])
    before = world.school.position()

    def dies(stage: str, done: int, total: int) -> None:
        if stage == "recording" and done == total - 1:
            raise ProcessDiedError

    with pytest.raises(ProcessDiedError):
        run_import(
            world.school, world.admin, "students", read_table(data), year=YEAR, progress=dies
        )
    assert world.school.position() == before
    assert new_students(world) == set()

    report = run_import(world.school, world.admin, "students", read_table(data), year=YEAR)
    assert report.applied, report.summary()
    assert world.school.position() - before == report.events > 0
    assert new_students(world) == {"Новиков", "Орлова"}


def test_a_file_with_wrong_rows_records_nothing_and_says_every_problem(world: World) -> None:
    rows = [
        STUDENT_HEADER,
        STUDENT_ROWS[0],
        # row 3: no first name, a date that is no date, a class the year has not
        ["Петров", "", "", "31.02.2015", "7Б", "", "№ 1", "", "", "", "", ""],
        # row 4: a guardian's relation unknown, an e-mail without @, a login in Cyrillic
        ["Сидоров", "Сидор", "", "01.01.2015", "5А", "", "№ 1",
         "Сидорова Анна", "тётя", "", "sidorova.example.ru", "сидорова"],
        # row 5: the admission date outside the year
        ["Кузнецов", "Кузьма", "", "01.01.2015", "5А", "01.09.2025", "№ 1", "", "", "", "", ""],
    ]  # fmt: skip
    before = world.school.position()

    report = run_import(
        world.school, world.admin, "students", read_table(csv_file(rows)), year=YEAR
    )

    assert not report.applied
    assert world.school.position() == before
    found = {(p.row, p.column) for p in report.problems}
    assert found == {
        (3, "Имя"),
        (3, "Дата рождения"),
        (3, "Класс"),
        (4, "Кем приходится"),
        (4, "E-mail"),
        (4, "Логин родителя"),
        (5, "Дата зачисления"),
    }
    messages = {(p.row, p.column): p.message for p in report.problems}
    assert messages[(3, "Имя")] == "не заполнено"
    assert "не дата" in messages[(3, "Дата рождения")]
    assert "класса «7Б» нет" in messages[(3, "Класс")]
    assert "тётя" in messages[(4, "Кем приходится")]
    summary = report.summary()
    assert summary.startswith("Файл не импортирован: 7 ошибок; ничего не записано.")
    assert "строка 3, столбец «Дата рождения»" in summary


def test_a_missing_column_and_an_unknown_one_are_said_at_the_header(world: World) -> None:
    rows = [
        ["Фамилия", "Имя", "Дата рожденья", "Класс", "Приказ о зачислении"],
        ["А", "Б", "", "5А", "1"],
    ]
    report = run_import(
        world.school, world.admin, "students", read_table(csv_file(rows)), year=YEAR
    )
    assert {(p.row, p.column) for p in report.problems} == {
        (1, "Дата рожденья"),
        (1, "Дата рождения"),
    }


def test_a_secretary_imports_students_but_no_parent_accounts(world: World) -> None:
    before = world.school.position()
    data = csv_file([STUDENT_HEADER, *STUDENT_ROWS])
    report = run_import(world.school, world.secretary, "students", read_table(data), year=YEAR)
    assert [(p.row, p.column) for p in report.problems] == [(2, "Логин родителя")]
    assert "администратор" in report.problems[0].message
    assert world.school.position() == before
    without_logins = [[*r[:-1], ""] for r in STUDENT_ROWS]
    report = run_import(
        world.school,
        world.secretary,
        "students",
        read_table(csv_file([STUDENT_HEADER, *without_logins])),
        year=YEAR,
    )
    assert report.applied, report.summary()
    assert report.created == {"student": 2, "guardian": 3}


def test_staff_accounts_roles_and_class_teachers_once(world: World) -> None:
    rows = [
        ["Логин", "ФИО", "E-mail", "Роли", "Классы"],
        ["sokolova", "Соколова Вера Андреевна", "sokolova@example.ru",
         "учитель, классный руководитель", "1а"],
        ["petrov.zav", "Петров Пётр Петрович", "", "завуч", ""],
        # Already there, with the same name: its teacher role is kept, the deputy's is new.
        ["ivanova", "Иванова Мария Петровна", "", "учитель; завуч", ""],
    ]  # fmt: skip
    data = xlsx_file(rows)  # type: ignore[arg-type]
    before = world.school.position()

    report = run_import(world.school, world.admin, "staff", read_table(data), year=YEAR)

    assert report.applied, report.summary()
    assert report.created == {"account": 2, "role": 3, "class_teacher": 1}
    assert report.unchanged == {"account": 1, "role": 1}
    assert world.school.position() > before
    sokolova = world.school.view(Account, account_id("sokolova"), "account")
    assert sokolova.leads(YEAR, "1А")
    assert world.school.year_view(YEAR).school_class("1А").class_teacher_id == sokolova.id
    assert world.school.view(Account, account_id("ivanova"), "account").holds(Role.DEPUTY)

    at = world.school.position()
    again = run_import(world.school, world.admin, "staff", read_table(data), year=YEAR)
    assert again.created == {}, again.summary()
    assert world.school.position() == at

    wrong = [
        rows[0],
        ["ivanova", "Другая Мария", "", "учитель", ""],
        ["new.one", "Новый Учитель", "", "классный руководитель", "5А"],
        ["x", "Без Логина", "", "кочегар", ""],
    ]
    refused = run_import(world.school, world.admin, "staff", read_table(csv_file(wrong)), year=YEAR)
    assert {(p.row, p.column) for p in refused.problems} == {
        (2, "Логин"),
        (3, "Классы"),
        (4, "Логин"),
        (4, "Роли"),
    }
    assert world.school.position() == at


def test_staff_import_is_the_administrators(world: World) -> None:
    data = csv_file([["Логин", "ФИО", "Роли"], ["a.b", "Аб Вг", "учитель"]])
    with pytest.raises(AccessDeniedError):
        run_import(world.school, world.deputy, "staff", read_table(data), year=YEAR)


def test_a_class_timetable_once_and_replaced_with_a_reason(world: World) -> None:
    rows = [
        ["Класс", "День недели", "Урок", "Предмет", "Подгруппа"],
        ["1А", "понедельник", "1", "Математика", ""],
        ["1А", "вт", "2", "mathematics", ""],
        ["1А", "3", "6", "математика", ""],
    ]
    # The mathematics teacher teaches 5А in lessons 1 and 2 every day.
    before = world.school.position()
    clash = run_import(
        world.school,
        world.deputy,
        "timetable",
        read_table(csv_file(rows, delimiter=",")),
        year=YEAR,
    )
    assert [(p.row, p.column) for p in clash.problems] == [(2, "Урок"), (3, "Урок")]
    assert "уже ведёт урок в 5А" in clash.problems[0].message
    assert world.school.position() == before
    rows[1][2], rows[2][2] = "6", "7"
    data = csv_file(rows, delimiter=",")
    report = run_import(world.school, world.deputy, "timetable", read_table(data), year=YEAR)
    assert report.applied, report.summary()
    assert report.created == {"timetable": 1}
    timetable = world.school.year_view(YEAR).timetable["1А"]
    assert {(e.weekday, e.slot) for e in timetable} == {(1, 6), (2, 7), (3, 6)}
    assert {e.journal_id for e in timetable} == {world.journals["math1"]}

    at = world.school.position()
    assert run_import(
        world.school, world.deputy, "timetable", read_table(data), year=YEAR
    ).unchanged == {"timetable": 1}
    assert world.school.position() == at

    # 5А's week as the scenario set it, but literature moved to lesson 6: replaced.
    lessons = (
        (1, "Математика", ""), (2, "Математика", ""), (3, "Русский язык", ""),
        (4, "Иностранный язык", "1"), (4, "Иностранный язык", "2"), (6, "Литература", ""),
    )  # fmt: skip
    week = [
        ["5А", str(d), str(s), subject, group] for d in range(1, 6) for s, subject, group in lessons
    ]
    replaced = run_import(
        world.school,
        world.admin,
        "timetable",
        read_table(xlsx_file([rows[0], *week])),
        year=YEAR,  # type: ignore[list-item]
    )
    assert replaced.created == {"timetable": 1}, replaced.summary()
    assert {e.slot for e in world.school.year_view(YEAR).timetable["5А"]} == {1, 2, 3, 4, 6}


def test_timetable_problems_by_row(world: World) -> None:
    rows = [
        ["Класс", "День недели", "Урок", "Предмет", "Подгруппа"],
        ["5А", "воскресенье", "1", "Математика", ""],
        ["5А", "1", "1", "Иностранный язык", ""],
        ["5А", "1", "2", "Химия", ""],
        ["5А", "1", "3", "Математика", ""],
        ["5А", "1", "3", "Русский язык", ""],
        ["5А", "6", "14", "Математика", ""],
    ]
    before = world.school.position()
    report = run_import(
        world.school, world.deputy, "timetable", read_table(csv_file(rows)), year=YEAR
    )
    assert {(p.row, p.column) for p in report.problems} == {
        (2, "День недели"),
        (3, "Подгруппа"),
        (4, "Предмет"),
        (6, "Урок"),
        (7, "День недели"),  # school 77 keeps a five-day week
        (7, "Урок"),
    }
    assert world.school.position() == before


def test_a_journals_ktp_once(world: World) -> None:
    rows = [
        ["Класс", "Предмет", "Подгруппа", "№ урока", "Тема", "Часы"],
        ["5А", "Математика", "", "1", "Натуральные числа", "2"],
        ["5А", "Математика", "", "2", "Сложение и вычитание", ""],
        ["5А", "Иностранный язык", "2", "1", "Greetings", "1"],
    ]
    data = csv_file(rows)
    report = run_import(world.school, world.deputy, "ktp", read_table(data), year=YEAR)
    assert report.applied, report.summary()
    assert report.created == {"ktp": 2}
    math = world.school.view(ClassJournal, world.journals["math"], "journal")
    assert [(i.number, i.topic, i.hours) for i in math.ktp] == [
        (1, "Натуральные числа", 2),
        (2, "Сложение и вычитание", 1),
    ]
    at = world.school.position()
    again = run_import(world.school, world.deputy, "ktp", read_table(data), year=YEAR)
    assert again.unchanged == {"ktp": 2}
    assert world.school.position() == at

    # The math teacher imports their own journal's plan, not the English teacher's.
    mine = [rows[0], ["5А", "Математика", "", "1", "Натуральные числа и нуль", "2"]]
    changed = run_import(world.school, world.math, "ktp", read_table(csv_file(mine)), year=YEAR)
    assert changed.created == {"ktp": 1}, changed.summary()
    theirs = [
        rows[0],
        rows[3],
        ["5А", "Математика", "", "1", "Тема", ""],
        ["5А", "Математика", "", "3", "Тема", ""],
    ]
    refused = run_import(world.school, world.math, "ktp", read_table(csv_file(theirs)), year=YEAR)
    assert {(p.row, p.column) for p in refused.problems} == {(2, "Предмет"), (3, "№ урока")}
    # Another teacher's journal answers as a missing one: neither it nor its name is shown.
    assert refused.problems[0].message == (
        "у класса 5А нет журнала по предмету «Иностранный язык» (есть: Математика)"
    )


def test_xlsx_cells_typed_as_dates_and_numbers(world: World) -> None:
    """A sheet where the school typed real dates and numbers, not text."""
    roll = xlsx_file(
        [
            ["Фамилия", "Имя", "Дата рождения", "Класс", "Дата зачисления", "Приказ о зачислении"],
            ["Орлова", "Ольга", datetime(2019, 7, 30), "1А", date(2026, 9, 2), 121],
        ]
    )
    report = run_import(world.school, world.admin, "students", read_table(roll), year=YEAR)
    assert report.created == {"student": 1}, report.summary()
    olga = find_student(world, "Орлова", date(2019, 7, 30))
    assert olga.movements[0].on == date(2026, 9, 2)
    ktp = xlsx_file(
        [
            ["Класс", "Предмет", "№ урока", "Тема", "Часы"],
            ["5А", "Литература", 1, "Устное народное творчество", 2.0],
        ]
    )
    report = run_import(world.school, world.deputy, "ktp", read_table(ktp), year=YEAR)
    assert report.created == {"ktp": 1}, report.summary()
    journal = world.school.view(ClassJournal, world.journals["literature"], "journal")
    assert [(i.topic, i.hours) for i in journal.ktp] == [("Устное народное творчество", 2)]


def test_a_dry_run_counts_and_records_nothing(world: World) -> None:
    before = world.school.position()
    data = csv_file([STUDENT_HEADER, *STUDENT_ROWS])
    report = run_import(
        world.school, world.admin, "students", read_table(data), year=YEAR, dry_run=True
    )
    assert report.created == {"student": 2, "guardian": 3, "account": 1, "role": 1}
    assert not report.applied
    assert world.school.position() == before
    assert "пробный запуск" in report.summary()


def test_files_over_the_limits_and_unreadable_ones_are_refused_whole() -> None:
    with pytest.raises(ImportFileError, match="больше 1000 КБ"):
        read_table(b"a;b\r\n" + b"x" * MAX_FILE_BYTES)
    many = csv_file([["Логин", "ФИО", "Роли"]] + [["a", "b", "c"]] * (MAX_ROWS + 1))
    with pytest.raises(ImportFileError, match=f"больше {MAX_ROWS} строк"):
        read_table(many)
    with pytest.raises(ImportFileError, match="UTF-8"):
        read_table("Фамилия;Имя\r\n".encode("cp1251"))
    with pytest.raises(ImportFileError, match="XLSX"):
        read_table(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ImportFileError, match="нет ни одной строки"):
        read_table(b"\xef\xbb\xbf  \r\n")


def test_templates_read_back_as_their_own_columns(world: World) -> None:
    from ejournal.imports import KINDS  # noqa: PLC0415

    for kind in KINDS.values():
        for data in (template_csv(kind), template_xlsx(kind)):
            report = run_import(
                world.school,
                world.admin if kind.name != "ktp" else world.deputy,
                kind.name,
                read_table(data),
                year=YEAR,
            )
            # A template has its header only: the one problem is that it holds no rows.
            assert [(p.row, p.message) for p in report.problems] == [
                (1, "в файле нет ни одной строки с данными")
            ]
    assert template_csv(KINDS["students"]).startswith(b"\xef\xbb\xbf")
