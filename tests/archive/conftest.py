"""Archive-tier fixtures: the scenario school with a fortnight of 5А kept in it, its event log as
JSON Lines and a checkpoint over it, on SQLite and on PostgreSQL.

The fortnight holds everything the printed journal must show: marks and absences, a corrected
and a voided mark, a corrected homework, an absence with its reason, a substitute's lesson, a
lesson entered late under a deputy's permission, the first quarter's marks (one corrected under
the deputy's authorising remark), a student transferred to another class (the movement sheet),
and a director whose name the title pages print.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import boto3
import orjson
import pytest
from moto.server import ThreadedMotoServer
from pymerkle import InmemoryTree
from scenario import YEAR, World, build_world, class_teacher_as

from archive.creation import create_archive
from archive.stores import DirectoryStore
from ejournal.clock import MovableClock
from ejournal.commands import (
    attendance,
    lessons,
    marks,
    period_marks,
    students,
    substitutions,
    year,
)
from ejournal.commands.marking import MarkEntry
from ejournal.database import SchoolDatabase, open_database
from ejournal.marks import AbsenceReason, Attendance, WorkKind
from ejournal.roles import Role
from ejournal.schools import open_school
from ejournal.settings import Settings

MONDAY = date(2026, 9, 7)
TUESDAY = date(2026, 9, 8)
WEDNESDAY = date(2026, 9, 9)
TRANSFER_DAY = date(2026, 9, 14)
PERIOD_MARKS_DAY = date(2026, 10, 20)
NOVEMBER_LESSON = date(2026, 11, 9)
"""A lesson of the second quarter: outside a first-quarter archive."""


@dataclass
class KeptJournal:
    """Ids the fortnight's commands returned, and the texts they recorded."""

    corrected_mark: UUID
    voided_mark: UUID
    late_mark: UUID
    substitution: UUID
    texts: dict[str, str] = field(default_factory=dict)


@dataclass
class ArchiveSchool:
    """A school with a kept journal, its database, its log as JSON Lines and a checkpoint."""

    world: World
    settings: Settings
    school_id: str
    database: SchoolDatabase
    kept: KeptJournal

    def event_log(self) -> bytes:
        """The whole log, one JSON object a line (position, originator, version, topic, state)."""
        return event_log(self.world)

    def checkpoint_note(self) -> str:
        """A C2SP checkpoint body over ``event_log()``, its root computed by pymerkle."""
        return checkpoint_note(f"ejournal/{self.school_id}", self.event_log())


def event_log(world: World) -> bytes:
    """The school's log as JSON Lines, each line the event's stored fields with sorted keys."""
    lines = []
    start = 1
    recorder = world.school.recorder
    while notifications := recorder.select_notifications(start=start, limit=500):
        for n in notifications:
            line = {
                "originator_id": str(n.originator_id),
                "originator_version": n.originator_version,
                "position": n.id,
                "state": orjson.loads(n.state),
                "topic": n.topic,
            }
            lines.append(orjson.dumps(line, option=orjson.OPT_SORT_KEYS))
        start = notifications[-1].id + 1
    return b"".join(line + b"\n" for line in lines)


def checkpoint_note(origin: str, log: bytes) -> str:
    """origin, tree size and base64 root (RFC 6962 / 9162 tree of the log's lines)."""
    tree = InmemoryTree(algorithm="sha256")
    lines = log.splitlines()
    for line in lines:
        tree.append_entry(line)
    root = tree.get_root()
    return f"{origin}\n{len(lines)}\n{base64.b64encode(root).decode()}\n"


def _whole_lesson(world: World, key: str, on: date, slot: int, **fields: Any) -> dict[str, UUID]:
    teacher = fields.pop("teacher", None) or {"math": world.math, "russian": world.russian}[key]
    return lessons.record_whole_lesson(
        world.school,
        teacher,
        lessons.RecordWholeLesson(journal_id=world.journals[key], on=on, slot=slot, **fields),
    ).ids


