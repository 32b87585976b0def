"""``ejournal archive create|verify|repair`` run as an operator runs them: the real ``ejournal``
command with its plugins, settings from the environment, the archive's id on stdout, exit codes
0 / 2 / 3, the ``--json`` report, and every verification and repair recorded in the school's log.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from click.testing import Result
from tcp_proxy import free_port
from typer.testing import CliRunner

from archive.cli import creation_progress
from ejournal.aggregates.archive_register import ArchiveRegister, archive_register_id
from ejournal.cli import app
from ejournal.integrity.checkpoint import VerifierKey

if TYPE_CHECKING:
    from tests.archive.conftest import ArchiveSchool, BuiltArchive  # fixtures' types

runner = CliRunner()
PDF = "data/documents/journal-5A.pdf"


def ejournal(env: dict[str, str], *args: str) -> Result:
    return runner.invoke(app, list(args), env=env)


def report(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def named(data: dict[str, Any]) -> list[tuple[str | None, str | None, str]]:
    return [(p["store"], p["file"], p["kind"]) for p in data["problems"]]


def snapshot(*roots: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for root in roots for p in root.rglob("*") if p.is_file()}


def flip_bit(path: Path) -> None:
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x04
    path.write_bytes(bytes(content))


def test_create_then_damage_repair_and_verify_on_a_directory_and_an_s3_bucket(
    archive_school: ArchiveSchool, tmp_path: Path, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite and on PostgreSQL: the stores are a directory and an S3 bucket."""
    monkeypatch.chdir(tmp_path)
    env = {
        "EJOURNAL_DATABASE_URL": archive_school.settings.database_url,
        "EJOURNAL_SIGNING_KEY_DIR": str(tmp_path / "keys"),
        "EJOURNAL_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
        "EJOURNAL_SCHOOL": archive_school.school_id,
    }
    school_id = archive_school.school_id
    directory, bucket = str(tmp_path / "archive-a"), f"s3://{s3_bucket}/archives"
    stores = ["--store", directory, "--store", bucket]
    created = ejournal(
        env, "archive", "create", *stores, "--year", "2026/2027", "--period", "Q1",
        "--workers", "1",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    archive_id = created.stdout.strip()
    assert re.fullmatch(rf"{school_id}-2026-2027-Q1-\d+", archive_id), created.stdout
    assert "healthy on 2 stores" in created.stderr
    # The archive's record in the log is covered by a checkpoint the command signed itself:
    # nothing waits for the service's notary (which `log verify` would exit 3 on).
    logged = ejournal(env, "log", "verify")
    assert logged.exit_code == 0, logged.output

    healthy = ejournal(env, "archive", "verify", archive_id, *stores)
    assert healthy.exit_code == 0, healthy.output
    assert ejournal(env, "log", "verify").exit_code == 0
    assert f"archive {archive_id}: healthy" in healthy.stdout

    client = boto3.client("s3")
    key = f"archives/{archive_id}/{PDF}"
    damaged = bytearray(client.get_object(Bucket=s3_bucket, Key=key)["Body"].read())
    damaged[len(damaged) // 2] ^= 0x01
    client.put_object(Bucket=s3_bucket, Key=key, Body=bytes(damaged))

    found = ejournal(env, "archive", "verify", archive_id, *stores, "--json")
    assert found.exit_code == 2, found.output
    assert named(report(found)) == [(bucket, PDF, "checksum mismatch")]
    assert report(found)["live_log"]["consistent"] is True

    repaired = ejournal(env, "archive", "repair", archive_id, *stores)
    assert repaired.exit_code == 0, repaired.output
    assert f"restored {PDF} on {bucket} from {directory}" in repaired.stderr

    assert ejournal(env, "log", "verify").exit_code == 0  # the repair's records are signed

    again = ejournal(env, "archive", "verify", archive_id, *stores, "--json")
    assert again.exit_code == 0, again.output
    assert report(again)["problems"] == []

    events = list(archive_school.world.school.events.get(archive_register_id(archive_id)))
    assert [type(e).__name__ for e in events] == [
        "ArchiveCreated",
        "ArchiveVerified",  # healthy
        "ArchiveVerified",  # the damage found
        "ArchiveVerified",  # repair's look before it wrote
        "ArchiveRepaired",
        "ArchiveVerified",  # repair's look after
        "ArchiveVerified",  # healthy again
    ]
    created_event = events[0]
    assert isinstance(created_event, ArchiveRegister.ArchiveCreated)
    assert created_event.stores == (directory, bucket)
    damage = events[2]
    assert isinstance(damage, ArchiveRegister.ArchiveVerified)
    assert damage.outcome.value == "damaged but repairable"
    assert [(p.store, p.file, p.kind.value) for p in damage.problems] == [
        (bucket, PDF, "checksum mismatch")
    ]
    repair_event = events[4]
    assert isinstance(repair_event, ArchiveRegister.ArchiveRepaired)
    assert [(r.file, r.from_store, r.to_store) for r in repair_event.restored] == [
        (PDF, directory, bucket)
    ]
    assert repair_event.actor.role.value == "system"


def test_verify_names_a_missing_file_and_repair_restores_it(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(archive_copies[0].parent)
    a, b = map(str, archive_copies)
    (archive_copies[0] / built_archive.archive_id / PDF).unlink()
    before = built_archive.school.world.school.position()

    found = ejournal(
        built_archive.env(), "archive", "verify", built_archive.archive_id,
        "--store", a, "--store", b, "--json",
    )  # fmt: skip

    assert found.exit_code == 2, found.output
    data = report(found)
    assert data["outcome"] == "damaged but repairable"
    assert data["exit_code"] == 2
    assert named(data) == [(a, PDF, "missing")]
    assert [(s["url"], s["healthy"]) for s in data["stores"]] == [(a, False), (b, True)]
    assert data["repairs"][0]["file"] == PDF
    assert data["recorded_at_position"] > before

    repaired = ejournal(
        built_archive.env(), "archive", "repair", built_archive.archive_id,
        "--store", a, "--store", b, "--json",
    )  # fmt: skip

    assert repaired.exit_code == 0, repaired.output
    assert report(repaired)["outcome"] == "healthy"


def test_both_copies_damaged_exits_3_and_repair_writes_nothing(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(archive_copies[0].parent)
    a, b = map(str, archive_copies)
    for copy in archive_copies:
        flip_bit(copy / built_archive.archive_id / "data/events.jsonl")
    before = snapshot(*archive_copies)
    stores = ["--store", a, "--store", b]

    found = ejournal(
        built_archive.env(), "archive", "verify", built_archive.archive_id, *stores, "--json"
    )
    repaired = ejournal(built_archive.env(), "archive", "repair", built_archive.archive_id, *stores)

    assert found.exit_code == 3, found.output
    assert sorted(named(report(found))) == [
        (a, "data/events.jsonl", "checksum mismatch"),
        (b, "data/events.jsonl", "checksum mismatch"),
    ]
    assert repaired.exit_code == 3, repaired.output
    assert "Nothing was written" in repaired.stdout
    assert snapshot(*archive_copies) == before


def test_verify_works_offline_from_one_copy_alone(
    built_archive: BuiltArchive, archive_copies: tuple[Path, Path], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A copy of one store on another machine: no database, no service, only the archive."""
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "usb-stick"
    shutil.copytree(archive_copies[1], elsewhere)
    key_file = tmp_path / "school.vkey"
    key_file.write_bytes(
        (elsewhere / built_archive.archive_id / "data/checkpoint.vkey").read_bytes()
    )
    offline = {"EJOURNAL_DATABASE_URL": f"sqlite:///{tmp_path}/nothing-here"}

    alone = ejournal(
        offline, "archive", "verify", built_archive.archive_id, "--store", str(elsewhere), "--json"
    )
    pinned = ejournal(
        offline, "archive", "verify", built_archive.archive_id, "--store", str(elsewhere),
        "--public-key", str(key_file), "--json",
    )  # fmt: skip

    # Whole and anchored, but one copy is not two media (Gymnasium 2 §10.3): exit 2, said.
    assert alone.exit_code == 2, alone.output
    data = report(alone)
    assert named(data) == [(None, None, "too few stores")]
    assert data["stores"][0]["healthy"] is True
    assert data["live_log"]["checked"] is False
    assert "checked from the archive alone" in data["live_log"]["detail"]
    assert data["recorded_at_position"] is None
    assert "not pinned" in data["anchor"]["key_source"]
    assert pinned.exit_code == 2, pinned.output
    assert report(pinned)["anchor"]["key_source"] == f"the key in {key_file}"
    assert not (tmp_path / "nothing-here").exists()  # nothing was created to check against


def test_what_the_command_cannot_do_exits_1_with_a_sentence(
    built_archive: BuiltArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = built_archive.env()

    bad_store = ejournal(env, "archive", "verify", built_archive.archive_id, "--store", "ftp://x")
    no_store = ejournal(env, "archive", "verify", built_archive.archive_id)
    two = ["--store", str(tmp_path / "a"), "--store", str(tmp_path / "b")]
    bad_year = ejournal(env, "archive", "create", *two, "--year", "2030/2031")
    existing = ejournal(
        env, "archive", "create", *two, "--year", "2026/2027", "--period", "Q9",
    )  # fmt: skip

    assert bad_store.exit_code == 1
    assert no_store.exit_code == 1  # not 2: that would read as "damaged but repairable"
    assert "--store" in no_store.stderr
    assert "s3://bucket/prefix" in bad_store.stderr
    assert bad_year.exit_code == 1
    assert "no school year 2030/2031" in bad_year.stderr
    assert existing.exit_code == 1
    assert "no period 'Q9'" in existing.stderr


@pytest.mark.parametrize(
    "stores",
    [["a"], ["a", "a"], ["a", "./a/"], ["a", "file://{tmp}/a"]],
    ids=["one", "twice", "relative", "as-url"],
)
def test_create_refuses_fewer_than_two_distinct_stores(
    built_archive: BuiltArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stores: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    before = built_archive.school.world.school.position()
    options = [arg for url in stores for arg in ("--store", url.format(tmp=tmp_path))]

    result = ejournal(built_archive.env(), "archive", "create", *options, "--period", "Q1")

    line = said(result, 1)
    assert "at least 2 distinct stores" in line
    assert "Gymnasium 2 §10.3" in line
    assert not (tmp_path / "a").exists()
    assert built_archive.school.world.school.position() == before  # nothing signed or recorded


def key_fingerprint(built: BuiltArchive, copy: Path) -> str:
    vkey = (copy / built.archive_id / "data/checkpoint.vkey").read_text()
    return VerifierKey.from_text(vkey).fingerprint


@pytest.mark.parametrize("form", ["printed", "bare-hex"])
def test_verify_pins_the_key_by_its_fingerprint(
    built_archive: BuiltArchive,
    archive_copies: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    form: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    printed = key_fingerprint(built_archive, archive_copies[0])
    assert printed.startswith("SHA256:")
    given = printed if form == "printed" else printed.removeprefix("SHA256:").replace(" ", "")
    offline = {"EJOURNAL_DATABASE_URL": f"sqlite:///{tmp_path}/nothing-here"}
    stores = [arg for copy in archive_copies for arg in ("--store", str(copy))]

    result = ejournal(
        offline, "archive", "verify", built_archive.archive_id, *stores,
        "--public-key", given, "--json",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    data = report(result)
    assert data["anchor"]["key_source"] == f"the key with fingerprint {printed}"
    assert data["documents"]["checked"] is True


def test_verify_refuses_a_wrong_fingerprint_and_a_malformed_one(
    built_archive: BuiltArchive,
    archive_copies: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    offline = {"EJOURNAL_DATABASE_URL": f"sqlite:///{tmp_path}/nothing-here"}
    stores = [arg for copy in archive_copies for arg in ("--store", str(copy))]
    genuine = key_fingerprint(built_archive, archive_copies[0]).removeprefix("SHA256:")
    wrong = "SHA256:" + ("0000" if not genuine.startswith("0000") else "1111") + genuine[4:]

    refused = ejournal(
        offline, "archive", "verify", built_archive.archive_id, *stores,
        "--public-key", wrong, "--json",
    )  # fmt: skip
    malformed = ejournal(
        offline, "archive", "verify", built_archive.archive_id, *stores,
        "--public-key", "SHA256:not a fingerprint",
    )  # fmt: skip

    assert refused.exit_code == 3, refused.output
    data = report(refused)
    assert sorted(set(named(data))) == [
        (str(copy), "data/checkpoint.vkey", "anchor mismatch") for copy in archive_copies
    ]
    assert data["anchor"] is None  # no checkpoint was taken on a key nobody vouched for
    assert "neither a key file nor a key's fingerprint" in said(malformed, 1)


def said(result: Result, code: int) -> str:
    """The one line a failed archive command wrote to stderr, checked: no traceback."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ejournal archive: ")
    return lines[0]


@pytest.mark.parametrize("command", ["verify", "repair"])
def test_an_archive_no_store_holds_is_no_such_archive_not_damage(
    built_archive: BuiltArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    stores = [tmp_path / "a", tmp_path / "b"]
    stores[0].mkdir()

    result = ejournal(
        built_archive.env(), "archive", command, built_archive.archive_id,
        "--store", str(stores[0]), "--store", str(stores[1]), "--json",
    )  # fmt: skip

    line = said(result, 4)
    assert f"no store holds an archive {built_archive.archive_id!r}" in line
    assert result.stdout == ""
    assert list(stores[0].iterdir()) == []  # nothing was written to "repair" it
    assert not stores[1].exists()


@pytest.fixture(params=["nothing-listens", "no-such-bucket"])
def unreachable_s3(
    request: pytest.FixtureRequest, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> str:
    """An S3 store that cannot be used: an endpoint where nothing listens, or a bucket the
    (real, moto) endpoint does not have."""
    endpoint = moto_endpoint
    if request.param == "nothing-listens":
        endpoint = f"http://127.0.0.1:{free_port()}"
    for name, value in {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    return f"s3://no-bucket-{uuid.uuid4().hex[:8]}/archives"


@pytest.mark.parametrize("command", ["verify", "repair"])
def test_a_store_that_cannot_be_reached_exits_5_naming_it(
    built_archive: BuiltArchive,
    archive_copies: tuple[Path, Path],
    unreachable_s3: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    healthy = archive_copies[0]
    before = snapshot(healthy)

    result = ejournal(
        built_archive.env(), "archive", command, built_archive.archive_id,
        "--store", str(healthy), "--store", unreachable_s3,
    )  # fmt: skip

    line = said(result, 5)
    assert unreachable_s3 in line
    assert snapshot(healthy) == before


def test_verify_documents_its_exit_codes() -> None:
    result = runner.invoke(app, ["archive", "verify", "--help"], env={"COLUMNS": "200"})

    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for meaning in (
        "0 healthy",
        "2 damaged but repairable",
        "3 not repairable",
        "4 no such archive",
        "5 a store cannot be reached",
    ):
        assert meaning in text


def test_the_archive_commands_are_part_of_ejournal() -> None:
    result = runner.invoke(app, ["archive", "--help"])

    assert result.exit_code == 0
    for command in ("create", "verify", "repair"):
        assert command in result.stdout


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr on an operator's console does."""

    def isatty(self) -> bool:
        return True


def test_create_draws_a_bar_of_documents_rendered_only_on_a_terminal() -> None:
    terminal, log = Terminal(), io.StringIO()

    with creation_progress(quiet=False, stream=terminal) as (say, rendering):
        assert rendering is not None
        rendering(0, 7, 0)
        rendering(4, 7, 23)
        say("recorded the documents")
        rendering(7, 7, 41)
    with creation_progress(quiet=False, stream=log) as (say, rendering):
        say("wrote the log")
        assert rendering is None  # a log or a pipe gets the steps, not a bar
    with creation_progress(quiet=True) as (say, rendering):
        say("nothing")
        assert rendering is None

    drawn = terminal.getvalue()
    assert "documents rendered" in drawn
    assert "7/7" in drawn
    assert "(41 pages)" in drawn  # the pages the rendered documents make, as they are known
    assert "recorded the documents" in drawn
    assert log.getvalue() == "wrote the log\n"


def test_verify_does_not_load_weasyprint() -> None:
    """`archive verify` runs on an archivist's machine from one copy: the renderer (and the
    progress bar) load with `create` only."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    probe = (
        "import sys, archive.cli, archive.verification, archive.repair;"
        "print(sorted(m for m in ('weasyprint', 'rich.progress', 'fastapi', 'pypdf')"
        " if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()

    assert loaded == "[]"
