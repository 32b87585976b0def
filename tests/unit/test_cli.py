"""The ``ejournal`` command, run as a user runs it: settings from the environment, plain-English
output, exit codes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import Result
from tcp_proxy import free_port
from typer.testing import CliRunner

from ejournal.access import system_actor
from ejournal.cli import app
from ejournal.commands import accounts
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
    # Then the school's key is named in the log and a checkpoint covers it all.
    assert f"Signed a checkpoint of 'demo''s log: {seeded_at + 1} events" in first.output

    second = runner.invoke(app, ["demo"], env=env)
    assert second.exit_code == 0, second.output
    assert "already seeded" in second.output
    assert "nothing was recorded" in second.output
    assert position(second.output) == seeded_at + 1
    school = open_school(Settings(database_url=env["EJOURNAL_DATABASE_URL"]), "demo")
    try:
        assert school.position() == seeded_at + 1
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


# --- what goes wrong is one sentence, never a traceback -----------------------------------------


def said(result: Result, code: int) -> str:
    """The one line a failed command wrote to stderr, checked: the exit code, no traceback."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not an uncaught error
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ejournal: ")
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    "args", [["demo"], ["migrate"], ["demo", "--students", "30", "--weeks", "1"]]
)
def test_an_unknown_profile_is_refused_naming_the_known_ones(
    args: list[str], env: dict[str, str]
) -> None:
    result = runner.invoke(app, args, env={**env, "EJOURNAL_PROFILE": "demo"})

    line = said(result, 2)
    assert "EJOURNAL_PROFILE" in line
    assert "'demo'" in line
    assert "lyceum68, school117, school77" in line
    assert not Path(env["EJOURNAL_DATABASE_URL"].removeprefix("sqlite:///")).exists()


def test_a_profile_of_a_schools_own_is_a_file(env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "ours.toml"
    broken.write_text("id = 'ours'\n", encoding="utf-8")

    result = runner.invoke(app, ["migrate"], env={**env, "EJOURNAL_PROFILE": str(broken)})

    line = said(result, 2)
    assert f"EJOURNAL_PROFILE: the profile '{broken}' cannot be used: 12 problem(s)" in line


COMMANDS_ON_A_SCHOOL = [["demo"], ["migrate"], ["projections", "status"], ["log", "verify"]]


@pytest.mark.parametrize("args", COMMANDS_ON_A_SCHOOL, ids=" ".join)
def test_a_data_directory_that_cannot_be_made_is_named(
    args: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    url = f"sqlite:///{tmp_path}/a-file/db"

    line = said(runner.invoke(app, args, env={**env, "EJOURNAL_DATABASE_URL": url}), 1)

    if args == ["log", "verify"]:  # it makes nothing: there is no school to verify
        assert line == "ejournal: no school 'demo' in this deployment"
    else:
        assert line == f"ejournal: cannot use {tmp_path}/a-file/db: Not a directory"


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Make files and directories read-only for this process: by their mode, or, for root
    (whom modes do not stop), by the immutable attribute."""
    if os.geteuid() != 0:
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
    else:
        subprocess.run(["chattr", "+i", *map(str, paths)], check=True)
    try:
        with pytest.raises(PermissionError):  # the premise: nothing can be written there now
            (paths[0] / "probe").touch()
        yield
    finally:
        if os.geteuid() != 0:
            for path in paths:
                path.chmod(0o755 if path.is_dir() else 0o644)
        else:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


@pytest.mark.parametrize("args", COMMANDS_ON_A_SCHOOL, ids=" ".join)
def test_a_read_only_data_directory_is_said_in_a_sentence(
    args: list[str], env: dict[str, str]
) -> None:
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
    directory = Path(env["EJOURNAL_DATABASE_URL"].removeprefix("sqlite:///"))

    with read_only(directory, directory / "demo.sqlite"):
        result = runner.invoke(app, args, env=env)

    line = said(result, 1)
    assert f"the database at {env['EJOURNAL_DATABASE_URL']} cannot be reached or written" in line


def test_a_new_school_in_a_read_only_directory_is_said_in_a_sentence(
    env: dict[str, str], tmp_path: Path
) -> None:
    parent = tmp_path / "ro"
    parent.mkdir()
    url = f"sqlite:///{parent}/db"

    with read_only(parent):
        result = runner.invoke(app, ["migrate"], env={**env, "EJOURNAL_DATABASE_URL": url})

    line = said(result, 1)
    assert f"cannot use {parent}/db" in line


@pytest.mark.postgres
@pytest.mark.parametrize("args", COMMANDS_ON_A_SCHOOL, ids=" ".join)
def test_a_database_server_that_does_not_answer_is_said_in_a_sentence(
    args: list[str], env: dict[str, str]
) -> None:
    url = f"postgresql://postgres:secret@127.0.0.1:{free_port()}/ejournal_test"

    line = said(runner.invoke(app, args, env={**env, "EJOURNAL_DATABASE_URL": url}), 1)

    assert "cannot be reached" in line
    assert "Connection refused" in line
    assert "secret" not in line


LISTING = """
import sys
sys.argv = ["ejournal", *sys.argv[1:]]
import ejournal.cli
try:
    ejournal.cli.app()
except SystemExit:
    pass
sys.stdout = sys.__stdout__
print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""
"""Runs ``ejournal ARGS`` in a fresh interpreter and prints, on stderr, every module it loaded."""

HEAVY = ("weasyprint", "fastapi", "uvicorn", "starlette", "psycopg", "eventsourcing", "openpyxl")
"""What only some commands need: rendering, the web app and its server, the storage."""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["archive", "verify", "--help"],
        ["archive", "--help"],
        ["log", "verify", "--help"],
        ["serve", "--help"],
        ["bench", "--help"],
        ["projections", "rebuild", "--help"],
    ],
)
def test_help_loads_neither_weasyprint_nor_the_web_app_nor_the_storage(args: list[str]) -> None:
    """Every ``ejournal`` call lists every command; listing them, or asking one for its help,
    must not import what only running one command needs (issue 13 §15: a small ``archive
    verify`` took 14 s; issue 17 item 4: ``--help`` took 1.3 s of imports). The plugins'
    ``cli`` modules (typer only) are the one part of ``api``, ``archive`` and ``bench`` loaded."""
    done = subprocess.run(
        [sys.executable, "-c", LISTING, *args], capture_output=True, text=True, check=True
    )
    assert "Usage" in done.stdout
    loaded = done.stderr.split()
    assert [m for m in loaded if m.split(".")[0] in HEAVY] == []
    outer = [m for m in loaded if m.split(".")[0] in ("api", "archive", "bench", "web")]
    assert set(outer) <= {"api", "api.cli", "archive", "archive.cli", "bench", "bench.cli"}
    domain = [m for m in loaded if m.startswith("ejournal.")]
    assert set(domain) <= {"ejournal.cli", "ejournal.exits", "ejournal.integrity",
                           "ejournal.integrity.cli"}  # fmt: skip


def test_the_benchmarks_section_names_are_the_suites() -> None:
    from bench.cli import SECTION_NAMES  # noqa: PLC0415 - the suite is heavy; only this test
    from bench.suite import SECTIONS  # noqa: PLC0415

    assert tuple(name for name, _ in SECTIONS) == SECTION_NAMES
