"""The audit trail's tables, and how a value is stored in them (times as microseconds, ids and
dates as text)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ejournal.database import Row

# --- tables -------------------------------------------------------------------------------------

# Times are whole microseconds since the epoch (UTC) and dates ISO text: both compare and sort
# the same on SQLite and PostgreSQL, and the cursor is two integers.
DDL = (
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
INSERT_ROW = (
    f"INSERT INTO audit_rows ({', '.join(_COLUMNS)})"  # noqa: S608 (constant column names)
    f" VALUES ({', '.join(f'%({c})s' for c in _COLUMNS)})"
)
EMPTY_ROW: Row = dict.fromkeys(_COLUMNS) | {"late": False, "revision": False}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """A moment as whole microseconds since the epoch: how the trail stores and compares times."""
    if moment.tzinfo is None:
        raise ValueError("a recorded time is timezone-aware")
    return (moment - _EPOCH) // _MICROSECOND


def from_micros(value: int) -> datetime:
    return _EPOCH + value * _MICROSECOND
