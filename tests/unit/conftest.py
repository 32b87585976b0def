"""Unit-tier fixtures: a school on a real SQLite file, and the scenario world built on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scenario import World, build_world, sqlite_school

from ejournal.clock import MovableClock


@pytest.fixture
def make_world(tmp_path: Path) -> Callable[[str], World]:
    """Build the scenario school under a given regulation profile."""

    def make(profile: str = "school77") -> World:
        clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
        return build_world(sqlite_school(tmp_path / f"{profile}.sqlite", clock), clock, profile)

    return make


@pytest.fixture
def world(make_world: Callable[[str], World]) -> World:
    return make_world("school77")
