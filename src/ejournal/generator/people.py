"""People of a generated school: Russian names of students, their parents and the staff.

Surnames come from Faker's ``ru_RU`` locale (its 250 common surnames); first names are drawn from
Faker's ``ru_RU`` lists too, but only from the names in common use today, with weights, because
those lists hold the whole church calendar (Авксентий, Евпраксия) and would fill a class with
names no child has. A patronymic is derived from the father's first name by the rules of Russian
grammar (Дмитрий → Дмитриевич, Илья → Ильинична), never drawn on its own: Faker's patronymics are
independent of any father and miss common ones (Сергеевич). A woman's surname is the feminine
form of the family's (Иванов → Иванова).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ejournal.aggregates.student import PersonName

if TYPE_CHECKING:
    from faker import Faker

# --- names in common use, in Faker's ru_RU spelling (е for ё), with rough weights ------------

BOYS: dict[str, int] = {
    "Александр": 10, "Максим": 9, "Артем": 9, "Михаил": 9, "Иван": 7, "Дмитрий": 7,
    "Кирилл": 6, "Матвей": 6, "Егор": 6, "Тимофей": 5, "Андрей": 5, "Илья": 5, "Никита": 5,
    "Алексей": 5, "Роман": 4, "Марк": 4, "Лев": 4, "Арсений": 4, "Федор": 3, "Глеб": 3,
    "Степан": 3, "Владимир": 3, "Ярослав": 3, "Платон": 2, "Богдан": 2, "Макар": 2, "Захар": 2,
    "Савелий": 2, "Тимур": 2, "Денис": 2, "Константин": 2, "Георгий": 2, "Мирон": 1,
    "Елисей": 1, "Всеволод": 1, "Семен": 1, "Вячеслав": 1,
}  # fmt: skip
"""Boys' names of the children at school now (born 2008–2020)."""

GIRLS: dict[str, int] = {
    "София": 10, "Анна": 9, "Мария": 9, "Виктория": 7, "Полина": 7, "Дарья": 7,
    "Анастасия": 6, "Елизавета": 6, "Варвара": 5, "Ксения": 5, "Александра": 5,
    "Екатерина": 5, "Вероника": 4, "Василиса": 4, "Валерия": 4, "Ульяна": 3, "Кира": 3,
    "Ангелина": 3, "Алина": 3, "Маргарита": 3, "Таисия": 2, "Эмилия": 2, "Вера": 2,
    "Майя": 2, "Юлия": 2, "Евгения": 1,
}  # fmt: skip
"""Girls' names of the children at school now."""

MEN: dict[str, int] = {
    "Александр": 10, "Сергей": 10, "Дмитрий": 9, "Андрей": 9, "Алексей": 9, "Евгений": 6,
    "Михаил": 6, "Владимир": 6, "Максим": 5, "Игорь": 5, "Денис": 5, "Роман": 5, "Павел": 5,
    "Иван": 5, "Николай": 4, "Олег": 4, "Артем": 3, "Виталий": 3, "Вадим": 3, "Юрий": 3,
    "Виктор": 3, "Константин": 3, "Илья": 3, "Кирилл": 3, "Владислав": 3, "Руслан": 3,
    "Вячеслав": 3, "Никита": 2, "Станислав": 2, "Валерий": 2, "Анатолий": 2, "Василий": 2,
    "Тимур": 2, "Геннадий": 1, "Григорий": 1, "Георгий": 1, "Эдуард": 1, "Леонид": 1,
    "Борис": 1, "Петр": 1, "Федор": 1, "Степан": 1, "Глеб": 1,
}  # fmt: skip
"""First names of fathers and male teachers (born 1965–1995)."""

