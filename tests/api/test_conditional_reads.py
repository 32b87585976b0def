"""Conditional reads of the read models' pages over HTTP: an ETag on the answer, 304 for a copy
that is still current (decided before the read model is queried), a new tag after a write, and
never one reader's copy for another."""

from __future__ import annotations

from datetime import date
from typing import Any

from api_session import Api
from scenario import YEAR as YEAR_LABEL

V1 = "/api/v1"
MONDAY = date(2026, 9, 7)
YEAR = YEAR_LABEL.replace("/", "-")


def record_lesson(api: Api, slot: int = 1, topic: str = "Натуральные числа") -> int:
    api.world.at(MONDAY, 10)
    journal = api.world.journals["math"]
    recorded = api.post(
        f"{V1}/journals/{journal}/lessons",
        "math",
        {"on": MONDAY.isoformat(), "slot": slot, "topic": topic},
    )
    assert recorded.status_code == 201, recorded.text
    return int(recorded.json()["position"])


def settled(api: Api) -> None:
    """Wait until the read models have applied the whole log: a tag names their positions, so
    a test that repeats a request must not have the projector move between the two."""
    services = api.client.app.state.deployment.school(api.school)  # type: ignore[attr-defined]
    assert services.projector.wait_for(api.world.school.position(), 10)


def again(api: Api, path: str, who: str, tag: str) -> Any:
    return api.client.get(path, headers=api.headers(who, **{"If-None-Match": tag}))


def test_a_grid_is_tagged_and_not_sent_again_until_it_changes(api: Api) -> None:
    position = record_lesson(api)
    grid = f"{V1}/journals/{api.world.journals['math']}/grid"
    first = api.get(f"{grid}?after={position}", "math")
    assert first.status_code == 200, first.text
    tag = first.headers["etag"]
    assert tag.startswith('"')
    assert tag.endswith('"')
    assert "Authorization" in first.headers["vary"]
    assert first.headers["cache-control"] == "private, no-cache"

    unchanged = again(api, grid, "math", tag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == tag
    assert again(api, grid, "math", f"W/{tag}").status_code == 304  # weak comparison
    assert again(api, grid, "math", '"other", ' + tag).status_code == 304

    later = record_lesson(api, slot=2, topic="Сложение натуральных чисел")
    changed = api.client.get(
        f"{grid}?after={later}", headers=api.headers("math", **{"If-None-Match": tag})
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] != tag
    assert "Сложение натуральных чисел" in changed.text
    assert again(api, grid, "math", changed.headers["etag"]).status_code == 304


def test_one_readers_copy_is_never_anothers(api: Api) -> None:
    position = record_lesson(api)
    grid = f"{V1}/journals/{api.world.journals['math']}/grid?after={position}"
    teacher = api.get(grid, "math")
    class_teacher = api.get(grid, "class_teacher")
    assert teacher.status_code == class_teacher.status_code == 200
    # The same page, to the byte, for two readers: still two tags, and neither matches the other.
    assert teacher.content == class_teacher.content
    assert teacher.headers["etag"] != class_teacher.headers["etag"]
    assert again(api, grid, "class_teacher", teacher.headers["etag"]).status_code == 200
    assert again(api, grid, "math", class_teacher.headers["etag"]).status_code == 200


def test_out_of_scope_is_404_whatever_the_tag(api: Api) -> None:
    settled(api)
    grid = f"{V1}/journals/{api.world.journals['math']}/grid"
    tag = api.get(grid, "math").headers["etag"]
    assert again(api, grid, "russian", tag).status_code == 404
    assert again(api, grid, "russian", "*").status_code == 404


def test_a_304_is_decided_without_the_read_model(api: Api) -> None:
    """With the grid's lessons table out of the way, a current copy is still answered 304: the
    tag comes from the read models' positions, not from the page."""
    position = record_lesson(api)
    grid = f"{V1}/journals/{api.world.journals['math']}/grid"
    tag = api.get(f"{grid}?after={position}", "math").headers["etag"]
    database = api.client.app.state.deployment.school(api.school).database  # type: ignore[attr-defined]
    with database.transaction() as cursor:
        cursor.execute("ALTER TABLE grid_lessons RENAME TO grid_lessons_away")
    try:
        assert again(api, grid, "math", tag).status_code == 304
        assert api.get(grid, "math").status_code >= 500  # the page itself cannot be read now
    finally:
        with database.transaction() as cursor:
            cursor.execute("ALTER TABLE grid_lessons_away RENAME TO grid_lessons")


def test_the_query_is_part_of_the_tag_and_after_is_not(api: Api) -> None:
    position = record_lesson(api)
    journal = api.world.journals["math"]
    base = f"{V1}/journals/{journal}/reports/journal-monitoring"
    first = api.get(f"{base}?period=Q1&after={position}", "math")
    assert first.status_code == 200, first.text
    tag = first.headers["etag"]
    assert again(api, f"{base}?period=Q1", "math", tag).status_code == 304
    assert again(api, f"{base}?period=Q1&after={position}", "math", tag).status_code == 304
    other = again(api, f"{base}?period=Q2", "math", tag)
    assert other.status_code == 200
    assert other.headers["etag"] != tag


def test_a_sheet_as_a_file_is_tagged_too(api: Api) -> None:
    settled(api)
    path = f"{V1}/years/{YEAR}/classes/5А/sheets/progress?format=csv"
    first = api.get(path, "class_teacher")
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("text/csv")
    tag = first.headers["etag"]
    unchanged = again(api, path, "class_teacher", tag)
    assert unchanged.status_code == 304
    assert unchanged.headers["etag"] == tag
    assert "x-read-position" in unchanged.headers
    as_json = api.get(path.replace("csv", "json"), "class_teacher")
    assert as_json.headers["etag"] != tag


def test_the_diary_and_the_audit_page(api: Api) -> None:
    position = record_lesson(api)
    api.sign_in("parent")
    settled(api)
    child = api.world.students[0]
    diary = f"{V1}/family/children/{child}/diary?start={MONDAY.isoformat()}"
    first = api.get(f"{diary}&after={position}", "parent")
    assert first.status_code == 200, first.text
    assert again(api, diary, "parent", first.headers["etag"]).status_code == 304

    audit = f"{V1}/audit?limit=5"
    page = api.get(audit, "auditor")
    assert page.status_code == 200, page.text
    assert again(api, audit, "auditor", page.headers["etag"]).status_code == 304


def test_a_teachers_lessons_change_tag_as_time_passes(api: Api) -> None:
    """Whether an entry's deadline has passed is in the answer: the same log read a day later
    is a new answer."""
    record_lesson(api)
    settled(api)
    math = api.world.math.account_id
    path = f"{V1}/teachers/{math}/lessons?year={YEAR}&start={MONDAY.isoformat()}"
    first = api.get(path, "math")
    assert first.status_code == 200, first.text
    tag = first.headers["etag"]
    assert again(api, path, "math", tag).status_code == 304
    api.world.at(date(2026, 9, 8), 10)
    next_day = again(api, path, "math", tag)
    assert next_day.status_code == 200
    assert next_day.headers["etag"] != tag
    assert next_day.json() != first.json()
