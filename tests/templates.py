"""Worlds built once per test session and copied for each test, so that a test gets a school of
its own without rebuilding it through the commands.

A template school is built through the real command path (the scenario world and whatever a tier
adds to it) under the school id ``template``, its read models brought up to its log, and its
storage closed. Nothing in a school's storage names its id (the events, read models and
credentials do not; only the PostgreSQL schema's name and the signing key's file do), so a copy
is a school of any id:

* SQLite: the template's file is copied as ``<directory>/<school>.sqlite``;
* PostgreSQL: the template lives alone in a database of its own; a copy is a new database made
  from it (``CREATE DATABASE ... TEMPLATE``, a block copy, far cheaper than the ~170 statements
  that set a school's tables up), whose schema is renamed to the test's school. The copy is
  dropped after the test, in a thread of its own: ``DROP DATABASE`` waits for a checkpoint.

The first checkpoint names the school's signing key, whose name holds the school id: a copy is
signed after it is opened, as a fresh school would be.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql
from scenario import World

from api.deployment import Deployment, SchoolServices
from ejournal.application import School
from ejournal.clock import MovableClock
from ejournal.roles import Actor
from ejournal.settings import Settings
from ejournal.storage import PostgresLocation, parse_database_url, school_schema

TEMPLATE_SCHOOL = "template"
"""The id the template school is built under (a valid school id no test uses)."""

Builder = Callable[[SchoolServices, MovableClock], tuple[World, dict[str, Actor]]]
"""Builds a template's world on its freshly set-up school (services) and clock; answers the
world and the people a test acts as, by name."""

Build = Callable[[Path, str], "Template"]
"""Builds the template school (id TEMPLATE_SCHOOL) at a database URL, closes it and answers what
a copy needs; given a directory of its own for anything else it writes."""


@dataclass
class Template:
    """A built world's ids and its clock's time; ``copy`` gives each test a world of its own."""

    world: World
    actors: dict[str, Actor]
    now: datetime
    data: dict[str, Any] = field(default_factory=dict)
    """Whatever else a tier keeps of its template."""

    def world_on(self, school: School, clock: MovableClock) -> World:
        """The template's world over a copy's open school and its clock (which must stand
        where the template's stood, ``now``: the log's times only move forward from there)."""
        return replace(
            self.world,
            school=school,
            clock=clock,
            journals=dict(self.world.journals),
            students=list(self.world.students),
            first_graders=list(self.world.first_graders),
        )


def service_template(builder: Builder) -> Build:
    """A template school as the service sets a school up (its read models, credentials and
    notary), built by ``builder``."""

    def build(directory: Path, database_url: str) -> Template:
        return build_template(template_settings(directory, database_url), builder)

    return build


def build_template(settings: Settings, builder: Builder) -> Template:
    """Set the template school up on ``settings``' storage, build its world, bring its read
    models up to date and close everything (no projector thread: the read models are caught up
    here, once, rather than by each copy)."""
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    deployment = Deployment(settings.model_copy(update={"projections": "worker"}), clock=clock)
    try:
        services = deployment.create_school(TEMPLATE_SCHOOL)
        world, actors = builder(services, clock)
        services.projector.catch_up()
        now = clock.now()
    finally:
        deployment.close()
    return Template(world=replace(world, school=None), actors=actors, now=now)  # type: ignore[arg-type]


def template_settings(directory: Path, database_url: str) -> Settings:
    """Settings for building a template: keys and checkpoints under ``directory`` (the template
    signs nothing, but nothing may write into the checkout's ``var/``)."""
    return Settings(
        database_url=database_url,
        school=TEMPLATE_SCHOOL,
        password_hashing="cheapest",
        signing_key_dir=directory / "keys",
        checkpoint_dir=directory / "checkpoints",
    )


# --- SQLite ---------------------------------------------------------------------------------


@dataclass
class SqliteTemplate:
    template: Template
    file: Path

    def copy(self, database_url: str, school: str) -> None:
        """Put a copy of the template school into a SQLite deployment as ``school``."""
        location = parse_database_url(database_url)
        target = location.school_file(school)  # type: ignore[union-attr]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.file, target)


def sqlite_template(directory: Path, build: Build) -> SqliteTemplate:
    url = f"sqlite:///{directory}/db"
    template = build(directory, url)
    file = parse_database_url(url).school_file(TEMPLATE_SCHOOL)  # type: ignore[union-attr]
    # Everything in the one file: the write-ahead log folded back into it.
    with closing(sqlite3.connect(file)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return SqliteTemplate(template=template, file=file)


# --- PostgreSQL -----------------------------------------------------------------------------


def _maintenance(location: PostgresLocation) -> PostgresLocation:
    return replace(location, dbname="postgres")


def _url(server: PostgresLocation, dbname: str) -> str:
    """The URL of another database on the same server, as the same user."""
    secret = f":{quote(server.password, safe='')}" if server.password is not None else ""
    user = quote(server.user, safe="")
    return f"postgresql://{user}{secret}@{server.host}:{server.port}/{dbname}"


class _Dropper:
    """Drops copies in a thread of its own, one after another, while the tests go on."""

    def __init__(self, maintenance: PostgresLocation) -> None:
        self.maintenance = maintenance
        self.names: queue.Queue[str | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="drop-copies", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (name := self.names.get()) is not None:
            _drop_database(self.maintenance, name)

    def finish(self, timeout: float = 300) -> None:
        self.names.put(None)
        self.thread.join(timeout)


def _drop_database(maintenance: PostgresLocation, name: str) -> None:
    with contextlib.suppress(psycopg.Error), maintenance.connect() as conn:
        # FORCE: a pool of a test's app may still hold a connection it has not given back.
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@dataclass
class PostgresTemplate:
    template: Template
    server: PostgresLocation
    name: str
    """The template database (on the test server, alone holding the template school)."""
    functions: list[str]
    """The template schema's functions' definitions (a body may name its schema)."""
    dropper: _Dropper
    copies: int = 0

    def copy(self, school: str) -> str:
        """A new database holding the template school as ``school``; its URL."""
        self.copies += 1
        name = f"{self.name}_c{self.copies}"
        with _maintenance_connect(self.server) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY WAL_LOG").format(
                    sql.Identifier(name), sql.Identifier(self.name)
                )
            )
        copy = replace(self.server, dbname=name)
        old, new = school_schema(TEMPLATE_SCHOOL), school_schema(school)
        with copy.connect() as conn, conn.transaction():
            conn.execute(
                sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                    sql.Identifier(old), sql.Identifier(new)
                )
            )
            for definition in self.functions:
                # The schema's name is "school_template": no other text of a definition holds it.
                conn.execute(definition.replace(old, new))  # type: ignore[arg-type]
        # The first connection to a database builds its catalog cache file (which the renaming
        # just invalidated): made here, so the app's pools, which wait one second for a
        # connection, do not pay for it.
        with copy.connect() as conn:
            conn.execute("SELECT 1")
        return _url(self.server, name)

    def drop(self, url: str) -> None:
        """Drop a copy (later, in the dropping thread)."""
        location = parse_database_url(url)
        assert isinstance(location, PostgresLocation)
        assert location.dbname.startswith(f"{self.name}_c")
        self.dropper.names.put(location.dbname)

    def close(self) -> None:
        self.dropper.finish()
        _drop_database(_maintenance(self.server), self.name)