WOMEN: dict[str, int] = {
    "Елена": 10, "Ольга": 9, "Наталья": 9, "Татьяна": 8, "Ирина": 8, "Светлана": 7,
    "Юлия": 7, "Екатерина": 7, "Анна": 6, "Марина": 5, "Оксана": 5, "Анастасия": 5,
    "Мария": 4, "Евгения": 4, "Надежда": 4, "Виктория": 4, "Людмила": 3, "Лариса": 3,
    "Ксения": 3, "Дарья": 3, "Галина": 2, "Валентина": 2, "Алла": 2, "Вера": 2, "Любовь": 2,
    "Маргарита": 2, "Алина": 2, "Жанна": 2, "Полина": 2, "Валерия": 2, "Лидия": 1, "Нина": 1,
    "Елизавета": 1, "Раиса": 1, "Тамара": 1,
}  # fmt: skip
"""First names of mothers and female teachers."""

GRANDFATHERS: dict[str, int] = {
    "Александр": 8, "Владимир": 8, "Сергей": 7, "Николай": 7, "Виктор": 6, "Юрий": 6,
    "Михаил": 6, "Анатолий": 5, "Иван": 5, "Алексей": 5, "Валерий": 4, "Геннадий": 4,
    "Василий": 4, "Евгений": 4, "Игорь": 4, "Петр": 4, "Андрей": 4, "Борис": 4, "Павел": 4,
    "Дмитрий": 4, "Вячеслав": 3, "Григорий": 3, "Леонид": 3, "Олег": 3, "Константин": 3,
    "Виталий": 3, "Владислав": 2, "Федор": 2, "Валентин": 2, "Георгий": 2, "Станислав": 2,
    "Вадим": 2, "Эдуард": 2, "Степан": 2, "Аркадий": 1, "Семен": 1, "Яков": 1, "Илья": 1,
    "Лев": 1, "Никита": 1,
}  # fmt: skip
"""First names of the parents' and teachers' fathers (born 1940–1970): their patronymics."""

# --- grammar ----------------------------------------------------------------------------------

_VOWELS = frozenset("аеёиоуыэюя")

_IRREGULAR_PATRONYMICS: dict[str, tuple[str, str]] = {
    "Илья": ("Ильич", "Ильинична"),
    "Никита": ("Никитич", "Никитична"),
    "Кузьма": ("Кузьмич", "Кузьминична"),
    "Фома": ("Фомич", "Фоминична"),
    "Лука": ("Лукич", "Лукинична"),
    "Савва": ("Саввич", "Саввична"),
    "Данила": ("Данилович", "Даниловна"),
    "Гаврила": ("Гаврилович", "Гавриловна"),
    "Лев": ("Львович", "Львовна"),
    "Павел": ("Павлович", "Павловна"),
    "Петр": ("Петрович", "Петровна"),
    "Пётр": ("Петрович", "Петровна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Яков": ("Яковлевич", "Яковлевна"),
}


def patronymic(father: str, *, female: bool) -> str:
    """The patronymic a son or daughter takes from the father's first name (Сергей →
    Сергеевич / Сергеевна, Дмитрий → Дмитриевич, Юрий → Юрьевна, Илья → Ильинична)."""
    irregular = _IRREGULAR_PATRONYMICS.get(father)
    if irregular is not None:
        return irregular[female]
    male_suffix, female_suffix = "ович", "овна"
    stem = father
    if father.endswith("ий"):
        stem = father[:-2]
        # After two consonants or г/к/х the и stays (Дмитриевич, Георгиевич); else it is ь.
        keeps_i = stem[-1] in "гкх" or not (_VOWELS & {stem[-1].lower(), stem[-2].lower()})
        prefix = "и" if keeps_i else "ь"
        male_suffix, female_suffix = prefix + "евич", prefix + "евна"
    elif father.endswith(("й", "ь")):
        # Андрей → Андреевич, Игорь → Игоревич.
        stem = father[:-1]
        male_suffix, female_suffix = "евич", "евна"
    elif father[-1] in "жшчщц":
        male_suffix, female_suffix = "евич", "евна"
    elif father[-1] in _VOWELS:
        raise ValueError(f"no patronymic rule for the name {father!r}")
    return stem + (female_suffix if female else male_suffix)


def feminine(surname: str) -> str:
    """The feminine form of a Russian surname (Петров → Петрова, Островский → Островская;
    Шевченко and other indeclinable ones stay as they are)."""
    if surname.endswith(("ский", "цкий", "ной")):
        return surname[:-2] + "ая"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname


_LATIN = (
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
    "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
)  # fmt: skip
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN, strict=True))


