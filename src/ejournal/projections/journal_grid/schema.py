"""The journal grid's tables."""

from __future__ import annotations

from ejournal.projections import periods, stints

# Ids are stored as their text, dates as ISO text: both sort and compare the same on SQLite and
# PostgreSQL. Only the floating-point type differs (PostgreSQL's REAL is single precision).
DDL = (
    *stints.ddl("grid"),
    """CREATE TABLE IF NOT EXISTS grid_journals (
        journal_id TEXT PRIMARY KEY,
        year_id TEXT NOT NULL,
        year TEXT NOT NULL,
        class_code TEXT NOT NULL,
        grade INTEGER NOT NULL,
        subject TEXT NOT NULL,
        subject_name TEXT NOT NULL,
        subgroup TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS grid_journals_class ON grid_journals (year_id, class_code)",
    periods.ddl("grid"),
    """CREATE TABLE IF NOT EXISTS grid_student_names (
        student_id TEXT PRIMARY KEY,
        full_name TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS grid_page_students (
        journal_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        since_date TEXT NOT NULL,
        until_date TEXT,
        full_name TEXT,
        PRIMARY KEY (journal_id, student_id, since_date)
    )""",
    """CREATE TABLE IF NOT EXISTS grid_lessons (
        lesson_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_date TEXT NOT NULL,
        slot INTEGER NOT NULL,
        topic TEXT,
        homework TEXT,
        taught_by TEXT NOT NULL,
        substitution_id TEXT,
        late BOOLEAN NOT NULL,
        late_permission_id TEXT,
        corrected BOOLEAN NOT NULL,
        previous_topic TEXT,
        previous_homework TEXT,
        correction_reason TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS grid_lessons_journal ON grid_lessons (journal_id)",
    """CREATE TABLE IF NOT EXISTS grid_marks (
        mark_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        value TEXT NOT NULL,
        previous_value TEXT,
        work_kind TEXT NOT NULL,
        weight {real} NOT NULL,
        comment TEXT,
        late BOOLEAN NOT NULL,
        late_permission_id TEXT,
        corrected BOOLEAN NOT NULL,
        voided BOOLEAN NOT NULL,
        reason TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS grid_marks_journal ON grid_marks (journal_id)",
    """CREATE TABLE IF NOT EXISTS grid_attendance (
        journal_id TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        status TEXT NOT NULL,
        absence_reason TEXT,
        valid BOOLEAN,
        late BOOLEAN NOT NULL,
        late_permission_id TEXT,
        corrected BOOLEAN NOT NULL,
        PRIMARY KEY (lesson_id, student_id)
    )""",
    "CREATE INDEX IF NOT EXISTS grid_attendance_journal ON grid_attendance (journal_id)",
    """CREATE TABLE IF NOT EXISTS grid_period_marks (
        journal_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        value TEXT NOT NULL,
        previous_value TEXT,
        late BOOLEAN NOT NULL,
        late_permission_id TEXT,
        corrected BOOLEAN NOT NULL,
        reason TEXT,
        PRIMARY KEY (journal_id, period_id, student_id)
    )""",
)

TABLES = (
    "grid_journals",
    "grid_periods",
    "grid_class_stints",
    "grid_subgroup_stints",
    "grid_student_names",
    "grid_page_students",
    "grid_lessons",
    "grid_marks",
    "grid_attendance",
    "grid_period_marks",
)
