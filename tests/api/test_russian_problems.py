"""Problems in Russian for people (issue 14): a client that asks (``Accept-Language: ru``) reads
every problem's title and detail in Russian, with the same ``type``, ``status``, rule and clause
as an API client that does not ask and reads English.

Every problem type the API can answer with must have Russian text in the catalogue
(``ejournal.messages``): a new error class without it fails here."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from api_session import Api

import api
import archive
import ejournal
import web
from api import problems
from api.request_limits import MAX_BODY_BYTES
from ejournal import messages
from ejournal.errors import EjournalError, InvariantError
from ejournal.marks import WorkKind
from ejournal.policy.deadlines import EntryKind

V1 = "/api/v1"
PROBLEM = "application/problem+json"
RU = {"Accept-Language": "ru"}
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
SEPT_1 = date(2026, 9, 1)


def _every_error_class() -> set[type[EjournalError]]:
    """Every error class of the core, the API and the web pages, each of their modules
    imported."""
    for package in (ejournal, api, archive, web):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    found: set[type[EjournalError]] = set()
    pending = [EjournalError]
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return found


def _russian(text: str) -> bool:
    return bool(CYRILLIC.search(text)) and "{" not in text and "}" not in text


def _every_problem_type() -> list[str]:
    _every_error_class()
    return sorted(problems.problem_types())


@pytest.mark.parametrize("slug", _every_problem_type())
def test_every_problem_type_of_the_api_has_a_russian_title_and_detail(slug: str) -> None:
    text = messages.PROBLEMS.get(slug)
    assert text is not None, f"/problems/{slug} has no Russian text in ejournal.messages.PROBLEMS"
    assert _russian(text.title)
    named = messages.placeholders(text.detail)
    if named:
        assert text.general is not None, (
            f"{slug}: a detail that names fields needs a general sentence for when one is missing"
        )
        assert _russian(text.general)
    sample: dict[str, Any] = dict.fromkeys(named - {"rule_text"}, "1")
    if "rule_text" in named:  # said from the rule's id
        sample["rule"] = "results_date.in_future"
    filled = messages.problem_text(slug, sample)
    assert filled is not None
    assert _russian(filled[1])
    assert filled[1] != text.general
    said = messages.problem_text(slug, {})
    assert said is not None
    assert _russian(said[0])
    assert _russian(said[1])


def test_every_error_class_anywhere_has_russian_text() -> None:
    classes = _every_error_class()
    missing = sorted(
        f"{c.__module__}.{c.__name__} ({c.slug})"
        for c in classes
        if c.slug not in messages.PROBLEMS
    )
    assert not missing, f"no Russian text for: {missing}"
    # Every one of them is also a problem type the API documents at /problems/<slug>.
    assert {c.slug for c in classes} <= set(problems.problem_types())


def _invariant_families() -> dict[str, type[EjournalError]]:
    """The invariant error classes that stand for many invariants (``invariant-violated`` and
    the ``*-invariant`` slugs), by name: each raise of one must say which invariant it is."""
    return {
        c.__name__: c
        for c in _every_error_class()
        if issubclass(c, InvariantError)
        and (c.slug == InvariantError.slug or c.slug.endswith("-invariant"))
    }


def _invariants_in_source() -> tuple[set[str], list[str]]:
    """Every literal invariant id the code names (``invariant="..."``), and every raise of an
    invariant family that names none (as "path:line")."""
    families = _invariant_families()
    named: set[str] = set()
    unnamed: list[str] = []
    for package in (ejournal, api, archive, web):
        root = Path(package.__file__).parent
        for path in root.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.keyword)
                    and node.arg == "invariant"
                    and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)
                ):
                    named.add(node.value.value)
                if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                    continue
                func = node.exc.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name in families and not any(k.arg == "invariant" for k in node.exc.keywords):
                    unnamed.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return named, unnamed


def test_every_invariant_a_refusal_names_has_a_russian_sentence() -> None:
    named, unnamed = _invariants_in_source()
    assert "year.already_set_up" in named  # the walk finds what it looks for
    assert not unnamed, f"an invariant refusal that does not say which invariant: {unnamed}"
    missing = sorted(named - set(messages.INVARIANTS))
    assert not missing, f"no Russian sentence in ejournal.messages.INVARIANTS for {missing}"
    for invariant, sentence in messages.INVARIANTS.items():
        assert _russian(sentence), invariant
    for family in _invariant_families().values():
        said = messages.problem_text(family.slug, {"invariant": "year.already_set_up"})
        assert said is not None
        assert said[1].startswith(messages.INVARIANTS["year.already_set_up"]), family


def _rule_ids_in_source() -> set[str]:
    """Every literal rule id a refusal in the core names (``rule="..."``)."""
    found: set[str] = set()
    for path in Path(ejournal.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "rule"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found.add(node.value.value)
    return found


def test_every_rule_a_refusal_names_has_a_russian_sentence() -> None:
    rules = _rule_ids_in_source()
    assert "results_date.in_future" in rules  # the walk finds what it looks for
    deadlines = {f"deadline.mark.{kind.value}" for kind in WorkKind} | {
        f"deadline.{kind.value}" for kind in EntryKind if kind is not EntryKind.MARK
    }
    windows = {f"corrections.{record}_window" for record in ("topic", "homework", "attendance")}
    for rule in sorted(rules | deadlines | windows | {"deadline.period_mark"}):
        sentence = messages.rule_sentence(rule, {})
        assert _russian(sentence), rule
        assert sentence != messages.GENERAL_RULE.format(rule=rule), f"{rule} has no Russian text"
    early = messages.rule_sentence(
        "deadline.topic.not_yet_open", {"opens_at": "2026-09-01T08:00:00+03:00"}
    )
    assert early.startswith(messages.rule_sentence("deadline.topic", {}))
    assert "01.09.2026 08:00" in early


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("ru", "ru"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-US,en;q=0.9,ru;q=0.8", "en"),
        ("en;q=0.5, ru;q=0.9", "ru"),
        ("ru;q=0", "en"),
        ("ru;q=0.1, de", "ru"),
        ("de, fr;q=0.9", "en"),
        ("*", "en"),
        ("*;q=0.5, ru;q=0.1", "en"),
        ("ru;q=0.8, *;q=0.5", "ru"),
        ("RU;Q=1", "ru"),
        ("ru;q=oops, en;q=0.2", "en"),
    ],
)
def test_the_language_follows_accept_language_with_its_q_values(
    header: str | None, expected: str
) -> None:
    headers = {} if header is None else {"accept-language": header}
    assert problems.language(headers) == expected


# Over the real HTTP app: each representative problem in English and in Russian.


def both(send: Any, status: int, slug: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The same refused request answered without and with ``Accept-Language: ru``: same status,
    type and extensions; a Russian title and detail, different from the English ones."""
    english, russian = send({}), send(RU)
    for response in (english, russian):
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == PROBLEM
    en: dict[str, Any] = english.json()
    ru: dict[str, Any] = russian.json()
    assert en["type"] == ru["type"] == f"/problems/{slug}"
    assert en["status"] == ru["status"] == status
    assert english.headers["content-language"] == "en"
    assert russian.headers["content-language"] == "ru"
    assert not CYRILLIC.search(en["title"])
    assert _russian(ru["title"]), ru
    assert _russian(ru["detail"]), ru
    assert ru["title"] == messages.PROBLEMS[slug].title
    assert (ru["title"], ru["detail"]) != (en["title"], en["detail"])
    kept = {k: v for k, v in en.items() if k not in ("title", "detail", "errors")}
    assert {k: v for k, v in ru.items() if k in kept} == kept
    return en, ru


