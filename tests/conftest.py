"""Fixtures shared by every tier: the two storage backends and a fresh school per test.

PostgreSQL is the server at ``EJOURNAL_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/ejournal_test``). Where it cannot be reached its tests are
skipped, except in CI (``CI=true``), where a missing server fails the run instead of passing it
quietly.

The suite runs in parallel (pytest-xdist, ``-n auto --dist loadgroup`` in pyproject.toml): tests
are handed out one by one, except those that share something built once per module or per
session (``xdist_group`` below), which go to one worker together. ``-n 0`` runs it in one process.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import sql

from ejournal.storage import PostgresLocation, drop_school, parse_database_url

if TYPE_CHECKING:
    from collections.abc import Iterator

DEFAULT_TEST_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/ejournal_test"

SHARED_PER_SESSION = frozenset({"built_archive"})
"""Session fixtures slow enough to build that the tests using them go to one worker together
(the API templates are not among them: every worker needs its own)."""

SERIAL_MARKERS = ("faults",)
"""Tests that must not run beside each other (they start, kill and slow down real services):
one worker runs them, one after another."""


MEMORY_TEMPROOT = Path("/dev/shm")
"""Where the tests' temporary directories (every SQLite school, every copy of a template) go
when the machine has room there: a file system in memory, where a commit's fsync costs nothing
(on this machine's disk it costs ~4 ms, and a login alone commits three times)."""

MEMORY_TEMPROOT_ROOM = 4 * 1024**3
"""The free space the in-memory file system must have to be used (a container's default
/dev/shm of 64 MB has not): a passed test's directory is removed as it ends
(``tmp_path_retention_policy``), so a run holds a few templates and two tests' schools."""


def pytest_configure(config: pytest.Config) -> None:
    """Storage that is fast to commit to, for the tests only (nothing here reaches the
    product's defaults): temporary directories in memory where there is room (unless the run
    names its own: ``--basetemp`` or ``PYTEST_DEBUG_TEMPROOT``), and PostgreSQL commits that
    do not wait for their WAL to reach the disk (``synchronous_commit=off`` for this process's
    sessions and the services it starts: a commit is still atomic and visible at once; only an
    operating-system crash could lose the last few, and no test crashes the server's machine)."""
    if config.option.basetemp is None and "PYTEST_DEBUG_TEMPROOT" not in os.environ:
        with contextlib.suppress(OSError):
            room = os.statvfs(MEMORY_TEMPROOT)
            if room.f_bavail * room.f_frsize >= MEMORY_TEMPROOT_ROOM and os.access(
                MEMORY_TEMPROOT, os.W_OK
            ):
                os.environ["PYTEST_DEBUG_TEMPROOT"] = str(MEMORY_TEMPROOT)
    options = os.environ.get("PGOPTIONS", "")
    if "synchronous_commit" not in options:
        os.environ["PGOPTIONS"] = f"{options} -c synchronous_commit=off".strip()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: a worker per CPU, but none for a run of one or two files or tests (a
    worker's start-up, which collects the tests anew, would cost more than it saves)."""
    chosen = [arg for arg in config.args if not arg.startswith("-")]
    if chosen and len(chosen) <= 2 and all(".py" in arg for arg in chosen):
        return 0
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put the tests that share a module's or a session's fixture in an ``xdist_group`` (before
    pytest-xdist reads the groups): built once, on one worker, rather than once on each. The
    groups run first: each is long and goes to one worker, and started last it would keep that
    worker busy after the other had finished."""
    groups = {id(item): _group(item) for item in items}
    for item in items:
        group = groups[id(item)]
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=lambda item: groups[id(item)] is None)


def _group(item: pytest.Item) -> str | None:
    for marker in SERIAL_MARKERS:
        if item.get_closest_marker(marker) is not None:
            return marker
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    callspec = getattr(item, "callspec", None)
    for name in info.names_closure:
        definitions = info.name2fixturedefs.get(name)
        if not definitions:
            continue
        scope = definitions[-1].scope
        if scope in ("module", "class", "package"):
            group = item.nodeid.split("::", 1)[0]
            # A fixture made once per parameter (a backend): each its own group.
            if callspec is not None and name in callspec.params:
                group += f"[{callspec.params[name]}]"
            return group
        if scope == "session" and name in SHARED_PER_SESSION:
            return name
    return None


@pytest.fixture(autouse=True)
def _integrity_files(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signing keys and checkpoints of every test's schools go under a directory of that test,
    never into the checkout's ``var/`` (a service started by a test signs checkpoints)."""
    directory = tmp_path_factory.mktemp("integrity")
    monkeypatch.setenv("EJOURNAL_SIGNING_KEY_DIR", str(directory / "keys"))
    monkeypatch.setenv("EJOURNAL_CHECKPOINT_DIR", str(directory / "checkpoints"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A database URL naming a fresh, empty SQLite directory."""
    return f"sqlite:///{tmp_path}/db"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test PostgreSQL database's URL, once it answers (the database is created if missing)."""
    url = os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES_URL)
    location = parse_database_url(url)
    assert isinstance(location, PostgresLocation), f"not a PostgreSQL URL: {url}"
    try:
        _ensure_database(location)
    except psycopg.OperationalError as error:
        message = f"PostgreSQL at {url} is not reachable: {error}".strip()
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{message}\nCI must run the PostgreSQL tests: start the server.")
        pytest.skip(message)
    return url


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest) -> str:
    """Each storage backend in turn: a fresh SQLite directory, then the test PostgreSQL database."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def school_id(request: pytest.FixtureRequest) -> Iterator[str]:
    """A school id no other test uses; its PostgreSQL schema is dropped after the test."""
    school = "t" + uuid.uuid4().hex[:12]
    yield school
    # SQLite files live under tmp_path and go with it; only a PostgreSQL schema outlives the test.
    if "postgres_url" in request.fixturenames:
        drop_school(request.getfixturevalue("postgres_url"), school)


def _ensure_database(location: PostgresLocation) -> None:
    try:
        location.connect().close()
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise
    else:
        return
    maintenance = PostgresLocation(
        dbname="postgres",
        host=location.host,
        port=location.port,
        user=location.user,
        password=location.password,
    )
    # Another test worker may have created it first.
    with maintenance.connect() as conn, contextlib.suppress(psycopg.errors.DuplicateDatabase):
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(location.dbname)))
