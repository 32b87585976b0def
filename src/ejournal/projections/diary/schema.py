"""The diary's tables."""

from __future__ import annotations

from ejournal.projections import stints

# Ids as their text, dates as ISO text: both sort and compare the same on SQLite and PostgreSQL.
DDL = (
    *stints.ddl("diary"),
    """CREATE TABLE IF NOT EXISTS diary_periods (
        year_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        name TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        PRIMARY KEY (year_id, period_id)
    )""",
    """CREATE TABLE IF NOT EXISTS diary_journals (
        journal_id TEXT PRIMARY KEY,
        year_id TEXT NOT NULL,
        year TEXT NOT NULL,
        class_code TEXT NOT NULL,
        subject TEXT NOT NULL,
        subject_name TEXT NOT NULL,
        subgroup TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS diary_journals_class ON diary_journals (year_id, class_code)",
    "CREATE INDEX IF NOT EXISTS diary_class_stints_student ON diary_class_stints (student_id)",
    "CREATE INDEX IF NOT EXISTS diary_subgroup_stints_student"
    " ON diary_subgroup_stints (student_id)",
    """CREATE TABLE IF NOT EXISTS diary_lessons (
        lesson_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_date TEXT NOT NULL,
        slot INTEGER NOT NULL,
        topic TEXT,
        homework TEXT,
        homework_due TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS diary_lessons_journal ON diary_lessons (journal_id, lesson_date)",
    "CREATE INDEX IF NOT EXISTS diary_lessons_due ON diary_lessons (journal_id, homework_due)",
    """CREATE TABLE IF NOT EXISTS diary_marks (
        mark_id TEXT PRIMARY KEY,
        journal_id TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        value TEXT NOT NULL,
        work_kind TEXT NOT NULL,
        weight {real} NOT NULL,
        comment TEXT,
        voided BOOLEAN NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS diary_marks_student ON diary_marks (student_id)",
    """CREATE TABLE IF NOT EXISTS diary_attendance (
        lesson_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        journal_id TEXT NOT NULL,
        status TEXT NOT NULL,
        absence_reason TEXT,
        valid BOOLEAN,
        PRIMARY KEY (lesson_id, student_id)
    )""",
    "CREATE INDEX IF NOT EXISTS diary_attendance_student ON diary_attendance (student_id)",
    """CREATE TABLE IF NOT EXISTS diary_period_marks (
        journal_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (journal_id, period_id, student_id)
    )""",
    "CREATE INDEX IF NOT EXISTS diary_period_marks_student ON diary_period_marks (student_id)",
)

TABLES = (
    "diary_periods",
    "diary_journals",
    "diary_class_stints",
    "diary_subgroup_stints",
    "diary_lessons",
    "diary_marks",
    "diary_attendance",
    "diary_period_marks",
)
