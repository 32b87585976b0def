"""The audit trail: one row per change to what people read in a journal or about a student
(DESIGN.md §6), and the query an auditor asks it.

A row says who made the change (account, role, and the substitution or the teacher on whose
behalf a substitute wrote), what kind of change it was, where (journal, class, subject, student,
lesson date), the value before and after, why (the reason; the deputy's approval of a
correction), whether it was a late entry, and when (server time) from which request. The query
is at least as rich as Canvas's grade change log and Moodle's grade history together: by actor,
role, student, class, subject, journal, kind, recorded-time range, lesson-date range, late
entries only, revised values only; newest first, a page at a time by a keyset cursor on
(recorded time, log position), never by OFFSET; and a CSV export of the same rows.

What each row needs to be filtered on is written into it when the event is applied: the journal's
class and subject, the lesson's date, a mark's student. The value before a change comes from the
model's own memory of current values (``audit_memory``: a mark's value, a lesson's topic, an
absence's reason, …), kept in the same transaction as the rows, so the trail never reads another
read model and can be rebuilt on its own. Who may read which rows is decided in the core
(``ejournal.access.audit_scope``): the auditor and the administration read every row; a teacher
the rows of the journals they keep or substitute in; a class teacher those of their class's
journals; a parent the history of their own child's marks. A journal or student filter outside
the reader's scope answers exactly as a missing one.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache, partial
from typing import Any, ClassVar
from uuid import UUID

import orjson
from pydantic import BaseModel, ConfigDict, Field

from ejournal.access import AuditScope, audit_covers_journal, ever_on_page
from ejournal.aggregates.account import Account, Grant
from ejournal.aggregates.class_journal import ClassJournal, KtpItem, LateEntry
from ejournal.aggregates.control_works import ControlWorkSchedule
from ejournal.aggregates.integrity_register import IntegrityRegister
from ejournal.aggregates.school_year import BellSlot, ClosureRecord, SchoolYear
from ejournal.aggregates.staff_register import StaffRegister
from ejournal.aggregates.student import PersonName, Student
from ejournal.application import School
from ejournal.database import Cursor, Dialect, Row
from ejournal.errors import EjournalError, NotFoundError
from ejournal.marks import WorkKind
from ejournal.projections.read_model import ReadModel, Recorded
from ejournal.projections.spreadsheet import csv_cell
from ejournal.roles import Role

# --- the kinds of change -----------------------------------------------------------------------


class AuditKind(StrEnum):
    """What kind of change a row records: one per event the trail keeps."""

    JOURNAL_OPENED = "journal_opened"
    TEACHER_ASSIGNED = "teacher_assigned"
    TEACHER_RELIEVED = "teacher_relieved"
    KTP_SET = "ktp_set"
    LESSON_HELD = "lesson_held"
    LESSON_DETAILS_RECORDED = "lesson_details_recorded"
    LESSON_DETAILS_CORRECTED = "lesson_details_corrected"
    ATTENDANCE_RECORDED = "attendance_recorded"
    ATTENDANCE_CORRECTED = "attendance_corrected"
    ABSENCE_REASON_SET = "absence_reason_set"
    MARK_RECORDED = "mark_recorded"
    MARK_CORRECTED = "mark_corrected"
    MARK_VOIDED = "mark_voided"
    CORRECTION_AUTHORIZED = "correction_authorized"
    PERIOD_MARK_RECORDED = "period_mark_recorded"
    PERIOD_MARK_CORRECTED = "period_mark_corrected"
    SUBSTITUTION_ASSIGNED = "substitution_assigned"
    SUBSTITUTION_CANCELLED = "substitution_cancelled"
    LATE_ENTRY_PERMITTED = "late_entry_permitted"
    PERIOD_CLOSED = "period_closed"
    STUDENT_ADMITTED = "student_admitted"
    PERSONAL_DATA_CORRECTED = "personal_data_corrected"
    GUARDIAN_ADDED = "guardian_added"
    GUARDIAN_REMOVED = "guardian_removed"
    CONSENT_RECORDED = "consent_recorded"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    PROGRESS_PRINTOUT_ISSUED = "progress_printout_issued"
    STUDENT_TRANSFERRED = "student_transferred"
    SUBGROUP_CHANGED = "subgroup_changed"
    STUDENT_PROMOTED = "student_promoted"
    STUDENT_WITHDRAWN = "student_withdrawn"
    YEAR_STARTED = "year_started"
    PROFILE_ADOPTED = "profile_adopted"
    PERIOD_MARKS_DUE_SET = "period_marks_due_set"
    CLOSURE_DECLARED = "closure_declared"
    CLOSURE_LIFTED = "closure_lifted"
    BELL_SCHEDULE_SET = "bell_schedule_set"
    CLASS_FORMED = "class_formed"
    CLASS_TEACHER_ASSIGNED = "class_teacher_assigned"
    TIMETABLE_SET = "timetable_set"
    YEAR_CLOSED = "year_closed"
    ACCOUNT_REGISTERED = "account_registered"
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"
    ACCOUNT_BLOCKED = "account_blocked"
    ACCOUNT_UNBLOCKED = "account_unblocked"
    ACCOUNT_ANNULLED = "account_annulled"
    CREDENTIAL_SET = "credential_set"
    CREDENTIAL_REVOKED = "credential_revoked"
    SIGNING_KEY_REGISTERED = "signing_key_registered"
    SIGNING_KEY_ROTATED = "signing_key_rotated"
    NOTARY_REFUSED_TO_SIGN = "notary_refused_to_sign"
    NOTARY_SIGNING_RESUMED = "notary_signing_resumed"
    STAFF_HIRED = "staff_hired"
    STAFF_TRANSFERRED = "staff_transferred"
    STAFF_DISMISSED = "staff_dismissed"
    STAFF_ATTESTATION_RECORDED = "staff_attestation_recorded"
    STAFF_TRAINING_RECORDED = "staff_training_recorded"
    ADDITIONAL_EDUCATION_RECORDED = "additional_education_recorded"
    ADDITIONAL_EDUCATION_ENDED = "additional_education_ended"
    WORK_PLANNED = "work_planned"
    WORK_AGREED = "work_agreed"
    WORK_CANCELLED = "work_cancelled"

    @property
    def title_ru(self) -> str:
        """The change as the CSV export names it."""
        return _KIND_RU[self]


MARK_KINDS = frozenset(
    {
        AuditKind.MARK_RECORDED,
        AuditKind.MARK_CORRECTED,
        AuditKind.MARK_VOIDED,
        AuditKind.CORRECTION_AUTHORIZED,
        AuditKind.PERIOD_MARK_RECORDED,
        AuditKind.PERIOD_MARK_CORRECTED,
    }
)
"""A mark's history: what a parent may read about their own child."""

_KIND_RU: dict[AuditKind, str] = {
    AuditKind.JOURNAL_OPENED: "Открыт журнал",
    AuditKind.TEACHER_ASSIGNED: "Назначен учитель",
    AuditKind.TEACHER_RELIEVED: "Учитель освобождён от ведения журнала",
    AuditKind.KTP_SET: "Утверждено КТП",
    AuditKind.LESSON_HELD: "Записан урок",
    AuditKind.LESSON_DETAILS_RECORDED: "Записаны тема или домашнее задание",
    AuditKind.LESSON_DETAILS_CORRECTED: "Исправлены тема или домашнее задание",
    AuditKind.ATTENDANCE_RECORDED: "Отмечена посещаемость",
    AuditKind.ATTENDANCE_CORRECTED: "Исправлена посещаемость",
    AuditKind.ABSENCE_REASON_SET: "Указана причина отсутствия",
    AuditKind.MARK_RECORDED: "Выставлена отметка",
    AuditKind.MARK_CORRECTED: "Исправлена отметка",
    AuditKind.MARK_VOIDED: "Аннулирована отметка",
    AuditKind.CORRECTION_AUTHORIZED: "Разрешено исправление (замечание заместителя директора)",
    AuditKind.PERIOD_MARK_RECORDED: "Выставлена отметка за период",
    AuditKind.PERIOD_MARK_CORRECTED: "Исправлена отметка за период",
    AuditKind.SUBSTITUTION_ASSIGNED: "Назначена замена",
    AuditKind.SUBSTITUTION_CANCELLED: "Отменена замена",
    AuditKind.LATE_ENTRY_PERMITTED: "Разрешено позднее заполнение",
    AuditKind.PERIOD_CLOSED: "Закрыт период",
    AuditKind.STUDENT_ADMITTED: "Зачисление",
    AuditKind.PERSONAL_DATA_CORRECTED: "Исправлены персональные данные",
    AuditKind.GUARDIAN_ADDED: "Добавлен законный представитель",
    AuditKind.GUARDIAN_REMOVED: "Исключён законный представитель",
    AuditKind.CONSENT_RECORDED: "Получено согласие на обработку персональных данных",
    AuditKind.CONSENT_WITHDRAWN: "Отозвано согласие на обработку персональных данных",
    AuditKind.PROGRESS_PRINTOUT_ISSUED: "Выдана распечатка результатов обучения",
    AuditKind.STUDENT_TRANSFERRED: "Перевод в другой класс",
    AuditKind.SUBGROUP_CHANGED: "Перевод в другую группу",
    AuditKind.STUDENT_PROMOTED: "Перевод в следующий класс",
    AuditKind.STUDENT_WITHDRAWN: "Выбытие",
    AuditKind.YEAR_STARTED: "Открыт учебный год",
    AuditKind.PROFILE_ADOPTED: "Принято положение о журнале",
    AuditKind.PERIOD_MARKS_DUE_SET: "Установлен срок отметок за период",
    AuditKind.CLOSURE_DECLARED: "Объявлены каникулы или карантин",
    AuditKind.CLOSURE_LIFTED: "Отменены каникулы или карантин",
    AuditKind.BELL_SCHEDULE_SET: "Утверждено расписание звонков",
    AuditKind.CLASS_FORMED: "Сформирован класс",
    AuditKind.CLASS_TEACHER_ASSIGNED: "Назначен классный руководитель",
    AuditKind.TIMETABLE_SET: "Утверждено расписание уроков",
    AuditKind.YEAR_CLOSED: "Закрыт учебный год",
    AuditKind.ACCOUNT_REGISTERED: "Создана учётная запись",
    AuditKind.ROLE_GRANTED: "Выдана роль",
    AuditKind.ROLE_REVOKED: "Отозвана роль",
    AuditKind.ACCOUNT_BLOCKED: "Учётная запись заблокирована",
    AuditKind.ACCOUNT_UNBLOCKED: "Учётная запись разблокирована",
    AuditKind.ACCOUNT_ANNULLED: "Учётная запись аннулирована",
    AuditKind.CREDENTIAL_SET: "Установлен пароль или ключ доступа",
    AuditKind.CREDENTIAL_REVOKED: "Отозван пароль или ключ доступа",
    AuditKind.SIGNING_KEY_REGISTERED: "Зарегистрирован ключ подписи контрольных точек журнала",
    AuditKind.SIGNING_KEY_ROTATED: "Заменён ключ подписи контрольных точек журнала",
    AuditKind.NOTARY_REFUSED_TO_SIGN: "Отказ в подписи контрольной точки журнала",
    AuditKind.NOTARY_SIGNING_RESUMED: "Подписание контрольных точек журнала возобновлено",
    AuditKind.STAFF_HIRED: "Сотрудник принят на работу",
    AuditKind.STAFF_TRANSFERRED: "Сотрудник переведён на другую должность",
    AuditKind.STAFF_DISMISSED: "Сотрудник уволен",
    AuditKind.STAFF_ATTESTATION_RECORDED: "Внесены сведения об аттестации сотрудника",
    AuditKind.STAFF_TRAINING_RECORDED: "Внесены сведения о повышении квалификации сотрудника",
    AuditKind.ADDITIONAL_EDUCATION_RECORDED: "Внесены сведения о дополнительном образовании",
    AuditKind.ADDITIONAL_EDUCATION_ENDED: "Прекращены занятия в дополнительном образовании",
    AuditKind.WORK_PLANNED: "Контрольная (лабораторная) работа внесена в график",
    AuditKind.WORK_AGREED: "Работа в графике согласована заместителем директора",
    AuditKind.WORK_CANCELLED: "Работа снята с графика",
}

