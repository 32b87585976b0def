"""The summary sheets' tables."""

from __future__ import annotations

from ejournal.projections import periods, stints

DDL = (
    *stints.ddl("sheet", subgroups=False),
    """CREATE TABLE IF NOT EXISTS sheet_years (
        year_id TEXT PRIMARY KEY,
        label TEXT NOT NULL
    )""",
    periods.ddl("sheet"),
    """CREATE TABLE IF NOT EXISTS sheet_classes (
        year_id TEXT NOT NULL,
        class_code TEXT NOT NULL,
        grade INTEGER NOT NULL,
        PRIMARY KEY (year_id, class_code)
    )""",
    """CREATE TABLE IF NOT EXISTS sheet_students (
        student_id TEXT PRIMARY KEY,
        full_name TEXT NOT NULL,
        year TEXT,
        class_code TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS sheet_journals (
        journal_id TEXT PRIMARY KEY,
        year_id TEXT NOT NULL,
        class_code TEXT NOT NULL,
        subject TEXT NOT NULL,
        subject_name TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sheet_journals_class ON sheet_journals (year_id, class_code)",
    """CREATE TABLE IF NOT EXISTS sheet_period_marks (
        journal_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (journal_id, period_id, student_id)
    )""",
    """CREATE TABLE IF NOT EXISTS sheet_lessons (
        lesson_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_date TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS sheet_attendance (
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        journal_id TEXT NOT NULL,
        status TEXT NOT NULL,
        valid BOOLEAN,
        PRIMARY KEY (lesson_id, student_id)
    )""",
    "CREATE INDEX IF NOT EXISTS sheet_attendance_journal ON sheet_attendance (journal_id)",
    """CREATE TABLE IF NOT EXISTS sheet_movements (
        position BIGINT PRIMARY KEY,
        student_id TEXT NOT NULL,
        year TEXT,
        kind TEXT NOT NULL,
        on_date TEXT NOT NULL,
        from_class TEXT,
        to_class TEXT,
        order_number TEXT NOT NULL,
        reason TEXT,
        destination TEXT
    )""",
)

TABLES = (
    "sheet_years",
    "sheet_periods",
    "sheet_classes",
    "sheet_students",
    "sheet_class_stints",
    "sheet_journals",
    "sheet_period_marks",
    "sheet_lessons",
    "sheet_attendance",
    "sheet_movements",
)
