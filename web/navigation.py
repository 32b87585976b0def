"""Which pages each role has: its home page and the links of its navigation.

One table, so a role's pages are added in one place (each page family's module registers its
role here by editing this table). A role with no pages yet gets the common home page, which
says so and points to the API.
"""

from __future__ import annotations

from dataclasses import dataclass

from ejournal.roles import Role


@dataclass(frozen=True)
class NavItem:
    """A link of the navigation: where it goes and what it says."""

    path: str
    label: str


NAVIGATION: dict[Role, tuple[NavItem, ...]] = {
    Role.TEACHER: (
        NavItem("/teacher", "Уроки сегодня"),
        NavItem("/teacher/journals", "Мои журналы"),
    ),
    Role.CLASS_TEACHER: (
        NavItem("/class-teacher", "Пропуски класса"),
        NavItem("/class-teacher/students", "Ученики и родители"),
        NavItem("/class-teacher/sheets", "Ведомости"),
    ),
    Role.DEPUTY: (
        NavItem("/deputy", "Ведение журналов"),
        NavItem("/audit", "Журнал изменений"),
        NavItem("/inspector", "История журналов"),
    ),
    Role.AUDITOR: (
        NavItem("/audit", "Журнал изменений"),
        NavItem("/inspector", "История журналов"),
    ),
    Role.INSPECTOR: (NavItem("/inspector", "История журналов"),),
    Role.DIRECTOR: (
        NavItem("/audit", "Журнал изменений"),
        NavItem("/inspector", "История журналов"),
    ),
    Role.ADMINISTRATOR: (
        NavItem("/administration", "Учебный год"),
        NavItem("/administration/imports", "Импорт"),
        NavItem("/audit", "Журнал изменений"),
    ),
    Role.PARENT: (NavItem("/family", "Мои дети"),),
    Role.STUDENT: (NavItem("/family", "Мой дневник"),),
}
"""A role's navigation; the first item is the role's home page."""

ROLE_ORDER = (
    Role.TEACHER,
    Role.CLASS_TEACHER,
    Role.DEPUTY,
    Role.DIRECTOR,
    Role.ADMINISTRATOR,
    Role.SECRETARY,
    Role.AUDITOR,
    Role.INSPECTOR,
    Role.ARCHIVIST,
    Role.PSYCHOLOGIST,
    Role.PARENT,
    Role.STUDENT,
)
"""The role a person with several acts in until they choose another: their daily work first."""

COMMON_HOME = "/home"


def home_of(role: Role) -> str:
    """The page ``/`` leads a person acting in ``role`` to."""
    items = NAVIGATION.get(role)
    return items[0].path if items else COMMON_HOME


def navigation_of(role: Role) -> tuple[NavItem, ...]:
    return NAVIGATION.get(role, (NavItem(COMMON_HOME, "Главная"),))


def default_role(roles: frozenset[Role]) -> Role | None:
    """The role a person acts in when they have not chosen one (or no longer hold it)."""
    return next((role for role in ROLE_ORDER if role in roles), None)
