"""Deterministic ids for aggregates that have a natural key within a school's log.

A school year, an account (by login) and a class journal (by year, class, subject, subgroup) can be
found again from their natural key without a lookup table, and opening one twice collides on its
first version instead of creating a duplicate.
"""

from __future__ import annotations

from uuid import UUID, uuid5

NAMESPACE = UUID("6f0d3a52-5c1e-4f7e-9a43-0a1f6c7e2b91")


def school_year_id(label: str) -> UUID:
    """The SchoolYear aggregate of a year labelled like "2026/2027"."""
    return uuid5(NAMESPACE, f"school-year/{label}")


def account_id(login: str) -> UUID:
    """The Account aggregate of a login (logins are unique within a school)."""
    return uuid5(NAMESPACE, f"account/{login.strip().lower()}")


def journal_id(year_label: str, class_code: str, subject: str, subgroup: str | None) -> UUID:
    """The ClassJournal of one subject in one class (or one subgroup of it) in one year."""
    return uuid5(NAMESPACE, f"journal/{year_label}/{class_code}/{subject}/{subgroup or '-'}")
