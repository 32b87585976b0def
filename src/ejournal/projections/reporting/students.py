"""The facts of students and their movement (движение учащихся)."""

from __future__ import annotations

from ejournal.aggregates.student import Student
from ejournal.projections.read_model import Handlers
from ejournal.projections.writes import Writes

HANDLERS: Handlers[Writes] = Handlers()
_on = HANDLERS.on


# --- students and their movement (движение учащихся) --------------------------------------------

_MOVEMENT = """INSERT INTO rpt_movements (position, student_id, year, kind, on_date, from_class,
        to_class)
    VALUES (%(position)s, %(student_id)s, %(year)s, %(kind)s, %(on)s, %(from_class)s,
        %(to_class)s)
    ON CONFLICT (position) DO NOTHING"""

# Transfers and withdrawals name no year nor the class left: they are the student's as of this
# event, which the students table holds (statements run in log order).
_MOVEMENT_FROM_CURRENT_CLASS = """INSERT INTO rpt_movements (position, student_id, year, kind,
        on_date, from_class, to_class)
    SELECT %(position)s, student_id, year, %(kind)s, %(on)s, class_code, %(to_class)s
    FROM rpt_students WHERE student_id = %(student_id)s
    ON CONFLICT (position) DO NOTHING"""


@_on(Student.Admitted)
def _admitted(e: Student.Admitted, position: int, w: Writes) -> None:
    student_id = str(e.originator_id)
    w.add(
        """INSERT INTO rpt_students (student_id, full_name, year, class_code)
        VALUES (%(student_id)s, %(full_name)s, %(year)s, %(class_code)s)
        ON CONFLICT (student_id) DO UPDATE SET full_name = excluded.full_name,
            year = excluded.year, class_code = excluded.class_code""",
        student_id=student_id,
        full_name=str(e.name),
        year=e.year,
        class_code=e.class_code,
    )
    w.add(
        _MOVEMENT,
        position=position,
        student_id=student_id,
        year=e.year,
        kind="admitted",
        on=e.on.isoformat(),
        from_class=None,
        to_class=e.class_code,
    )


@_on(Student.PersonalDataCorrected)
def _renamed(e: Student.PersonalDataCorrected, _position: int, w: Writes) -> None:
    w.add(
        "UPDATE rpt_students SET full_name = %(full_name)s WHERE student_id = %(student_id)s",
        student_id=str(e.originator_id),
        full_name=str(e.name),
    )


@_on(Student.Transferred)
def _transferred(e: Student.Transferred, position: int, w: Writes) -> None:
    student_id = str(e.originator_id)
    w.add(
        _MOVEMENT_FROM_CURRENT_CLASS,
        position=position,
        student_id=student_id,
        kind="transferred",
        on=e.on.isoformat(),
        to_class=e.to_class,
    )
    w.add(
        "UPDATE rpt_students SET class_code = %(class_code)s WHERE student_id = %(student_id)s",
        student_id=student_id,
        class_code=e.to_class,
    )


@_on(Student.Promoted)
def _promoted(e: Student.Promoted, position: int, w: Writes) -> None:
    student_id = str(e.originator_id)
    w.add(
        _MOVEMENT,
        position=position,
        student_id=student_id,
        year=e.from_year,
        kind="promoted",
        on=e.on.isoformat(),
        from_class=e.from_class,
        to_class=e.to_class,
    )
    w.add(
        """UPDATE rpt_students SET year = %(year)s, class_code = %(class_code)s
        WHERE student_id = %(student_id)s""",
        student_id=student_id,
        year=e.to_year,
        class_code=e.to_class,
    )


@_on(Student.Withdrawn)
def _withdrawn(e: Student.Withdrawn, position: int, w: Writes) -> None:
    student_id = str(e.originator_id)
    w.add(
        _MOVEMENT_FROM_CURRENT_CLASS,
        position=position,
        student_id=student_id,
        kind="withdrawn",
        on=e.on.isoformat(),
        to_class=None,
    )
    w.add(
        "UPDATE rpt_students SET class_code = NULL WHERE student_id = %(student_id)s",
        student_id=student_id,
    )