def keep_the_journal(world: World) -> KeptJournal:
    """A fortnight of 5А and the first quarter's marks in mathematics, through the commands."""
    pupils = world.students
    math = world.journals["math"]
    texts = {
        "topic": "Натуральные числа",
        "homework": "№ 1–5",
        "new_homework": "№ 6–10",
        "correction": "ошибка при выставлении",
        "voiding": "отметка выставлена не тому ученику",
        "substitution": "болезнь учителя (больничный лист)",
        "late_topic": "Числовой луч",
        "russian_topic": "Повторение изученного в начальных классах",
        "period_correction": "учтена контрольная работа",
        "november_topic": "Обыкновенные дроби",
        "remark": "отметка за четверть не учитывает контрольную работу",
        "late_reason": "учитель болел, журнал не заполнен",
    }
    world.account("director", "Ковалёва Галина Васильевна", Role.DIRECTOR)
    world.at(MONDAY, 10)
    monday = _whole_lesson(
        world,
        "math",
        MONDAY,
        1,
        topic=texts["topic"],
        homework=texts["homework"],
        attendance={pupils[1]: Attendance.ABSENT},
        marks=(
            MarkEntry(student_id=pupils[0], value="3"),
            MarkEntry(student_id=pupils[2], value="5", work_kind=WorkKind.INDEPENDENT),
            MarkEntry(student_id=pupils[4], value="4"),
        ),
    )
    world.at(MONDAY, 12)
    _whole_lesson(
        world,
        "russian",
        MONDAY,
        3,
        topic=texts["russian_topic"],
        attendance={pupils[1]: Attendance.ABSENT},
        marks=(MarkEntry(student_id=pupils[3], value="5"),),
    )
    world.at(MONDAY, 13)
    # Grade 1 is taught without marks: its journal has lessons and attendance only.
    _whole_lesson(
        world,
        "math1",
        MONDAY,
        4,
        teacher=world.math,
        topic="Счёт предметов",
        attendance={world.first_graders[0]: Attendance.ABSENT},
    )
    world.at(MONDAY, 15)
    marks.correct_mark(
        world.school,
        world.math,
        marks.CorrectMark(
            journal_id=math, mark_id=monday["mark_0"], value="4", reason=texts["correction"]
        ),
    )
    marks.void_mark(
        world.school,
        world.math,
        marks.VoidMark(journal_id=math, mark_id=monday["mark_1"], reason=texts["voiding"]),
    )
    lessons.correct_lesson_details(
        world.school,
        world.math,
        lessons.CorrectLessonDetails(
            journal_id=math,
            lesson_id=monday["lesson_id"],
            homework=texts["new_homework"],
            reason="опечатка",
        ),
    )
    world.at(MONDAY, 16)
    attendance.set_absence_reason(
        world.school,
        class_teacher_as(world),
        attendance.SetAbsenceReason(
            year=YEAR,
            class_code="5А",
            student_id=pupils[1],
            start=MONDAY,
            end=MONDAY,
            absence_reason=AbsenceReason.ILLNESS,
        ),
    )
    world.at(TUESDAY, 7, 30)
    substitution = substitutions.assign_substitution(
        world.school,
        world.deputy,
        substitutions.AssignSubstitution(
            journal_id=math,
            on=TUESDAY,
            slot=1,
            substitute_id=world.outsider.account_id,
            replaced_id=world.math.account_id,
            reason=texts["substitution"],
        ),
    ).ids["substitution_id"]
    world.at(TUESDAY, 12)
    _whole_lesson(
        world,
        "math",
        TUESDAY,
        1,
        teacher=world.outsider,
        topic="Сравнение чисел",
        marks=(MarkEntry(student_id=pupils[3], value="5"),),
    )
    # Monday's second lesson was never entered: past its deadline it needs the deputy's leave.
    world.at(WEDNESDAY, 10)
    substitutions.permit_late_entry(
        world.school,
        world.deputy,
        substitutions.PermitLateEntry(
            journal_id=math,
            from_date=MONDAY,
            to_date=MONDAY,
            teacher_id=world.math.account_id,
            reason=texts["late_reason"],
        ),
    )
    late = _whole_lesson(
        world,
        "math",
        MONDAY,
        2,
        topic=texts["late_topic"],
        marks=(MarkEntry(student_id=pupils[1], value="5"),),
    )
    world.at(date(2026, 9, 10), 10)
    year.form_class(world.school, world.admin, year.FormClass(year=YEAR, grade=5, letter="Б"))
    students.transfer_student(
        world.school,
        world.secretary,
        students.TransferStudent(
            year=YEAR,
            student_id=pupils[4],
            to_class="5Б",
            on=TRANSFER_DAY,
            order="№ 120-у",
            reason="заявление родителей",
        ),
    )
    # Гусев's only mark was voided: his Q1 mark rests on a current one (School 77 §5.1–5.2).
    world.give_marks("math", 2, on=date(2026, 10, 6))
    world.at(PERIOD_MARKS_DAY, 12)
    for student in pupils[:4]:
        period_marks.record_period_mark(
            world.school,
            world.math,
            period_marks.RecordPeriodMark(
                journal_id=math, period_id="Q1", student_id=student, value="4"
            ),
        )
    world.at(PERIOD_MARKS_DAY, 14)
    authorization = marks.authorize_correction(
        world.school,
        world.deputy,
        marks.AuthorizeCorrection(
            journal_id=math,
            period_id="Q1",
            student_id=pupils[0],
            action="correct",
            remark=texts["remark"],
        ),
    ).ids["authorization_id"]
    world.at(PERIOD_MARKS_DAY, 15)
    period_marks.correct_period_mark(
        world.school,
        world.math,
        period_marks.CorrectPeriodMark(
            journal_id=math,
            period_id="Q1",
            student_id=pupils[0],
            value="5",
            reason=texts["period_correction"],
            authorization_id=authorization,
        ),
    )
    world.at(NOVEMBER_LESSON, 12)
    _whole_lesson(world, "math", NOVEMBER_LESSON, 1, topic=texts["november_topic"])
    return KeptJournal(
        corrected_mark=monday["mark_0"],
        voided_mark=monday["mark_1"],
        late_mark=late["mark_0"],
        substitution=substitution,
        texts=texts,
    )


