"""``ejournal archive printout`` and ``ejournal archive annulment-notice`` as a school office runs
them: the PDFs written and read back, each printout recorded as issued by whom, and another
class's student refused to its class teacher before anything is rendered."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pypdf
import pytest
from click.testing import Result
from typer.testing import CliRunner

from ejournal.aggregates.student import Student
from ejournal.cli import app
from ejournal.commands import accounts

if TYPE_CHECKING:
    from tests.archive.conftest import ArchiveSchool

runner = CliRunner()


def ejournal(school: ArchiveSchool, *args: str) -> Result:
    env = {
        "EJOURNAL_DATABASE_URL": school.settings.database_url,
        "EJOURNAL_SCHOOL": school.school_id,
    }
    return runner.invoke(app, list(args), env=env)


def text_of(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def issued(school: ArchiveSchool, student_id: object) -> list[Student.ProgressPrintoutIssued]:
    events = school.world.school.events.get(student_id)  # type: ignore[arg-type]
    return [e for e in events if isinstance(e, Student.ProgressPrintoutIssued)]


def test_a_class_teacher_prints_a_fortnight_for_a_student_and_it_is_recorded(
    sqlite_archive_school: ArchiveSchool, tmp_path: Path
) -> None:
    school = sqlite_archive_school
    student = school.world.students[1]
    result = ejournal(
        school, "archive", "printout", "--student", str(student),
        "--from", "2026-09-07", "--to", "2026-09-20", "--by", "klass5a", "--out", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = Path(result.stdout.strip())
    assert written == tmp_path / f"progress-report-5A-{student}.pdf"
    text = text_of(written)
    assert "Белова Варвара Дмитриевна" in text
    assert "Период: 07.09.2026 – 20.09.2026" in text
    assert school.kept.texts["late_topic"] in text
    assert "отсутствовал(а) по болезни" in text
    assert "Средневзвешенный балл и прогноз отметки: 1 четверть" in text
    [record] = issued(school, student)
    assert (record.start.isoformat(), record.end.isoformat()) == ("2026-09-07", "2026-09-20")
    assert record.actor.account_id == school.world.class_teacher.account_id
    assert record.actor.role.value == "class_teacher"


def test_a_class_teacher_prints_the_period_for_the_whole_class(
    sqlite_archive_school: ArchiveSchool, tmp_path: Path
) -> None:
    school = sqlite_archive_school
    world = school.world
    result = ejournal(
        school, "archive", "printout", "--class", "5А", "--year", "2026/2027", "--period", "Q1",
        "--by", "klass5a", "--out", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    school_year = world.school.year_view("2026/2027")
    q1 = school_year.period("Q1", 5)
    on_roll = school_year.class_roster("5А", q1.end)  # one left for 5Б in September
    assert len(on_roll) >= 3
    written = [Path(line) for line in result.stdout.split()]
    assert sorted(written) == sorted(tmp_path / f"progress-report-5A-{s}.pdf" for s in on_roll)
    for student in on_roll:
        assert str(world.school.student(student).name) in text_of(
            tmp_path / f"progress-report-5A-{student}.pdf"
        )
        [record] = issued(school, student)[-1:]
        assert (record.start, record.end) == (q1.start, q1.end)


def test_another_class_is_not_found_for_a_class_teacher_and_nothing_is_written(
    sqlite_archive_school: ArchiveSchool, tmp_path: Path
) -> None:
    school = sqlite_archive_school
    first_grader = school.world.first_graders[0]
    result = ejournal(
        school, "archive", "printout", "--student", str(first_grader),
        "--from", "2026-09-07", "--to", "2026-09-20", "--by", "klass5a", "--out", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "no such student" in result.stderr
    assert list(tmp_path.iterdir()) == []
    assert issued(school, first_grader) == []
    backwards = ejournal(
        school, "archive", "printout", "--student", str(first_grader),
        "--from", "2026-09-20", "--to", "2026-09-07", "--out", str(tmp_path),
    )  # fmt: skip
    assert backwards.exit_code == 1
    assert "end (2026-09-07) before they start" in backwards.stderr


def test_the_annulment_notice_names_the_applicant_address_service_reason_date_and_clause(
    sqlite_archive_school: ArchiveSchool, tmp_path: Path
) -> None:
    school = sqlite_archive_school
    world = school.world
    outsider = world.outsider.account_id
    not_yet = ejournal(school, "archive", "annulment-notice", str(outsider), "--out", str(tmp_path))
    assert not_yet.exit_code == 1
    assert "was not annulled" in not_yet.stderr
    world.at(world.clock.now().date(), 11)
    accounts.annul_account(
        world.school,
        world.admin,
        accounts.AnnulAccount(
            account_id=outsider, reason="отказ от услуги по заявлению", address="fedorov@example.ru"
        ),
    )
    annulled_on = world.clock.now().astimezone(world.zone).strftime("%d.%m.%Y")
    result = ejournal(school, "archive", "annulment-notice", "outsider", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    written = Path(result.stdout.strip())
    assert written == tmp_path / f"annulment-notice-{outsider}.pdf"
    text = text_of(written)
    assert "Уведомление о прекращении предоставления услуги" in text
    assert "Заявитель: Фёдоров Илья Андреевич" in text
    assert "fedorov@example.ru" in text
    assert "ведение электронного дневника" in text
    assert "отказ от услуги по заявлению" in text
    assert f"Дата прекращения: {annulled_on}" in text
    assert "пункты 10.1–10.2" in text
    assert "Уведомление оформил(а): Орлова Нина Петровна" in text
    assert "Руководитель учреждения" in text


@pytest.mark.parametrize("args", [["--student", "not-an-id"], ["--to", "20.09.2026"]])
def test_options_that_name_nothing_exit_1_with_a_sentence(
    sqlite_archive_school: ArchiveSchool, tmp_path: Path, args: list[str]
) -> None:
    result = ejournal(sqlite_archive_school, "archive", "printout", *args, "--out", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.startswith("ejournal archive: ")
