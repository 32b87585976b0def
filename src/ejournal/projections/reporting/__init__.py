"""The reporting read model (отчётность): the facts the reports of DESIGN.md §6 are worked out
from, and what the report modules share to read them.

One read model serves five reports — monthly attendance (``attendance_report``), accumulation
of marks (``marks_accumulation``), journal-keeping monitoring (``journal_monitoring``), class
occupancy (``class_occupancy``) and the activity of parents and students
(``family_activity``) — because they rest on the same facts: who is in which class and subgroup
on which days, the journals with their teachers, KTP and timetable, the lessons with their
topic and homework, attendance, marks, late entries, movements, family accounts and their
sign-ins. Kept once, each event costs one write however many reports read it, and the reports
cannot disagree about who was in a class. Each report is a query over these tables in its own
module; what they compute is worked out when asked (a page's students on a day, a month's
student-lessons), so a report never goes stale when a stint changes after the fact.

Every row is keyed by a natural key (a lesson, a mark, a lesson and a student, a grant) or by the
log position of the event that made it, and written by upserts or by statements run in log
order: the tables depend only on the events applied, never on how the log was cut into batches,
so a rebuild from zero gives exactly the rows the incremental build has.

One concept a module: ``schema`` (the tables), the handlers by aggregate (``years``,
``students``, ``accounts``, ``journals``), ``projection`` (the read model), ``queries`` (the
facts as the reports read them) and ``calendar`` (months, the timetable, the lessons it gives).
"""
