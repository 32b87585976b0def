"""The catalogue of school subjects: a stable code and the Russian name printed in the journal.

A school may teach a subject that is not here; a journal then carries its own code and name.
"""

from __future__ import annotations

SUBJECTS: dict[str, str] = {
    "russian_language": "Русский язык",
    "literature": "Литература",
    "literary_reading": "Литературное чтение",
    "native_language": "Родной язык",
    "foreign_language": "Иностранный язык (английский)",
    "second_foreign_language": "Второй иностранный язык (немецкий)",
    "mathematics": "Математика",
    "algebra": "Алгебра",
    "geometry": "Геометрия",
    "probability": "Вероятность и статистика",
    "informatics": "Информатика",
    "world_around": "Окружающий мир",
    "history": "История",
    "social_studies": "Обществознание",
    "geography": "География",
    "biology": "Биология",
    "physics": "Физика",
    "chemistry": "Химия",
    "music": "Музыка",
    "fine_arts": "Изобразительное искусство",
    "technology": "Труд (технология)",
    "physical_education": "Физическая культура",
    "life_safety": "Основы безопасности и защиты Родины",
    "orkse": "Основы религиозных культур и светской этики",
    "odnknr": "Основы духовно-нравственной культуры народов России",
}

PASS_FAIL_SUBJECTS: frozenset[str] = frozenset({"orkse", "odnknr"})
"""Subjects taught without marks (безотметочное обучение), assessed "зач" or "незач": what a
regulation profile takes when it names none, which a school's own profile may change."""


def subject_name(code: str) -> str:
    """The Russian name of a catalogued subject, or the code itself for a school's own subject."""
    return SUBJECTS.get(code, code)
