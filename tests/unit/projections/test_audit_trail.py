"""The audit trail's parts that need no database: which events are changes, who reads what,
the cursor, stored times, and the CSV layout."""

from __future__ import annotations

import base64
import csv
import importlib
import io
import pkgutil
from datetime import UTC, date, datetime, timedelta, timezone
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ejournal.aggregates
from ejournal.access import audit_scope
from ejournal.aggregates.account import Account, Grant
from ejournal.aggregates.base import Aggregate
from ejournal.errors import AccessDeniedError
from ejournal.marks import WorkKind
from ejournal.projections.audit_trail.csv_export import CSV_HEADER, csv_lines
from ejournal.projections.audit_trail.cursor import InvalidCursorError, decode_cursor, encode_cursor
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.projection import LEFT_OUT, kept_events
from ejournal.projections.audit_trail.queries import AuditEntry
from ejournal.projections.audit_trail.schema import from_micros, micros
from ejournal.roles import Actor, Role

SYSTEM = Actor(account_id=UUID(int=0), role=Role.SYSTEM)


def aggregates() -> list[type[Aggregate]]:
    """Every aggregate class of the ``ejournal.aggregates`` package, so a new one cannot slip
    past the audit trail's decisions."""
    found: dict[str, type[Aggregate]] = {}
    for module_info in pkgutil.iter_modules(ejournal.aggregates.__path__):
        module = importlib.import_module(f"ejournal.aggregates.{module_info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Aggregate)
                and value.__module__ == module.__name__
            ):
                found[value.__qualname__] = value
    return list(found.values())


def test_the_walk_finds_every_aggregate() -> None:
    names = {a.__name__ for a in aggregates()}
    assert {"ClassJournal", "Student", "SchoolYear", "Account", "ArchiveRegister"} <= names


def aggregate_events() -> dict[str, type]:
    """Every event class the aggregates declare, by qualified name."""
    found = {}
    for aggregate in aggregates():
        for name, value in vars(aggregate).items():
            if isinstance(value, type) and issubclass(value, aggregate.Event) and name != "Event":
                if name in ("Snapshot", "Created"):
                    continue
                found[f"{aggregate.__name__}.{name}"] = value
    return found


def test_every_event_is_a_row_or_left_out_on_purpose() -> None:
    declared = aggregate_events()
    kept = {f"{e.__qualname__}" for e in kept_events()}
    assert len(declared) > 40
    undecided = set(declared) - kept - LEFT_OUT
    assert not undecided, f"decide whether these are changes for the audit trail: {undecided}"
    assert not kept & LEFT_OUT


def test_every_kind_and_role_has_its_russian_name() -> None:
    assert len(kept_events()) == len(AuditKind)
    assert all(kind.title_ru for kind in AuditKind)
    assert all(role.title_ru for role in Role)


def account(*grants: Grant) -> Account:
    person = Account.register(login="person", full_name="Петров Пётр", email=None, actor=SYSTEM)
    for grant in grants:
        person.grant(grant, SYSTEM)
    return person


def grant(role: Role, **scope: object) -> Grant:
    return Grant(id=uuid4(), role=role, **scope)  # type: ignore[arg-type]


def test_who_reads_what_of_the_trail() -> None:
    child = uuid4()
    # The administration reads everything (DESIGN.md §5), the administrator too.
    for role in (Role.AUDITOR, Role.DEPUTY, Role.DIRECTOR, Role.ADMINISTRATOR):
        assert audit_scope(account(grant(role))).everything
    teacher = account(grant(Role.TEACHER))
    assert audit_scope(teacher).reader == teacher.id
    assert not audit_scope(teacher).everything
    class_teacher = audit_scope(
        account(grant(Role.CLASS_TEACHER, class_code="5А", year="2026/2027"))
    )
    assert (class_teacher.classes, class_teacher.reader) == (
        frozenset({("2026/2027", "5А")}),
        None,
    )
    parent = audit_scope(account(grant(Role.PARENT, student_id=child)))
    assert (parent.children, parent.reader, parent.classes) == (frozenset({child}), None, set())
    # One person, several roles: the scopes add up.
    both = account(grant(Role.TEACHER), grant(Role.PARENT, student_id=child))
    assert (audit_scope(both).reader, audit_scope(both).children) == (both.id, frozenset({child}))
    # A student reads their diary, not the trail; nor do the roll keepers and inspectors.
    for role, scope in (
        (Role.STUDENT, {"student_id": child}),
        (Role.SECRETARY, {}),
        (Role.INSPECTOR, {}),
        (Role.ARCHIVIST, {}),
    ):
        with pytest.raises(AccessDeniedError):
            audit_scope(account(grant(role, **scope)))


