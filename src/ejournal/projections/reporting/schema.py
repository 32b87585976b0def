"""The reporting read model's tables, and how an instant is stored in them."""

from __future__ import annotations

from datetime import UTC, datetime

from ejournal.projections import periods, stints

# --- tables -------------------------------------------------------------------------------------

# Ids as their text, dates as ISO text, instants as UTC text of one fixed width: all sort and
# compare the same on SQLite and PostgreSQL.
DDL = (
    *stints.ddl("rpt"),
    """CREATE TABLE IF NOT EXISTS rpt_years (
        year_id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        starts_on TEXT NOT NULL,
        ends_on TEXT NOT NULL,
        timezone TEXT NOT NULL,
        week_length INTEGER NOT NULL,
        first_grade_no_marks BOOLEAN NOT NULL,
        first_grade_no_homework BOOLEAN NOT NULL
    )""",
    periods.ddl("rpt"),
    """CREATE TABLE IF NOT EXISTS rpt_closures (
        closure_id TEXT PRIMARY KEY,
        year_id TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        classes TEXT,
        lifted BOOLEAN NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_classes (
        year_id TEXT NOT NULL,
        class_code TEXT NOT NULL,
        grade INTEGER NOT NULL,
        PRIMARY KEY (year_id, class_code)
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_students (
        student_id TEXT PRIMARY KEY,
        full_name TEXT NOT NULL,
        year TEXT,
        class_code TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_movements (
        position BIGINT PRIMARY KEY,
        student_id TEXT NOT NULL,
        year TEXT,
        kind TEXT NOT NULL,
        on_date TEXT NOT NULL,
        from_class TEXT,
        to_class TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_accounts (
        account_id TEXT PRIMARY KEY,
        full_name TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_journals (
        journal_id TEXT PRIMARY KEY,
        year_id TEXT NOT NULL,
        class_code TEXT NOT NULL,
        grade INTEGER NOT NULL,
        subject TEXT NOT NULL,
        subject_name TEXT NOT NULL,
        subgroup TEXT,
        ktp_hours INTEGER
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_journals_class ON rpt_journals (year_id, class_code)",
    """CREATE TABLE IF NOT EXISTS rpt_journal_teachers (
        journal_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        PRIMARY KEY (journal_id, account_id)
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_timetables (
        year_id TEXT NOT NULL,
        class_code TEXT NOT NULL,
        set_position BIGINT NOT NULL,
        set_at TEXT NOT NULL,
        weekday INTEGER NOT NULL,
        slot INTEGER NOT NULL,
        journal_id TEXT NOT NULL,
        PRIMARY KEY (set_position, weekday, slot, journal_id)
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_timetables_class ON rpt_timetables (year_id, class_code)",
    """CREATE TABLE IF NOT EXISTS rpt_lessons (
        lesson_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_date TEXT NOT NULL,
        has_topic BOOLEAN NOT NULL,
        has_homework BOOLEAN NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_lessons_journal ON rpt_lessons (journal_id, lesson_date)",
    """CREATE TABLE IF NOT EXISTS rpt_marks (
        mark_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        value TEXT NOT NULL,
        weight {real} NOT NULL,
        voided BOOLEAN NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_marks_journal ON rpt_marks (journal_id)",
    """CREATE TABLE IF NOT EXISTS rpt_attendance (
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        journal_id TEXT NOT NULL,
        status TEXT NOT NULL,
        valid BOOLEAN,
        PRIMARY KEY (lesson_id, student_id)
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_attendance_journal ON rpt_attendance (journal_id)",
    """CREATE TABLE IF NOT EXISTS rpt_late_entries (
        position BIGINT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        teacher_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        lesson_id TEXT,
        period_id TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_late_entries_journal ON rpt_late_entries (journal_id)",
    """CREATE TABLE IF NOT EXISTS rpt_family_grants (
        grant_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        role TEXT NOT NULL,
        student_id TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        revoked_at TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS rpt_sign_ins (
        position BIGINT PRIMARY KEY,
        account_id TEXT NOT NULL,
        role TEXT NOT NULL,
        signed_in_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS rpt_sign_ins_account ON rpt_sign_ins (account_id)",
)


def instant(moment: datetime) -> str:
    """An event's time as stored: UTC, always with microseconds, so text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_instant(text: str) -> datetime:
    """An instant as stored (``instant``), back as an aware datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
