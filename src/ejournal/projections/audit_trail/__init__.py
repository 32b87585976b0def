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

One concept a module: ``kinds`` (what kind of change a row records), ``schema`` (the tables and how
a value is stored), ``memory`` (the current values), ``batch`` (the rows one batch writes), the
handlers by aggregate (``journals``, ``students``, ``years``, ``accounts``, ``integrity``,
``staff``, ``control_works``), ``projection`` (the read model), ``queries`` (the filter and the
pages), ``cursor`` (the keyset cursor), ``csv_export`` (the CSV file).
"""