def transliterate(text: str) -> str:
    """Latin letters for a login (passport-style transliteration)."""
    return "".join(
        _TRANSLIT.get(char, char if char.isascii() and char.isalnum() else "")
        for char in text.lower()
    )


def login_for(name: PersonName) -> str:
    """A login from a name: surname and initials (Смирнова Ольга Ивановна → smirnova.oi)."""
    initials = transliterate(name.first)[:1] + transliterate(name.patronymic or "")[:1]
    return f"{transliterate(name.last)}.{initials}"


def parse_name(full_name: str) -> PersonName:
    """A full name written surname first ("Орлова Нина Петровна") as its parts."""
    last, first, *rest = full_name.split()
    return PersonName(last=last, first=first, patronymic=rest[0] if rest else None)


# --- drawing people ---------------------------------------------------------------------------


def _weights(table: dict[str, int]) -> OrderedDict[str, float]:
    return OrderedDict((name, float(weight)) for name, weight in table.items())


_BOYS, _GIRLS, _MEN, _WOMEN, _GRANDFATHERS = map(_weights, (BOYS, GIRLS, MEN, WOMEN, GRANDFATHERS))


@dataclass(frozen=True)
class Family:
    """A student and their parents as the school's records hold them."""

    child: PersonName
    female: bool
    birth_date: date
    mother: PersonName
    father: PersonName


class PeopleMaker:
    """Draws people from Faker's ``ru_RU`` locale; seeded, so the same seed gives the same
    people."""

    def __init__(self, seed: int) -> None:
        # Imported here: loading Faker's locales takes half a second, which every ``ejournal``
        # command would pay through ``ejournal.demo`` (that uses only the grammar above).
        from faker import Faker  # noqa: PLC0415

        self.faker: Faker = Faker("ru_RU")
        self.faker.seed_instance(seed)

    def _first(self, table: OrderedDict[str, float]) -> str:
        return str(self.faker.random_element(table))

    def surname(self) -> str:
        """A family's surname in its masculine form."""
        return str(self.faker.last_name_male())

    def adult(self, *, female: bool, surname: str | None = None) -> PersonName:
        """A grown-up: a parent or a member of staff."""
        last = surname or self.surname()
        return PersonName(
            last=feminine(last) if female else last,
            first=self._first(_WOMEN if female else _MEN),
            patronymic=patronymic(self._first(_GRANDFATHERS), female=female),
        )

    def family(self, grade: int, school_year_start: int) -> Family:
        """A student of a grade, born in the cohort's school-entry year, and their parents."""
        surname = self.surname()
        female = self.faker.boolean()
        father = self.adult(female=False, surname=surname)
        # Most mothers share the family name; some keep their own.
        mother_surname = surname if self.faker.random.random() < 0.9 else self.surname()
        child = PersonName(
            last=feminine(surname) if female else surname,
            first=self._first(_GIRLS if female else _BOYS),
            patronymic=patronymic(father.first, female=female),
        )
        return Family(
            child=child,
            female=female,
            birth_date=birth_date(self.faker.random.randrange(365), grade, school_year_start),
            mother=self.adult(female=True, surname=mother_surname),
            father=father,
        )

    def phone(self) -> str:
        """A Russian mobile number."""
        digits = self.faker.random.randrange(10**9)
        number = f"{digits:09d}"
        return f"+7 9{number[:2]} {number[2:5]}-{number[5:7]}-{number[7:]}"


def birth_date(day_of_year: int, grade: int, school_year_start: int) -> date:
    """A child of a grade is born between 1 September and 31 August of the cohort's year (they
    start school at 6½–8): ``day_of_year`` counts from that 1 September."""
    first = date(school_year_start - grade - 7, 9, 1)
    return first + timedelta(days=day_of_year % 365)
