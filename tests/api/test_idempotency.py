"""A command sent again with the same Idempotency-Key records nothing twice and gets the first
answer back; a key reused for another request is refused; a command that failed frees its key."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from api_session import Api

from ejournal.aggregates.class_journal import ClassJournal

MONDAY = date(2026, 9, 7)


def lesson_body(api: Api, topic: str = "Натуральные числа") -> dict[str, Any]:
    return {
        "on": MONDAY.isoformat(),
        "slot": 1,
        "topic": topic,
        "attendance": {str(api.world.students[1]): "absent"},
        "marks": [{"student_id": str(api.world.students[0]), "value": "5"}],
    }


def lessons_held(api: Api) -> int:
    events = api.world.school.events.get(api.world.journals["math"])
    return sum(isinstance(e, ClassJournal.LessonHeld) for e in events)


def send(api: Api, body: dict[str, Any], key: str | None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(
        f"/api/v1/journals/{api.world.journals['math']}/lessons", "math", body, **headers
    )


def test_a_retry_with_the_same_key_records_once_and_answers_the_same(api: Api) -> None:
    api.world.at(MONDAY, 10)
    first = send(api, lesson_body(api), "lesson-2026-09-07-1")
    assert first.status_code == 201, first.text
    position = api.world.school.position()
    again = send(api, lesson_body(api), "lesson-2026-09-07-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert api.world.school.position() == position
    assert lessons_held(api) == 1


def test_a_dropped_response_then_a_retry_records_exactly_once(api: Api) -> None:
    api.world.at(MONDAY, 10)
    # The server records the lesson and answers, but the answer never reaches the client.
    send(api, lesson_body(api), "grid-save-17")
    # The client, seeing no answer, retries twice with the same key.
    retries = [send(api, lesson_body(api), "grid-save-17") for _ in range(2)]
    assert {r.status_code for r in retries} == {201}
    assert lessons_held(api) == 1
    events = list(api.world.school.events.get(api.world.journals["math"]))
    assert sum(isinstance(e, ClassJournal.MarkRecorded) for e in events) == 1


def test_without_a_key_a_second_submission_is_a_new_command(api: Api) -> None:
    api.world.at(MONDAY, 10)
    assert send(api, lesson_body(api), None).status_code == 201
    refused = send(api, lesson_body(api), None)  # the lesson is held; the same marks again
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"


def test_the_same_key_for_another_request_is_refused(api: Api) -> None:
    api.world.at(MONDAY, 10)
    assert send(api, lesson_body(api), "k1").status_code == 201
    other = send(api, lesson_body(api, topic="Другая тема"), "k1")
    assert other.status_code == 422
    assert other.json()["type"] == "/problems/idempotency-key-reused"


def test_a_refused_command_frees_its_key(api: Api) -> None:
    api.world.at(date(2026, 9, 9), 10)  # two days late: School 77 §4.4.1 refuses it
    refused = send(api, lesson_body(api), "k2")
    assert refused.status_code == 422
    assert refused.json()["clause"]["ref"] == "§4.4.1"
    api.world.at(MONDAY, 10)
    assert send(api, lesson_body(api), "k2").status_code == 201


def test_concurrent_first_tries_record_once(api: Api) -> None:
    api.world.at(MONDAY, 10)
    api.sign_in("math")  # before the threads: four logins at once are throttled (429)
    answers: list[Any] = []
    gate = threading.Barrier(4)

    def go() -> None:
        gate.wait()
        answers.append(send(api, lesson_body(api), "double-click"))

    threads = [threading.Thread(target=go) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert lessons_held(api) == 1
    assert len(answers) == 4  # every double-click was answered (no thread died)
    assert all(a.status_code in (201, 409) for a in answers)
    assert any(a.status_code == 201 for a in answers)