def journal_url(api: Api, key: str, *rest: object) -> str:
    return "/".join([f"{V1}/journals", str(api.world.journals[key]), *map(str, rest)])


def test_a_rule_refusal_in_russian_keeps_its_rule_and_clause(api: Api) -> None:
    api.world.at(SEPT_1, 10)
    held = api.post(
        journal_url(api, "math", "lessons"),
        "math",
        {"on": "2026-09-01", "slot": 1, "topic": "Дроби"},
    )
    assert held.status_code == 201, held.text
    api.world.at(date(2026, 12, 3), 10)
    position = api.world.school.position()
    mark = {
        "lesson_id": held.json()["ids"]["lesson_id"],
        "student_id": str(api.world.students[0]),
        "value": "5",
        "work_kind": "external_diagnostic",
        "results_date": "2027-02-03",
    }
    en, ru = both(
        lambda h: api.post(journal_url(api, "math", "marks"), "math", mark, **h),
        422,
        "rule-violated",
    )
    assert ru["rule"] == en["rule"] == "results_date.in_future"
    assert ru["clause"] == en["clause"]
    assert (ru["clause"]["source"], ru["clause"]["ref"]) == ("School 77", "§4.4.10")
    assert ru["detail"] == "Дата получения результатов ещё не наступила (School 77, §4.4.10)"
    assert api.world.school.position() == position


def test_a_deadline_passed_in_russian_names_when_it_closed(api: Api) -> None:
    api.world.at(SEPT_1, 19, 0, 1)  # School 77 §4.4.1: "до 19.00"
    lesson = {"on": "2026-09-01", "slot": 1, "topic": "Дроби"}
    en, ru = both(
        lambda h: api.post(journal_url(api, "math", "lessons"), "math", lesson, **h),
        422,
        "deadline-passed",
    )
    assert ru["rule"] == en["rule"] == "deadline.topic"
    assert ru["detail"] == (
        "Тема урока вносится в срок, установленный положением школы: срок истёк 01.09.2026 19:00"
        " (School 77, §4.4.1)"
    )


