"""Finding what a row names in the record: the school year, a class as people type it ("5а",
"5 A" with a latin letter), and a class's journal by subject (code or Russian name) and
subgroup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.aggregates.school_year import SchoolYear
from ejournal.application import School
from ejournal.errors import NotFoundError
from ejournal.imports.columns import Sheet, normal
from ejournal.imports.report import ImportFileError
from ejournal.imports.table import Row
from ejournal.subjects import subject_name

_LATIN_LOOKALIKES = str.maketrans("ABCEHKMOPTXabcehkmoptx", "АВСЕНКМОРТХавсенкмортх")


def school_year(school: School, label: str, *, open_only: bool = False) -> SchoolYear:
    """The year an import is for; a year not set up (or, for what only an open year takes,
    a closed one) refuses the whole file."""
    try:
        year = school.year_view(label)
    except NotFoundError:
        raise ImportFileError(f"учебный год {label} не заведён в журнале") from None
    if open_only and year.closed:
        raise ImportFileError(f"учебный год {label} закрыт: в него больше ничего не записывается")
    return year


def _class_key(code: str) -> str:
    return normal(code.replace(" ", "").translate(_LATIN_LOOKALIKES))


def class_code(
    sheet: Sheet, row: Row, key: str, year: SchoolYear, *, value: str | None = None
) -> str | None:
    """The code of a class of the year a cell names (or ``value``, a part of the cell), or None
    with the row's problem said."""
    if value is None:
        value = sheet.text(row, key, 100)
    if value is None:
        return None
    codes = {_class_key(code): code for code in year.classes}
    found = codes.get(_class_key(value))
    if found is None:
        known = ", ".join(sorted(year.classes)) or "нет ни одного"
        sheet.problem(row, key, f"класса «{value}» нет в {year.label} учебном году (есть: {known})")
    return found


@dataclass(frozen=True)
class JournalChoice:
    journal_id: UUID
    subject: str
    subgroup: str | None


def _subject_keys(journal: ClassJournal) -> set[str]:
    names = {journal.subject, journal.subject_name, subject_name(journal.subject)}
    # "Иностранный язык" names "Иностранный язык (английский)" as well.
    names |= {n.split("(")[0] for n in names}
    return {normal(n) for n in names if n}


def journal_of(
    school: School,
    sheet: Sheet,
    row: Row,
    year: SchoolYear,
    class_code: str,
    subject_key: str,
    subgroup_key: str,
    visible: Callable[[ClassJournal], bool] = lambda _: True,
) -> ClassJournal | None:
    """The class's journal of a subject (and subgroup) among those ``visible`` to the importer
    (one it may not see is missing, and so is its name); None with the row's problem said."""
    subject = sheet.text(row, subject_key, 200)
    subgroup = sheet.text(row, subgroup_key, 16, required=False)
    if subject is None:
        return None
    journals = [
        journal
        for journal in (
            school.view(ClassJournal, jid, "journal")
            for jid in sorted(year.journals_of(class_code))
        )
        if visible(journal)
    ]
    of_subject = [j for j in journals if normal(subject) in _subject_keys(j)]
    if not of_subject:
        known = ", ".join(sorted({j.subject_name for j in journals})) or "ни одного"
        sheet.problem(
            row,
            subject_key,
            f"у класса {class_code} нет журнала по предмету «{subject}» (есть: {known})",
        )
        return None
    if subgroup is not None:
        chosen = [j for j in of_subject if j.subgroup and normal(j.subgroup) == normal(subgroup)]
        if not chosen:
            groups = ", ".join(sorted(j.subgroup for j in of_subject if j.subgroup)) or "нет"
            sheet.problem(
                row,
                subgroup_key,
                f"у предмета «{subject}» в классе {class_code} нет подгруппы «{subgroup}»"
                f" (подгруппы: {groups})",
            )
            return None
        return chosen[0]
    whole = [j for j in of_subject if j.subgroup is None]
    if whole:
        return whole[0]
    groups = ", ".join(sorted(j.subgroup or "" for j in of_subject))
    sheet.problem(
        row,
        subgroup_key,
        f"предмет «{subject}» в классе {class_code} ведётся по подгруппам ({groups}):"
        " укажите подгруппу",
    )
    return None
