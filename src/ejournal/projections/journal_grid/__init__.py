"""The journal grid: a class journal's page as its teacher and the deputy see it (DESIGN.md §6).

Students down the side, lessons across in date and slot order, marks and attendance in the
cells, each lesson's topic and homework, and each period's marks in the column right after the
period's last lesson (School 117 §6.1). Nothing is hidden that the log holds: a corrected mark
shows the value it replaced, a voided mark stays in its cell marked void, a late entry carries
the deputy's permission, a substitute's lesson names its substitution.

Rows are keyed by natural keys (a mark's id, a lesson and a student, a period and a student)
and written by upserts, so the tables depend only on the events applied, never on how the log
was cut into batches: a rebuild from zero gives exactly the rows the incremental one has.

One concept a module: ``schema`` (the tables), ``handlers`` (what each event writes),
``projection`` (the read model, and who is on a page), ``queries`` (a journal's page as the
teacher reads it).
"""
