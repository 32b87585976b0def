"""The ``ejournal`` command: one entry point for the people who run the journal (DESIGN.md §11).

Every command reads the same settings as the service (``EJOURNAL_DATABASE_URL`` and the rest, from
the environment or a ``.env`` file). Commands only parse, call ``ejournal.demo`` or
``ejournal.schools``, and print what happened in plain English. What goes wrong is said in one
sentence on stderr, in one place for every command (``ejournal.exits``): exit 1 when the command
could not do what was asked, 2 for bad settings or options.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from ejournal.exits import EXIT_BAD_SETTINGS, EXIT_FAILED, ReportingGroup
from ejournal.integrity.cli import log as integrity_log

if TYPE_CHECKING:
    from ejournal import imports
    from ejournal.projections.projector import ModelStatus, Projector
    from ejournal.settings import Settings

# Every ``ejournal`` call, ``--help`` included, imports this module and lists every command; what
# a command needs (the domain, the storage, the generator: ~1 s of imports) is imported inside
# it, so that starting the command costs only typer (issue 17 item 4; tests/unit/test_cli.py).

app = typer.Typer(
    name="ejournal",
    help="The electronic class journal: set up a school's storage, seed the demo school.",
    no_args_is_help=True,
    add_completion=False,
    cls=ReportingGroup,
)

SchoolOption = Annotated[
    str | None,
    typer.Option(
        "--school",
        help="The school's id (a-z, 0-9, '_'); default: EJOURNAL_SCHOOL, or 'demo'.",
        show_default=False,
    ),
]


@app.callback()
def main() -> None:
    """The electronic class journal (электронный классный журнал)."""


PLUGIN_GROUP = "ejournal.commands"
"""Outer layers (the HTTP API, the archive) add their commands through this entry-point group,
so the core never imports them: ``serve`` comes from ``api``, ``archive`` from ``archive``."""


def _add_plugin_commands() -> None:
    for entry in entry_points(group=PLUGIN_GROUP):
        command = entry.load()
        if isinstance(command, typer.Typer):
            app.add_typer(command, name=entry.name)
        else:
            app.command(name=entry.name)(command)


@app.command()
def demo(
    school: SchoolOption = None,
    seed: Annotated[
        int, typer.Option(help="The seed the demo's names, marks and absences follow.")
    ] = 2026,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset",
            help="Drop the school's log first and seed it afresh (only a log the demo started).",
        ),
    ] = False,
    students: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=20_000,
            help="Generate a school of this many students (classes 1-11, ~25 a class) instead"
            " of the small demo; default 1000 when --schools or --weeks is given.",
            show_default=False,
        ),
    ] = None,
    schools: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=100,
            help="Generate this many schools: SCHOOL, SCHOOL_2, …, each its own log.",
            show_default=False,
        ),
    ] = None,
    weeks: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=40,
            help="Generate the first W school weeks of the year (default: the whole year).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Seed the demo school (School 77, year 2026/2027, two school weeks) unless it is there;
    with --students, --schools or --weeks, generate realistic schools through the commands."""
    from ejournal import demo as demo_school  # noqa: PLC0415

    settings = _settings()
    if students is not None or schools is not None or weeks is not None:
        _generate(settings, _school_id(settings, school), seed, reset, students, schools, weeks)
        return
    outcome = demo_school.ensure_demo(
        settings, _school_id(settings, school), seed=seed, reset=reset
    )
    where = _safe_url(settings.database_url)
    if outcome.seeded:
        typer.echo(f"Seeded the demo school {outcome.report.school!r} on {where} (seed {seed}).")
    else:
        typer.echo(
            f"The demo school {outcome.report.school!r} is already seeded on {where}:"
            " nothing was recorded. Pass --reset to seed it afresh."
        )
    typer.echo(demo_school.describe_report(outcome.report))
    _sign(settings, outcome.report.school)


