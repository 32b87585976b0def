"""The year's set-up through the API: starting a year, reading it, calendar, bells, classes,
timetables, journals and their teachers, closing a period and the year."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import schemathesis
from api_session import Api
from scenario import YEAR

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.identity import school_year_id
from ejournal.aggregates.school_year import SchoolYear

V1 = "/api/v1"
PROBLEM = "application/problem+json"
NEXT = "2027/2028"


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{slug}"
    return body


def recorded(api: Api, response: Any, events: int = 1) -> dict[str, Any]:
    """A command's answer: 201, what it recorded, at the log's newest position."""
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert body["events"] == events
    assert body["position"] == api.world.school.position()
    return body


def without_instance(response: Any) -> dict[str, Any]:
    return {k: v for k, v in response.json().items() if k != "instance"}


def start_next_year(api: Api, who: str = "admin", **extra: Any) -> Any:
    body = {
        "label": NEXT,
        "starts_on": "2027-09-01",
        "ends_on": "2028-05-31",
        "periods": [
            {"id": "H1", "name": "1 полугодие", "start": "2027-09-01", "end": "2027-12-28"},
            {"id": "H2", "name": "2 полугодие", "start": "2028-01-11", "end": "2028-05-31"},
        ],
        "profile": "school77",
    }
    return api.post(f"{V1}/years", who, body | extra)


def test_starting_a_year_records_it_and_it_reads_back(api: Api) -> None:
    # Every deadline is computed in the year's zone: it must be one.
    before = api.world.school.position()
    problem(start_next_year(api, timezone="Mars/Olympus"), 422, "invalid-request")
    assert api.world.school.position() == before
    body = recorded(api, start_next_year(api))
    assert body["ids"] == {"year_id": str(school_year_id(NEXT))}
    started = api.world.school.year_view(NEXT)
    assert (started.starts_on, list(started.periods)) == (date(2027, 9, 1), ["H1", "H2"])
    event = next(iter(api.world.school.events.get(started.id)))
    assert isinstance(event, SchoolYear.Started)
    assert event.actor.account_id == api.actors["admin"].account_id

    read = api.get(f"{V1}/years/2027-2028", "deputy")
    assert read.status_code == 200
    year = read.json()
    assert (year["label"], year["profile"], year["closed"]) == (NEXT, "school77", False)
    assert [p["id"] for p in year["periods"]] == ["H1", "H2"]
    assert year["classes"] == year["journals"] == year["bells"] == year["closures"] == []


def test_a_year_gives_grades_10_and_11_half_years_beside_quarters(api: Api) -> None:
    """Period schemes per grade (School 117, School 77, Belogorsk, Gymnasium 2): overlaps are
    refused only within a scheme, and a grade has one scheme."""
    quarters = [
        {"id": f"Q{n}", "name": f"{n} четверть", "start": start, "end": end}
        for n, (start, end) in enumerate(
            (
                ("2027-09-01", "2027-10-24"),
                ("2027-11-05", "2027-12-28"),
                ("2028-01-11", "2028-03-20"),
                ("2028-03-30", "2028-05-31"),
            ),
            start=1,
        )
    ]
    halves = [
        {"id": "H1", "name": "1 полугодие", "start": "2027-09-01", "end": "2027-12-28"},
        {"id": "H2", "name": "2 полугодие", "start": "2028-01-11", "end": "2028-05-31"},
    ]
    before = api.world.school.position()
    overlapping = [quarters[0], {**quarters[1], "start": "2027-10-20"}]
    refused = problem(
        start_next_year(
            api,
            periods=[],
            schemes=[
                {"grades": list(range(1, 10)), "periods": overlapping},
                {"grades": [10, 11], "periods": halves},
            ],
        ),
        409,
        "school-year-invariant",
    )
    assert "Q2 overlaps" in refused["detail"]
    problem(
        start_next_year(
            api,
            periods=[],
            schemes=[
                {"grades": list(range(1, 11)), "periods": quarters},
                {"grades": [10, 11], "periods": halves},
            ],
        ),
        409,
        "school-year-invariant",
    )
    assert api.world.school.position() == before
    recorded(
        api,
        start_next_year(
            api,
            periods=[],
            schemes=[
                {"grades": list(range(1, 10)), "periods": quarters},
                {"grades": [10, 11], "periods": halves},
            ],
        ),
    )
    year = api.get(f"{V1}/years/2027-2028", "deputy").json()
    assert [(p["id"], p["grades"]) for p in year["periods"]] == [
        ("Q1", list(range(1, 10))),
        ("H1", [10, 11]),
        ("Q2", list(range(1, 10))),
        ("Q3", list(range(1, 10))),
        ("H2", [10, 11]),
        ("Q4", list(range(1, 10))),
    ]


def test_a_years_zone_is_fixed_when_it_is_set_up(api: Api) -> None:
    """One rule for a school's zone: the year's set-up names it, else EJOURNAL_TIMEZONE, else
    the profile's; it is recorded in the year's log and a new profile does not move it."""
    deployment = api.client.app.state.deployment
    deployment.settings = deployment.settings.model_copy(update={"timezone": "Asia/Vladivostok"})
    recorded(api, start_next_year(api))
    started = api.world.school.year_view(NEXT)
    event = next(iter(api.world.school.events.get(started.id)))
    assert isinstance(event, SchoolYear.Started)
    assert (event.timezone, started.profile.timezone) == ("Asia/Vladivostok", "Asia/Vladivostok")
    adopted = api.post(
        f"{V1}/years/2027-2028/profile",
        "admin",
        {"profile": "lyceum68", "reason": "новое положение"},
    )
    assert adopted.status_code == 201, adopted.text
    year = api.world.school.year_view(NEXT)
    assert (year.timezone, year.profile.timezone) == ("Asia/Vladivostok", "Asia/Vladivostok")
    # The running year of the scenario keeps its School 77 zone.
    assert api.world.school.year_view("2026/2027").timezone == "Europe/Moscow"


def test_the_year_reads_as_its_organisation(api: Api) -> None:
    response = api.get(f"{V1}/years/2026-2027", "math")
    assert response.status_code == 200
    year = response.json()
    assert (year["label"], year["profile"], year["week_length"]) == (YEAR, "school77", 5)
    assert [p["id"] for p in year["periods"]] == ["Q1", "Q2", "Q3", "Q4"]
    assert year["periods"][0] | {"marks_due": None} == {
        "id": "Q1",
        "name": "1 четверть",
        "start": "2026-09-01",
        "end": "2026-10-24",
        "marks_due": None,
        "marks_due_order": None,
        "grades": None,
    }
    classes = {c["code"]: c for c in year["classes"]}
    assert classes["5А"]["class_teacher_id"] == str(api.actors["class_teacher"].account_id)
    assert classes["1А"]["class_teacher_id"] is None
    assert len(classes["5А"]["timetable"]) == 30
    assert classes["5А"]["timetable"][0] == {
        "weekday": 1,
        "slot": 1,
        "journal_id": str(api.world.journals["math"]),
    }
    registry = {(j["class_code"], j["subject"], j["subgroup"]): j for j in year["journals"]}
    assert registry[("5А", "foreign_language", "2")]["journal_id"] == str(
        api.world.journals["english2"]
    )
    assert len(registry) == 6
    assert [b["slot"] for b in year["bells"]] == [1, 2, 3, 4, 5, 6, 7]
    assert year["bells"][0] == {"slot": 1, "start": "08:00", "end": "08:45"}
    # Every staff reader sees the same organisation.
    assert api.get(f"{V1}/years/2026-2027", "inspector").json() == year


def test_the_year_is_not_for_families_nor_anonymous(api: Api) -> None:
    problem(api.get(f"{V1}/years/2026-2027", "parent"), 403, "forbidden")
    problem(api.get(f"{V1}/years/2026-2027", "student"), 403, "forbidden")
    problem(api.get(f"{V1}/years/2026-2027", None), 401, "not-authenticated")
    problem(api.get(f"{V1}/years/2026", None), 401, "not-authenticated")
    problem(api.get(f"{V1}/years/2031-2032", "admin"), 404, "not-found")
    problem(api.get(f"{V1}/years/2026", "admin"), 404, "not-found")
    problem(api.get(f"{V1}/years/2026%2F2027", "admin"), 404, "not-found")


def test_a_class_is_set_up_through_the_api(api: Api) -> None:
    school = api.world.school
    recorded(
        api,
        api.post(f"{V1}/years/2026-2027/classes", "deputy", {"grade": 5, "letter": "б"}),
    )
    # The year's assignment and the account's class-teacher role are recorded together.
    recorded(
        api,
        api.post(
            f"{V1}/years/2026-2027/classes/5Б/class-teacher",
            "deputy",
            {"account_id": str(api.actors["outsider"].account_id)},
        ),
        events=2,
    )
    outsider = school.account(api.actors["outsider"].account_id)
    assert outsider.classes_led() == {("2026/2027", "5Б")}
    opened = recorded(
        api,
        api.post(
            f"{V1}/years/2026-2027/journals",
            "deputy",
            {
                "class_code": "5Б",
                "subject": "mathematics",
                "teachers": [str(api.actors["math"].account_id)],
            },
        ),
        events=2,
    )
    journal_id = UUID(opened["ids"]["journal_id"])
    # The mathematics teacher teaches 5А in lessons 1–2: not 5Б at the same time.
    before = school.position()
    booked = problem(
        api.post(
            f"{V1}/years/2026-2027/classes/5Б/timetable",
            "deputy",
            {"entries": [{"weekday": 1, "slot": 2, "journal_id": str(journal_id)}]},
        ),
        409,
        "teacher-double-booked",
    )
    assert "5А" in booked["detail"]
    assert (booked["weekday"], booked["slot"]) == (1, 2)
    assert school.position() == before
    recorded(
        api,
        api.post(
            f"{V1}/years/2026-2027/classes/5Б/timetable",
            "deputy",
            {"entries": [{"weekday": 1, "slot": 6, "journal_id": str(journal_id)}]},
        ),
    )
    year = school.year_view(YEAR)
    assert year.classes["5Б"].class_teacher_id == api.actors["outsider"].account_id
    assert year.journals[journal_id].model_dump() == {
        "class_code": "5Б",
        "subject": "mathematics",
        "subgroup": None,
    }
    assert [(e.weekday, e.slot) for e in year.timetable["5Б"]] == [(1, 6)]
    journal = school.journal(journal_id)
    assert (journal.subject_name, journal.teachers) == (
        "Математика",
        {api.actors["math"].account_id},
    )
    # Replacing a timetable already set needs a reason; the refusal records nothing.
    before = school.position()
    refused = api.post(
        f"{V1}/years/2026-2027/classes/5Б/timetable",
        "deputy",
        {"entries": []},
    )
    problem(refused, 409, "school-year-invariant")
    assert school.position() == before
    # A class that already exists is refused the same way.
    problem(
        api.post(f"{V1}/years/2026-2027/classes", "admin", {"grade": 5, "letter": "А"}),
        409,
        "school-year-invariant",
    )
    assert school.position() == before


def test_the_calendar_bells_marks_due_and_profile(api: Api) -> None:
    school = api.world.school
    declared = recorded(
        api,
        api.post(
            f"{V1}/years/2026-2027/closures",
            "deputy",
            {
                "start": "2026-10-05",
                "end": "2026-10-09",
                "kind": "quarantine",
                "classes": ["5А"],
                "reason": "карантин по гриппу",
            },
        ),
    )
    closure_id = UUID(declared["ids"]["closure_id"])
    closure = school.year_view(YEAR).closures[closure_id]
    assert (closure.kind, closure.classes, closure.lifted) == ("quarantine", {"5А"}, False)
    lifting = f"{V1}/years/2026-2027/closures/{closure_id}/lifting"
    recorded(api, api.post(lifting, "admin", {"reason": "карантин отменён"}))
    assert school.year_view(YEAR).closures[closure_id].lifted
    problem(api.post(lifting, "admin", {"reason": "ещё раз"}), 404, "not-found")
    listed = api.get(f"{V1}/years/2026-2027", "deputy").json()["closures"]
    assert [(c["closure_id"], c["classes"], c["lifted"]) for c in listed] == [
        (str(closure_id), ["5А"], True)
    ]

    bells = {"slots": [{"slot": 1, "start": "08:30", "end": "09:15"}]}
    before = school.position()
    problem(api.post(f"{V1}/years/2026-2027/bells", "deputy", bells), 409, "school-year-invariant")
    assert school.position() == before
    recorded(
        api,
        api.post(
            f"{V1}/years/2026-2027/bells", "deputy", bells | {"reason": "приказ № 12 о звонках"}
        ),
    )
    assert list(school.year_view(YEAR).bells) == [1]

    recorded(
        api,
        api.post(
            f"{V1}/years/2026-2027/periods/Q1/marks-due",
            "deputy",
            {"due": "2026-10-21", "order": "№ 57-о от 01.10.2026"},
        ),
    )
    assert school.year_view(YEAR).periods["Q1"].marks_due == date(2026, 10, 21)
    problem(
        api.post(
            f"{V1}/years/2026-2027/periods/Q9/marks-due",
            "deputy",
            {"due": "2026-10-21", "order": "№ 57-о"},
        ),
        404,
        "not-found",
    )

    adopt = {"profile": "lyceum68", "reason": "новое положение о журнале"}
    problem(api.post(f"{V1}/years/2026-2027/profile", "deputy", adopt), 403, "forbidden")
    recorded(api, api.post(f"{V1}/years/2026-2027/profile", "admin", adopt))
    adopted = school.year_view(YEAR)
    # The school's own zone and week stay whatever the shipped profile says.
    assert (adopted.profile.id, adopted.profile.timezone) == ("lyceum68", adopted.timezone)


def test_a_profile_is_a_shipped_one_or_given_whole_never_a_path(api: Api) -> None:
    before = api.world.school.position()
    for profile in ("no-such-profile", "/etc/ejournal/custom.toml"):
        refused = api.post(
            f"{V1}/years/2026-2027/profile", "admin", {"profile": profile, "reason": "новое"}
        )
        problem(refused, 422, "invalid-request")
    whole = api.world.school.year_view(YEAR).profile.model_dump(mode="json")
    adopted = api.post(
        f"{V1}/years/2026-2027/profile",
        "admin",
        {"profile": whole | {"id": "own", "school": "Школа № 1"}, "reason": "своё положение"},
    )
    recorded(api, adopted)
    assert api.world.school.year_view(YEAR).profile.id == "own"
    assert api.world.school.position() == before + 1


def test_setting_up_the_year_is_for_the_administration(api: Api) -> None:
    school = api.world.school
    before = school.position()
    journal = {"class_code": "5А", "subject": "history"}
    problem(api.post(f"{V1}/years/2026-2027/journals", "math", journal), 403, "forbidden")
    problem(api.post(f"{V1}/years/2026-2027/journals", "director", journal), 403, "forbidden")
    problem(start_next_year(api, "deputy", label="2027-2028"), 403, "forbidden")
    attempts: list[tuple[str, dict[str, Any]]] = [
        (f"{V1}/years/2026-2027/journals", journal),
        (f"{V1}/years/2026-2027/classes", {"grade": 2, "letter": "А"}),
        (f"{V1}/years/2026-2027/bells", {"slots": [], "reason": "r"}),
        (f"{V1}/years/2026-2027/periods/Q1/closing", {}),
        (f"{V1}/journals/{api.world.journals['math']}/teachers", {"account_id": str(uuid4())}),
    ]
    for path, body in attempts:
        for who in ("inspector", "auditor", "parent", "class_teacher", "secretary"):
            problem(api.post(path, who, body), 403, "forbidden")
        problem(api.post(path, None, body), 401, "not-authenticated")
    problem(
        api.post(f"{V1}/years/2026/classes", None, {"grade": 2, "letter": "А"}),
        401,
        "not-authenticated",
    )
    assert school.position() == before


def test_assigning_and_relieving_a_journal_teacher(api: Api) -> None:
    school = api.world.school
    math = api.world.journals["math"]
    outsider = api.actors["outsider"].account_id
    recorded(
        api,
        api.post(f"{V1}/journals/{math}/teachers", "deputy", {"account_id": str(outsider)}),
    )
    assert outsider in school.journal(math).teachers
    relief = f"{V1}/journals/{math}/teachers/{outsider}/relief"
    recorded(api, api.post(relief, "admin", {"reason": "перераспределение нагрузки"}))
    journal = school.journal(math)
    assert outsider not in journal.teachers
    assert isinstance(list(school.events.get(math))[-1], ClassJournal.TeacherRelieved)
    problem(api.post(relief, "admin", {"reason": "ещё раз"}), 404, "not-found")
    problem(api.post(relief, "admin", {"reason": "   "}), 422, "invalid-request")
    # Only a teacher can keep a journal: the secretary's account is not one.
    secretary = str(api.actors["secretary"].account_id)
    problem(
        api.post(f"{V1}/journals/{math}/teachers", "deputy", {"account_id": secretary}),
        403,
        "forbidden",
    )
    # A missing journal and an id of something that is not a journal look the same.
    missing = api.post(f"{V1}/journals/{uuid4()}/teachers", "deputy", {"account_id": secretary})
    student = api.world.students[0]
    not_a_journal = api.post(
        f"{V1}/journals/{student}/teachers", "deputy", {"account_id": secretary}
    )
    problem(missing, 404, "not-found")
    assert without_instance(missing) == without_instance(not_a_journal)


def test_closing_a_period_for_a_class(api: Api) -> None:
    school = api.world.school
    problem(
        api.post(f"{V1}/years/2026-2027/periods/Q1/closing", "math", {"class_code": "5А"}),
        403,
        "forbidden",
    )
    closed = recorded(
        api,
        api.post(f"{V1}/years/2026-2027/periods/Q1/closing", "deputy", {"class_code": "5А"}),
        events=5,
    )
    assert closed["ids"] == {}
    for key in ("math", "russian", "literature", "english1", "english2"):
        assert list(school.journal(api.world.journals[key]).closed_periods) == ["Q1"]
    assert school.journal(api.world.journals["math1"]).closed_periods == {}
    recorded(
        api,
        api.post(
            f"{V1}/years/2026-2027/periods/Q1/closing",
            "admin",
            {"journal_ids": [str(api.world.journals["math1"])]},
        ),
    )
    assert list(school.journal(api.world.journals["math1"]).closed_periods) == ["Q1"]
    problem(api.post(f"{V1}/years/2026-2027/periods/Q9/closing", "deputy", {}), 404, "not-found")
    problem(
        api.post(
            f"{V1}/years/2026-2027/periods/Q2/closing", "deputy", {"journal_ids": [str(uuid4())]}
        ),
        404,
        "not-found",
    )


def test_closing_the_year_moves_every_student_on(api: Api) -> None:
    school = api.world.school
    recorded(api, start_next_year(api))
    for grade, letter in ((6, "А"), (2, "А"), (5, "А")):
        recorded(
            api,
            api.post(f"{V1}/years/2027-2028/classes", "admin", {"grade": grade, "letter": letter}),
        )
    retained = api.world.students[4]
    closing = {
        "next_year": "2027-2028",
        "on": "2027-05-31",
        "order": "№ 88-у от 29.05.2027",
        "exceptions": {str(retained): "retained"},
    }
    problem(api.post(f"{V1}/years/2026-2027/closing", "deputy", closing), 403, "forbidden")
    # Each of the 7 students leaves the old year, is promoted and joins the new one; then the
    # old year closes.
    recorded(api, api.post(f"{V1}/years/2026-2027/closing", "secretary", closing), events=22)
    assert school.year_view(YEAR).closed
    promoted = school.student(api.world.students[0])
    assert (promoted.class_code, promoted.year) == ("6А", NEXT)
    assert school.student(retained).class_code == "5А"
    assert school.student(api.world.first_graders[0]).class_code == "2А"
    following = school.year_view(NEXT)
    assert following.class_of(api.world.students[0], date(2027, 9, 1)) == "6А"
    # A closed year takes nothing more.
    problem(
        api.post(f"{V1}/years/2026-2027/classes", "admin", {"grade": 7, "letter": "А"}),
        409,
        "school-year-invariant",
    )


def test_a_retried_set_up_command_records_once(api: Api) -> None:
    school = api.world.school
    body = {"grade": 9, "letter": "В"}
    first = api.post(
        f"{V1}/years/2026-2027/classes", "admin", body, **{"Idempotency-Key": "form-9v"}
    )
    recorded(api, first)
    again = api.post(
        f"{V1}/years/2026-2027/classes", "admin", body, **{"Idempotency-Key": "form-9v"}
    )
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert school.position() == first.json()["position"]
    assert (
        sum(isinstance(e, SchoolYear.ClassFormed) for e in school.events.get(school_year_id(YEAR)))
        == 3
    )


def test_a_closure_names_its_classes_and_a_reason(api: Api) -> None:
    # An empty list of classes once was stored, and made every lesson recording answer 500.
    school = api.world.school
    closures = f"{V1}/years/2026-2027/closures"
    quarantine = {"start": "2026-10-05", "end": "2026-10-09", "kind": "quarantine"}
    before = school.position()
    for refused in (
        {"classes": [], "reason": "карантин"},
        {"classes": ["5А"]},
        {"classes": ["5А"], "reason": ""},
        {"classes": ["5А"], "reason": "   "},
    ):
        problem(api.post(closures, "deputy", quarantine | refused), 422, "invalid-request")
    assert school.position() == before
    api.world.at(date(2026, 10, 5), 10)
    held = api.post(
        f"{V1}/journals/{api.world.journals['math']}/lessons",
        "math",
        {"on": "2026-10-05", "slot": 1, "topic": "Делимость чисел"},
    )
    assert held.status_code == 201, held.text
    # The whole school is closed by leaving the classes out (or null).
    recorded(api, api.post(closures, "deputy", quarantine | {"classes": None, "reason": "ОРВИ"}))
    problem(
        api.post(
            f"{V1}/journals/{api.world.journals['math']}/lessons",
            "math",
            {"on": "2026-10-05", "slot": 2, "topic": "Признаки делимости"},
        ),
        409,
        "no-lessons-that-day",
    )


def test_dates_are_iso_days_of_the_year_they_are_about(api: Api) -> None:
    # Once taken: a closure from "0" (1 January 1970), late entries for 1900-01-01 and
    # 2999-12-31, school years 1900/1901 and 2999/3000.
    school = api.world.school
    before = school.position()
    closures = f"{V1}/years/2026-2027/closures"
    quarantine = {
        "start": "2026-10-05",
        "end": "2026-10-09",
        "kind": "quarantine",
        "classes": ["5А"],
        "reason": "карантин по гриппу",
    }
    for written in (0, "0", 1790000000, "2026-10-05T00:00:00", "05.10.2026", "2026-10-5", None):
        refused = problem(
            api.post(closures, "deputy", quarantine | {"start": written}), 422, "invalid-request"
        )
        assert refused["errors"][0]["location"] == ["body", "start"]
    for start, end in (("1900-01-01", "2026-10-09"), ("2026-10-05", "2999-12-31")):
        dates = {"start": start, "end": end}
        problem(api.post(closures, "deputy", quarantine | dates), 409, "outside-school-year")

    math = api.world.journals["math"]
    permissions = f"{V1}/journals/{math}/late-entry-permissions"
    for start, end in (("1900-01-01", "2026-09-07"), ("2026-09-07", "2999-12-31")):
        body = {"from_date": start, "to_date": end, "reason": "болезнь учителя"}
        problem(api.post(permissions, "deputy", body), 409, "outside-school-year")
    problem(
        api.post(permissions, "deputy", {"from_date": 0, "to_date": 0, "reason": "болезнь"}),
        422,
        "invalid-request",
    )
    substitution = {
        "on": "1900-01-01",
        "slot": 1,
        "substitute_id": str(api.actors["outsider"].account_id),
        "reason": "болезнь учителя",
    }
    problem(
        api.post(f"{V1}/journals/{math}/substitutions", "deputy", substitution),
        409,
        "outside-school-year",
    )

    for label in ("1900/1901", "2999/3000", "2027/2029", "2028/2027"):
        problem(start_next_year(api, label=label), 422, "invalid-request")
    # 2027/2028 starts in 2027 and ends in 2028.
    problem(start_next_year(api, starts_on="2026-09-01"), 409, "school-year-invariant")
    problem(start_next_year(api, ends_on="2029-05-31"), 409, "school-year-invariant")
    assert school.position() == before
    # A query's date is written the same way.
    problem(api.get(f"{V1}/audit?lesson_from=0", "deputy"), 422, "invalid-request")


def test_the_year_reads_back_as_its_schema_says(api: Api) -> None:
    # The bells were declared `format: time` (RFC 3339: with an offset) and answered "08:00:00".
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    read = api.get(f"{V1}/years/2026-2027", "deputy")
    assert read.status_code == 200, read.text
    schema["/api/v1/years/{year}"]["GET"].validate_response(read)
    assert read.json()["bells"][0] == {"slot": 1, "start": "08:00", "end": "08:45"}
    # A request writes a bell the same way, and no other.
    bells = f"{V1}/years/2026-2027/bells"
    for start in ("08:30:00", "8:30", 30600, "08:30+03:00"):
        slots = {"slots": [{"slot": 1, "start": start, "end": "09:15"}], "reason": "приказ"}
        problem(api.post(bells, "deputy", slots), 422, "invalid-request")