def _maintenance_connect(server: PostgresLocation) -> psycopg.Connection[tuple[object, ...]]:
    return _maintenance(server).connect()


def postgres_template(postgres_url: str, directory: Path, build: Build) -> PostgresTemplate:
    """Build the template school in a database of its own on the test server."""
    server = parse_database_url(postgres_url)
    assert isinstance(server, PostgresLocation)
    maintenance = _maintenance(server)
    prefix = f"{server.dbname}_t"
    _drop_abandoned(maintenance, prefix)
    name = f"{prefix}{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with maintenance.connect() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    location = replace(server, dbname=name)
    try:
        template = build(directory, _url(server, name))
        with location.connect() as conn:
            functions = [
                str(row[0])
                for row in conn.execute(
                    "SELECT pg_get_functiondef(p.oid) FROM pg_proc p"
                    " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s",
                    (school_schema(TEMPLATE_SCHOOL),),
                )
            ]
        with maintenance.connect() as conn:
            # CREATE DATABASE ... TEMPLATE refuses while anyone is connected to the template.
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
    except BaseException:
        _drop_database(maintenance, name)
        raise
    return PostgresTemplate(
        template=template,
        server=server,
        name=name,
        functions=functions,
        dropper=_Dropper(maintenance),
    )


def _drop_abandoned(maintenance: PostgresLocation, prefix: str) -> None:
    """Drop templates and copies left by test runs that are gone (killed before they could):
    their names hold the pid of the process that made them."""
    with maintenance.connect() as conn:
        names = [
            str(row[0])
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (prefix,)
            )
        ]
    for name in names:
        pid = name[len(prefix) :].split("_", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            _drop_database(maintenance, name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- fixtures -------------------------------------------------------------------------------


@dataclass
class TemplateFixtures:
    """A tier's template as pytest fixtures (assigned to names in the tier's conftest.py):
    ``sqlite_<kind>_template`` and ``postgres_<kind>_template``, built once per session and
    worker, and a ``database_url`` that, for a test of ``user`` on PostgreSQL, names a copy of
    the template made for that test (dropped after it)."""

    sqlite: Any
    postgres: Any
    database_url: Any


def template_fixtures(kind: str, build: Build, user: str) -> TemplateFixtures:
    """The fixtures of the template ``build`` makes, used by the tests of fixture ``user``."""

    @pytest.fixture(scope="session", name=f"sqlite_{kind}_template")
    def sqlite(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
        return sqlite_template(tmp_path_factory.mktemp(f"{kind}-template"), build)

    @pytest.fixture(scope="session", name=f"postgres_{kind}_template")
    def postgres(
        postgres_url: str, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[PostgresTemplate]:
        template = postgres_template(
            postgres_url, tmp_path_factory.mktemp(f"{kind}-template"), build
        )
        yield template
        template.close()

    @pytest.fixture(
        name="database_url",
        params=[
            pytest.param("sqlite", id="sqlite"),
            pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
        ],
    )
    def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
        """As tests/conftest.py's; for a test of ``user`` on PostgreSQL, the URL of the
        database that holds its copy of the template (and is dropped after it)."""
        if request.param == "sqlite":
            yield request.getfixturevalue("sqlite_url")
            return
        if user not in request.fixturenames:
            yield request.getfixturevalue("postgres_url")
            return
        template: PostgresTemplate = request.getfixturevalue(f"postgres_{kind}_template")
        url = template.copy(request.getfixturevalue("school_id"))
        yield url
        template.drop(url)

    return TemplateFixtures(sqlite=sqlite, postgres=postgres, database_url=database_url)


def copy_for_test(
    request: pytest.FixtureRequest, kind: str, database_url: str, school: str
) -> Template:
    """The template of ``kind`` as this test's school ``school``: on SQLite its file copied
    into the test's directory now; on PostgreSQL already copied (``database_url`` names the
    copy)."""
    if database_url.startswith("sqlite"):
        sqlite: SqliteTemplate = request.getfixturevalue(f"sqlite_{kind}_template")
        sqlite.copy(database_url, school)
        return sqlite.template
    postgres: PostgresTemplate = request.getfixturevalue(f"postgres_{kind}_template")
    return postgres.template
