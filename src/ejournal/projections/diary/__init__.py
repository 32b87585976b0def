"""The diary (электронный дневник): a student's school days as they and their parents see them
(DESIGN.md §6).

Per student and day: the lessons of the journals the student is on that day (subject, slot,
topic, homework), their marks with kind and weight, absences with their reasons, and the period
marks given for a period ending that day. Per student, subject and period: the weighted average
of the current marks and a forecast of the period mark (School 77 §9.3: students and parents are
to be told the forecast of their results for the period).

Unlike the journal grid, the diary shows only what stands now: a corrected mark shows its
current value, a voided mark is hidden (its row is kept, flagged, so a rebuild and the
incremental build agree row for row).

The model keeps its own copy of the periods, journals and class and subgroup stints: a read model
rebuilds on its own and never reads another's tables. Rows are keyed by natural keys and written
by upserts, so the tables depend only on the events applied, never on how the log was cut into
batches.

One concept a module: ``forecast`` (the weighted average and the forecast of a period mark),
``schema`` (the tables), ``handlers`` (what each event writes), ``projection`` (the read model),
``queries`` (a student's week, homework due, averages).
"""