def test_not_found_unauthenticated_and_forbidden_in_russian(api: Api) -> None:
    admin = api.actors["admin"].account_id

    def get(who: str | None, path: str) -> Any:
        return lambda h: api.client.get(path, headers=api.headers(who, **h))

    _, ru = both(get("admin", f"{V1}/accounts/{uuid4()}"), 404, "not-found")
    documented = api.client.get("/problems/forbidden", headers=RU)
    assert documented.json() == {
        "type": "/problems/forbidden",
        "title": "Действие не разрешено для этой роли",
    }
    assert ru["detail"] == messages.PROBLEMS["not-found"].detail
    both(get(None, f"{V1}/accounts/{admin}"), 401, "not-authenticated")
    both(get("math", f"{V1}/accounts/{admin}"), 403, "forbidden")
    # A path nothing serves, and a method a path does not take: the framework's own errors.
    both(get("admin", f"{V1}/no-such-thing"), 404, "not-found")
    _, ru = both(
        lambda h: api.client.delete(f"{V1}/me", headers=api.headers("math", **h)),
        405,
        "method-not-allowed",
    )
    assert "DELETE" in ru["detail"]


def test_a_conflict_with_the_record_in_russian(api: Api) -> None:
    outsider = api.actors["outsider"].account_id
    position = api.world.school.position()
    both(
        lambda h: api.post(f"{V1}/accounts/{outsider}/roles", "admin", {"role": "parent"}, **h),
        409,
        "account-invariant",
    )
    assert api.world.school.position() == position


def test_an_invalid_request_names_each_field_in_russian(api: Api) -> None:
    body = {"lesson_id": "not-an-id", "value": "5", "work_kind": "poem"}
    en, ru = both(
        lambda h: api.post(journal_url(api, "math", "marks"), "math", body, **h),
        422,
        "invalid-request",
    )
    assert [e["location"] for e in ru["errors"]] == [e["location"] for e in en["errors"]]
    assert [e["type"] for e in ru["errors"]] == [e["type"] for e in en["errors"]]
    assert all(_russian(e["message"]) for e in ru["errors"]), ru["errors"]
    assert "тело запроса «lesson_id» — нужен идентификатор UUID" in ru["detail"]
    assert "тело запроса «student_id» — обязательное поле не передано" in ru["detail"]
    assert "тело запроса «work_kind» — допустимые значения:" in ru["detail"]
    # A JSON body naming a key twice, refused before any route reads it.
    twice = b'{"value": "5", "value": "2"}'
    _, ru = both(
        lambda h: api.client.post(
            journal_url(api, "math", "marks"),
            content=twice,
            headers=api.headers("math", **{"Content-Type": "application/json"}, **h),
        ),
        422,
        "invalid-request",
    )
    assert "«value»" in ru["detail"]


def test_a_body_too_large_in_russian(api: Api) -> None:
    big = {"topic": "т" * MAX_BODY_BYTES}
    _, ru = both(
        lambda h: api.post(journal_url(api, "math", "lessons"), "math", big, **h),
        413,
        "request-too-large",
    )
    assert f"{MAX_BODY_BYTES} байт" in ru["detail"]


def test_a_client_that_prefers_english_reads_english(api: Api) -> None:
    path = f"{V1}/accounts/{uuid4()}"
    for header in ("en-US,en;q=0.9,ru;q=0.8", "ru;q=0, en", "de"):
        response = api.client.get(path, headers=api.headers("admin", **{"Accept-Language": header}))
        assert response.status_code == 404
        assert response.json()["title"] == "Not found", header
    preferred = api.client.get(
        path, headers=api.headers("admin", **{"Accept-Language": "en;q=0.3, ru;q=0.7"})
    )
    assert preferred.json()["title"] == "Не найдено"


def test_an_invariant_refusal_in_russian_says_what_is_wrong(api: Api) -> None:
    year = {
        "label": "2026/2027",
        "starts_on": "2026-09-01",
        "ends_on": "2027-05-31",
        "periods": [
            {"id": "H1", "name": "1 полугодие", "start": "2026-09-01", "end": "2027-05-31"}
        ],
    }
    position = api.world.school.position()
    en, ru = both(lambda h: api.post(f"{V1}/years", "admin", year, **h), 409, "invariant-violated")
    assert "already set up" in en["detail"]
    assert ru["detail"] == "Учебный год с таким названием уже заведён; ничего не записано."
    assert api.world.school.position() == position
