"""Importing through the API on the real app: upload, follow the job, read the report; a wrong
file is answered with every problem and records nothing; the same file again records nothing;
templates; who may import what."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

from api_session import Api

from ejournal.imports import KINDS, MAX_FILE_BYTES, read_table

V1 = "/api/v1"
PROBLEM = "application/problem+json"
HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Класс", "Приказ о зачислении",
          "Представитель", "Кем приходится", "Телефон", "Логин родителя"]  # fmt: skip
ROWS = [
    ["Новиков", "Никита", "Олегович", "02.02.2015", "5А", "№ 120-у", "Новикова Ольга Петровна",
     "мать", "+7 900 111-22-33", "novikova.op"],
    ["Орлова", "Ольга", "", "30.07.2019", "1А", "№ 121-у", "", "", "", ""],
]  # fmt: skip


def csv_file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def upload(
    api: Api, who: str | None, data: bytes, *, kind: str = "students", dry_run: bool = False
) -> Any:
    return api.client.post(
        f"{V1}/imports/{kind}",
        files={"file": ("roll.csv", data, "text/csv")},
        data={"year": "2026/2027", "dry_run": "true" if dry_run else "false"},
        headers=api.headers(who),
    )


def finished(api: Api, who: str, location: str) -> dict[str, Any]:
    """Poll a job until it is no longer running (the progress is readable meanwhile)."""
    deadline = time.monotonic() + 30
    while True:
        response = api.get(location, who)
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        assert 0 <= job["done"] <= max(job["total"], 0) or job["total"] == 0
        if job["state"] != "running":
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def test_an_upload_is_checked_recorded_and_not_recorded_twice(api: Api) -> None:
    before = api.world.school.position()
    response = upload(api, "admin", csv_file([HEADER, *ROWS]))
    assert response.status_code == 202, response.text
    assert response.json()["kind"] == "students"
    location = response.headers["Location"]
    assert location == f"{V1}/imports/jobs/{response.json()['id']}"

    job = finished(api, "admin", location)

    assert job["state"] == "done", job
    report = job["report"]
    assert report["applied"] is True
    assert report["created"] == {"student": 2, "guardian": 1, "account": 1, "role": 1}
    assert report["logins_without_password"] == ["novikova.op"]
    assert job["stage"] == "recording"
    assert job["done"] == job["total"] == 5
    assert api.world.school.position() - before == report["events"]
    assert report["position"] == api.world.school.position()
    assert "Импорт выполнен." in report["summary"]

    at = api.world.school.position()
    again = finished(
        api, "admin", upload(api, "admin", csv_file([HEADER, *ROWS])).headers["Location"]
    )
    assert again["state"] == "done"
    assert again["report"]["created"] == {}
    assert again["report"]["unchanged"] == {"student": 2, "guardian": 1, "account": 1, "role": 1}
    assert api.world.school.position() == at


def test_a_wrong_file_is_answered_with_every_problem_and_records_nothing(api: Api) -> None:
    rows = [
        HEADER,
        ROWS[0],
        ["Петров", "", "", "31.02.2015", "7Б", "№ 1", "", "", "", ""],
        ["Сидоров", "Сидор", "", "01.01.2015", "5А", "", "Сидорова Анна", "тётя", "x", ""],
    ]
    before = api.world.school.position()
    job = finished(api, "admin", upload(api, "admin", csv_file(rows)).headers["Location"])
    assert job["state"] == "refused"
    assert [(p["row"], p["column"]) for p in job["problems"]] == [
        (3, "Имя"),
        (3, "Дата рождения"),
        (3, "Класс"),
        (4, "Приказ о зачислении"),
        (4, "Кем приходится"),
        (4, "Телефон"),
    ]
    assert job["problems"][0]["message"] == "не заполнено"
    assert job["report"]["applied"] is False
    assert job["report"]["summary"].startswith("Файл не импортирован: 6 ошибок")
    assert api.world.school.position() == before


def test_a_dry_run_checks_and_records_nothing(api: Api) -> None:
    before = api.world.school.position()
    job = finished(
        api,
        "secretary",
        upload(api, "secretary", csv_file([HEADER, ROWS[1]]), dry_run=True).headers["Location"],
    )
    assert job["state"] == "done", job
    assert job["dry_run"] is True
    assert job["report"]["created"] == {"student": 1}
    assert job["report"]["applied"] is False
    assert api.world.school.position() == before


def test_a_file_too_large_or_unreadable_is_refused_at_once(api: Api) -> None:
    big = upload(api, "admin", b"a;b\r\n" + b"x" * MAX_FILE_BYTES)
    assert big.status_code == 422, big.text
    assert big.headers["content-type"] == PROBLEM
    assert big.json()["type"] == "/problems/import-file-refused"
    assert "больше 1000 КБ" in big.json()["detail"]
    cp1251 = upload(api, "admin", "Фамилия;Имя\r\n".encode("cp1251"))
    assert cp1251.status_code == 422
    assert "UTF-8" in cp1251.json()["detail"]


def test_a_year_not_set_up_fails_the_job(api: Api) -> None:
    response = api.client.post(
        f"{V1}/imports/students",
        files={"file": ("roll.csv", csv_file([HEADER, ROWS[1]]), "text/csv")},
        data={"year": "2031/2032"},
        headers=api.headers("admin"),
    )
    job = finished(api, "admin", response.headers["Location"])
    assert job["state"] == "failed"
    assert job["problem"] == "учебный год 2031/2032 не заведён в журнале"


def test_who_imports_what_and_whose_job_is_read(api: Api) -> None:
    data = csv_file([HEADER, ROWS[1]])
    assert upload(api, None, data).status_code == 401
    for who in ("math", "deputy", "director", "parent", "class_teacher"):
        response = upload(api, who, data)
        assert response.status_code == 403, (who, response.text)
        assert response.headers["content-type"] == PROBLEM
    staff = csv_file([["Логин", "ФИО", "Роли"], ["a.b", "Аб Вг", "учитель"]])
    assert upload(api, "secretary", staff, kind="staff").status_code == 403
    assert upload(api, "admin", staff, kind="nothing").status_code == 422
    location = upload(api, "secretary", data, dry_run=True).headers["Location"]
    finished(api, "secretary", location)
    # Someone else's job is answered exactly as a missing one.
    theirs = api.get(location, "admin")
    missing = api.get(f"{V1}/imports/jobs/00000000-0000-0000-0000-000000000001", "admin")
    assert theirs.status_code == missing.status_code == 404
    assert {k: v for k, v in theirs.json().items() if k != "instance"} == {
        k: v for k, v in missing.json().items() if k != "instance"
    }


def test_templates_download_and_read_back(api: Api) -> None:
    for name in KINDS:
        for fmt, media in (("xlsx", "spreadsheetml"), ("csv", "text/csv")):
            response = api.get(f"{V1}/imports/templates/{name}.{fmt}", "deputy")
            assert response.status_code == 200, response.text
            assert media in response.headers["content-type"]
            assert f'filename="{name}.{fmt}"' in response.headers["content-disposition"]
            table = read_table(response.content)
            assert [c.rstrip(" *") for c in table.columns] == [c.title for c in KINDS[name].columns]
    assert api.get(f"{V1}/imports/templates/students.pdf", "deputy").status_code == 404
    assert api.get(f"{V1}/imports/templates/marks.csv", "deputy").status_code == 404
    assert api.get(f"{V1}/imports/templates/students.csv", None).status_code == 401
