"""People: Russian names from Faker's ru_RU locale, patronymics that agree with the father's
name and the person's sex, feminine surnames for women and girls, logins from names."""

from __future__ import annotations

import re

import pytest
from faker import Faker

from ejournal.generator.people import (
    BOYS,
    GIRLS,
    GRANDFATHERS,
    MEN,
    WOMEN,
    PeopleMaker,
    feminine,
    login_for,
    parse_name,
    patronymic,
)

CYRILLIC = re.compile(r"^[А-ЯЁ][а-яё]+(-[А-ЯЁ][а-яё]+)?$")
MALE_PATRONYMIC = re.compile(r"(ович|евич|ич)$")
FEMALE_PATRONYMIC = re.compile(r"(овна|евна|ична)$")
PERSON = Faker("ru_RU").provider("faker.providers.person")


def test_patronymics_follow_the_grammar() -> None:
    cases = {
        "Сергей": ("Сергеевич", "Сергеевна"),
        "Дмитрий": ("Дмитриевич", "Дмитриевна"),
        "Георгий": ("Георгиевич", "Георгиевна"),
        "Юрий": ("Юрьевич", "Юрьевна"),
        "Евгений": ("Евгеньевич", "Евгеньевна"),
        "Игорь": ("Игоревич", "Игоревна"),
        "Илья": ("Ильич", "Ильинична"),
        "Никита": ("Никитич", "Никитична"),
        "Лев": ("Львович", "Львовна"),
        "Павел": ("Павлович", "Павловна"),
        "Михаил": ("Михайлович", "Михайловна"),
        "Александр": ("Александрович", "Александровна"),
    }
    for father, (son, daughter) in cases.items():
        assert patronymic(father, female=False) == son
        assert patronymic(father, female=True) == daughter


def test_derived_patronymics_are_spelled_as_faker_spells_them() -> None:
    # Faker's lists of patronymics are partial (no Иванович), so most, not all, are found.
    listed = {p.replace("ё", "е") for p in (*PERSON.middle_names_male, *PERSON.middle_names_female)}
    derived = {
        patronymic(father, female=female)
        for father in {*MEN, *GRANDFATHERS, *BOYS}
        for female in (False, True)
    }
    assert len(derived & listed) >= 75


def test_feminine_surnames() -> None:
    assert feminine("Иванов") == "Иванова"
    assert feminine("Соловьев") == "Соловьева"
    assert feminine("Никитин") == "Никитина"
    assert feminine("Островский") == "Островская"
    assert feminine("Шевченко") == "Шевченко"
    # Faker lists each feminine surname beside its masculine one: the rule gives the same.
    for male, female in zip(PERSON.last_names_male, PERSON.last_names_female, strict=True):
        assert feminine(male) == female


def test_first_names_are_fakers() -> None:
    for table, listed in (
        (BOYS, PERSON.first_names_male),
        (MEN, PERSON.first_names_male),
        (GRANDFATHERS, PERSON.first_names_male),
        (GIRLS, PERSON.first_names_female),
        (WOMEN, PERSON.first_names_female),
    ):
        assert set(table) <= set(listed)


@pytest.fixture(scope="module")
def families() -> list:  # type: ignore[type-arg]
    maker = PeopleMaker(seed=7)
    return [maker.family(grade, 2026) for grade in range(1, 12) for _ in range(40)]


def test_a_child_takes_the_fathers_name_and_surname(families: list) -> None:  # type: ignore[type-arg]
    for family in families:
        child, father, mother = family.child, family.father, family.mother
        for part in (child.last, child.first, child.patronymic, father.first, mother.first):
            assert CYRILLIC.match(part), part
        assert child.patronymic == patronymic(father.first, female=family.female)
        if family.female:
            assert child.last == feminine(father.last)
            assert child.first in GIRLS
            assert FEMALE_PATRONYMIC.search(child.patronymic)
        else:
            assert child.last == father.last
            assert child.first in BOYS
            assert MALE_PATRONYMIC.search(child.patronymic)
        assert mother.first in WOMEN
        assert FEMALE_PATRONYMIC.search(mother.patronymic or "")
        assert MALE_PATRONYMIC.search(father.patronymic or "")
        assert mother.last == feminine(mother.last.removesuffix("а")) or mother.last.endswith("ая")
        assert father.last in PERSON.last_names_male


def test_children_are_born_for_their_grade(families: list) -> None:  # type: ignore[type-arg]
    for index, family in enumerate(families):
        grade = index // 40 + 1
        age_on_1_september = (
            2026
            - family.birth_date.year
            - ((family.birth_date.month, family.birth_date.day) > (9, 1))
        )
        assert age_on_1_september in (grade + 6, grade + 7)


def test_boys_and_girls_and_many_surnames(families: list) -> None:  # type: ignore[type-arg]
    girls = sum(f.female for f in families)
    assert 0.4 < girls / len(families) < 0.6
    assert len({f.father.last for f in families}) > 150


def test_the_same_seed_gives_the_same_people() -> None:
    first = [PeopleMaker(seed=3).family(5, 2026) for _ in range(1)]
    again = [PeopleMaker(seed=3).family(5, 2026) for _ in range(1)]
    other = [PeopleMaker(seed=4).family(5, 2026) for _ in range(1)]
    assert first == again
    assert first != other


def test_logins_are_transliterated_surname_and_initials() -> None:
    assert login_for(parse_name("Смирнова Ольга Ивановна")) == "smirnova.oi"
    assert login_for(parse_name("Щербаков Юрий Ильич")) == "shcherbakov.yi"
    assert login_for(parse_name("Жукова Дарья")) == "zhukova.d"