@given(recorded_at=st.integers(min_value=0, max_value=2**62), position=st.integers(1, 2**62))
def test_a_cursor_round_trips(recorded_at: int, position: int) -> None:
    cursor = encode_cursor(recorded_at, position)
    assert decode_cursor(cursor) == (recorded_at, position)
    assert cursor.isascii()
    assert "=" not in cursor


def forged(text: str) -> str:
    """A cursor as a page would encode it, of any text."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        *("", "x", "MTIz", "MTIzLmFiYw", "ЖЖЖ", "MS4yLjM", "MS4yLg=", "MS4yLg!", "MS4yLg\n"),
        forged("1.2"),  # a cursor cut short
        forged(f"{2**63}.1."),  # beyond SQLite's integers
        forged(f"1.{10**40}."),
        forged("-1.5."),
        forged("1.-5."),
        forged("01.5."),  # not as a page writes it
        forged(" 1.5."),
        forged("1_0.5."),
        forged("+1.5."),
        forged("١.٥."),  # Arabic-Indic digits, which int() reads
    ],
)
def test_a_cursor_not_from_a_page_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(cursor)


@given(recorded_at=st.integers(0, 2**63 - 1), position=st.integers(0, 2**63 - 1))
def test_a_cursor_cut_short_is_refused(recorded_at: int, position: int) -> None:
    cursor = encode_cursor(recorded_at, position)
    for cut in range(1, len(cursor)):
        with pytest.raises(InvalidCursorError):
            decode_cursor(cursor[:cut])


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=3))]),
    )
)
def test_recorded_times_are_kept_to_the_microsecond(moment: datetime) -> None:
    assert from_micros(micros(moment)) == moment
    assert from_micros(micros(moment)).tzinfo is UTC


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        micros(datetime(2026, 9, 7, 10, 0))


def entry(**fields: object) -> AuditEntry:
    values: dict[str, object] = dict.fromkeys(AuditEntry.model_fields)
    values |= {
        "position": 7,
        "recorded_at": datetime(2026, 9, 7, 12, 0, tzinfo=UTC),
        "kind": AuditKind.MARK_CORRECTED,
        "actor_id": uuid4(),
        "actor_role": Role.TEACHER,
        "late": False,
        "revision": True,
    }
    return AuditEntry(**(values | fields))


def test_the_csv_layout() -> None:
    moscow = timezone(timedelta(hours=3))
    rows = [
        entry(
            actor_name="Иванова Мария Петровна",
            student_name="Алексеев Артём",
            subject="mathematics",
            subject_name="Математика",
            lesson_date=date(2026, 9, 7),
            work_kind=WorkKind.CONTROL,
            value_before="3",
            value_after="4",
            reason='ошибка, запятая; и "кавычки"',
            late=True,
        ),
        entry(kind=AuditKind.ACCOUNT_BLOCKED, actor_role=Role.ADMINISTRATOR),
    ]
    lines = list(csv_lines(rows, moscow))
    assert len(lines) == 3
    assert all(line.endswith("\r\n") for line in lines)
    table = list(csv.reader(io.StringIO("".join(lines))))
    assert tuple(table[0]) == CSV_HEADER
    first = dict(zip(CSV_HEADER, table[1], strict=True))
    assert (first["Время записи"], first["Изменение"], first["Роль"]) == (
        "2026-09-07T15:00:00+03:00",
        "Исправлена отметка",
        "учитель",
    )
    assert (first["Предмет"], first["Дата урока"], first["Вид работы"]) == (
        "Математика",
        "07.09.2026",
        "Контрольная работа",
    )
    assert (first["Причина"], first["Позднее заполнение"]) == ('ошибка, запятая; и "кавычки"', "да")
    second = dict(zip(CSV_HEADER, table[2], strict=True))
    # Without a name, the account's id stands in; nothing is left blank that was recorded.
    assert second["Кто"] == str(rows[1].actor_id)
    assert (second["Изменение"], second["Роль"], second["Позднее заполнение"]) == (
        "Учётная запись заблокирована",
        "администратор",
        "",
    )
