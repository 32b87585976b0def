"""The ``ejournal`` command, run as a user runs it: settings from the environment, plain-English
output, exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ejournal.cli import app
from ejournal.commands import accounts
from ejournal.commands.access import system_actor
from ejournal.schools import open_school
from ejournal.settings import Settings

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Settings for a fresh SQLite directory; no stray .env file is read."""
    monkeypatch.chdir(tmp_path)
    return {
        "EJOURNAL_DATABASE_URL": f"sqlite:///{tmp_path}/db",
        "EJOURNAL_PASSWORD_HASHING": "cheapest",
        "EJOURNAL_SCHOOL": "demo",
        "EJOURNAL_PROFILE": "school77",
    }


def position(output: str) -> int:
    found = re.search(r"position (\d+)", output)
    assert found, output
    return int(found.group(1))


def test_demo_seeds_once_and_then_says_it_is_already_seeded(env: dict[str, str]) -> None:
    first = runner.invoke(app, ["demo"], env=env)
    assert first.exit_code == 0, first.output
    assert "Seeded the demo school 'demo'" in first.output
    assert "1А, 5А, 5Б, 9А" in first.output
    assert "ClassJournal.MarkRecorded" in first.output
    seeded_at = position(first.output)
    assert seeded_at > 1000

    second = runner.invoke(app, ["demo"], env=env)
    assert second.exit_code == 0, second.output
    assert "already seeded" in second.output
    assert "nothing was recorded" in second.output
    assert position(second.output) == seeded_at
    school = open_school(Settings(database_url=env["EJOURNAL_DATABASE_URL"]), "demo")
    try:
        assert school.position() == seeded_at
    finally:
        school.close()


def test_demo_reset_seeds_the_demo_afresh(env: dict[str, str]) -> None:
    first = runner.invoke(app, ["demo", "--school", "demo2", "--seed", "1"], env=env)
    assert first.exit_code == 0, first.output
    signed = runner.invoke(app, ["log", "checkpoint", "--school", "demo2"], env=env)
    assert signed.exit_code == 0, signed.output
    again = runner.invoke(app, ["demo", "--school", "demo2", "--seed", "2", "--reset"], env=env)
    assert again.exit_code == 0, again.output
    assert "Seeded the demo school 'demo2'" in again.output
    assert "(seed 2)" in again.output
    # The first log's checkpoints were set aside with it: the new log is not taken for a
    # rewritten one, so it is signed and verifies.
    signed = runner.invoke(app, ["log", "checkpoint", "--school", "demo2"], env=env)
    assert signed.exit_code == 0, signed.output
    verified = runner.invoke(app, ["log", "verify", "--school", "demo2"], env=env)
    assert verified.exit_code == 0, verified.output


def test_an_invalid_school_id_is_refused(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["migrate", "--school", "../etc"], env=env)
    assert result.exit_code == 2
    assert "invalid school id" in result.output


def test_migrate_creates_a_schools_storage_and_says_where(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["migrate", "--school", "lyceum68"], env=env)
    assert result.exit_code == 0, result.output
    assert "Migrated school 'lyceum68'" in result.output
    assert "lyceum68.sqlite" in result.output
    assert "holds 0 events" in result.output
    database = env["EJOURNAL_DATABASE_URL"].removeprefix("sqlite:///")
    assert (Path(database) / "lyceum68.sqlite").is_file()

    again = runner.invoke(app, ["migrate", "--school", "lyceum68"], env=env)
    assert again.exit_code == 0, again.output


def test_demo_refuses_a_school_that_holds_another_journal(env: dict[str, str]) -> None:
    school = open_school(Settings(database_url=env["EJOURNAL_DATABASE_URL"]), "real")
    try:
        accounts.register_account(
            school, system_actor(), accounts.RegisterAccount(login="admin", full_name="Иванова И.")
        )
    finally:
        school.close()

    for args in (["demo", "--school", "real"], ["demo", "--school", "real", "--reset"]):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 1, result.output
        assert "real" in result.output

    school = open_school(Settings(database_url=env["EJOURNAL_DATABASE_URL"]), "real")
    try:
        assert school.position() == 1
    finally:
        school.close()


def test_bad_settings_name_the_variable(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["migrate"], env={**env, "EJOURNAL_DATABASE_URL": "mysql://x"})
    assert result.exit_code == 2
    assert "EJOURNAL_DATABASE_URL" in result.output


@pytest.mark.parametrize("args", [[], ["demo"], ["migrate"]])
def test_every_command_has_help(args: list[str], env: dict[str, str]) -> None:
    result = runner.invoke(app, [*args, "--help"], env=env)
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
