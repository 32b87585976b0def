"""The aggregate cache's size is a setting (EJOURNAL_AGGREGATE_CACHE_SIZE), validated with the
others and handed to every school's application."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ejournal.application import School
from ejournal.settings import AGGREGATE_CACHE_SIZE, Settings
from ejournal.storage import school_env


def test_the_cache_size_comes_from_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}"
    assert Settings(database_url=url).aggregate_cache_size == AGGREGATE_CACHE_SIZE
    monkeypatch.setenv("EJOURNAL_AGGREGATE_CACHE_SIZE", "7")
    settings = Settings(database_url=url)
    assert settings.aggregate_cache_size == 7
    monkeypatch.delenv("EJOURNAL_AGGREGATE_CACHE_SIZE")
    school = School("cache", env=school_env(settings, "cache", create_table=True))
    try:
        assert school.cache_size == 7
    finally:
        school.close()
    monkeypatch.setenv("EJOURNAL_AGGREGATE_CACHE_SIZE", "0")
    with pytest.raises(ValidationError):
        Settings(database_url=url)
