"""``ejournal import``: a school's file through the command line, on a real SQLite file, with
the same checks, answers and idempotency as the API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from scenario import build_world
from typer.testing import CliRunner

from ejournal.cli import app
from ejournal.clock import MovableClock
from ejournal.imports import KINDS, read_table
from ejournal.schools import open_school
from ejournal.settings import Settings

runner = CliRunner()
ROLL = (
    "Фамилия;Имя;Отчество;Дата рождения;Класс;Приказ о зачислении;Представитель;Кем приходится\r\n"
    "Новиков;Никита;Олегович;02.02.2015;5А;№ 120-у;Новикова Ольга Петровна;мать\r\n"
    "Орлова;Ольга;;30.07.2019;1А;№ 121-у;;\r\n"
)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The scenario school on a fresh SQLite directory, and the settings the command reads."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path}/db"
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    school = open_school(Settings(database_url=url), "demo", clock=clock)
    try:
        build_world(school, clock)
    finally:
        school.close()
    return {"EJOURNAL_DATABASE_URL": url, "EJOURNAL_SCHOOL": "demo"}


def position(env: dict[str, str]) -> int:
    school = open_school(Settings(database_url=env["EJOURNAL_DATABASE_URL"]), "demo")
    try:
        return school.position()
    finally:
        school.close()


def test_import_records_once_and_says_what_it_did(env: dict[str, str], tmp_path: Path) -> None:
    roll = tmp_path / "roll.csv"
    roll.write_bytes(ROLL.encode("utf-8-sig"))
    before = position(env)
    args = ["import", "students", str(roll), "--year", "2026/2027", "--by", "admin"]

    dry = runner.invoke(app, [*args, "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "пробный запуск" in dry.output
    assert "ученики: будет создано 2, уже были записаны 0" in dry.output
    assert position(env) == before

    first = runner.invoke(app, args, env=env)
    assert first.exit_code == 0, first.output
    assert "Импорт выполнен." in first.output
    assert "ученики: создано 2, уже были записаны 0" in first.output
    assert "представители: создано 1, уже были записаны 0" in first.output
    recorded = position(env)
    assert recorded > before

    again = runner.invoke(app, args, env=env)
    assert again.exit_code == 0, again.output
    assert "ученики: создано 0, уже были записаны 2" in again.output
    assert "записано событий: 0" in again.output
    assert position(env) == recorded


def test_a_wrong_file_exits_1_with_every_problem(env: dict[str, str], tmp_path: Path) -> None:
    wrong = tmp_path / "roll.csv"
    wrong.write_text(
        "Фамилия,Имя,Дата рождения,Класс,Приказ о зачислении\n"
        "Петров,,31.02.2015,5А,№ 1\n"
        "Сидоров,Сидор,01.01.2015,9В,\n",
        encoding="utf-8",
    )
    before = position(env)
    result = runner.invoke(
        app, ["import", "students", str(wrong), "--year", "2026/2027", "--by", "secretary"], env=env
    )
    assert result.exit_code == 1
    assert "Файл не импортирован: 4 ошибки; ничего не записано." in result.output
    assert "строка 2, столбец «Имя»: не заполнено" in result.output
    assert "строка 2, столбец «Дата рождения»" in result.output
    assert "строка 3, столбец «Класс»: класса «9В» нет" in result.output
    assert "строка 3, столбец «Приказ о зачислении»: не заполнено" in result.output
    assert position(env) == before


def test_who_imports_is_checked(env: dict[str, str], tmp_path: Path) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text("Логин;ФИО;Роли\na.b;Аб Вг;учитель\n", encoding="utf-8")
    args = ["import", "staff", str(staff), "--year", "2026/2027"]
    refused = runner.invoke(app, [*args, "--by", "ivanova"], env=env)
    assert refused.exit_code == 1
    assert "importing staff is for: administrator" in refused.output
    unknown = runner.invoke(app, [*args, "--by", "nobody"], env=env)
    assert unknown.exit_code == 1
    assert "no account 'nobody'" in unknown.output


def test_templates_are_written_and_read_back(env: dict[str, str], tmp_path: Path) -> None:
    for kind in KINDS:
        for fmt in ("xlsx", "csv"):
            target = tmp_path / f"t-{kind}.{fmt}"
            result = runner.invoke(
                app, ["import", "template", kind, "--format", fmt, "-o", str(target)], env=env
            )
            assert result.exit_code == 0, result.output
            table = read_table(target.read_bytes())
            assert [c.rstrip(" *") for c in table.columns] == [c.title for c in KINDS[kind].columns]
    wrong = runner.invoke(app, ["import", "template", "marks"], env=env)
    assert wrong.exit_code == 1
    assert "нет такого вида импорта" in wrong.output


@pytest.mark.parametrize("args", [["import"], ["import", "students"], ["import", "template"]])
def test_the_import_commands_have_help(args: list[str], env: dict[str, str]) -> None:
    result = runner.invoke(app, [*args, "--help"], env=env)
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