def open_archive_school(settings: Settings, school_id: str) -> ArchiveSchool:
    """Build the scenario school on a backend and keep its fortnight."""
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(open_school(settings, school_id, clock=clock), clock)
    kept = keep_the_journal(world)
    return ArchiveSchool(
        world=world,
        settings=settings,
        school_id=school_id,
        database=open_database(settings, school_id),
        kept=kept,
    )


@pytest.fixture
def archive_school(database_url: str, school_id: str) -> Iterator[ArchiveSchool]:
    """The kept school on each backend in turn (SQLite, then PostgreSQL)."""
    school = open_archive_school(Settings(database_url=database_url), school_id)
    try:
        yield school
    finally:
        school.database.close()
        school.world.school.close()


@pytest.fixture(scope="module")
def sqlite_archive_school(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArchiveSchool]:
    """The kept school on SQLite, built once per test module (rendering from it is slow enough:
    the school itself need not be rebuilt for every test)."""
    directory: Path = tmp_path_factory.mktemp("archive")
    settings = Settings(database_url=f"sqlite:///{directory}/db")
    school_id = "t" + uuid4().hex[:12]
    school = open_archive_school(settings, school_id)
    try:
        yield school
    finally:
        school.database.close()
        school.world.school.close()


# --- an archive on its stores (test_verify_repair, test_cli) ------------------------------------


@dataclass
class BuiltArchive:
    """An archive of the kept school's first quarter, created once on two directory stores."""

    school: ArchiveSchool
    archive_id: str
    stores: Path
    """Holds the two stores, ``a/`` and ``b/``: tests damage copies of them, never these."""
    rendered: list[tuple[int, int, int]]
    """What creation told its progress bar: (documents rendered, documents, pages)."""
    pages: int
    """The pages of the archive's documents, as creation counted them."""

    @property
    def settings(self) -> Settings:
        return self.school.settings

    def env(self) -> dict[str, str]:
        """The deployment's variables, as ``ejournal`` reads them."""
        return {
            "EJOURNAL_DATABASE_URL": self.settings.database_url,
            "EJOURNAL_SIGNING_KEY_DIR": str(self.settings.signing_key_dir),
            "EJOURNAL_CHECKPOINT_DIR": str(self.settings.checkpoint_dir),
            "EJOURNAL_SCHOOL": self.school.school_id,
        }


def archive_settings(directory: Path, database_url: str) -> Settings:
    """Settings whose keys and checkpoints live under a test's directory, not ./var."""
    return Settings(
        database_url=database_url,
        signing_key_dir=directory / "keys",
        checkpoint_dir=directory / "checkpoints",
    )


@pytest.fixture(scope="session")
def built_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltArchive]:
    """The kept school on SQLite and its first quarter's archive, built once per session."""
    directory: Path = tmp_path_factory.mktemp("built-archive")
    settings = archive_settings(directory, f"sqlite:///{directory}/db")
    school = open_archive_school(settings, "t" + uuid4().hex[:12])
    stores = directory / "stores"
    rendered: list[tuple[int, int, int]] = []
    try:
        created = create_archive(
            settings,
            school.school_id,
            [DirectoryStore(stores / "a"), DirectoryStore(stores / "b")],
            year=YEAR,
            period="Q1",
            clock=school.world.clock,
            workers=1,
            rendering=lambda *told: rendered.append(told),
        )
        yield BuiltArchive(
            school=school,
            archive_id=created.archive_id,
            stores=stores,
            rendered=rendered,
            pages=created.pages,
        )
    finally:
        school.database.close()
        school.world.school.close()


@pytest.fixture
def archive_copies(built_archive: BuiltArchive, tmp_path: Path) -> tuple[Path, Path]:
    """Fresh copies of the built archive's two stores (a, b), for a test to damage."""
    for name in ("a", "b"):
        shutil.copytree(built_archive.stores / name, tmp_path / "stores" / name)
    return tmp_path / "stores" / "a", tmp_path / "stores" / "b"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real S3-compatible HTTP endpoint (moto's server mode) for the session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket on the S3 endpoint, with the usual AWS variables set to reach it."""
    for name, value in {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    bucket = "archive-" + uuid4().hex[:12]
    boto3.client("s3", endpoint_url=moto_endpoint).create_bucket(Bucket=bucket)
    return bucket
