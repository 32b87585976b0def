"""The subject teacher's routes and the journal page: lessons, attendance, marks, period marks,
KTP; who may, who may not (403), and what does not exist for whom (404)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from api_session import Api

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.commands import journals, period_marks, substitutions

PROBLEM = "application/problem+json"
SEPT_1 = date(2026, 9, 1)
SEPT_2 = date(2026, 9, 2)


def journal_url(api: Api, key: str, *rest: object) -> str:
    return "/".join(["/api/v1/journals", str(api.world.journals[key]), *map(str, rest)])


def hold(api: Api, key: str = "math", who: str = "math", **body: Any) -> Any:
    """Submit a whole lesson (1 September, lesson 1, unless told otherwise)."""
    payload = {"on": SEPT_1.isoformat(), "slot": 1, **body}
    return api.post(journal_url(api, key, "lessons"), who, payload)


def kinds(api: Api, key: str) -> list[str]:
    return [type(e).__name__ for e in api.world.school.events.get(api.world.journals[key])]


def without_instance(body: dict[str, Any]) -> dict[str, Any]:
    """A problem's body but for the path it answers (which differs between two requests)."""
    return {k: v for k, v in body.items() if k != "instance"}


def assert_refused(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{slug}"
    return body


def test_a_whole_lesson_is_recorded_in_one_save(api: Api) -> None:
    s = api.world.students
    api.world.at(SEPT_1, 9)
    response = hold(
        api,
        topic="Натуральные числа",
        homework="№ 1–5",
        attendance={str(s[2]): "absent", str(s[3]): "late"},
        marks=[
            {"student_id": str(s[0]), "value": "5"},
            {"student_id": str(s[1]), "value": "4", "work_kind": "written", "comment": "ok"},
        ],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body["ids"]) == {"lesson_id", "mark_0", "mark_1"}
    assert body["events"] == 5
    assert body["position"] == api.world.school.position()
    assert kinds(api, "math")[-5:] == [
        "LessonHeld",
        "AttendanceRecorded",
        "AttendanceRecorded",
        "MarkRecorded",
        "MarkRecorded",
    ]
    journal = api.world.school.journal(api.world.journals["math"])
    lesson = journal.lesson(UUID(body["ids"]["lesson_id"]))
    assert (lesson.on, lesson.slot, lesson.topic, lesson.homework) == (
        SEPT_1,
        1,
        "Натуральные числа",
        "№ 1–5",
    )
    assert lesson.taught_by == api.actors["math"].account_id
    absent = journal.attendance_of(lesson.id, s[2])
    assert absent is not None
    assert absent.status == "absent"
    written = journal.mark(UUID(body["ids"]["mark_1"]))
    assert (written.student_id, written.value, written.work_kind, written.weight) == (
        s[1],
        "4",
        "written",
        1.5,
    )
    assert journal.mark(UUID(body["ids"]["mark_0"])).weight == 1.0


def test_a_retried_submission_records_nothing_twice(api: Api) -> None:
    api.world.at(SEPT_1, 9)
    url, lesson = journal_url(api, "math", "lessons"), {"on": "2026-09-01", "slot": 1}
    first = api.post(url, "math", lesson, **{"Idempotency-Key": "lesson-1"})
    assert first.status_code == 201, first.text
    position = api.world.school.position()
    again = api.post(url, "math", lesson, **{"Idempotency-Key": "lesson-1"})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert api.world.school.position() == position


def test_teacher_commands_need_a_token(api: Api) -> None:
    lesson, mark, student = uuid4(), uuid4(), uuid4()
    for path in (
        journal_url(api, "math", "lessons"),
        journal_url(api, "math", "lessons", lesson, "details"),
        journal_url(api, "math", "lessons", lesson, "corrections"),
        journal_url(api, "math", "lessons", lesson, "attendance"),
        journal_url(api, "math", "lessons", lesson, "attendance", student, "corrections"),
        journal_url(api, "math", "marks"),
        journal_url(api, "math", "marks", mark, "corrections"),
        journal_url(api, "math", "marks", mark, "voiding"),
        journal_url(api, "math", "period-marks"),
        journal_url(api, "math", "period-marks", "Q1", student, "corrections"),
        journal_url(api, "math", "ktp"),
    ):
        response = api.post(path, None, {})
        assert_refused(response, 401, "not-authenticated")
        assert response.headers["www-authenticate"] == "Bearer"
    assert_refused(api.get(journal_url(api, "math"), None), 401, "not-authenticated")


def test_only_teachers_record_lessons_and_marks(api: Api) -> None:
    api.world.at(SEPT_1, 9)
    api.sign_in("parent", "student")
    position = api.world.school.position()
    for who in ("parent", "student", "deputy", "inspector", "auditor", "secretary"):
        assert_refused(hold(api, who=who, topic="Дроби"), 403, "forbidden")
    mark = {"lesson_id": str(uuid4()), "student_id": str(api.world.students[0]), "value": "5"}
    assert_refused(api.post(journal_url(api, "math", "marks"), "inspector", mark), 403, "forbidden")
    assert api.world.school.position() == position


def test_another_teachers_journal_answers_as_a_missing_one(api: Api) -> None:
    api.world.at(SEPT_1, 9)
    position = api.world.school.position()
    out_of_scope = assert_refused(hold(api, who="outsider", topic="Дроби"), 404, "not-found")
    missing = assert_refused(
        api.post(f"/api/v1/journals/{uuid4()}/lessons", "math", {"on": "2026-09-01", "slot": 1}),
        404,
        "not-found",
    )
    assert without_instance(out_of_scope) == without_instance(missing)
    # A class's English teacher is no teacher of its mathematics.
    mark = {"lesson_id": str(uuid4()), "student_id": str(api.world.students[0]), "value": "5"}
    english = assert_refused(
        api.post(journal_url(api, "math", "marks"), "english1", mark), 404, "not-found"
    )
    assert without_instance(english) == without_instance(missing)
    assert api.world.school.position() == position


def test_a_lesson_after_its_deadline_is_refused_with_its_clause(api: Api) -> None:
    api.world.at(SEPT_1, 19, 0, 1)  # School 77 §4.4.1: "до 19.00"
    position = api.world.school.position()
    body = assert_refused(hold(api, topic="Дроби"), 422, "deadline-passed")
    assert body["rule"] == "deadline.topic"
    assert body["clause"]["source"] == "School 77"
    assert body["clause"]["ref"] == "§4.4.1"
    assert api.world.school.position() == position
    assert api.world.school.journal(api.world.journals["math"]).lessons == {}


def test_grade_one_gets_attendance_but_no_marks(api: Api) -> None:
    api.world.at(SEPT_1, 10)
    child = api.world.first_graders[0]
    position = api.world.school.position()
    refused = hold(
        api, "math1", topic="Счёт до 10", marks=[{"student_id": str(child), "value": "5"}]
    )
    body = assert_refused(refused, 422, "rule-violated")
    assert body["rule"] == "first_grade.no_marks"
    assert (body["clause"]["source"], body["clause"]["ref"]) == ("School 77", "§3.7")
    assert api.world.school.position() == position
    held = hold(api, "math1", topic="Счёт до 10", attendance={str(child): "absent"})
    assert held.status_code == 201, held.text


def test_a_closed_period_takes_no_new_marks(api: Api) -> None:
    api.world.at(SEPT_1, 9)
    lesson_id = hold(api, topic="Дроби").json()["ids"]["lesson_id"]
    period_marks.close_period(
        api.world.school,
        api.world.deputy,
        period_marks.ClosePeriod(year="2026/2027", period_id="Q1", class_code="5А"),
    )
    position = api.world.school.position()
    mark = {"lesson_id": lesson_id, "student_id": str(api.world.students[0]), "value": "5"}
    assert_refused(api.post(journal_url(api, "math", "marks"), "math", mark), 409, "period-closed")
    assert api.world.school.position() == position


def test_lesson_details_are_filled_in_then_corrected(api: Api) -> None:
    api.world.at(SEPT_1, 9)
    lesson_id = hold(api, topic="Дроби").json()["ids"]["lesson_id"]
    details = api.post(
        journal_url(api, "math", "lessons", lesson_id, "details"), "math", {"homework": "№ 7"}
    )
    assert details.status_code == 201, details.text
    assert details.json()["events"] == 1
    assert details.json()["position"] == api.world.school.position()
    again = api.post(
        journal_url(api, "math", "lessons", lesson_id, "details"), "math", {"homework": "№ 8"}
    )
    assert_refused(again, 409, "journal-invariant")
    corrected = api.post(
        journal_url(api, "math", "lessons", lesson_id, "corrections"),
        "math",
        {"topic": "Обыкновенные дроби", "homework": "№ 7", "reason": "опечатка в теме"},
    )
    assert corrected.status_code == 201, corrected.text
    event = list(api.world.school.events.get(api.world.journals["math"]))[-1]
    assert isinstance(event, ClassJournal.LessonDetailsCorrected)
    assert (event.previous_topic, event.topic, event.homework) == (
        "Дроби",
        "Обыкновенные дроби",
        "№ 7",
    )
    missing = api.post(
        journal_url(api, "math", "lessons", uuid4(), "details"), "math", {"topic": "Дроби"}
    )
    assert_refused(missing, 404, "not-found")
    blank = api.post(
        journal_url(api, "math", "lessons", lesson_id, "corrections"),
        "math",
        {"topic": "  ", "reason": "x"},
    )
    assert_refused(blank, 422, "invalid-request")


def test_attendance_is_recorded_then_corrected(api: Api) -> None:
    s = api.world.students
    api.world.at(SEPT_1, 9)
    lesson_id = hold(api, topic="Дроби").json()["ids"]["lesson_id"]
    recorded = api.post(
        journal_url(api, "math", "lessons", lesson_id, "attendance"),
        "math",
        {"attendance": {str(s[0]): "absent", str(s[1]): "late"}},
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["events"] == 2
    corrected = api.post(
        journal_url(api, "math", "lessons", lesson_id, "attendance", s[0], "corrections"),
        "math",
        {"status": "present", "reason": "пришёл ко второму уроку, отметили по ошибке"},
    )
    assert corrected.status_code == 201, corrected.text
    journal = api.world.school.journal(api.world.journals["math"])
    entry = journal.attendance_of(UUID(lesson_id), s[0])
    assert entry is not None
    assert entry.status == "present"
    assert kinds(api, "math")[-1] == "AttendanceCorrected"
    never_recorded = api.post(
        journal_url(api, "math", "lessons", lesson_id, "attendance", s[4], "corrections"),
        "math",
        {"status": "absent", "reason": "x"},
    )
    assert_refused(never_recorded, 404, "not-found")
    first_grader = api.post(
        journal_url(api, "math", "lessons", lesson_id, "attendance"),
        "math",
        {"attendance": {str(api.world.first_graders[0]): "absent"}},
    )
    assert_refused(first_grader, 409, "student-not-on-roster")


def test_a_mark_is_recorded_corrected_and_voided(api: Api) -> None:
    s = api.world.students
    api.world.at(SEPT_1, 9)
    lesson_id = hold(api, topic="Дроби").json()["ids"]["lesson_id"]
    recorded = api.post(
        journal_url(api, "math", "marks"),
        "math",
        {"lesson_id": lesson_id, "student_id": str(s[0]), "value": "5", "work_kind": "oral"},
    )
    assert recorded.status_code == 201, recorded.text
    mark_id = recorded.json()["ids"]["mark_id"]
    assert recorded.json()["position"] == api.world.school.position()
    corrected = api.post(
        journal_url(api, "math", "marks", mark_id, "corrections"),
        "math",
        {"value": "4", "reason": "ошибка при вводе"},
    )
    assert corrected.status_code == 201, corrected.text
    assert corrected.json()["ids"] == {"mark_id": mark_id}
    voided = api.post(
        journal_url(api, "math", "marks", mark_id, "voiding"),
        "math",
        {"reason": "отметка поставлена не тому ученику"},
    )
    assert voided.status_code == 201, voided.text
    mark = api.world.school.journal(api.world.journals["math"]).mark(UUID(mark_id))
    assert (mark.value, mark.corrected, mark.voided) == ("4", True, True)
    assert kinds(api, "math")[-3:] == ["MarkRecorded", "MarkCorrected", "MarkVoided"]
    position = api.world.school.position()
    assert_refused(
        api.post(
            journal_url(api, "math", "marks", mark_id, "voiding"), "math", {"reason": "ещё раз"}
        ),
        409,
        "journal-invariant",
    )
    assert_refused(
        api.post(
            journal_url(api, "math", "marks", uuid4(), "corrections"),
            "math",
            {"value": "3", "reason": "x"},
        ),
        404,
        "not-found",
    )
    assert_refused(
        api.post(
            journal_url(api, "math", "marks"),
            "math",
            {"lesson_id": lesson_id, "student_id": str(s[0]), "value": "4+"},
        ),
        422,
        "mark-not-on-scale",
    )
    assert_refused(
        api.post(
            journal_url(api, "math", "marks"),
            "math",
            {"lesson_id": lesson_id, "student_id": str(s[0]), "value": "6"},
        ),
        422,
        "invalid-request",
    )
    assert api.world.school.position() == position


def test_period_marks_are_recorded_in_their_window_and_corrected(api: Api) -> None:
    s = api.world.students
    url = journal_url(api, "math", "period-marks")
    api.world.give_marks("math", 0, 1, on=date(2026, 10, 19))
    api.world.at(date(2026, 10, 20), 12)
    # School 77 §5.1–5.2: Гусев has no current mark in Q1 for his period mark to rest on.
    position = api.world.school.position()
    baseless = assert_refused(
        api.post(url, "math", {"period_id": "Q1", "student_id": str(s[2]), "value": "4"}),
        422,
        "rule-violated",
    )
    assert baseless["rule"] == "period_mark_basis.min_current_marks"
    assert (baseless["clause"]["source"], baseless["clause"]["ref"]) == ("School 77", "§5.1–5.2")
    assert api.world.school.position() == position
    recorded = api.post(url, "math", {"period_id": "Q1", "student_id": str(s[0]), "value": "5"})
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["position"] == api.world.school.position()
    position = api.world.school.position()
    banned = assert_refused(
        api.post(url, "math", {"period_id": "Q1", "student_id": str(s[1]), "value": "н/а"}),
        422,
        "rule-violated",
    )
    assert banned["rule"] == "period_marks.forbidden_values"
    assert (banned["clause"]["source"], banned["clause"]["ref"]) == ("School 77", "§5.3")
    assert_refused(
        api.post(url, "math", {"period_id": "Q9", "student_id": str(s[1]), "value": "4"}),
        404,
        "not-found",
    )
    assert api.world.school.position() == position
    corrected = api.post(
        journal_url(api, "math", "period-marks", "Q1", s[0], "corrections"),
        "math",
        {"value": "4", "reason": "пересчёт по итогам контрольной"},
    )
    assert corrected.status_code == 201, corrected.text
    journal = api.world.school.journal(api.world.journals["math"])
    period_mark = journal.period_mark("Q1", s[0])
    assert period_mark is not None
    assert (period_mark.value, period_mark.corrected) == ("4", True)
    api.world.at(date(2026, 10, 23), 12)  # School 77 §5.4: two days before the end (24 Oct)
    position = api.world.school.position()
    late = assert_refused(
        api.post(url, "math", {"period_id": "Q1", "student_id": str(s[1]), "value": "4"}),
        422,
        "deadline-passed",
    )
    assert late["rule"] == "deadline.period_mark"
    assert late["clause"]["ref"] == "§5.4"
    assert api.world.school.position() == position


def test_year_exam_and_final_marks_are_recorded_under_their_rules(api: Api) -> None:
    """The year mark after the last period's mark (School 77 §4.4.6); exam and final marks in
    grades 9 and 11 only; refusals name the rule and the clause and record nothing."""
    s = api.world.students
    url = journal_url(api, "math", "results")
    api.world.give_marks("math", 0, on=date(2027, 5, 17))
    api.world.at(date(2027, 5, 20), 12)
    position = api.world.school.position()
    early = assert_refused(
        api.post(url, "math", {"kind": "year", "student_id": str(s[0]), "value": "5"}),
        422,
        "rule-violated",
    )
    assert early["rule"] == "results.year_after_last_period"
    assert (early["clause"]["source"], early["clause"]["ref"]) == ("School 77", "§4.4.6, §6.5")
    exam = assert_refused(
        api.post(
            url,
            "math",
            {"kind": "exam", "student_id": str(s[0]), "value": "5", "results_date": "2027-05-19"},
        ),
        422,
        "rule-violated",
    )
    assert exam["rule"] == "results.exam_grades"
    assert api.world.school.position() == position
    q4 = api.post(
        journal_url(api, "math", "period-marks"),
        "math",
        {"period_id": "Q4", "student_id": str(s[0]), "value": "5"},
    )
    assert q4.status_code == 201, q4.text
    year_mark = api.post(url, "math", {"kind": "year", "student_id": str(s[0]), "value": "5"})
    assert year_mark.status_code == 201, year_mark.text
    corrected = api.post(
        journal_url(api, "math", "results", "year", s[0], "corrections"),
        "math",
        {"value": "4", "reason": "пересчёт по итогам четвертей"},
    )
    assert corrected.status_code == 201, corrected.text
    kept = api.world.school.journal(api.world.journals["math"]).period_mark("Y", s[0])
    assert kept is not None
    assert (kept.value, kept.corrected) == ("4", True)
    grid = api.get(
        journal_url(api, "math", "grid") + f"?after={corrected.json()['position']}", "math"
    )
    assert grid.status_code == 200, grid.text
    columns = [c.get("period_id") for c in grid.json()["columns"] if c["kind"] == "period"]
    assert columns[-2:] == ["Q4", "Y"]


def test_a_substitute_records_only_the_lesson_granted(api: Api) -> None:
    granted = substitutions.assign_substitution(
        api.world.school,
        api.world.deputy,
        substitutions.AssignSubstitution(
            journal_id=api.world.journals["math"],
            on=SEPT_2,
            slot=1,
            substitute_id=api.actors["outsider"].account_id,
            replaced_id=api.actors["math"].account_id,
            reason="болезнь учителя",
        ),
    ).ids["substitution_id"]
    api.world.at(SEPT_2, 9)
    held = hold(api, who="outsider", on=SEPT_2.isoformat(), slot=1, topic="Дроби")
    assert held.status_code == 201, held.text
    lesson = api.world.school.journal(api.world.journals["math"]).lesson(
        UUID(held.json()["ids"]["lesson_id"])
    )
    assert (lesson.taught_by, lesson.substitution_id) == (
        api.actors["outsider"].account_id,
        granted,
    )
    position = api.world.school.position()
    other_lesson = hold(api, who="outsider", on=SEPT_2.isoformat(), slot=2, topic="Дроби")
    refused = assert_refused(other_lesson, 403, "substitution-not-granted")
    assert refused["rule"] == "substitution.requires_grant"
    assert (refused["clause"]["source"], refused["clause"]["ref"]) == ("School 77", "§4.4.3")
    assert "§4.4.3" in refused["detail"]
    # The grant shows the substitute the journal, but the plan stays its teacher's.
    ktp = {"items": [{"topic": "Дроби", "hours": 2}]}
    assert_refused(api.post(journal_url(api, "math", "ktp"), "outsider", ktp), 403, "forbidden")
    assert api.world.school.position() == position
    page = api.get(journal_url(api, "math"), "outsider")
    assert page.status_code == 200
    assert page.json()["substitutions"][0]["substitute"]["full_name"] == "Фёдоров Илья Андреевич"


def test_the_ktp_is_set_by_the_journals_teacher_or_a_deputy(api: Api) -> None:
    url = journal_url(api, "math", "ktp")
    plan = {"items": [{"topic": "Натуральные числа", "hours": 4}, {"topic": "Дроби"}]}
    first = api.post(url, "math", plan)
    assert first.status_code == 201, first.text
    position = api.world.school.position()
    assert_refused(api.post(url, "math", plan), 409, "journal-invariant")  # a reason is due
    assert_refused(api.post(url, "inspector", plan), 403, "forbidden")
    # The administrator checks that plans are there, and writes none (access.can_set_ktp).
    assert_refused(api.post(url, "admin", plan), 403, "forbidden")
    assert_refused(api.post(url, "english1", plan), 404, "not-found")
    assert api.world.school.position() == position
    replaced = api.post(url, "deputy", {**plan, "reason": "корректировка по итогам проверки"})
    assert replaced.status_code == 201, replaced.text
    journal = api.world.school.journal(api.world.journals["math"])
    assert [(item.number, item.topic, item.hours) for item in journal.ktp] == [
        (1, "Натуральные числа", 4),
        (2, "Дроби", 1),
    ]
    event = list(api.world.school.events.get(api.world.journals["math"]))[-1]
    assert isinstance(event, ClassJournal.KtpSet)
    assert event.actor.role == "deputy"


def test_the_journal_page_renders_the_journal(api: Api) -> None:
    s = api.world.students
    api.world.at(SEPT_1, 9)
    api.post(journal_url(api, "math", "ktp"), "math", {"items": [{"topic": "Дроби"}]})
    held = hold(
        api,
        topic="Дроби",
        homework="№ 7",
        ktp_item=1,
        attendance={str(s[2]): "absent"},
        marks=[{"student_id": str(s[0]), "value": "5", "work_kind": "control"}],
    ).json()
    page = api.get(journal_url(api, "math"), "math")
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["id"] == str(api.world.journals["math"])
    assert (body["year"], body["class_code"], body["grade"]) == ("2026-2027", "5А", 5)
    assert body["subject"] == {"code": "mathematics", "name": "Математика"}
    assert body["subgroup"] is None
    assert body["teachers"] == [
        {"id": str(api.actors["math"].account_id), "full_name": "Иванова Мария Петровна"}
    ]
    assert body["ktp"] == [{"number": 1, "topic": "Дроби", "hours": 1}]
    [lesson] = body["lessons"]
    assert lesson["id"] == held["ids"]["lesson_id"]
    assert (lesson["on"], lesson["slot"], lesson["topic"], lesson["homework"]) == (
        "2026-09-01",
        1,
        "Дроби",
        "№ 7",
    )
    assert (lesson["ktp_item"], lesson["late"], lesson["substitution_id"]) == (1, None, None)
    assert body["roster_on"] == "2026-09-01"
    assert [row["id"] for row in body["students"]] == [str(x) for x in s]  # alphabetical
    assert body["students"][0]["name"]["full"] == "Алексеев Артём Игоревич"
    assert all(row["on_roster"] for row in body["students"])
    assert body["attendance"] == [
        {
            "lesson_id": lesson["id"],
            "student_id": str(s[2]),
            "status": "absent",
            "reason": None,
            "reason_valid": None,
            "late": None,
        }
    ]
    [mark] = body["marks"]
    assert (mark["id"], mark["student_id"], mark["value"], mark["work_kind"]) == (
        held["ids"]["mark_0"],
        str(s[0]),
        "5",
        "control",
    )
    assert (mark["weight"], mark["corrected"], mark["voided"], mark["late"]) == (
        2.0,
        False,
        False,
        None,
    )
    assert body["period_marks"] == body["substitutions"] == body["closed_periods"] == []
    assert body["version"] == len(kinds(api, "math"))
    # Everyone who reads this journal reads the same page.
    for who in ("class_teacher", "deputy", "director", "admin", "inspector", "auditor"):
        other = api.get(journal_url(api, "math"), who)
        assert other.status_code == 200, (who, other.text)
        assert other.json() == body


def test_the_journal_page_is_scoped(api: Api) -> None:
    missing = assert_refused(api.get(f"/api/v1/journals/{uuid4()}", "deputy"), 404, "not-found")
    for who, key in (("outsider", "math"), ("english1", "math"), ("class_teacher", "math1")):
        hidden = assert_refused(api.get(journal_url(api, key), who), 404, "not-found")
        assert without_instance(hidden) == without_instance(missing)
    for who in ("parent", "student", "secretary"):
        assert_refused(api.get(journal_url(api, "math"), who), 403, "forbidden")
    # A class teacher who also teaches another class reads that class's journal as its teacher.
    journals.assign_teacher(
        api.world.school,
        api.world.admin,
        journals.AssignTeacher(
            journal_id=api.world.journals["math1"],
            account_id=api.actors["class_teacher"].account_id,
        ),
    )
    assert api.get(journal_url(api, "math1"), "class_teacher").status_code == 200


def test_ids_in_the_body_are_refused(api: Api) -> None:
    """The path names the journal; a body that names it too (or anything unknown) is refused."""
    api.world.at(SEPT_1, 9)
    for field in ("journal_id", "lesson"):
        body = {"on": "2026-09-01", "slot": 1, field: str(uuid4())}
        assert_refused(
            api.post(journal_url(api, "math", "lessons"), "math", body), 422, "invalid-request"
        )


def test_pass_fail_marks_are_given_only_in_pass_fail_subjects(api: Api) -> None:
    # "зач" was once taken as a mark in mathematics, and "5" in a subject taught without marks.
    s = api.world.students
    opened = api.post(
        "/api/v1/years/2026-2027/journals",
        "admin",
        {"class_code": "5А", "subject": "odnknr", "teachers": [str(api.actors["math"].account_id)]},
    )
    assert opened.status_code == 201, opened.text
    api.world.journals["odnknr"] = UUID(opened.json()["ids"]["journal_id"])
    api.world.at(SEPT_1, 9)
    math_lesson = hold(api, topic="Дроби").json()["ids"]["lesson_id"]
    pass_fail_lesson = hold(api, "odnknr", slot=6, topic="Введение").json()["ids"]["lesson_id"]
    position = api.world.school.position()
    for key, lesson_id, value in (
        ("math", math_lesson, "зач"),
        ("math", math_lesson, "незач"),
        ("odnknr", pass_fail_lesson, "5"),
        ("odnknr", pass_fail_lesson, "2"),
    ):
        mark = {"lesson_id": lesson_id, "student_id": str(s[0]), "value": value}
        refused = assert_refused(
            api.post(journal_url(api, key, "marks"), "math", mark), 422, "mark-not-on-scale"
        )
        assert repr(value) in refused["detail"]
        whole = hold(api, key, slot=7, marks=[{"student_id": str(s[0]), "value": value}])
        assert_refused(whole, 422, "mark-not-on-scale")
    assert api.world.school.position() == position

    passed = api.post(
        journal_url(api, "odnknr", "marks"),
        "math",
        {"lesson_id": pass_fail_lesson, "student_id": str(s[0]), "value": "зач"},
    )
    assert passed.status_code == 201, passed.text
    five = api.post(
        journal_url(api, "math", "marks"),
        "math",
        {"lesson_id": math_lesson, "student_id": str(s[0]), "value": "5"},
    )
    assert five.status_code == 201, five.text
    corrections = (
        ("math", five.json()["ids"]["mark_id"], "зач"),
        ("odnknr", passed.json()["ids"]["mark_id"], "4"),
    )
    for key, mark_id, value in corrections:
        assert_refused(
            api.post(
                journal_url(api, key, "marks", mark_id, "corrections"),
                "math",
                {"value": value, "reason": "ошибка"},
            ),
            422,
            "mark-not-on-scale",
        )

    # Артём's "5" and "зач" above are the current marks his period marks rest on.
    api.world.at(date(2026, 10, 20), 12)
    for key, value in (("math", "зач"), ("odnknr", "5")):
        period_mark = {"period_id": "Q1", "student_id": str(s[0]), "value": value}
        assert_refused(
            api.post(journal_url(api, key, "period-marks"), "math", period_mark),
            422,
            "mark-not-on-scale",
        )
    for key, value in (("math", "5"), ("odnknr", "зач")):
        period_mark = {"period_id": "Q1", "student_id": str(s[0]), "value": value}
        given = api.post(journal_url(api, key, "period-marks"), "math", period_mark)
        assert given.status_code == 201, given.text
    for key, value in (("math", "незач"), ("odnknr", "3")):
        assert_refused(
            api.post(
                journal_url(api, key, "period-marks", "Q1", s[0], "corrections"),
                "math",
                {"value": value, "reason": "пересчёт"},
            ),
            422,
            "mark-not-on-scale",
        )
