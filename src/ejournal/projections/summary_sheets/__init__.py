"""Summary sheets (сводные ведомости) and the class results report (DESIGN.md §6).

A class teacher's and the deputy's documents of a period and a year (School 77 §4.3.10,
§4.6.5): the progress sheet (students × subjects, period and year marks), the attendance sheet
(students × months, lessons missed and of them for a valid reason), the movement sheet
(admitted, transferred, promoted, withdrawn) and the class results for a period (counts of
5/4/3/2, success and quality rates).

Every row is keyed by a natural key (a journal, period and student; a lesson and student; the
log position of a movement) and written by upserts or by statements run in log order, so the
tables depend only on the events applied, never on how the log was cut into batches.

One concept a module: ``schema`` (the tables), ``handlers`` (what each event writes),
``projection`` (the read model), ``rates`` (success and quality rates, pure), ``queries`` (the
sheets and the class results).
"""
