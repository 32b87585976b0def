"""Journal text: which characters a command's text may hold, how whitespace is taken, and the
length of each kind; a refusal names the character and its place, or the limit."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from pydantic import BaseModel, ValidationError

from ejournal.commands.accounts import RegisterAccount
from ejournal.commands.journals import KtpLine
from ejournal.commands.lessons import CorrectLessonDetails
from ejournal.commands.students import AdmitStudent
from ejournal.commands.year import AdoptProfile, DeclareClosure
from ejournal.policy.profile import shipped_profile
from ejournal.text import refused_character


def refusal(model: type[BaseModel], **fields: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as refused:
        model(**fields)
    (error,) = refused.value.errors()
    return dict(error)


def correction(**fields: Any) -> CorrectLessonDetails:
    return CorrectLessonDetails(journal_id=uuid4(), lesson_id=uuid4(), **fields)


def test_a_nul_in_a_name_is_refused_with_its_position() -> None:
    error = refusal(RegisterAccount, login="ivanov", full_name="Иван\x00ов Пётр")
    assert error["loc"] == ("full_name",)
    assert error["type"] == "journal_text_character"
    assert error["msg"].startswith("character 5 is U+0000 (a control character)")


@pytest.mark.parametrize(
    ("char", "what"),
    [
        ("\x01", "a control character"),
        ("\x1f", "a control character"),
        ("\x7f", "a control character"),
        ("\x85", "a control character"),
        ("\t", "a tab"),
        ("\n", "a line break"),
        ("\r", "a line break"),
        ("\u2028", "a line break"),
        ("\ud800", "a lone surrogate"),
        ("\ufffe", "a non-character"),
        ("\uffff", "a non-character"),
    ],
)
def test_text_of_one_line_refuses_controls_breaks_surrogates_and_non_characters(
    char: str, what: str
) -> None:
    error = refusal(RegisterAccount, login="ivanov", full_name=f" Ив{char}анов")
    assert error["msg"].startswith(f"character 4 is U+{ord(char):04X} ({what}")


def test_text_of_several_lines_takes_tab_and_line_breaks_and_nothing_else() -> None:
    topic = "Глаголы:\n\t-ться и -тся\r\n\tупражнения"
    assert correction(topic=topic, reason="опечатка").topic == topic
    error = refusal(CorrectLessonDetails, journal_id=uuid4(), lesson_id=uuid4(), reason="x",
                    homework="стр. 5\x0bупр. 3")  # fmt: skip
    assert error["loc"] == ("homework",)
    assert "character 7 is U+000B" in error["msg"]
    assert refused_character("a\tb", lines=True) is None
    assert refused_character("a\x00b", lines=True) is not None


def test_surrounding_whitespace_is_stripped_and_only_whitespace_is_refused() -> None:
    assert correction(topic="  Дроби \n", reason=" опечатка ").topic == "Дроби"
    # A stray tab or newline at either end of a line is surrounding whitespace, not refused.
    pasted = RegisterAccount(login="ivanov", full_name="Иванов Пётр\t\r\n")
    assert pasted.full_name == "Иванов Пётр"
    error = refusal(CorrectLessonDetails, journal_id=uuid4(), lesson_id=uuid4(), reason=" \t ")
    assert (error["loc"], error["msg"]) == (("reason",), "text is empty or only whitespace")
    assert refusal(KtpLine, topic="\u3000 ")["type"] == "journal_text_empty"


def test_a_text_at_its_limit_is_taken_and_one_over_is_refused() -> None:
    assert len(correction(topic="т" * 1000, reason="r").topic or "") == 1000
    error = refusal(CorrectLessonDetails, journal_id=uuid4(), lesson_id=uuid4(), reason="r",
                    topic="т" * 1001)  # fmt: skip
    assert error["msg"] == "text is 1001 characters long; at most 1000 are taken"
    assert correction(homework="д" * 4000, reason="r").homework is not None
    assert refusal(CorrectLessonDetails, journal_id=uuid4(), lesson_id=uuid4(),
                   homework="д" * 4001, reason="r")["type"] == "journal_text_too_long"  # fmt: skip
    assert refusal(RegisterAccount, login="ivanov", full_name="Я" * 201)["msg"] == (
        "text is 201 characters long; at most 200 are taken"
    )
    # The limit counts what is kept: surrounding whitespace does not count against it.
    assert correction(topic=" " * 10 + "т" * 1000, reason="r").topic == "т" * 1000


def test_a_persons_name_is_checked_part_by_part() -> None:
    fields = {
        "year": "2026/2027",
        "birth_date": "2015-03-01",
        "class_code": "5А",
        "on": "2026-09-01",
        "order": "№ 1",
    }
    admitted = AdmitStudent(name={"last": " Алексеев ", "first": "Артём"}, **fields)
    assert (admitted.name.last, admitted.name.patronymic) == ("Алексеев", None)
    with pytest.raises(ValidationError) as refused:
        AdmitStudent(name={"last": "Алек\x00сеев", "first": " ", "patronymic": ""}, **fields)
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [
        (("name", "last"), "journal_text_character"),
        (("name", "first"), "journal_text_empty"),
        (("name", "patronymic"), "journal_text_empty"),
    ]


def test_a_closures_reason_is_required_text() -> None:
    fields = {"year": "2026/2027", "start": "2026-11-01", "end": "2026-11-04", "kind": "other"}
    assert DeclareClosure(reason=" карантин ", **fields).reason == "карантин"
    assert refusal(DeclareClosure, reason="  ", **fields)["type"] == "journal_text_empty"
    assert refusal(DeclareClosure, reason="a\x00", **fields)["type"] == "journal_text_character"


def test_a_schools_own_profile_is_checked_string_by_string() -> None:
    profile = shipped_profile("school77").model_dump(mode="json")
    AdoptProfile(year="2026/2027", profile=profile, reason="новая редакция")
    profile["official_name"] = "МОБУ\x00СОШ"
    profile["deadlines"]["topic"]["clause"]["text"] = "x" * 4001
    with pytest.raises(ValidationError) as refused:
        AdoptProfile(year="2026/2027", profile=profile, reason="новая редакция")
    found = {e["loc"][-1]: e["msg"] for e in refused.value.errors() if e["loc"][-1] != "profile"}
    assert found["official_name"].startswith("character 5 is U+0000")
    assert found["text"] == "text is 4001 characters long; at most 4000 are taken"
