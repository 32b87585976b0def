"""Everyday reads over HTTP (issue 14, item 3), on both backends: a teacher's journals and
lessons with deadlines, homework due dates in a family's week, a class teacher's absences
without reasons, parents' absence notices, and the account directory. Each read is scoped by
the core's access module: another teacher's lessons and another family's child answer as
missing ones."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

from api_session import Api

V1 = "/api/v1"
YEAR = "2026-2027"
MONDAY = date(2026, 9, 7)
PROBLEM = "application/problem+json"


def ok(response: Any) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    return {k: v for k, v in body.items() if k != "instance"}


def whole_lesson(api: Api, who: str, key: str, on: date, slot: int, **body: Any) -> Any:
    return api.post(
        f"{V1}/journals/{api.world.journals[key]}/lessons",
        who,
        {"on": on.isoformat(), "slot": slot, **body},
    )


# --- a teacher's journals and lessons -----------------------------------------------------------


def test_a_teacher_reads_their_journals_in_one_request(api: Api) -> None:
    math = api.actors["math"].account_id
    journals = ok(api.get(f"{V1}/teachers/{math}/journals?year={YEAR}", "math"))
    assert [(j["class_code"], j["subject"], j["role"]) for j in journals] == [
        ("1А", "mathematics", "teacher"),
        ("5А", "mathematics", "teacher"),
    ]
    # A substitution a deputy assigns adds the journal, as a substitute's.
    outsider = api.actors["outsider"].account_id
    assert ok(api.get(f"{V1}/teachers/{outsider}/journals?year={YEAR}", "outsider")) == []
    api.world.at(date(2026, 9, 11), 15)
    ok(
        api.post(
            f"{V1}/journals/{api.world.journals['math']}/substitutions",
            "deputy",
            {
                "on": "2026-09-14",
                "slot": 1,
                "substitute_id": str(outsider),
                "replaced_id": str(math),
                "reason": "болезнь учителя",
            },
        )
    )
    journals = ok(api.get(f"{V1}/teachers/{outsider}/journals?year={YEAR}", "outsider"))
    assert [(j["class_code"], j["role"]) for j in journals] == [("5А", "substitute")]
    # The administration reads any teacher's; another teacher reads none but their own.
    assert len(ok(api.get(f"{V1}/teachers/{math}/journals?year={YEAR}", "deputy"))) == 2
    other = problem(api.get(f"{V1}/teachers/{math}/journals?year={YEAR}", "russian"), 404)
    missing = problem(api.get(f"{V1}/teachers/{uuid4()}/journals?year={YEAR}", "russian"), 404)
    assert other == missing
    problem(api.get(f"{V1}/teachers/{math}/journals?year={YEAR}", "parent"), 403)


def test_a_teachers_day_shows_each_slot_held_or_not_with_its_deadlines(api: Api) -> None:
    api.world.at(MONDAY, 10)
    recorded = whole_lesson(
        api,
        "math",
        "math",
        MONDAY,
        1,
        topic="Натуральные числа",
        homework="№ 1–5",
        attendance={str(api.world.students[1]): "absent"},
        marks=[{"student_id": str(api.world.students[0]), "value": "5"}],
    )
    ok(recorded)
    math = api.actors["math"].account_id
    day = ok(api.get(f"{V1}/teachers/{math}/lessons?year={YEAR}&start={MONDAY}", "math"))
    assert (day["start"], day["end"], len(day["days"])) == ("2026-09-07", "2026-09-07", 1)
    lessons = day["days"][0]["lessons"]
    # 5А's timetable: mathematics in lessons 1 and 2 every weekday (1А has none set).
    assert [(x["slot"], x["class_code"], x["held"]) for x in lessons] == [
        (1, "5А", True),
        (2, "5А", False),
    ]
    first, second = lessons
    assert first["filled"] == {
        "topic": True,
        "homework": True,
        "attendance": 1,
        "absent": 1,
        "marks": 1,
    }
    assert (first["topic"], first["homework"]) == ("Натуральные числа", "№ 1–5")
    assert (first["starts_at"], first["ends_at"]) == ("08:00:00", "08:45:00")
    assert second["filled"] is None
    assert second["lesson_id"] is None
    # School 77 §4.4.1: the day of the lesson, until 19:00 at the school (Moscow time).
    dues = {(d["entry"], d["work_kind"]): d for d in second["deadlines"]}
    assert dues[("topic", None)]["closes_at"] == "2026-09-07T19:00:00+03:00"
    assert dues[("topic", None)]["clause"]["ref"] == "§4.4.1"
    assert dues[("attendance", None)]["passed"] is False
    assert ("mark", "oral") in dues
    # After 19:00 the same deadlines have passed.
    api.world.at(MONDAY, 20)
    late = ok(api.get(f"{V1}/teachers/{math}/lessons?year={YEAR}&start={MONDAY}", "math"))
    assert all(d["passed"] for d in late["days"][0]["lessons"][1]["deadlines"])


def test_a_teachers_week_lists_school_days_only(api: Api) -> None:
    api.world.at(MONDAY, 10)
    russian = api.actors["russian"].account_id
    week = ok(
        api.get(
            f"{V1}/teachers/{russian}/lessons?year={YEAR}&start={MONDAY}&end=2026-09-13",
            "russian",
        )
    )
    per_day = [[(x["slot"], x["subject"]) for x in d["lessons"]] for d in week["days"]]
    # Russian in lesson 3 and literature in 5, Monday to Friday; nothing at the weekend.
    assert per_day == [[(3, "russian_language"), (5, "literature")]] * 5 + [[], []]


def test_another_teachers_lessons_answer_as_missing(api: Api) -> None:
    math = api.actors["math"].account_id
    url = f"{V1}/teachers/{{}}/lessons?year={YEAR}&start={MONDAY}"
    other = problem(api.get(url.format(math), "russian"), 404)
    assert other == problem(api.get(url.format(uuid4()), "russian"), 404)
    # The administration reads any teacher's day; a family reads none.
    assert ok(api.get(url.format(math), "director"))["teacher_id"] == str(math)
    problem(api.get(url.format(math), "parent"), 403)
    # A range longer than two weeks is refused as bad input.
    problem(api.get(url.format(math) + "&end=2026-09-30", "math"), 422)


# --- homework due dates and a family's week ------------------------------------------------------


def test_homework_is_due_at_the_subjects_next_lesson_unless_the_teacher_says(api: Api) -> None:
    friday = date(2026, 9, 11)
    api.world.at(friday, 10)
    # Friday's homework is due at Monday's mathematics (the timetable's next school day).
    lesson = ok(whole_lesson(api, "math", "math", friday, 1, topic="Дроби", homework="№ 7"))
    week = family_week(api, date(2026, 9, 14), lesson["position"])
    assert [
        (h["subject"], h["homework"], h["set_on"]) for h in week["days"][0]["homework_due"]
    ] == [("mathematics", "№ 7", "2026-09-11")]
    # A due date the teacher gives must be a school day after the lesson.
    saturday = problem(
        whole_lesson(
            api, "russian", "russian", friday, 3, homework="упр. 5", homework_due="2026-09-12"
        ),
        422,
    )
    assert saturday["type"].endswith("homework-due-not-a-school-day")
    problem(
        whole_lesson(
            api, "russian", "russian", friday, 3, homework="упр. 5", homework_due="2026-09-11"
        ),
        422,
    )
    given = ok(
        whole_lesson(
            api, "russian", "russian", friday, 3, homework="упр. 5", homework_due="2026-09-16"
        )
    )
    week = family_week(api, date(2026, 9, 14), given["position"])
    wednesday = week["days"][2]
    assert [(h["subject"], h["homework"]) for h in wednesday["homework_due"]] == [
        ("russian_language", "упр. 5")
    ]
    # Where it was set, the diary shows when it is due.
    diary = ok(
        api.get(f"{V1}/family/children/{api.world.students[0]}/diary?start={friday}", "parent")
    )
    due = {x["subject"]: x["homework_due"] for x in diary["days"][0]["lessons"]}
    assert due == {"mathematics": "2026-09-14", "russian_language": "2026-09-16"}


def family_week(api: Api, start: date, position: int, who: str = "parent") -> Any:
    child = api.world.students[0]
    return ok(api.get(f"{V1}/family/children/{child}/week?from={start}&after={position}", who))


def test_a_familys_week_is_the_timetable_the_lessons_and_the_homework_due(api: Api) -> None:
    api.world.at(MONDAY, 10)
    recorded = ok(
        whole_lesson(
            api,
            "math",
            "math",
            MONDAY,
            1,
            topic="Натуральные числа",
            homework="№ 1–5",
            marks=[{"student_id": str(api.world.students[0]), "value": "5"}],
        )
    )
    week = family_week(api, MONDAY, recorded["position"])
    assert (week["start"], week["end"], len(week["days"])) == ("2026-09-07", "2026-09-13", 7)
    monday, tuesday = week["days"][:2]
    # Алексеев is in English subgroup 1: the class's timetable in his subgroups only.
    assert [(s["slot"], s["subject"]) for s in monday["timetable"]] == [
        (1, "mathematics"),
        (2, "mathematics"),
        (3, "russian_language"),
        (4, "foreign_language"),
        (5, "literature"),
    ]
    assert {s["journal_id"] for s in monday["timetable"] if s["slot"] == 4} == {
        str(api.world.journals["english1"])
    }
    assert [(x["topic"], x["homework_due"]) for x in monday["lessons"]] == [
        ("Натуральные числа", "2026-09-08")
    ]
    assert [m["value"] for m in monday["lessons"][0]["marks"]] == ["5"]
    assert [h["homework"] for h in tuesday["homework_due"]] == ["№ 1–5"]
    assert monday["school_day"]
    assert not week["days"][5]["school_day"]
    assert week["days"][5]["timetable"] == []


def test_another_familys_child_week_answers_as_missing(api: Api) -> None:
    url = f"{V1}/family/children/{{}}/week?from={MONDAY}"
    other = problem(api.get(url.format(api.world.students[2]), "parent"), 404)
    assert other == problem(api.get(url.format(uuid4()), "parent"), 404)
    problem(api.get(url.format(api.world.students[0]), "class_teacher"), 403)
    # The student reads their own week.
    own = ok(api.get(url.format(api.world.students[1]), "student"))
    assert own["student_id"] == str(api.world.students[1])


# --- a class teacher's absences, and parents' notices ----------------------------------------


def absent_on_monday(api: Api, *students: int) -> int:
    """Monday's mathematics (lesson 1) and Russian (lesson 3), the students absent from both;
    the position of the last."""
    api.world.at(MONDAY, 10)
    position = 0
    for who, key, slot in (("math", "math", 1), ("russian", "russian", 3)):
        position = ok(
            whole_lesson(
                api,
                who,
                key,
                MONDAY,
                slot,
                topic="Урок",
                attendance={str(api.world.students[s]): "absent" for s in students},
            )
        )["position"]
    return int(position)


def test_a_class_teacher_reads_the_weeks_absences_without_reasons(api: Api) -> None:
    position = absent_on_monday(api, 0, 2)
    ok(
        api.post(
            f"{V1}/classes/5А/absence-reasons?year={YEAR}",
            "class_teacher",
            {
                "student_id": str(api.world.students[2]),
                "start": MONDAY.isoformat(),
                "end": MONDAY.isoformat(),
                "absence_reason": "illness",
            },
        )
    )
    url = f"{V1}/classes/5А/absences?year={YEAR}&week=2026-09-09&after={position + 2}"
    everything = ok(api.get(url, "class_teacher"))
    assert (everything["start"], everything["end"]) == ("2026-09-07", "2026-09-13")
    assert [
        (a["student_name"], a["slot"], a["absence_reason"]) for a in everything["absences"]
    ] == [
        ("Алексеев Артём Игоревич", 1, None),
        ("Гусев Глеб Андреевич", 1, "illness"),
        ("Алексеев Артём Игоревич", 3, None),
        ("Гусев Глеб Андреевич", 3, "illness"),
    ]
    without = ok(api.get(url + "&without_reason=true", "class_teacher"))
    assert [(a["student_id"], a["subject"]) for a in without["absences"]] == [
        (str(api.world.students[0]), "mathematics"),
        (str(api.world.students[0]), "russian_language"),
    ]
    # Another week has none; another class's list is not the class teacher's.
    assert (
        ok(api.get(f"{V1}/classes/5А/absences?year={YEAR}&week=2026-09-14", "class_teacher"))[
            "absences"
        ]
        == []
    )
    other = problem(api.get(f"{V1}/classes/1А/absences?year={YEAR}", "class_teacher"), 404)
    assert other == problem(api.get(f"{V1}/classes/9Я/absences?year={YEAR}", "class_teacher"), 404)
    assert ok(api.get(url, "deputy"))["absences"] == everything["absences"]


def test_a_parents_notice_becomes_the_reason_for_the_absences_it_covers(api: Api) -> None:
    api.world.at(date(2026, 9, 4), 18)
    child = api.world.students[0]
    notice = ok(
        api.post(
            f"{V1}/family/children/{child}/absence-notices",
            "parent",
            {"start": "2026-09-07", "end": "2026-09-07", "last_slot": 2, "text": "приём у врача"},
        )
    )
    notice_id = notice["ids"]["notice_id"]
    # The auditor sees who gave notice, for which days, in the parent's words.
    trail = ok(
        api.get(f"{V1}/audit?kind=absence_notice_given&after={notice['position']}", "auditor")
    )["rows"]
    assert [(r["value_after"], r["reason"], r["actor_id"]) for r in trail] == [
        (
            "07.09.2026 – 07.09.2026, уроки 1–2",
            "приём у врача",
            str(api.actors["parent"].account_id),
        )
    ]
    # Another family's child: as missing; a student does not give notice for themself.
    other = problem(
        api.post(
            f"{V1}/family/children/{api.world.students[2]}/absence-notices",
            "parent",
            {"start": "2026-09-07", "end": "2026-09-07", "text": "семейные обстоятельства"},
        ),
        404,
    )
    assert other["type"].endswith("not-found")
    problem(
        api.post(
            f"{V1}/family/children/{api.world.students[1]}/absence-notices",
            "student",
            {"start": "2026-09-07", "end": "2026-09-07", "text": "болею"},
        ),
        403,
    )
    notices = ok(api.get(f"{V1}/classes/5А/absence-notices?year={YEAR}", "class_teacher"))
    assert [(n["notice_id"], n["student_name"], n["last_slot"], n["text"]) for n in notices] == [
        (notice_id, "Алексеев Артём Игоревич", 2, "приём у врача")
    ]
    problem(api.get(f"{V1}/classes/1А/absence-notices?year={YEAR}", "class_teacher"), 404)
    position = absent_on_monday(api, 0)
    url = f"{V1}/classes/5А/absences?year={YEAR}&week={MONDAY}&without_reason=true"
    before = ok(api.get(f"{url}&after={position}", "class_teacher"))["absences"]
    # The notice covers lessons 1–2: the mathematics absence, not the Russian one (lesson 3).
    assert [(a["slot"], a["notice_id"]) for a in before] == [(1, notice_id), (3, None)]
    applied = ok(
        api.post(
            f"{V1}/classes/5А/absence-notices/{notice_id}/reason?year={YEAR}",
            "class_teacher",
            {"student_id": str(child), "absence_reason": "family"},
        )
    )
    after = ok(api.get(f"{url}&after={applied['position']}", "class_teacher"))["absences"]
    assert [a["slot"] for a in after] == [3]
    page = ok(api.get(f"{V1}/journals/{api.world.journals['math']}", "class_teacher"))
    assert [(a["student_id"], a["reason"]) for a in page["attendance"]] == [(str(child), "family")]
    # Only the class's own class teacher takes a notice as a reason.
    problem(
        api.post(
            f"{V1}/classes/5А/absence-notices/{uuid4()}/reason?year={YEAR}",
            "class_teacher",
            {"student_id": str(child), "absence_reason": "family"},
        ),
        404,
    )


def test_a_parent_reads_back_the_notices_given_for_their_own_children(api: Api) -> None:
    api.world.at(date(2026, 9, 4), 18)
    child = api.world.students[0]
    given = [
        ok(
            api.post(
                f"{V1}/family/children/{child}/absence-notices",
                "parent",
                {"start": start, "end": end, "text": text},
            )
        )["ids"]["notice_id"]
        for start, end, text in (
            ("2026-09-07", "2026-09-07", "приём у врача"),
            ("2026-09-14", "2026-09-15", "семейные обстоятельства"),
        )
    ]
    mine = ok(api.get(f"{V1}/family/absence-notices", "parent"))
    assert [(n["notice_id"], n["start"], n["text"], n["given_by"]) for n in mine] == [
        (given[1], "2026-09-14", "семейные обстоятельства", str(api.actors["parent"].account_id)),
        (given[0], "2026-09-07", "приём у врача", str(api.actors["parent"].account_id)),
    ]
    assert ok(api.get(f"{V1}/family/children/{child}/absence-notices", "parent")) == mine
    # Another family's child is as missing; the student and the class teacher read elsewhere.
    other = api.world.students[2]
    problem(api.get(f"{V1}/family/children/{other}/absence-notices", "parent"), 404)
    problem(api.get(f"{V1}/family/children/{uuid4()}/absence-notices", "parent"), 404)
    problem(api.get(f"{V1}/family/absence-notices", "student"), 403)
    problem(api.get(f"{V1}/family/absence-notices", "class_teacher"), 403)
    of_class = ok(api.get(f"{V1}/classes/5А/absence-notices?year={YEAR}", "class_teacher"))
    assert sorted(n["notice_id"] for n in of_class) == sorted(given)


# --- the accounts' directory and the audit trail by name -----------------------------------------


def test_the_administration_and_the_auditor_find_accounts_by_name_or_login(api: Api) -> None:
    position = api.world.school.position()
    found = ok(api.get(f"{V1}/accounts?q=иванова&after={position}", "auditor"))
    assert [(a["login"], a["full_name"], a["state"]) for a in found] == [
        ("ivanova", "Иванова Мария Петровна", "active")
    ]
    # Case, «ё» and word order do not matter; a login is found as well.
    assert [a["login"] for a in ok(api.get(f"{V1}/accounts?q=ФЁДОРОВ илья", "admin"))] == [
        "outsider"
    ]
    assert [a["login"] for a in ok(api.get(f"{V1}/accounts?q=klass5a", "deputy"))] == ["klass5a"]
    assert ok(api.get(f"{V1}/accounts?q=нет такого", "director")) == []
    # Every account whose login or name holds the words, and only those.
    several = ok(api.get(f"{V1}/accounts?q=ова", "admin"))
    assert {a["login"] for a in several} == {
        "admin",
        "deputy",
        "secretary",
        "ivanova",
        "petrova",
        "smith",
        "jones",
        "director",
        "auditor",
        "student1",
    }
    blocked = ok(
        api.post(
            f"{V1}/accounts/{api.actors['outsider'].account_id}/blocking",
            "admin",
            {"reason": "утеря пароля"},
        )
    )
    again = ok(api.get(f"{V1}/accounts?q=outsider&after={blocked['position']}", "admin"))
    assert [a["state"] for a in again] == ["blocked"]
    for who in ("math", "class_teacher", "secretary", "parent", "inspector"):
        problem(api.get(f"{V1}/accounts?q=иванова", who), 403)


def test_the_audit_trail_filters_by_an_accounts_name_or_login(api: Api) -> None:
    api.world.at(MONDAY, 10)
    ok(whole_lesson(api, "math", "math", MONDAY, 1, topic="Дроби"))
    position = ok(whole_lesson(api, "russian", "russian", MONDAY, 3, topic="Звуки"))["position"]
    by_id = ok(
        api.get(f"{V1}/audit?actor_id={api.actors['math'].account_id}&after={position}", "auditor")
    )
    by_name = ok(api.get(f"{V1}/audit?actor=Иванова Мария&after={position}", "auditor"))
    by_login = ok(api.get(f"{V1}/audit?actor=ivanova", "auditor"))
    assert by_name["rows"] == by_id["rows"] == by_login["rows"]
    assert {e["actor_id"] for e in by_name["rows"]} == {str(api.actors["math"].account_id)}
    assert by_name["rows"]
    csv = api.get(f"{V1}/audit.csv?actor=ivanova", "auditor")
    assert csv.status_code == 200
    assert "Дроби" in csv.text
    assert "Звуки" not in csv.text
    # A name that matches several accounts is refused with their logins; none, as missing.
    several = problem(api.get(f"{V1}/audit?actor=ова", "auditor"), 422)
    assert "ivanova" in several["logins"]
    problem(api.get(f"{V1}/audit?actor=нет такого", "auditor"), 404)
    # The directory is not a teacher's: a name filter is refused to them.
    problem(api.get(f"{V1}/audit?actor=ivanova", "math"), 403)