ROLE_RU: dict[Role, str] = {
    Role.TEACHER: "учитель",
    Role.CLASS_TEACHER: "классный руководитель",
    Role.DEPUTY: "заместитель директора",
    Role.ADMINISTRATOR: "администратор",
    Role.DIRECTOR: "директор",
    Role.SECRETARY: "секретарь",
    Role.PARENT: "родитель",
    Role.STUDENT: "ученик",
    Role.INSPECTOR: "инспектор",
    Role.ARCHIVIST: "архивариус",
    Role.PSYCHOLOGIST: "педагог-психолог",
    Role.AUDITOR: "аудитор",
    Role.SYSTEM: "система",
}

# --- tables -------------------------------------------------------------------------------------

# Times are whole microseconds since the epoch (UTC) and dates ISO text: both compare and sort
# the same on SQLite and PostgreSQL, and the cursor is two integers.
_DDL = (
    """CREATE TABLE IF NOT EXISTS audit_rows (
        position BIGINT PRIMARY KEY,
        recorded_at BIGINT NOT NULL,
        request_id TEXT,
        kind TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        actor_name TEXT,
        substitution_id TEXT,
        on_behalf_of TEXT,
        on_behalf_of_name TEXT,
        journal_id TEXT,
        year TEXT,
        class_code TEXT,
        subject TEXT,
        subject_name TEXT,
        subgroup TEXT,
        student_id TEXT,
        student_name TEXT,
        account_id TEXT,
        account_name TEXT,
        lesson_id TEXT,
        lesson_date TEXT,
        mark_id TEXT,
        period_id TEXT,
        work_kind TEXT,
        value_before TEXT,
        value_after TEXT,
        reason TEXT,
        note TEXT,
        authorization_id TEXT,
        approved_by TEXT,
        approved_by_name TEXT,
        approval_remark TEXT,
        late BOOLEAN NOT NULL,
        late_permission_id TEXT,
        revision BOOLEAN NOT NULL
    )""",
    # Every filter an index of its own, ending in the newest-first order the pages walk; the
    # late and revised ones are partial (few rows qualify). Other filters narrow what these give.
    "CREATE INDEX IF NOT EXISTS audit_rows_recorded ON audit_rows (recorded_at, position)",
    "CREATE INDEX IF NOT EXISTS audit_rows_journal"
    " ON audit_rows (journal_id, recorded_at, position)",
    "CREATE INDEX IF NOT EXISTS audit_rows_student"
    " ON audit_rows (student_id, recorded_at, position)",
    "CREATE INDEX IF NOT EXISTS audit_rows_actor ON audit_rows (actor_id, recorded_at, position)",
    "CREATE INDEX IF NOT EXISTS audit_rows_class ON audit_rows (class_code, recorded_at, position)",
    "CREATE INDEX IF NOT EXISTS audit_rows_kind ON audit_rows (kind, recorded_at, position)",
    "CREATE INDEX IF NOT EXISTS audit_rows_late ON audit_rows (recorded_at, position) WHERE late",
    "CREATE INDEX IF NOT EXISTS audit_rows_revised"
    " ON audit_rows (recorded_at, position) WHERE revision",
    """CREATE TABLE IF NOT EXISTS audit_memory (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    # Who reads which journal's rows: its teachers and its substitutes (as can_see_journal says),
    # and through the journal's class, its class teacher.
    """CREATE TABLE IF NOT EXISTS audit_journals (
        journal_id TEXT PRIMARY KEY,
        year TEXT NOT NULL,
        class_code TEXT NOT NULL,
        subject TEXT NOT NULL,
        subgroup TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS audit_journals_class ON audit_journals (class_code)",
    """CREATE TABLE IF NOT EXISTS audit_journal_readers (
        journal_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        via TEXT NOT NULL,
        active BOOLEAN NOT NULL,
        PRIMARY KEY (account_id, journal_id, via)
    )""",
)

_COLUMNS = (
    "position",
    "recorded_at",
    "request_id",
    "kind",
    "actor_id",
    "actor_role",
    "actor_name",
    "substitution_id",
    "on_behalf_of",
    "on_behalf_of_name",
    "journal_id",
    "year",
    "class_code",
    "subject",
    "subject_name",
    "subgroup",
    "student_id",
    "student_name",
    "account_id",
    "account_name",
    "lesson_id",
    "lesson_date",
    "mark_id",
    "period_id",
    "work_kind",
    "value_before",
    "value_after",
    "reason",
    "note",
    "authorization_id",
    "approved_by",
    "approved_by_name",
    "approval_remark",
    "late",
    "late_permission_id",
    "revision",
)
_INSERT_ROW = (
    f"INSERT INTO audit_rows ({', '.join(_COLUMNS)})"  # noqa: S608 (constant column names)
    f" VALUES ({', '.join(f'%({c})s' for c in _COLUMNS)})"
)
_EMPTY_ROW: Row = dict.fromkeys(_COLUMNS) | {"late": False, "revision": False}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """A moment as whole microseconds since the epoch: how the trail stores and compares times."""
    if moment.tzinfo is None:
        raise ValueError("a recorded time is timezone-aware")
    return (moment - _EPOCH) // _MICROSECOND


def from_micros(value: int) -> datetime:
    return _EPOCH + value * _MICROSECOND


class AuditTrail(ReadModel):
    """The audit trail read model."""

    name: ClassVar[str] = "audit_trail"
    version: ClassVar[int] = 1
    tables: ClassVar[tuple[str, ...]] = (
        "audit_rows",
        "audit_memory",
        "audit_journals",
        "audit_journal_readers",
    )

    def create_tables(self, cursor: Cursor, dialect: Dialect) -> None:
        for statement in _DDL:
            cursor.execute(statement)

    def apply(self, cursor: Cursor, dialect: Dialect, batch: Sequence[Recorded]) -> None:
        changes = _Batch(_Memory(cursor))
        kept = [r for r in batch if type(r.event) in _HANDLERS]
        changes.memory.prefetch(key for r in kept for key in _keys(r.event))
        for recorded in kept:
            _HANDLERS[type(recorded.event)](changes, recorded.position, recorded.event)
        changes.memory.flush()
        for statement, params in changes.statements:
            cursor.execute(statement, params)
        if changes.rows:
            cursor.executemany(_INSERT_ROW, changes.rows)


# --- the model's memory of current values -------------------------------------------------------

Value = dict[str, Any]
_CHUNK = 500


class _Memory:
    """Current values the trail needs to tell "before" and to place a row: read once per batch,
    kept in memory while the batch is applied, and the changed ones written back with it."""

    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self.values: dict[str, Value | None] = {}
        self.changed: set[str] = set()

    def prefetch(self, keys: Iterable[str]) -> None:
        wanted = sorted({k for k in keys if k not in self.values})
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            params = {f"k{i}": key for i, key in enumerate(chunk)}
            marks = ", ".join(f"%({name})s" for name in params)
            self.cursor.execute(
                f"SELECT key, value FROM audit_memory WHERE key IN ({marks})",  # noqa: S608
                params,
            )
            found = {row["key"]: orjson.loads(row["value"]) for row in self.cursor.fetchall()}
            for key in chunk:
                self.values[key] = found.get(key)

    def get(self, key: str) -> Value | None:
        if key not in self.values:
            self.prefetch((key,))
        return self.values[key]

    def put(self, key: str, value: Value) -> None:
        self.values[key] = value
        self.changed.add(key)

    def update(self, key: str, **changes: Any) -> Value:
        value = {**(self.get(key) or {}), **changes}
        self.put(key, value)
        return value

    def flush(self) -> None:
        if not self.changed:
            return
        self.cursor.executemany(
            """INSERT INTO audit_memory (key, value) VALUES (%(key)s, %(value)s)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
            [
                {"key": key, "value": orjson.dumps(self.values[key]).decode()}
                for key in sorted(self.changed)
            ],
        )
        self.changed.clear()


# The same few ids (a journal, its lessons, its students) recur in every event of a batch.
_text = lru_cache(maxsize=4096)(str)


def _uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


def _journal_key(journal_id: UUID) -> str:
    return "journal/" + _text(journal_id)


def _lesson_key(lesson_id: UUID) -> str:
    return "lesson/" + _text(lesson_id)


def _mark_key(mark_id: UUID) -> str:
    return "mark/" + _text(mark_id)


def _student_key(student_id: UUID) -> str:
    return "student/" + _text(student_id)


def _account_key(account_id: UUID) -> str:
    return "account/" + _text(account_id)


def _attendance_key(lesson_id: UUID, student_id: UUID) -> str:
    return f"attendance/{_text(lesson_id)}/{_text(student_id)}"


def _period_mark_key(journal_id: UUID, period_id: str, student_id: UUID) -> str:
    return f"period-mark/{_text(journal_id)}/{period_id}/{_text(student_id)}"


def _year_key(year_id: UUID) -> str:
    return "year/" + _text(year_id)


def _keys(event: Any) -> list[str]:
    """The memory an event will read: fetched for the whole batch in one query."""
    keys = [_account_key(event.actor.account_id)]
    if isinstance(event, ClassJournal.Event):
        keys.append(_journal_key(event.originator_id))
    elif isinstance(event, Student.Event):
        keys.append(_student_key(event.originator_id))
    elif isinstance(event, Account.Event):
        keys.append(_account_key(event.originator_id))
    elif isinstance(event, SchoolYear.Event):
        keys.append(_year_key(event.originator_id))
    for name, key in (("lesson_id", _lesson_key), ("mark_id", _mark_key)):
        value = getattr(event, name, None)
        if isinstance(value, UUID):
            keys.append(key(value))
    student_id = getattr(event, "student_id", None)
    if isinstance(student_id, UUID):
        keys.append(_student_key(student_id))
        lesson_id = getattr(event, "lesson_id", None)
        if isinstance(lesson_id, UUID):
            keys.append(_attendance_key(lesson_id, student_id))
    return keys


# --- applying events ----------------------------------------------------------------------------


@dataclass
class _Batch:
    """What one batch writes: the rows, the memory, and the scope tables' statements."""

    memory: _Memory
    rows: list[Row] = field(default_factory=list)
    statements: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def name_of(self, account_id: UUID | None) -> str | None:
        if account_id is None:
            return None
        known = self.memory.get(_account_key(account_id))
        return known["name"] if known else None

    def student(self, student_id: UUID | None) -> Value:
        if student_id is None:
            return {}
        return self.memory.get(_student_key(student_id)) or {}

    def journal(self, journal_id: UUID) -> Value:
        return self.memory.get(_journal_key(journal_id)) or {}

    def lesson(self, lesson_id: UUID | None) -> Value:
        if lesson_id is None:
            return {}
        return self.memory.get(_lesson_key(lesson_id)) or {}

    def add(self, position: int, kind: AuditKind, event: Any, **fields: Any) -> None:
        """A row for an event: who and when from the event, the rest as given."""
        student = fields.get("student_id")
        if student is not None and "student_name" not in fields:
            fields["student_name"] = self.student(_uuid(student)).get("name")
        account = fields.get("account_id")
        if account is not None and "account_name" not in fields:
            fields["account_name"] = self.name_of(_uuid(account))
        row: Row = _EMPTY_ROW.copy()
        row.update(
            position=position,
            recorded_at=micros(event.timestamp),
            request_id=event.request_id,
            kind=kind.value,
            actor_id=_text(event.actor.account_id),
            actor_role=event.actor.role.value,
            actor_name=self.name_of(event.actor.account_id),
        )
        for key, value in fields.items():
            if key not in row:
                raise KeyError(f"the audit trail has no column {key!r}")
            row[key] = _column_value(value)
        self.rows.append(row)

    def in_journal(
        self,
        position: int,
        kind: AuditKind,
        event: Any,
        lesson_id: UUID | None = None,
        **fields: Any,
    ) -> None:
        """A row of a journal's page: the journal's class and subject, and for an entry at a
        lesson, the lesson's date and the substitution the entry was made under, if any."""
        journal = self.journal(event.originator_id)
        where: dict[str, Any] = {
            "journal_id": event.originator_id,
            "year": journal.get("year"),
            "class_code": journal.get("class_code"),
            "subject": journal.get("subject"),
            "subject_name": journal.get("subject_name"),
            "subgroup": journal.get("subgroup"),
        }
        if lesson_id is not None:
            lesson = self.lesson(lesson_id)
            where["lesson_id"] = lesson_id
            where["lesson_date"] = lesson.get("on")
            # A substitute's entry is made on behalf of the teacher they replace.
            if lesson.get("substitute_id") == str(event.actor.account_id):
                where["substitution_id"] = lesson.get("substitution_id")
                replaced = lesson.get("replaced_id")
                where["on_behalf_of"] = replaced
                where["on_behalf_of_name"] = self.name_of(UUID(replaced)) if replaced else None
        self.add(position, kind, event, **(where | fields))

    def about_student(self, position: int, kind: AuditKind, event: Any, **fields: Any) -> None:
        """A row of a student's record: their class and year as they stood before the change."""
        student = self.student(event.originator_id)
        where = {
            "student_id": event.originator_id,
            "year": student.get("year"),
            "class_code": student.get("class_code"),
        }
        self.add(position, kind, event, **(where | fields))

    def approval(self, authorization_id: UUID | None) -> dict[str, Any]:
        """The deputy's remark a correction was made under (Lyceum 68 §3.6.7)."""
        if authorization_id is None:
            return {}
        known = self.memory.get(f"authorization/{authorization_id}") or {}
        approver = known.get("actor_id")
        return {
            "authorization_id": authorization_id,
            "approved_by": approver,
            "approved_by_name": self.name_of(UUID(approver)) if approver else None,
            "approval_remark": known.get("remark"),
        }

    def execute(self, statement: str, **params: Any) -> None:
        self.statements.append((statement, params))


def _column_value(value: Any) -> Any:
    if isinstance(value, UUID):
        return _text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def _late(late: LateEntry | None) -> dict[str, Any]:
    return {"late": late is not None, "late_permission_id": late.permission_id if late else None}


def _details(topic: str | None, homework: str | None) -> str | None:
    """A lesson's topic and homework as one value of the trail."""
    parts = [f"тема: {topic}" if topic else None, f"д/з: {homework}" if homework else None]
    shown = "; ".join(p for p in parts if p)
    return shown or None


def _ktp(items: Sequence[KtpItem]) -> str | None:
    if not items:
        return None
    return f"{len(items)} тем, {sum(i.hours for i in items)} ч"


def _closure(closure: ClosureRecord) -> str:
    classes = f" ({', '.join(sorted(closure.classes))})" if closure.classes else ""
    return f"{closure.kind} {closure.start.isoformat()}–{closure.end.isoformat()}{classes}"


def _bells(slots: Sequence[BellSlot]) -> str:
    return ", ".join(f"{s.slot}: {s.start:%H:%M}–{s.end:%H:%M}" for s in slots)


def _grant(grant: Grant) -> str:
    scope = grant.class_code or (str(grant.student_id) if grant.student_id else "")
    year = f" {grant.year}" if grant.year else ""
    return f"{grant.role.value} {scope}{year}".strip()


def _person(name: PersonName) -> str:
    return str(name)


_Handler = Callable[[_Batch, int, Any], None]
_HANDLERS: dict[type, _Handler] = {}


def _on(event_type: type) -> Callable[[_Handler], _Handler]:
    def register(handler: _Handler) -> _Handler:
        _HANDLERS[event_type] = handler
        return handler

    return register


# --- a journal, its teachers and plan ----------------------------------------------------------


def _reader(b: _Batch, journal_id: UUID, account_id: UUID, via: str, *, active: bool) -> None:
    b.execute(
        """INSERT INTO audit_journal_readers (journal_id, account_id, via, active)
        VALUES (%(journal_id)s, %(account_id)s, %(via)s, %(active)s)
        ON CONFLICT (account_id, journal_id, via) DO UPDATE SET active = excluded.active""",
        journal_id=str(journal_id),
        account_id=str(account_id),
        via=via,
        active=active,
    )


@_on(ClassJournal.Opened)
def _journal_opened(b: _Batch, position: int, e: ClassJournal.Opened) -> None:
    b.memory.put(
        _journal_key(e.originator_id),
        {
            "year": e.year,
            "class_code": e.class_code,
            "subject": e.subject,
            "subject_name": e.subject_name,
            "subgroup": e.subgroup,
            "ktp": None,
        },
    )
    b.execute(
        """INSERT INTO audit_journals (journal_id, year, class_code, subject, subgroup)
        VALUES (%(journal_id)s, %(year)s, %(class_code)s, %(subject)s, %(subgroup)s)
        ON CONFLICT (journal_id) DO UPDATE SET year = excluded.year,
            class_code = excluded.class_code, subject = excluded.subject,
            subgroup = excluded.subgroup""",
        journal_id=str(e.originator_id),
        year=e.year,
        class_code=e.class_code,
        subject=e.subject,
        subgroup=e.subgroup,
    )
    for teacher in e.teachers:
        _reader(b, e.originator_id, teacher, "teacher", active=True)
    teachers = ", ".join(n for t in e.teachers if (n := b.name_of(t)))
    b.in_journal(position, AuditKind.JOURNAL_OPENED, e, value_after=teachers or None)


@_on(ClassJournal.TeacherAssigned)
def _teacher_assigned(b: _Batch, position: int, e: ClassJournal.TeacherAssigned) -> None:
    _reader(b, e.originator_id, e.account_id, "teacher", active=True)
    b.in_journal(
        position,
        AuditKind.TEACHER_ASSIGNED,
        e,
        account_id=e.account_id,
        value_after=b.name_of(e.account_id),
    )


@_on(ClassJournal.TeacherRelieved)
def _teacher_relieved(b: _Batch, position: int, e: ClassJournal.TeacherRelieved) -> None:
    _reader(b, e.originator_id, e.account_id, "teacher", active=False)
    b.in_journal(
        position,
        AuditKind.TEACHER_RELIEVED,
        e,
        account_id=e.account_id,
        value_before=b.name_of(e.account_id),
        reason=e.reason,
    )


@_on(ClassJournal.KtpSet)
def _ktp_set(b: _Batch, position: int, e: ClassJournal.KtpSet) -> None:
    before = b.journal(e.originator_id).get("ktp")
    after = _ktp(e.items)
    b.memory.update(_journal_key(e.originator_id), ktp=after)
    b.in_journal(
        position,
        AuditKind.KTP_SET,
        e,
        value_before=before,
        value_after=after,
        reason=e.reason,
        revision=before is not None,
    )


# --- lessons ------------------------------------------------------------------------------------


@_on(ClassJournal.LessonHeld)
def _lesson_held(b: _Batch, position: int, e: ClassJournal.LessonHeld) -> None:
    lesson = e.lesson
    substitution = (
        b.memory.get(f"substitution/{lesson.substitution_id}") or {}
        if lesson.substitution_id
        else {}
    )
    b.memory.put(
        _lesson_key(lesson.id),
        {
            "on": lesson.on.isoformat(),
            "slot": lesson.slot,
            "topic": lesson.topic,
            "homework": lesson.homework,
            "substitution_id": str(lesson.substitution_id) if lesson.substitution_id else None,
            "substitute_id": substitution.get("substitute_id"),
            "replaced_id": substitution.get("replaced_id"),
        },
    )
    b.in_journal(
        position,
        AuditKind.LESSON_HELD,
        e,
        lesson_id=lesson.id,
        value_after=_details(lesson.topic, lesson.homework),
        **_late(lesson.late),
    )


@_on(ClassJournal.LessonDetailsRecorded)
def _lesson_details_recorded(
    b: _Batch, position: int, e: ClassJournal.LessonDetailsRecorded
) -> None:
    lesson = b.lesson(e.lesson_id)
    changes = {k: v for k, v in (("topic", e.topic), ("homework", e.homework)) if v is not None}
    b.memory.update(_lesson_key(e.lesson_id), **changes)
    b.in_journal(
        position,
        AuditKind.LESSON_DETAILS_RECORDED,
        e,
        lesson_id=e.lesson_id,
        value_before=_details(lesson.get("topic"), lesson.get("homework")),
        value_after=_details(
            changes.get("topic", lesson.get("topic")),
            changes.get("homework", lesson.get("homework")),
        ),
        **_late(e.late),
    )


@_on(ClassJournal.LessonDetailsCorrected)
def _lesson_details_corrected(
    b: _Batch, position: int, e: ClassJournal.LessonDetailsCorrected
) -> None:
    lesson = b.lesson(e.lesson_id)
    before = (
        _details(lesson.get("topic"), lesson.get("homework"))
        if lesson
        else _details(e.previous_topic, e.previous_homework)
    )
    b.memory.update(_lesson_key(e.lesson_id), topic=e.topic, homework=e.homework)
    b.in_journal(
        position,
        AuditKind.LESSON_DETAILS_CORRECTED,
        e,
        lesson_id=e.lesson_id,
        value_before=before,
        value_after=_details(e.topic, e.homework),
        reason=e.reason,
        revision=True,
    )


# --- attendance ---------------------------------------------------------------------------------


@_on(ClassJournal.AttendanceRecorded)
def _attendance_recorded(b: _Batch, position: int, e: ClassJournal.AttendanceRecorded) -> None:
    key = _attendance_key(e.lesson_id, e.student_id)
    before = b.memory.get(key)
    b.memory.put(key, {"status": e.status.value, "reason": None})
    b.in_journal(
        position,
        AuditKind.ATTENDANCE_RECORDED,
        e,
        lesson_id=e.lesson_id,
        student_id=e.student_id,
        value_before=before["status"] if before else None,
        value_after=e.status,
        **_late(e.late),
    )


@_on(ClassJournal.AttendanceCorrected)
def _attendance_corrected(b: _Batch, position: int, e: ClassJournal.AttendanceCorrected) -> None:
    key = _attendance_key(e.lesson_id, e.student_id)
    before = b.memory.get(key) or {"status": e.previous.value, "reason": None}
    # As in the aggregate: a student corrected to present keeps no absence reason.
    reason = None if e.status.value == "present" else before.get("reason")
    b.memory.put(key, {"status": e.status.value, "reason": reason})
    b.in_journal(
        position,
        AuditKind.ATTENDANCE_CORRECTED,
        e,
        lesson_id=e.lesson_id,
        student_id=e.student_id,
        value_before=before["status"],
        value_after=e.status,
        reason=e.reason,
        revision=True,
    )


@_on(ClassJournal.AbsenceReasonSet)
def _absence_reason_set(b: _Batch, position: int, e: ClassJournal.AbsenceReasonSet) -> None:
    key = _attendance_key(e.lesson_id, e.student_id)
    known = b.memory.get(key)
    before = known.get("reason") if known else (e.previous.value if e.previous else None)
    b.memory.update(key, reason=e.absence_reason.value)
    b.in_journal(
        position,
        AuditKind.ABSENCE_REASON_SET,
        e,
        lesson_id=e.lesson_id,
        student_id=e.student_id,
        value_before=before,
        value_after=e.absence_reason,
        reason=e.reason,
        note=e.note,
        revision=before is not None,
    )


# --- marks --------------------------------------------------------------------------------------


@_on(ClassJournal.MarkRecorded)
def _mark_recorded(b: _Batch, position: int, e: ClassJournal.MarkRecorded) -> None:
    b.memory.put(
        _mark_key(e.mark_id),
        {
            "lesson_id": str(e.lesson_id),
            "student_id": str(e.student_id),
            "value": e.value,
            "work_kind": e.work_kind.value,
        },
    )
    b.in_journal(
        position,
        AuditKind.MARK_RECORDED,
        e,
        lesson_id=e.lesson_id,
        student_id=e.student_id,
        mark_id=e.mark_id,
        work_kind=e.work_kind,
        value_after=e.value,
        note=e.comment,
        **_late(e.late),
    )


def _mark_place(mark: Value) -> dict[str, Any]:
    return {
        "lesson_id": UUID(mark["lesson_id"]) if mark.get("lesson_id") else None,
        "student_id": mark.get("student_id"),
        "work_kind": mark.get("work_kind"),
    }


@_on(ClassJournal.MarkCorrected)
def _mark_corrected(b: _Batch, position: int, e: ClassJournal.MarkCorrected) -> None:
    mark = b.memory.get(_mark_key(e.mark_id)) or {"value": e.previous}
    b.memory.update(_mark_key(e.mark_id), value=e.value)
    b.in_journal(
        position,
        AuditKind.MARK_CORRECTED,
        e,
        mark_id=e.mark_id,
        value_before=mark["value"],
        value_after=e.value,
        reason=e.reason,
        revision=True,
        **_mark_place(mark),
        **b.approval(e.authorization_id),
    )


@_on(ClassJournal.MarkVoided)
def _mark_voided(b: _Batch, position: int, e: ClassJournal.MarkVoided) -> None:
    mark = b.memory.get(_mark_key(e.mark_id)) or {"value": e.previous}
    b.memory.update(_mark_key(e.mark_id), voided=True)
    b.in_journal(
        position,
        AuditKind.MARK_VOIDED,
        e,
        mark_id=e.mark_id,
        value_before=mark["value"],
        value_after=None,
        reason=e.reason,
        revision=True,
        **_mark_place(mark),
        **b.approval(e.authorization_id),
    )


@_on(ClassJournal.CorrectionAuthorized)
def _correction_authorized(b: _Batch, position: int, e: ClassJournal.CorrectionAuthorized) -> None:
    auth = e.authorization
    b.memory.put(
        f"authorization/{auth.id}",
        {"actor_id": str(e.actor.account_id), "remark": auth.remark},
    )
    place: dict[str, Any] = {}
    before = None
    if auth.mark_id is not None:
        mark = b.memory.get(_mark_key(auth.mark_id)) or {}
        place = {"mark_id": auth.mark_id, **_mark_place(mark)}
        before = mark.get("value")
    elif auth.period_mark is not None:
        period_id, _, student = auth.period_mark.partition("/")
        place = {"period_id": period_id, "student_id": student}
        known = b.memory.get(_period_mark_key(e.originator_id, period_id, UUID(student)))
        before = known["value"] if known else None
    b.in_journal(
        position,
        AuditKind.CORRECTION_AUTHORIZED,
        e,
        value_before=before,
        value_after=auth.action,
        reason=auth.remark,
        authorization_id=auth.id,
        approved_by=e.actor.account_id,
        approved_by_name=b.name_of(e.actor.account_id),
        approval_remark=auth.remark,
        **place,
    )


@_on(ClassJournal.PeriodMarkRecorded)
def _period_mark_recorded(b: _Batch, position: int, e: ClassJournal.PeriodMarkRecorded) -> None:
    b.memory.put(_period_mark_key(e.originator_id, e.period_id, e.student_id), {"value": e.value})
    b.in_journal(
        position,
        AuditKind.PERIOD_MARK_RECORDED,
        e,
        period_id=e.period_id,
        student_id=e.student_id,
        value_after=e.value,
        **_late(e.late),
    )


@_on(ClassJournal.PeriodMarkCorrected)
def _period_mark_corrected(b: _Batch, position: int, e: ClassJournal.PeriodMarkCorrected) -> None:
    key = _period_mark_key(e.originator_id, e.period_id, e.student_id)
    known = b.memory.get(key)
    b.memory.put(key, {"value": e.value})
    b.in_journal(
        position,
        AuditKind.PERIOD_MARK_CORRECTED,
        e,
        period_id=e.period_id,
        student_id=e.student_id,
        value_before=known["value"] if known else e.previous,
        value_after=e.value,
        reason=e.reason,
        revision=True,
        **b.approval(e.authorization_id),
    )


# --- substitutions, late entries, closing -------------------------------------------------------


@_on(ClassJournal.SubstitutionAssigned)
def _substitution_assigned(b: _Batch, position: int, e: ClassJournal.SubstitutionAssigned) -> None:
    sub = e.substitution
    b.memory.put(
        f"substitution/{sub.id}",
        {
            "substitute_id": str(sub.substitute_id),
            "replaced_id": str(sub.replaced_id) if sub.replaced_id else None,
            "on": sub.on.isoformat(),
        },
    )
    _reader(b, e.originator_id, sub.substitute_id, f"substitution/{sub.id}", active=True)
    b.in_journal(
        position,
        AuditKind.SUBSTITUTION_ASSIGNED,
        e,
        substitution_id=sub.id,
        lesson_date=sub.on,
        account_id=sub.substitute_id,
        value_before=b.name_of(sub.replaced_id),
        value_after=b.name_of(sub.substitute_id),
        reason=sub.reason,
        note=f"урок {sub.slot}",
    )


@_on(ClassJournal.SubstitutionCancelled)
def _substitution_cancelled(
    b: _Batch, position: int, e: ClassJournal.SubstitutionCancelled
) -> None:
    sub = b.memory.get(f"substitution/{e.substitution_id}") or {}
    substitute = UUID(sub["substitute_id"]) if sub.get("substitute_id") else None
    if substitute is not None:
        _reader(b, e.originator_id, substitute, f"substitution/{e.substitution_id}", active=False)
    b.in_journal(
        position,
        AuditKind.SUBSTITUTION_CANCELLED,
        e,
        substitution_id=e.substitution_id,
        lesson_date=sub.get("on"),
        account_id=substitute,
        value_before=b.name_of(substitute),
        reason=e.reason,
    )


@_on(ClassJournal.LateEntryPermitted)
def _late_entry_permitted(b: _Batch, position: int, e: ClassJournal.LateEntryPermitted) -> None:
    permission = e.permission
    b.in_journal(
        position,
        AuditKind.LATE_ENTRY_PERMITTED,
        e,
        lesson_date=permission.from_date,
        account_id=permission.teacher_id,
        value_after=f"{permission.from_date.isoformat()}–{permission.to_date.isoformat()}",
        reason=permission.reason,
        note=f"действует до {permission.valid_until.isoformat()}",
        late_permission_id=permission.id,
    )


@_on(ClassJournal.PeriodClosed)
def _period_closed(b: _Batch, position: int, e: ClassJournal.PeriodClosed) -> None:
    period = e.period
    b.in_journal(
        position,
        AuditKind.PERIOD_CLOSED,
        e,
        period_id=period.id,
        value_after=f"{period.start.isoformat()}–{period.end.isoformat()}",
    )


# --- students -----------------------------------------------------------------------------------


@_on(Student.Admitted)
def _admitted(b: _Batch, position: int, e: Student.Admitted) -> None:
    b.memory.put(
        _student_key(e.originator_id),
        {"name": _person(e.name), "class_code": e.class_code, "year": e.year},
    )
    b.about_student(
        position,
        AuditKind.STUDENT_ADMITTED,
        e,
        lesson_date=e.on,
        value_after=e.class_code,
        note=e.order,
    )


@_on(Student.PersonalDataCorrected)
def _personal_data_corrected(b: _Batch, position: int, e: Student.PersonalDataCorrected) -> None:
    # The row names the student as they were known when the change was made.
    b.about_student(
        position,
        AuditKind.PERSONAL_DATA_CORRECTED,
        e,
        value_before=f"{_person(e.previous_name)}, {e.previous_birth_date.isoformat()}",
        value_after=f"{_person(e.name)}, {e.birth_date.isoformat()}",
        reason=e.reason,
        revision=True,
    )
    b.memory.update(_student_key(e.originator_id), name=_person(e.name))


@_on(Student.GuardianAdded)
def _guardian_added(b: _Batch, position: int, e: Student.GuardianAdded) -> None:
    guardian = f"{_person(e.guardian.name)} ({e.guardian.relation})"
    b.memory.put(f"guardian/{e.guardian.id}", {"guardian": guardian})
    b.about_student(
        position,
        AuditKind.GUARDIAN_ADDED,
        e,
        account_id=e.guardian.account_id,
        value_after=guardian,
    )


@_on(Student.GuardianRemoved)
def _guardian_removed(b: _Batch, position: int, e: Student.GuardianRemoved) -> None:
    known = b.memory.get(f"guardian/{e.guardian_id}") or {}
    b.about_student(
        position,
        AuditKind.GUARDIAN_REMOVED,
        e,
        value_before=known.get("guardian"),
        reason=e.reason,
    )


@_on(Student.ConsentRecorded)
def _consent_recorded(b: _Batch, position: int, e: Student.ConsentRecorded) -> None:
    b.memory.put(f"consent/{e.consent.id}", {"document": e.consent.document})
    b.about_student(
        position,
        AuditKind.CONSENT_RECORDED,
        e,
        lesson_date=e.consent.given_on,
        value_after=e.consent.document,
    )


@_on(Student.ConsentWithdrawn)
def _consent_withdrawn(b: _Batch, position: int, e: Student.ConsentWithdrawn) -> None:
    known = b.memory.get(f"consent/{e.consent_id}") or {}
    b.about_student(
        position,
        AuditKind.CONSENT_WITHDRAWN,
        e,
        lesson_date=e.on,
        value_before=known.get("document"),
        reason=e.reason,
    )


@_on(Student.ProgressPrintoutIssued)
def _progress_printout_issued(b: _Batch, position: int, e: Student.ProgressPrintoutIssued) -> None:
    # School 77 §4.3.5, §9.2: the record that the two-weekly printout was made for the family.
    b.about_student(
        position,
        AuditKind.PROGRESS_PRINTOUT_ISSUED,
        e,
        lesson_date=e.end,
        value_after=f"{e.start:%d.%m.%Y} – {e.end:%d.%m.%Y}",
    )


@_on(Student.Transferred)
def _transferred(b: _Batch, position: int, e: Student.Transferred) -> None:
    # The row stands in the class the student left: its movement record lists the departure.
    b.about_student(
        position,
        AuditKind.STUDENT_TRANSFERRED,
        e,
        class_code=e.from_class,
        lesson_date=e.on,
        value_before=e.from_class,
        value_after=e.to_class,
        reason=e.reason,
        note=e.order,
    )
    b.memory.update(_student_key(e.originator_id), class_code=e.to_class)


@_on(Student.SubgroupMoved)
def _subgroup_moved(b: _Batch, position: int, e: Student.SubgroupMoved) -> None:
    b.about_student(
        position,
        AuditKind.SUBGROUP_CHANGED,
        e,
        subject=e.subject,
        lesson_date=e.on,
        value_before=e.from_subgroup,
        value_after=e.to_subgroup,
        revision=e.from_subgroup is not None,
    )


@_on(Student.Promoted)
def _promoted(b: _Batch, position: int, e: Student.Promoted) -> None:
    b.about_student(
        position,
        AuditKind.STUDENT_PROMOTED,
        e,
        year=e.from_year,
        class_code=e.from_class,
        lesson_date=e.on,
        value_before=f"{e.from_class} ({e.from_year})",
        value_after=f"{e.to_class} ({e.to_year})",
        note=e.order,
    )
    b.memory.update(_student_key(e.originator_id), class_code=e.to_class, year=e.to_year)


@_on(Student.Withdrawn)
def _withdrawn(b: _Batch, position: int, e: Student.Withdrawn) -> None:
    b.about_student(
        position,
        AuditKind.STUDENT_WITHDRAWN,
        e,
        lesson_date=e.on,
        value_before=b.student(e.originator_id).get("class_code"),
        value_after=e.destination,
        reason=e.reason,
        note=e.order,
    )
    b.memory.update(_student_key(e.originator_id), class_code=None)


# --- the school year ----------------------------------------------------------------------------
# Enrolments, departures and subgroup assignments on the year mirror the student's movement,
# recorded in the same save: the student's own event is the row.


def _in_year(b: _Batch, position: int, kind: AuditKind, e: Any, **fields: Any) -> None:
    year = b.memory.get(_year_key(e.originator_id)) or {}
    b.add(position, kind, e, **({"year": year.get("label")} | fields))


@_on(SchoolYear.Started)
def _year_started(b: _Batch, position: int, e: SchoolYear.Started) -> None:
    b.memory.put(_year_key(e.originator_id), {"label": e.label, "profile": e.profile.school})
    _in_year(
        b,
        position,
        AuditKind.YEAR_STARTED,
        e,
        value_after=f"{e.starts_on.isoformat()}–{e.ends_on.isoformat()}",
        note=e.profile.school,
    )


@_on(SchoolYear.ProfileAdopted)
def _profile_adopted(b: _Batch, position: int, e: SchoolYear.ProfileAdopted) -> None:
    year = b.memory.get(_year_key(e.originator_id)) or {}
    b.memory.update(_year_key(e.originator_id), profile=e.profile.school)
    _in_year(
        b,
        position,
        AuditKind.PROFILE_ADOPTED,
        e,
        value_before=year.get("profile"),
        value_after=e.profile.school,
        reason=e.reason,
        revision=True,
    )


@_on(SchoolYear.PeriodMarksDueSet)
def _period_marks_due_set(b: _Batch, position: int, e: SchoolYear.PeriodMarksDueSet) -> None:
    key = f"marks-due/{e.originator_id}/{e.period_id}"
    known = b.memory.get(key)
    b.memory.put(key, {"due": e.due.isoformat()})
    _in_year(
        b,
        position,
        AuditKind.PERIOD_MARKS_DUE_SET,
        e,
        period_id=e.period_id,
        value_before=known["due"] if known else None,
        value_after=e.due,
        note=e.order,
        revision=known is not None,
    )


@_on(SchoolYear.ClosureDeclared)
def _closure_declared(b: _Batch, position: int, e: SchoolYear.ClosureDeclared) -> None:
    shown = _closure(e.closure)
    b.memory.put(f"closure/{e.closure.id}", {"closure": shown})
    _in_year(
        b,
        position,
        AuditKind.CLOSURE_DECLARED,
        e,
        lesson_date=e.closure.start,
        value_after=shown,
        reason=e.closure.reason or None,
    )


@_on(SchoolYear.ClosureLifted)
def _closure_lifted(b: _Batch, position: int, e: SchoolYear.ClosureLifted) -> None:
    known = b.memory.get(f"closure/{e.closure_id}") or {}
    _in_year(
        b,
        position,
        AuditKind.CLOSURE_LIFTED,
        e,
        value_before=known.get("closure"),
        reason=e.reason,
        revision=True,
    )


@_on(SchoolYear.BellScheduleSet)
def _bell_schedule_set(b: _Batch, position: int, e: SchoolYear.BellScheduleSet) -> None:
    key = f"bells/{e.originator_id}"
    known = b.memory.get(key)
    shown = _bells(e.slots)
    b.memory.put(key, {"bells": shown})
    _in_year(
        b,
        position,
        AuditKind.BELL_SCHEDULE_SET,
        e,
        value_before=known["bells"] if known else None,
        value_after=shown,
        reason=e.reason,
        revision=known is not None,
    )


@_on(SchoolYear.ClassFormed)
def _class_formed(b: _Batch, position: int, e: SchoolYear.ClassFormed) -> None:
    _in_year(
        b,
        position,
        AuditKind.CLASS_FORMED,
        e,
        class_code=e.school_class.code,
        value_after=e.school_class.code,
    )


@_on(SchoolYear.ClassTeacherAssigned)
def _class_teacher_assigned(b: _Batch, position: int, e: SchoolYear.ClassTeacherAssigned) -> None:
    _in_year(
        b,
        position,
        AuditKind.CLASS_TEACHER_ASSIGNED,
        e,
        class_code=e.class_code,
        account_id=e.account_id,
        value_before=b.name_of(e.previous),
        value_after=b.name_of(e.account_id),
        reason=e.reason,
        revision=e.previous is not None,
    )


@_on(SchoolYear.TimetableSet)
def _timetable_set(b: _Batch, position: int, e: SchoolYear.TimetableSet) -> None:
    key = f"timetable/{e.originator_id}/{e.class_code}"
    known = b.memory.get(key)
    shown = f"{len(e.entries)} уроков в неделю"
    b.memory.put(key, {"timetable": shown})
    _in_year(
        b,
        position,
        AuditKind.TIMETABLE_SET,
        e,
        class_code=e.class_code,
        value_before=known["timetable"] if known else None,
        value_after=shown,
        reason=e.reason,
        revision=known is not None,
    )


@_on(SchoolYear.Closed)
def _year_closed(b: _Batch, position: int, e: SchoolYear.Closed) -> None:
    _in_year(b, position, AuditKind.YEAR_CLOSED, e)


# --- accounts -----------------------------------------------------------------------------------


def _about_account(b: _Batch, position: int, kind: AuditKind, e: Any, **fields: Any) -> None:
    b.add(position, kind, e, **({"account_id": e.originator_id} | fields))


def _account_state(b: _Batch, account_id: UUID) -> str:
    known = b.memory.get(_account_key(account_id)) or {}
    return str(known.get("state", "active"))


@_on(Account.Registered)
def _registered(b: _Batch, position: int, e: Account.Registered) -> None:
    b.memory.put(_account_key(e.originator_id), {"name": e.full_name, "state": "active"})
    _about_account(
        b, position, AuditKind.ACCOUNT_REGISTERED, e, value_after=e.full_name, note=e.login
    )


@_on(Account.RoleGranted)
def _role_granted(b: _Batch, position: int, e: Account.RoleGranted) -> None:
    grant = e.grant
    b.memory.put(
        f"grant/{grant.id}",
        {
            "grant": _grant(grant),
            "class_code": grant.class_code,
            "year": grant.year,
            "student_id": str(grant.student_id) if grant.student_id else None,
        },
    )
    _about_account(
        b,
        position,
        AuditKind.ROLE_GRANTED,
        e,
        class_code=grant.class_code,
        year=grant.year,
        student_id=grant.student_id,
        value_after=_grant(grant),
    )


@_on(Account.RoleRevoked)
def _role_revoked(b: _Batch, position: int, e: Account.RoleRevoked) -> None:
    known = b.memory.get(f"grant/{e.grant_id}") or {}
    _about_account(
        b,
        position,
        AuditKind.ROLE_REVOKED,
        e,
        class_code=known.get("class_code"),
        year=known.get("year"),
        student_id=known.get("student_id"),
        value_before=known.get("grant"),
        reason=e.reason,
    )


def _state_change(kind: AuditKind, state: str) -> _Handler:
    def handle(b: _Batch, position: int, e: Any) -> None:
        before = _account_state(b, e.originator_id)
        b.memory.update(_account_key(e.originator_id), state=state)
        _about_account(
            b, position, kind, e, value_before=before, value_after=state, reason=e.reason
        )

    return handle


_HANDLERS[Account.Blocked] = _state_change(AuditKind.ACCOUNT_BLOCKED, "blocked")
_HANDLERS[Account.Unblocked] = _state_change(AuditKind.ACCOUNT_UNBLOCKED, "active")
_HANDLERS[Account.Annulled] = _state_change(AuditKind.ACCOUNT_ANNULLED, "annulled")


@_on(Account.CredentialSet)
def _credential_set(b: _Batch, position: int, e: Account.CredentialSet) -> None:
    _about_account(b, position, AuditKind.CREDENTIAL_SET, e, value_after=e.kind)


@_on(Account.CredentialRevoked)
def _credential_revoked(b: _Batch, position: int, e: Account.CredentialRevoked) -> None:
    _about_account(b, position, AuditKind.CREDENTIAL_REVOKED, e, reason=e.reason)


# --- the log's integrity -----------------------------------------------------------------------
# Not changes to the journal, but to what vouches for it: an auditor sees when the signing key
# was named or replaced (and why), and when the notary refused to sign the log.


@_on(IntegrityRegister.SigningKeyRegistered)
def _key_registered(b: _Batch, position: int, e: IntegrityRegister.SigningKeyRegistered) -> None:
    b.add(position, AuditKind.SIGNING_KEY_REGISTERED, e, value_after=e.fingerprint, note=e.origin)


@_on(IntegrityRegister.SigningKeyRotated)
def _key_rotated(b: _Batch, position: int, e: IntegrityRegister.SigningKeyRotated) -> None:
    b.add(
        position,
        AuditKind.SIGNING_KEY_ROTATED,
        e,
        value_before=e.previous_fingerprint,
        value_after=e.fingerprint,
        reason=e.reason,
    )


@_on(IntegrityRegister.NotaryRefusedToSign)
def _notary_refused(b: _Batch, position: int, e: IntegrityRegister.NotaryRefusedToSign) -> None:
    b.add(
        position, AuditKind.NOTARY_REFUSED_TO_SIGN, e, value_after=e.reason.value, reason=e.detail
    )


@_on(IntegrityRegister.NotarySigningResumed)
def _notary_resumed(b: _Batch, position: int, e: IntegrityRegister.NotarySigningResumed) -> None:
    b.add(position, AuditKind.NOTARY_SIGNING_RESUMED, e, value_after=str(e.checkpoint_size))


@_on(Student.AdditionalEducationRecorded)
def _education_recorded(b: _Batch, position: int, e: Student.AdditionalEducationRecorded) -> None:
    activity = e.activity
    text = f"{activity.name} ({activity.organisation})"
    b.memory.put(f"activity/{activity.id}", {"text": text})
    b.about_student(
        position,
        AuditKind.ADDITIONAL_EDUCATION_RECORDED,
        e,
        lesson_date=activity.start,
        value_after=text,
    )


@_on(Student.AdditionalEducationEnded)
def _education_ended(b: _Batch, position: int, e: Student.AdditionalEducationEnded) -> None:
    known = b.memory.get(f"activity/{e.activity_id}") or {}
    b.about_student(
        position,
        AuditKind.ADDITIONAL_EDUCATION_ENDED,
        e,
        lesson_date=e.on,
        value_before=known.get("text"),
    )


# --- the staff list (Lyceum 68 §3.7.9, §3.8.1–3.8.2) --------------------------------------------
# The member's name and the order go in the note: the trail has no column of its own for staff.


def _staff(b: _Batch, member_id: UUID) -> Value:
    return b.memory.get(f"staff/{member_id}") or {}


def _staff_note(b: _Batch, member_id: UUID, order: str | None) -> str:
    name = _staff(b, member_id).get("name") or str(member_id)
    return f"{name}; {order}" if order else str(name)


@_on(StaffRegister.Hired)
def _staff_hired(b: _Batch, position: int, e: StaffRegister.Hired) -> None:
    b.memory.put(f"staff/{e.member_id}", {"name": e.full_name, "position": e.position})
    b.add(
        position,
        AuditKind.STAFF_HIRED,
        e,
        account_id=e.account_id,
        lesson_date=e.on,
        value_after=e.position,
        note=_staff_note(b, e.member_id, e.order),
    )


@_on(StaffRegister.Transferred)
def _staff_transferred(b: _Batch, position: int, e: StaffRegister.Transferred) -> None:
    b.memory.update(f"staff/{e.member_id}", position=e.to_position)
    b.add(
        position,
        AuditKind.STAFF_TRANSFERRED,
        e,
        lesson_date=e.on,
        value_before=e.from_position,
        value_after=e.to_position,
        reason=e.reason,
        note=_staff_note(b, e.member_id, e.order),
    )


@_on(StaffRegister.Dismissed)
def _staff_dismissed(b: _Batch, position: int, e: StaffRegister.Dismissed) -> None:
    b.add(
        position,
        AuditKind.STAFF_DISMISSED,
        e,
        lesson_date=e.on,
        value_before=_staff(b, e.member_id).get("position"),
        reason=e.reason,
        note=_staff_note(b, e.member_id, e.order),
    )


@_on(StaffRegister.AttestationRecorded)
def _staff_attested(b: _Batch, position: int, e: StaffRegister.AttestationRecorded) -> None:
    b.add(
        position,
        AuditKind.STAFF_ATTESTATION_RECORDED,
        e,
        lesson_date=e.attestation.on,
        value_after=e.attestation.result,
        note=_staff_note(b, e.member_id, e.attestation.document),
    )


@_on(StaffRegister.TrainingRecorded)
def _staff_trained(b: _Batch, position: int, e: StaffRegister.TrainingRecorded) -> None:
    b.add(
        position,
        AuditKind.STAFF_TRAINING_RECORDED,
        e,
        lesson_date=e.training.end,
        value_after=f"{e.training.course} ({e.training.organisation}, {e.training.hours} ч.)",
        note=_staff_note(b, e.member_id, e.training.document),
    )


# --- schedules of control and laboratory works (Gymnasium 2 §6.3) -------------------------------
# A row stands in the schedule's journal; the work's day is the row's date.


def _in_schedule(b: _Batch, position: int, kind: AuditKind, e: Any, **fields: Any) -> None:
    journal = b.journal(e.journal_id)
    where = {
        "journal_id": e.journal_id,
        "year": journal.get("year"),
        "class_code": journal.get("class_code"),
        "subject": journal.get("subject"),
        "subject_name": journal.get("subject_name"),
        "subgroup": journal.get("subgroup"),
    }
    b.add(position, kind, e, **(where | fields))


@_on(ControlWorkSchedule.WorkPlanned)
def _work_planned(b: _Batch, position: int, e: ControlWorkSchedule.WorkPlanned) -> None:
    text = f"{e.kind.title_ru}: {e.topic}"
    b.memory.put(f"work/{e.work_id}", {"text": text, "on": e.on.isoformat()})
    _in_schedule(
        b, position, AuditKind.WORK_PLANNED, e, work_kind=e.kind, lesson_date=e.on, value_after=text
    )


def _work(b: _Batch, work_id: UUID) -> Value:
    return b.memory.get(f"work/{work_id}") or {}


def _work_day(work: Value) -> date | None:
    return date.fromisoformat(work["on"]) if work.get("on") else None


@_on(ControlWorkSchedule.WorkAgreed)
def _work_agreed(b: _Batch, position: int, e: ControlWorkSchedule.WorkAgreed) -> None:
    work = _work(b, e.work_id)
    _in_schedule(
        b,
        position,
        AuditKind.WORK_AGREED,
        e,
        lesson_date=_work_day(work),
        value_after=work.get("text"),
    )


@_on(ControlWorkSchedule.WorkCancelled)
def _work_cancelled(b: _Batch, position: int, e: ControlWorkSchedule.WorkCancelled) -> None:
    work = _work(b, e.work_id)
    _in_schedule(
        b,
        position,
        AuditKind.WORK_CANCELLED,
        e,
        lesson_date=_work_day(work),
        value_before=work.get("text"),
        reason=e.reason,
    )


LEFT_OUT = frozenset(
    {
        # A schedule is started by its first planned work, in the same save: that is the row.
        "ControlWorkSchedule.Opened",
        # The staff list is started by its first hire, in the same save: the hire is the row.
        "StaffRegister.Opened",
        # Each mirrors an event of the same save that is the row: the journal's own Opened,
        # the student's admission, transfer, withdrawal, promotion or subgroup move.
        "SchoolYear.JournalRegistered",
        "SchoolYear.StudentEnrolled",
        "SchoolYear.StudentLeftClass",
        "SchoolYear.SubgroupAssigned",
        # A use of the journal, not a change to anything in it (the reports count sign-ins).
        "Account.SignedIn",
        # The archivist's work on copies of the log, not changes to the journal: the archive
        # register is its own record (ejournal archive verify reports it).
        "ArchiveRegister.ArchiveCreated",
        "ArchiveRegister.ArchiveVerified",
        "ArchiveRegister.ArchiveRepaired",
        "ArchiveContents.DocumentsRecorded",
    }
)
"""Events of the aggregates that are deliberately not rows of the trail, by qualified name."""


def kept_events() -> frozenset[type]:
    """The event classes the trail makes a row of."""
    return frozenset(_HANDLERS)


# --- the query ----------------------------------------------------------------------------------


class AuditModel(BaseModel):
    """A frozen part of the trail's query API."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class AuditFilter(AuditModel):
    """Which rows to show; every condition given must hold (none given: every row in scope)."""

    actor_id: UUID | None = None
    """Who made the change."""
    role: Role | None = None
    """The role they acted in."""
    student_id: UUID | None = None
    year: str | None = None
    """The school year, as the core labels it ("2026/2027")."""
    class_code: str | None = None
    subject: str | None = None
    """A subject's code ("mathematics")."""
    journal_id: UUID | None = None
    kinds: frozenset[AuditKind] = frozenset()
    """Any of these kinds of change."""
    recorded_from: datetime | None = None
    """Recorded at or after this moment."""
    recorded_until: datetime | None = None
    """Recorded before this moment."""
    lesson_from: date | None = None
    """About a lesson (or work, or move) on this day or later."""
    lesson_until: date | None = None
    """About a lesson on this day or earlier."""
    late_only: bool = False
    """Only entries made after their deadline under a deputy's permission."""
    revised_only: bool = False
    """Only changes of something already recorded: corrections, voidings, changed reasons."""


class AuditEntry(AuditModel):
    """One change: who, what, where, before and after, why, when."""

    position: int
    """The event's place in the school's log."""
    recorded_at: datetime
    """Server time (UTC)."""
    request_id: str | None
    kind: AuditKind
    actor_id: UUID
    actor_role: Role
    actor_name: str | None
    substitution_id: UUID | None
    """Set when a substitute made the entry under a deputy's substitution."""
    on_behalf_of: UUID | None
    """The teacher the substitute replaced."""
    on_behalf_of_name: str | None
    journal_id: UUID | None
    year: str | None
    class_code: str | None
    subject: str | None
    subject_name: str | None
    subgroup: str | None
    student_id: UUID | None
    student_name: str | None
    account_id: UUID | None
    """The account the change is about (a role granted, a teacher assigned, a substitute)."""
    account_name: str | None
    lesson_id: UUID | None
    lesson_date: date | None
    """The lesson or work day the change is about (for a move, its date)."""
    mark_id: UUID | None
    period_id: str | None
    work_kind: WorkKind | None
    value_before: str | None
    value_after: str | None
    reason: str | None
    note: str | None
    """The document behind the change: an order, a certificate, a comment."""
    authorization_id: UUID | None
    approved_by: UUID | None
    """The deputy whose remark authorised the correction."""
    approved_by_name: str | None
    approval_remark: str | None
    late: bool
    late_permission_id: UUID | None
    revision: bool
    """Whether it superseded something already recorded."""


class AuditPage(AuditModel):
    """A page of the trail, newest first; ``next_cursor`` asks for the page after it."""

    rows: tuple[AuditEntry, ...]
    next_cursor: str | None = Field(
        description="Pass as ``cursor`` for the next page; absent on the last page."
    )


class InvalidCursorError(EjournalError):
    """The cursor was not one a page of the trail gave."""

    slug = "invalid-cursor"
    title = "The cursor is not valid"
    status = 422


def check_in_scope(school: School, cursor: Cursor, scope: AuditScope, query: AuditFilter) -> None:
    """Refuse a journal or student filter the reader may not see, exactly as a missing one."""
    if query.journal_id is not None:
        journal = school.view(ClassJournal, query.journal_id, "journal")
        if not audit_covers_journal(school, scope, journal):
            raise NotFoundError("no such journal")
    if query.student_id is not None:
        school.view(Student, query.student_id, "student")
        if not _covers_student(school, cursor, scope, query.student_id):
            raise NotFoundError("no such student")


def _covers_student(school: School, cursor: Cursor, scope: AuditScope, student_id: UUID) -> bool:
    if scope.everything or student_id in scope.children:
        return True
    conditions, params = _journal_scope(scope, column="j.journal_id")
    if not conditions:
        return False
    cursor.execute(
        "SELECT DISTINCT j.year, j.class_code, j.subject, j.subgroup FROM audit_journals j"  # noqa: S608
        f" WHERE {' OR '.join(conditions)}",
        params,
    )
    pages = cursor.fetchall()
    years = {label: school.year_view(label) for label in {p["year"] for p in pages}}
    return any(
        ever_on_page(years[p["year"]], student_id, p["class_code"], p["subject"], p["subgroup"])
        for p in pages
    )


def _journal_scope(scope: AuditScope, column: str) -> tuple[list[str], dict[str, Any]]:
    """The conditions (any of them) that put a journal's rows in a teacher's or class teacher's
    scope. ``column`` is a constant of this module, never anything a request carries."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if scope.reader is not None:
        conditions.append(
            f"{column} IN (SELECT journal_id FROM audit_journal_readers"  # noqa: S608
            " WHERE account_id = %(scope_reader)s AND active)"
        )
        params["scope_reader"] = str(scope.reader)
    if scope.classes:
        # A class of a school year: "5А" of another year is another class.
        classes = []
        for i, (year, class_code) in enumerate(sorted(scope.classes)):
            params[f"scope_year_{i}"] = year
            params[f"scope_class_{i}"] = class_code
            classes.append(f"(year = %(scope_year_{i})s AND class_code = %(scope_class_{i})s)")
        conditions.append(
            f"{column} IN (SELECT journal_id FROM audit_journals"  # noqa: S608
            f" WHERE {' OR '.join(classes)})"
        )
    return conditions, params


def _listed(params: dict[str, Any], prefix: str, values: Sequence[Any]) -> str:
    """Parameters for an IN list: added to ``params``, their placeholders returned."""
    names = []
    for i, value in enumerate(values):
        params[f"{prefix}_{i}"] = value
        names.append(f"%({prefix}_{i})s")
    return ", ".join(names)


def _where(scope: AuditScope, query: AuditFilter) -> tuple[list[str], dict[str, Any]]:
    """The conditions of a query within a scope; every placeholder's value in the params."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if not scope.everything:
        allowed, params = _journal_scope(scope, column="journal_id")
        if scope.children:
            children = _listed(params, "scope_child", sorted(str(c) for c in scope.children))
            kinds = _listed(params, "scope_kind", sorted(k.value for k in MARK_KINDS))
            allowed.append(f"(student_id IN ({children}) AND kind IN ({kinds}))")
        conditions.append(f"({' OR '.join(allowed)})" if allowed else "FALSE")
    equal = {
        "actor_id": query.actor_id,
        "actor_role": query.role,
        "student_id": query.student_id,
        "year": query.year,
        "class_code": query.class_code,
        "subject": query.subject,
        "journal_id": query.journal_id,
    }
    for column, value in equal.items():
        if value is not None:
            conditions.append(f"{column} = %(f_{column})s")
            params[f"f_{column}"] = _column_value(value)
    if query.kinds:
        kinds = _listed(params, "f_kind", sorted(k.value for k in query.kinds))
        conditions.append(f"kind IN ({kinds})")
    if query.recorded_from is not None:
        conditions.append("recorded_at >= %(f_recorded_from)s")
        params["f_recorded_from"] = micros(query.recorded_from)
    if query.recorded_until is not None:
        conditions.append("recorded_at < %(f_recorded_until)s")
        params["f_recorded_until"] = micros(query.recorded_until)
    if query.lesson_from is not None:
        conditions.append("lesson_date >= %(f_lesson_from)s")
        params["f_lesson_from"] = query.lesson_from.isoformat()
    if query.lesson_until is not None:
        conditions.append("lesson_date <= %(f_lesson_until)s")
        params["f_lesson_until"] = query.lesson_until.isoformat()
    if query.late_only:
        conditions.append("late")
    if query.revised_only:
        conditions.append("revision")
    return conditions, params


def encode_cursor(recorded_at: int, position: int) -> str:
    """The opaque cursor of the page that follows a row (its time and position)."""
    # The closing "." makes a cut-off cursor fail instead of naming another place: cutting any
    # character off base64 drops at least the last byte.
    raw = f"{recorded_at}.{position}.".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_CURSOR = re.compile(r"(0|[1-9][0-9]{0,18})\.(0|[1-9][0-9]{0,18})\.")
"""What a cursor holds: a row's time and log position, unsigned, without leading zeros."""

LARGEST_STORED = 2**63 - 1
"""The largest integer a row's time or position can be (SQLite's INTEGER, PostgreSQL's BIGINT)."""


def decode_cursor(cursor: str) -> tuple[int, int]:
    """The row time and position of a cursor ``encode_cursor`` made; any other string is refused.

    A cursor comes back from the client and its numbers go into a query, so only the exact
    string a page gave is taken: SQLite fails outright on an integer beyond 64 bits.
    """
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        found = _CURSOR.fullmatch(raw.decode("ascii"))
    except (ValueError, binascii.Error):  # a UnicodeDecodeError is a ValueError
        found = None
    if found is not None:
        recorded_at, position = int(found[1]), int(found[2])
        if (
            recorded_at <= LARGEST_STORED
            and position <= LARGEST_STORED
            and encode_cursor(recorded_at, position) == cursor
        ):
            return recorded_at, position
    raise InvalidCursorError("the cursor is not one a page of the audit trail gave")


MAX_PAGE = 500


def audit_page(
    cursor: Cursor,
    scope: AuditScope,
    query: AuditFilter,
    *,
    after: str | None = None,
    limit: int = 50,
) -> AuditPage:
    """A page of the rows in scope that match the query, newest first, after a cursor."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"a page holds 1 to {MAX_PAGE} rows")
    conditions, params = _where(scope, query)
    if after is not None:
        at, position = decode_cursor(after)
        # The first condition bounds the index range; the second breaks ties within one time.
        conditions.append(
            "recorded_at <= %(c_at)s AND (recorded_at < %(c_at)s OR position < %(c_position)s)"
        )
        params |= {"c_at": at, "c_position": position}
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    params["limit"] = limit + 1
    cursor.execute(
        f"SELECT * FROM audit_rows {where}"  # noqa: S608 (conditions are constants; values are parameters)
        " ORDER BY recorded_at DESC, position DESC LIMIT %(limit)s",
        params,
    )
    found = cursor.fetchall()
    rows = tuple(_entry(r) for r in found[:limit])
    last = found[limit - 1] if len(found) > limit else None
    return AuditPage(
        rows=rows,
        next_cursor=encode_cursor(last["recorded_at"], last["position"]) if last else None,
    )


def _entry(r: Row) -> AuditEntry:
    def uuid(name: str) -> UUID | None:
        return UUID(r[name]) if r[name] is not None else None

    return AuditEntry(
        position=r["position"],
        recorded_at=from_micros(r["recorded_at"]),
        request_id=r["request_id"],
        kind=AuditKind(r["kind"]),
        actor_id=UUID(r["actor_id"]),
        actor_role=Role(r["actor_role"]),
        actor_name=r["actor_name"],
        substitution_id=uuid("substitution_id"),
        on_behalf_of=uuid("on_behalf_of"),
        on_behalf_of_name=r["on_behalf_of_name"],
        journal_id=uuid("journal_id"),
        year=r["year"],
        class_code=r["class_code"],
        subject=r["subject"],
        subject_name=r["subject_name"],
        subgroup=r["subgroup"],
        student_id=uuid("student_id"),
        student_name=r["student_name"],
        account_id=uuid("account_id"),
        account_name=r["account_name"],
        lesson_id=uuid("lesson_id"),
        lesson_date=date.fromisoformat(r["lesson_date"]) if r["lesson_date"] else None,
        mark_id=uuid("mark_id"),
        period_id=r["period_id"],
        work_kind=WorkKind(r["work_kind"]) if r["work_kind"] else None,
        value_before=r["value_before"],
        value_after=r["value_after"],
        reason=r["reason"],
        note=r["note"],
        authorization_id=uuid("authorization_id"),
        approved_by=uuid("approved_by"),
        approved_by_name=r["approved_by_name"],
        approval_remark=r["approval_remark"],
        late=bool(r["late"]),
        late_permission_id=uuid("late_permission_id"),
        revision=bool(r["revision"]),
    )


# --- the CSV export -----------------------------------------------------------------------------

CSV_HEADER = (
    "Позиция в журнале событий",
    "Время записи",
    "Изменение",
    "Кто",
    "Роль",
    "Замена: за кого",
    "Учебный год",
    "Класс",
    "Предмет",
    "Группа",
    "Журнал",
    "Ученик",
    "Учётная запись",
    "Дата урока",
    "Период",
    "Вид работы",
    "Было",
    "Стало",
    "Причина",
    "Документ",
    "Разрешил(а) исправление",
    "Замечание заместителя директора",
    "Позднее заполнение",
    "Запрос",
)


def csv_lines(entries: Iterable[AuditEntry], zone: tzinfo) -> Iterator[str]:
    """The trail as CSV text, a line at a time (UTF-8 with Russian headers; times in the
    school's zone)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(cells: Sequence[Any]) -> str:
        writer.writerow([csv_cell(c) for c in cells])
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    yield line(CSV_HEADER)
    for e in entries:
        yield line(
            (
                e.position,
                e.recorded_at.astimezone(zone).isoformat(timespec="seconds"),
                e.kind.title_ru,
                e.actor_name or str(e.actor_id),
                ROLE_RU[e.actor_role],
                e.on_behalf_of_name or "",
                e.year or "",
                e.class_code or "",
                e.subject_name or e.subject or "",
                e.subgroup or "",
                str(e.journal_id) if e.journal_id else "",
                e.student_name or (str(e.student_id) if e.student_id else ""),
                e.account_name or (str(e.account_id) if e.account_id else ""),
                e.lesson_date.strftime("%d.%m.%Y") if e.lesson_date else "",
                e.period_id or "",
                e.work_kind.title_ru if e.work_kind else "",
                e.value_before or "",
                e.value_after or "",
                e.reason or "",
                e.note or "",
                e.approved_by_name or "",
                e.approval_remark or "",
                "да" if e.late else "",
                e.request_id or "",
            )
        )


def every_entry(
    read: Callable[[Callable[[Cursor], AuditPage]], AuditPage],
    scope: AuditScope,
    query: AuditFilter,
    page_size: int = MAX_PAGE,
) -> Iterator[AuditEntry]:
    """Every row in scope that matches, newest first, a page at a time; ``read`` runs one
    page's query in a read transaction of its own, so a long export holds no transaction open."""
    after: str | None = None
    while True:
        page = read(partial(_page_after, scope=scope, query=query, after=after, limit=page_size))
        yield from page.rows
        if page.next_cursor is None:
            return
        after = page.next_cursor


def _page_after(
    cursor: Cursor, *, scope: AuditScope, query: AuditFilter, after: str | None, limit: int
) -> AuditPage:
    return audit_page(cursor, scope, query, after=after, limit=limit)
