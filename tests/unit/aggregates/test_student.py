"""A student's record: admission by an order, personal data corrected with a reason, guardians
and consents (Gymnasium 2 §1.5), the movement record (transfer, subgroups, promotion,
withdrawal) and clubs (Gymnasium 2 §7.8); nothing changes for a student who has left."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from ejournal.aggregates.student import (
    AdditionalEducation,
    Consent,
    Guardian,
    PersonName,
    Student,
    StudentError,
)
from ejournal.errors import NotFoundError
from ejournal.roles import Actor, Role

SECRETARY = Actor(account_id=uuid4(), role=Role.SECRETARY)
CLASS_TEACHER = Actor(account_id=uuid4(), role=Role.CLASS_TEACHER)
NAME = PersonName(last="Белова", first="Варвара", patronymic="Дмитриевна")
SEPTEMBER_1 = date(2026, 9, 1)


def admit(**changes: object) -> Student:
    fields: dict[str, object] = {
        "name": NAME,
        "birth_date": date(2015, 3, 14),
        "class_code": "5А",
        "year": "2026/2027",
        "on": SEPTEMBER_1,
        "order": "№ 101-у",
        "actor": SECRETARY,
    }
    fields.update(changes)
    return Student.admit(**fields)  # type: ignore[arg-type]


def mother() -> Guardian:
    return Guardian(
        id=uuid4(),
        name=PersonName(last="Белова", first="Ирина"),
        relation="mother",
        phone="+7 900 000-00-00",
    )


def test_admission_is_by_an_order_and_opens_the_movement_record() -> None:
    student = admit()
    assert (student.class_code, student.year, student.withdrawn) == ("5А", "2026/2027", False)
    assert str(student.name) == "Белова Варвара Дмитриевна"
    [movement] = student.movements
    assert (movement.kind, movement.on, movement.to_place, movement.order) == (
        "admitted",
        SEPTEMBER_1,
        "5А",
        "№ 101-у",
    )
    [admitted] = student.collect_events()
    assert isinstance(admitted, Student.Admitted)
    assert admitted.actor == SECRETARY
    with pytest.raises(StudentError, match="admission is by an order"):
        admit(order=" ")
    with pytest.raises(StudentError, match="born before being admitted"):
        admit(birth_date=SEPTEMBER_1)


def test_personal_data_is_corrected_with_a_reason_and_keeps_the_previous() -> None:
    student = admit()
    corrected = NAME.model_copy(update={"first": "Варвара-Мария"})
    with pytest.raises(StudentError, match="needs a reason"):
        student.correct_personal_data(corrected, student.birth_date, " ", SECRETARY)
    with pytest.raises(StudentError, match="equals the recorded data"):
        student.correct_personal_data(NAME, student.birth_date, "опечатка", SECRETARY)
    student.correct_personal_data(
        corrected, date(2015, 3, 15), "свидетельство о рождении", SECRETARY
    )
    assert (student.name, student.birth_date) == (corrected, date(2015, 3, 15))
    event = student.collect_events()[-1]
    assert isinstance(event, Student.PersonalDataCorrected)
    assert (event.previous_name, event.previous_birth_date, event.reason) == (
        NAME,
        date(2015, 3, 14),
        "свидетельство о рождении",
    )


def test_consent_is_given_by_a_recorded_guardian_and_withdrawn_from_a_day() -> None:
    student = admit()
    guardian = mother()
    consent = Consent(id=uuid4(), given_by=guardian.id, given_on=SEPTEMBER_1, document="№ 17")
    with pytest.raises(StudentError, match="recorded guardian"):
        student.record_consent(consent, SECRETARY)
    student.add_guardian(guardian, SECRETARY)
    with pytest.raises(StudentError, match="already recorded"):
        student.add_guardian(guardian, SECRETARY)
    student.record_consent(consent, SECRETARY)
    with pytest.raises(StudentError, match="this consent is already recorded"):
        student.record_consent(consent, SECRETARY)
    assert not student.has_consent(date(2026, 8, 31))
    assert student.has_consent(SEPTEMBER_1)
    with pytest.raises(StudentError, match="before it was given"):
        student.withdraw_consent(consent.id, date(2026, 8, 1), "отзыв", SECRETARY)
    with pytest.raises(StudentError, match="needs a reason"):
        student.withdraw_consent(consent.id, date(2026, 10, 1), "", SECRETARY)
    student.withdraw_consent(consent.id, date(2026, 10, 1), "заявление матери", SECRETARY)
    assert student.has_consent(date(2026, 9, 30))
    assert not student.has_consent(date(2026, 10, 1))
    with pytest.raises(NotFoundError, match="no such consent in force"):
        student.withdraw_consent(consent.id, date(2026, 10, 2), "ещё раз", SECRETARY)
    # A student who signed as an adult needs no guardian.
    student.record_consent(
        Consent(id=uuid4(), given_by=None, given_on=date(2026, 10, 5), document="№ 18"), SECRETARY
    )
    assert student.has_consent(date(2026, 10, 5))


def test_a_guardian_is_removed_with_a_reason() -> None:
    student = admit()
    guardian = mother()
    student.add_guardian(guardian, SECRETARY)
    with pytest.raises(StudentError, match="needs a reason"):
        student.remove_guardian(guardian.id, "", SECRETARY)
    student.remove_guardian(guardian.id, "лишена родительских прав", SECRETARY)
    assert student.guardians == {}
    with pytest.raises(NotFoundError, match="no such guardian"):
        student.remove_guardian(guardian.id, "ещё раз", SECRETARY)


def test_the_movement_record_follows_transfer_subgroup_and_promotion() -> None:
    student = admit()
    with pytest.raises(StudentError, match="already in class 5А"):
        student.transfer("5А", date(2026, 9, 14), "№ 120-у", "заявление", SECRETARY)
    with pytest.raises(StudentError, match="needs a reason"):
        student.transfer("5Б", date(2026, 9, 14), "№ 120-у", " ", SECRETARY)
    assert student.transfer("5Б", date(2026, 9, 14), "№ 120-у", "заявление", SECRETARY) == "5А"
    student.move_subgroup("foreign_language", None, "1", date(2026, 9, 14), CLASS_TEACHER)
    with pytest.raises(StudentError, match="into another school year"):
        student.promote("6Б", "2026/2027", date(2027, 5, 31), "№ 80-у", SECRETARY)
    student.promote("6Б", "2027/2028", date(2027, 5, 31), "№ 80-у", SECRETARY)
    assert (student.class_code, student.year) == ("6Б", "2027/2028")
    assert [(m.kind, m.year, m.from_place, m.to_place, m.order) for m in student.movements] == [
        ("admitted", "2026/2027", None, "5А", "№ 101-у"),
        ("transferred", "2026/2027", "5А", "5Б", "№ 120-у"),
        ("subgroup", "2026/2027", None, "foreign_language/1", None),
        ("promoted", "2027/2028", "5Б", "6Б", "№ 80-у"),
    ]


def test_a_student_who_has_left_takes_no_more_changes() -> None:
    student = admit()
    with pytest.raises(StudentError, match="needs a reason"):
        student.withdraw(date(2026, 12, 25), "", "Гимназия № 2", "№ 150-у", SECRETARY)
    student.withdraw(date(2026, 12, 25), "переезд", "Гимназия № 2", "№ 150-у", SECRETARY)
    assert (student.class_code, student.withdrawn) == (None, True)
    last = student.movements[-1]
    assert (last.kind, last.from_place, last.to_place, last.reason) == (
        "withdrawn",
        "5А",
        "Гимназия № 2",
        "переезд",
    )
    events_before = len(student.collect_events())
    for change in (
        lambda: student.transfer("5Б", date(2027, 1, 12), "№ 1", "r", SECRETARY),
        lambda: student.promote("6А", "2027/2028", date(2027, 5, 31), "№ 2", SECRETARY),
        lambda: student.withdraw(date(2027, 1, 12), "r", None, "№ 3", SECRETARY),
        lambda: student.add_guardian(mother(), SECRETARY),
        lambda: student.correct_personal_data(NAME, date(2015, 1, 1), "r", SECRETARY),
        lambda: student.move_subgroup("foreign_language", None, "2", date(2027, 1, 12), SECRETARY),
    ):
        with pytest.raises(StudentError, match="has left the school"):
            change()
    assert student.collect_events() == []
    assert events_before == 2


def test_clubs_are_recorded_once_and_end_after_they_start() -> None:
    student = admit()
    club = AdditionalEducation(
        id=uuid4(), name="Шахматы", organisation="ДДТ «Радуга»", start=date(2026, 9, 15)
    )
    with pytest.raises(StudentError, match="ends on or after its first day"):
        student.record_additional_education(
            club.model_copy(update={"end": date(2026, 9, 1)}), CLASS_TEACHER
        )
    student.record_additional_education(club, CLASS_TEACHER)
    with pytest.raises(StudentError, match="already recorded"):
        student.record_additional_education(club, CLASS_TEACHER)
    with pytest.raises(StudentError, match="ends on or after its first day"):
        student.end_additional_education(club.id, date(2026, 9, 14), CLASS_TEACHER)
    student.end_additional_education(club.id, date(2026, 12, 20), CLASS_TEACHER)
    assert student.activities()[club.id].end == date(2026, 12, 20)
    with pytest.raises(StudentError, match="already ended"):
        student.end_additional_education(club.id, date(2026, 12, 21), CLASS_TEACHER)
    with pytest.raises(NotFoundError, match="no such activity"):
        student.end_additional_education(uuid4(), date(2026, 12, 21), CLASS_TEACHER)
    names = [type(e).__name__ for e in student.collect_events()]
    assert names == ["Admitted", "AdditionalEducationRecorded", "AdditionalEducationEnded"]


def test_a_progress_printout_covers_days_in_order() -> None:
    student = admit()
    with pytest.raises(StudentError, match=r"end \(2026-09-01\) before they start"):
        student.issue_progress_printout(date(2026, 10, 1), date(2026, 9, 1), CLASS_TEACHER)
    student.issue_progress_printout(SEPTEMBER_1, date(2026, 10, 24), CLASS_TEACHER)
    issued = student.collect_events()[-1]
    assert isinstance(issued, Student.ProgressPrintoutIssued)
    assert (issued.start, issued.end, issued.actor) == (
        SEPTEMBER_1,
        date(2026, 10, 24),
        CLASS_TEACHER,
    )