def _sign(settings: Settings, school_id: str) -> None:
    """Bring what a command wrote under a signed checkpoint at once: until one covers them,
    nothing vouches that the events were not changed in the database (DESIGN.md §7)."""
    from ejournal.integrity.notary import Notary  # noqa: PLC0415

    with Notary.open(settings, school_id) as notary:
        signed = notary.checkpoint()
    typer.echo(
        f"Signed a checkpoint of {school_id!r}'s log: {signed.checkpoint.size} events"
        f" ({signed.checkpoint.origin}); `ejournal log verify` checks it."
    )


def _generate(
    settings: Settings,
    school_id: str,
    seed: int,
    reset: bool,
    students: int | None,
    schools: int | None,
    weeks: int | None,
) -> None:
    """``ejournal demo --students N --schools K --weeks W``: generated schools, one after
    another, each with a progress bar, then what each holds and how fast it was written."""
    from ejournal import demo as demo_school  # noqa: PLC0415
    from ejournal.generator import seeding  # noqa: PLC0415
    from ejournal.schools import open_school  # noqa: PLC0415

    options = seeding.GeneratorOptions(
        students=students or 1000, weeks=weeks, seed=seed, profile=settings.profile
    )
    reports = []
    for n, each in enumerate(seeding.school_ids(school_id, schools or 1)):
        if reset:
            demo_school.reset_demo(settings, each)
        with typer.progressbar(length=1, label=f"generating {each}") as bar:

            def advance(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            report = seeding.generate(
                settings,
                each,
                options.model_copy(update={"seed": seed + n}),
                progress=advance,
            )
        reports.append(report)
        journal = open_school(settings, each, migrate=False)
        try:
            seeding.give_passwords(
                settings,
                journal,
                report.logins["administrator"][0],
                seeding.sign_in_logins(report),
                demo_school.DEMO_PASSWORD,
            )
        finally:
            journal.close()
        _sign(settings, each)
    where = _safe_url(settings.database_url)
    typer.echo(f"Generated {len(reports)} school(s) on {where} (seed {seed}).")
    typer.echo(seeding.describe_reports(reports))
    typer.echo(
        f"Staff and the first parents sign in with the password {demo_school.DEMO_PASSWORD!r}."
    )


@app.command()
def migrate(school: SchoolOption = None) -> None:
    """Create a school's storage, or bring it up to date (safe to run again)."""
    from ejournal.schools import open_school  # noqa: PLC0415

    settings = _settings()
    school_id = _school_id(settings, school)
    journal = open_school(settings, school_id, migrate=True)
    try:
        events = journal.position()
    finally:
        journal.close()
    typer.echo(f"Migrated school {school_id!r}: {_storage_summary(settings, school_id)}")
    typer.echo(f"Its log holds {events} event{'s' if events != 1 else ''}.")


school_app = typer.Typer(
    help="Schools of this deployment: create one with its first administrator.",
    no_args_is_help=True,
)
app.add_typer(school_app, name="school")


@school_app.command("create")
def school_create(
    school: Annotated[str, typer.Argument(help="The new school's id (a-z, 0-9, '_'; at most 40).")],
    name: Annotated[
        str, typer.Option("--name", help="The school's name, as it is printed on documents.")
    ],
    admin: Annotated[
        str,
        typer.Option("--admin", help="The login of the school's first administrator."),
    ],
    admin_name: Annotated[
        str,
        typer.Option("--admin-name", help="The first administrator's full name."),
    ] = "Администратор школы",
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="The regulation profile the school adopts (a shipped one's id);"
            " default: EJOURNAL_PROFILE.",
            show_default=False,
        ),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            help="The school's IANA time zone (Europe/Moscow); default: EJOURNAL_TIMEZONE,"
            " else the profile's.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create a school: its storage, its record (name, profile, time zone), its signing key
    and its first administrator, whose one-time password is printed once and must be changed
    at the first login. A school that exists is refused."""
    from pydantic import ValidationError  # noqa: PLC0415

    from ejournal.commands.school import SchoolExistsError  # noqa: PLC0415
    from ejournal.messages import problem_text  # noqa: PLC0415
    from ejournal.schools import create_school  # noqa: PLC0415

    settings = _settings()
    school_id = _school_id(settings, school)
    try:
        created = create_school(
            settings,
            school_id,
            name=name,
            admin_login=admin,
            admin_full_name=admin_name,
            profile=profile,
            timezone=timezone,
        )
    except ValidationError as error:  # the name or the login, as the command checks them
        first = error.errors()[0]
        option = _SCHOOL_OPTIONS.get(str(first["loc"][0]), str(first["loc"][0]))
        _bad_option(f"недопустимое значение {option}: {first['msg']}")
    except ValueError as error:  # an unknown profile or time zone
        _bad_option(str(error))
    except SchoolExistsError as error:
        _, detail = problem_text(error.slug, error.fields()) or ("", str(error))
        typer.echo(f"ejournal: {detail}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"Школа {created.school_id!r} создана: «{created.name}», профиль регламента"
        f" {created.profile}, часовой пояс {created.timezone}"
        f" ({_safe_url(settings.database_url)})."
    )
    _sign(settings, created.school_id)
    typer.echo(
        f"Первый администратор: логин {created.admin_login}@{created.school_id}\n"
        f"Одноразовый пароль (показан один раз): {created.one_time_password}\n"
        "При первом входе пароль нужно сменить: POST /api/v1/auth/password-change"
        " (логин, одноразовый пароль, новый пароль)."
    )


_SCHOOL_OPTIONS = {
    "name": "--name (название школы)",
    "admin_login": "--admin (логин: латинские буквы, цифры и . _ @ -, от 2 до 64 знаков)",
    "admin_full_name": "--admin-name (ФИО администратора)",
}


def _bad_option(message: str) -> NoReturn:
    typer.echo(f"ejournal: {message}", err=True)
    raise typer.Exit(EXIT_BAD_SETTINGS)


projections_app = typer.Typer(
    help="The read models: how far they are, rebuilding them, following the log.",
    no_args_is_help=True,
)
app.add_typer(projections_app, name="projections")
app.add_typer(integrity_log, name="log")


@projections_app.command("status")
def projections_status(school: SchoolOption = None) -> None:
    """Each read model's position in the log and how far behind it is, and the event a
    stalled one cannot apply."""
    settings = _settings()
    with _projector(settings, _school_id(settings, school)) as projector:
        rows = projector.status()
    typer.echo(f"{'read model':<20} {'version':>7} {'position':>10} {'head':>10} {'lag':>8}  state")
    for row in rows:
        state = "stalled" if row.stall is not None else "ok"
        typer.echo(
            f"{row.name:<20} {row.version:>7} {row.position:>10} {row.head:>10} {row.lag:>8}"
            f"  {state}"
        )
    _echo_stalls(rows)


def _echo_stalls(rows: list[ModelStatus], *, err: bool = False) -> None:
    for row in rows:
        if row.stall is not None:
            typer.echo(
                f"{row.name} is stalled at position {row.stall.position} ({row.stall.topic})"
                f" since {row.stall.since.isoformat(timespec='seconds')}: {row.stall.error}",
                err=err,
            )


@projections_app.command("rebuild")
def projections_rebuild(
    school: SchoolOption = None,
    name: Annotated[
        str | None, typer.Option(help="One read model; all of them when not given.")
    ] = None,
) -> None:
    """Drop read models and apply the whole log to them again, with a progress bar."""
    settings = _settings()
    with _projector(settings, _school_id(settings, school)) as projector:
        names = [name] if name else sorted(projector.models)
        unknown = [n for n in names if n not in projector.models]
        if unknown:
            _fail(f"no read model {unknown[0]!r}; there are: {', '.join(sorted(projector.models))}")
        head = projector.school.position()
        started = time.perf_counter()
        label = f"rebuilding {', '.join(names)}"
        with typer.progressbar(length=head, label=label) as bar:
            reached = 0

            def advance(position: int, _head: int) -> None:
                nonlocal reached
                bar.update(position - reached)
                reached = position

            # One pass for all of them: each event is read and decoded once.
            applied = projector.rebuild(*names, progress=advance)
        seconds = time.perf_counter() - started
        rate = applied / seconds if seconds else 0.0
        typer.echo(
            f"{', '.join(names)}: {applied} events in {seconds:.1f} s ({rate:,.0f} events/s)"
        )
        stalled = [row for row in projector.status() if row.name in names and row.stall]
    if stalled:
        _echo_stalls(stalled, err=True)
        raise typer.Exit(1)


@projections_app.command("run")
def projections_run(
    school: SchoolOption = None,
    poll: Annotated[float, typer.Option(help="Seconds between looks at the log.")] = 0.5,
) -> None:
    """Follow the log and keep the read models up to date until interrupted (the worker of a
    PostgreSQL deployment whose service runs with EJOURNAL_PROJECTIONS=worker)."""
    settings = _settings()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with _projector(settings, _school_id(settings, school)) as projector:
        typer.echo(f"following the log of school {projector.school.school_id!r}")
        try:
            projector.run(stop, poll)
        except KeyboardInterrupt:
            stop.set()


import_app = typer.Typer(
    help="Import a school's files (XLSX, or CSV in UTF-8 with ';' or ','): the whole file is"
    " checked first, a file with any wrong row records nothing; the same file again records"
    " nothing twice.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

FileArgument = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="The XLSX or CSV file."),
]
YearOption = Annotated[
    str, typer.Option("--year", help="The school year the file is for, as 2026/2027.")
]
ByOption = Annotated[
    str,
    typer.Option(
        "--by",
        help="The login of the person importing (the log records them): an administrator,"
        " or a secretary for students, a deputy for the timetable and KTP, a teacher for their"
        " journals' KTP.",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Check the whole file and record nothing.")
]


def _import_command(kind: str, what: str) -> None:
    def command(
        file: FileArgument,
        year: YearOption,
        by: ByOption,
        dry_run: DryRunOption = False,
        school: SchoolOption = None,
    ) -> None:
        _run_import(kind, file, year.replace("-", "/"), by, dry_run, school)

    import_app.command(kind, help=f"Import {what} from FILE.")(command)


for _kind, _what in (
    ("students", "students (class, birth date, admission order), their guardians and parent"
     " accounts"),
    ("staff", "staff accounts with their roles and the classes class teachers lead"),
    ("timetable", "classes' weekly timetables"),
    ("ktp", "journals' calendar-thematic plans (KTP: topics and hours)"),
):  # fmt: skip
    _import_command(_kind, _what)


@import_app.command("template")
def import_template(
    kind: Annotated[str, typer.Argument(help="students, staff, timetable or ktp")],
    fmt: Annotated[str, typer.Option("--format", help="xlsx or csv")] = "xlsx",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write; default KIND.FORMAT")
    ] = None,
) -> None:
    """Write the template of a kind of file to fill in."""
    from ejournal import imports  # noqa: PLC0415

    if fmt not in ("xlsx", "csv"):
        typer.echo("ejournal: --format is xlsx or csv", err=True)
        raise typer.Exit(EXIT_BAD_SETTINGS)
    chosen = imports.import_kind(kind)
    target = output or Path(f"{kind}.{fmt}")
    body = imports.template_xlsx(chosen) if fmt == "xlsx" else imports.template_csv(chosen)
    target.write_bytes(body)
    typer.echo(f"Wrote the {kind} template to {target} ({len(body)} bytes).")


def _run_import(
    kind: str, file: Path, year: str, login: str, dry_run: bool, school: str | None
) -> None:
    from ejournal import imports  # noqa: PLC0415
    from ejournal.access import importer  # noqa: PLC0415
    from ejournal.errors import NotFoundError  # noqa: PLC0415
    from ejournal.schools import open_school  # noqa: PLC0415

    settings = _settings()
    school_id = _school_id(settings, school)
    with file.open("rb") as stream:
        data = stream.read(imports.MAX_FILE_BYTES + 1)
    table = imports.read_table(data)
    journal = open_school(settings, school_id, migrate=False)
    try:
        try:
            account = journal.account_by_login(login)
        except NotFoundError:
            _fail(f"no account {login!r} in school {school_id!r}")
        actor = importer(account, kind)
        with _import_progress() as progress:
            report = imports.run_import(
                journal, actor, kind, table, year=year, dry_run=dry_run, progress=progress
            )
    finally:
        journal.close()
    typer.echo(report.summary())
    if report.events:
        _sign(settings, school_id)
    if report.problems:
        raise typer.Exit(EXIT_FAILED)


@contextmanager
def _import_progress() -> Iterator[imports.Progress]:
    """A bar on stderr while rows are checked and recorded (nothing when it is no terminal)."""
    # rich is imported here only: drawing a bar is for an import on a terminal.
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn  # noqa: PLC0415

    console = Console(stderr=True, highlight=False, emoji=False)
    stages = {"checking": "проверка строк", "recording": "запись"}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(stages["checking"], total=None)

        def advance(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stages.get(stage, stage), completed=done, total=total)

        yield advance


@contextmanager
def _projector(settings: Settings, school_id: str) -> Iterator[Projector]:
    from ejournal.database import open_database  # noqa: PLC0415
    from ejournal.integrity.notary import Notary  # noqa: PLC0415
    from ejournal.projections.catalogue import read_models  # noqa: PLC0415
    from ejournal.projections.projector import open_projector  # noqa: PLC0415
    from ejournal.schools import open_school  # noqa: PLC0415

    journal = open_school(settings, school_id, migrate=True)
    database = open_database(settings, school_id)
    try:
        # The log's Merkle tree is followed with the read models; the notary signs when due.
        notary = Notary(settings, journal, database)
        projector = open_projector(journal, database, [*read_models(), notary.tree])
        projector.after_pass.append(notary.checkpoint_if_due)
        yield projector
    finally:
        database.close()
        journal.close()


def _settings() -> Settings:
    # Bad settings are said by the group (ejournal.exits), as for every command.
    from ejournal.settings import Settings  # noqa: PLC0415

    return Settings()


def _school_id(settings: Settings, school: str | None) -> str:
    from ejournal import storage  # noqa: PLC0415

    try:
        return storage.validate_school_id(school or settings.school)
    except ValueError as error:
        typer.echo(f"ejournal: {error}", err=True)
        raise typer.Exit(EXIT_BAD_SETTINGS) from None


def _fail(message: str) -> NoReturn:
    typer.echo(f"ejournal: {message}", err=True)
    raise typer.Exit(EXIT_FAILED)


def _storage_summary(settings: Settings, school_id: str) -> str:
    from ejournal import storage  # noqa: PLC0415

    location = storage.parse_database_url(settings.database_url)
    if isinstance(location, storage.SqliteLocation):
        return (
            f"SQLite file {location.school_file(school_id)} holds its event and snapshot tables;"
            " the events table refuses UPDATE and DELETE."
        )
    return (
        f"PostgreSQL schema {storage.school_schema(school_id)} in database {location.dbname!r}"
        f" at {location.host}:{location.port} holds its event and snapshot tables; the events"
        f" table refuses UPDATE, DELETE and TRUNCATE, and role {settings.app_role!r} may only"
        " SELECT and INSERT events."
    )


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


_add_plugin_commands()


if __name__ == "__main__":
    app()
