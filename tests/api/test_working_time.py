"""The teachers' working-time sheet (табель, Belogorsk Инструкция п. 4.2) through the API: the
lessons each teacher held per day of a month, a substitute's lesson counted as the substitute's
hour; JSON and XLSX, for the administration only."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from api_session import Api
from openpyxl import load_workbook

from ejournal.commands import lessons, substitutions

V1 = "/api/v1"
MONDAY, TUESDAY, WEDNESDAY = date(2026, 9, 7), date(2026, 9, 8), date(2026, 9, 9)
SHEET = f"{V1}/years/2026-2027/reports/working-time"


def hold(api: Api, who: str, journal: str, on: date, slot: int) -> None:
    api.world.at(on, 15)
    lessons.record_whole_lesson(
        api.world.school,
        api.actors[who],
        lessons.RecordWholeLesson(
            journal_id=api.world.journals[journal], on=on, slot=slot, topic="Тема урока"
        ),
    )


def september(api: Api) -> int:
    """Math holds Monday and Wednesday; on Tuesday the outsider substitutes for math; Russian
    holds Monday. Returns the log position after the last lesson."""
    hold(api, "math", "math", MONDAY, 1)
    hold(api, "russian", "russian", MONDAY, 3)
    api.world.at(TUESDAY, 7, 30)
    substitutions.assign_substitution(
        api.world.school,
        api.world.deputy,
        substitutions.AssignSubstitution(
            journal_id=api.world.journals["math"],
            on=TUESDAY,
            slot=1,
            substitute_id=api.world.outsider.account_id,
            replaced_id=api.world.math.account_id,
            reason="болезнь учителя",
        ),
    )
    hold(api, "outsider", "math", TUESDAY, 1)
    hold(api, "math", "math", WEDNESDAY, 1)
    return api.world.school.position()


def lines(body: dict[str, Any], api: Api) -> dict[str, dict[str, Any]]:
    ids = {str(actor.account_id): who for who, actor in api.actors.items()}
    return {ids[line["account_id"]]: line for line in body["teachers"]}


def test_the_working_time_sheet_gives_the_substitute_the_hour(api: Api) -> None:
    after = september(api)
    response = api.get(SHEET, "deputy", params={"month": "2026-09", "after": after})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["days"][0] == "2026-09-01"
    assert len(body["days"]) == 30
    got = lines(body, api)
    day = {d: i for i, d in enumerate(body["days"])}

    def held(who: str) -> dict[str, int]:
        return {d: got[who]["hours"][i] for d, i in day.items() if got[who]["hours"][i]}

    assert held("math") == {"2026-09-07": 1, "2026-09-09": 1}
    assert held("outsider") == {"2026-09-08": 1}
    assert held("russian") == {"2026-09-07": 1}
    assert (got["math"]["total"], got["math"]["substitution_hours"]) == (2, 0)
    assert (got["outsider"]["total"], got["outsider"]["substitution_hours"]) == (1, 1)
    # A teacher of the year's journals who held nothing this month still has a line.
    assert got["english1"]["total"] == 0
    assert body["total"] == 4
    october = api.get(SHEET, "director", params={"month": "2026-10"}).json()
    assert october["total"] == 0

    workbook = api.get(SHEET, "admin", params={"month": "2026-09", "format": "xlsx"})
    assert workbook.status_code == 200, workbook.text
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert str(rows[0][0]).startswith("Табель учёта рабочего времени")
    assert rows[1][0] == "Учитель"
    assert rows[1][-2:] == ("Всего часов", "из них замещение")
    outsider = api.world.school.account(api.world.outsider.account_id).full_name
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name[outsider][8] == 1  # column 8: 8 September
    assert by_name[outsider][-2:] == (1, 1)
    assert by_name["Итого"][-2:] == (4, 1)


def test_the_working_time_sheet_is_the_administrations(api: Api) -> None:
    api.sign_in("parent")
    position = api.world.school.position()
    for who in ("math", "class_teacher", "secretary", "parent", "auditor"):
        assert api.get(SHEET, who, params={"month": "2026-09"}).status_code == 403
    assert api.get(SHEET, "deputy", params={"month": "2027-07"}).status_code == 404
    assert api.get(SHEET, "deputy", params={"month": "2026-13"}).status_code == 422
    assert (
        api.get(
            f"{V1}/years/2031-2032/reports/working-time", "deputy", params={"month": "2031-09"}
        ).status_code
        == 404
    )
    assert api.world.school.position() == position
