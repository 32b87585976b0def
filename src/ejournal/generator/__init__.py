"""The school generator: a realistic Russian school, set up and lived through a school year by the
real command handlers (``ejournal demo --students N --schools K --weeks W``).

One concept per module: ``year_calendar`` (periods, holidays, bells of 2026/2027),
``curriculum`` (weekly hours per grade and subject), ``school_plan`` (classes and their sizes),
``people`` (Russian names, patronymics, logins), ``staffing`` (teachers, their subjects and
loads), ``timetable`` (a clash-free week), ``ktp`` (calendar-thematic plans and homework),
``assessment`` (marks and period marks), ``absences`` (illness spells), ``set_up`` (the August
set-up), ``year_run`` (the school days, lesson by lesson) and ``seeding`` (``generate``, the
entry point, and its report).

The package imports nothing at its top, so ``ejournal.demo`` can build on its parts.
"""
