"""``archive create`` without ``--year`` archives the year running now in the school's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scenario import build_world

from archive.creation import _current_year
from ejournal.clock import MovableClock
from ejournal.schools import open_school
from ejournal.settings import Settings


def test_the_current_year_is_the_schools_by_its_own_clock(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/db", _env_file=None)
    assert settings.timezone is None  # EJOURNAL_TIMEZONE unset: no zone of the deployment
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(open_school(settings, "now", clock=clock), clock)
    try:
        assert world.school.year_view("2026/2027").timezone == "Europe/Moscow"
        # 31 August 21:30 UTC is already 1 September in Moscow: the new year runs there.
        assert _current_year(world.school, datetime(2026, 8, 31, 21, 30, tzinfo=UTC), None) == (
            "2026/2027"
        )
        assert _current_year(world.school, datetime(2026, 12, 5, 12, tzinfo=UTC), None) == (
            "2026/2027"
        )
        # A year the school never set up is only a guess, named by the error that follows.
        assert _current_year(world.school, datetime(2028, 1, 5, tzinfo=UTC), None) == "2027/2028"
    finally:
        world.school.close()
