"""``ejournal archive create|verify|repair``: the archivist's commands (an ``ejournal`` plugin).

A store is a directory path or ``file:///…``, or ``s3://bucket/prefix``; every command reads the
same settings as the service (``EJOURNAL_DATABASE_URL``). ``verify`` and ``repair`` exit 0 when
every store is healthy, 2 when something is damaged but repairable, 3 when it is not; 4 when no
store holds the archive at all (a wrong id or wrong stores), 5 when a store cannot be reached
(nothing is said about its copy); 1 when the command itself could not run (bad settings or
options). Each failure is one sentence on stderr, said in one place (``ArchiveCommands``).
``verify`` works from an archive copy alone when the school's database cannot be reached, and
takes the school's key pinned as a ``.vkey`` file or as its fingerprint (``SHA256:…`` as title
pages print it, or bare hex). ``create`` refuses fewer than two distinct stores (Gymnasium 2
§10.3) and shows a progress bar of the documents rendered on stderr when that is a terminal
(``--quiet`` says nothing but the id and errors). The modules that render documents (WeasyPrint)
and draw the bar are imported inside ``create`` only, so ``verify`` and ``ejournal --help`` never
load them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TextIO
from uuid import UUID

import typer

from ejournal.exits import ReportingGroup, explain

if TYPE_CHECKING:
    from rich.progress import TaskID

    from archive.school_log import SchoolLog
    from archive.stores import Store
    from archive.verification import TrustedKey, VerificationReport
    from ejournal.settings import Settings

# Every ``ejournal`` call lists these commands: what they need (the stores, the verifier, the
# school's log; ~1 s of imports) is imported inside each, so ``--help`` costs only typer.

EXIT_FAILED = 1
"""The command could not run: bad settings or options, a store URL or key that is no such thing."""
EXIT_NO_SUCH_ARCHIVE = 4
"""No store holds a file of the archive: a wrong id or wrong stores, not damage."""
EXIT_STORE_UNREACHABLE = 5
"""A store does not answer, or refuses us: nothing is known about its copy; try again later."""


class ArchiveCommands(ReportingGroup):
    """The archive commands' failures, each one sentence on stderr. Their own exit codes come
    first; any other failure exits 1, never 2 or 3, which are verdicts on an archive."""

    prefix = "ejournal archive"

    def explain(self, error: Exception) -> tuple[str, int] | None:
        from archive.stores import StoreUnreachableError  # noqa: PLC0415
        from archive.verification import NoSuchArchiveError  # noqa: PLC0415

        if isinstance(error, NoSuchArchiveError):
            return error.detail, EXIT_NO_SUCH_ARCHIVE
        if isinstance(error, StoreUnreachableError):
            return error.detail, EXIT_STORE_UNREACHABLE
        explained = explain(error)
        return (explained[0], EXIT_FAILED) if explained is not None else None


app = typer.Typer(
    help="Archives of the journal: create one on two stores, verify it, repair a damaged copy;"
    " print progress printouts and annulment notices.",
    no_args_is_help=True,
    cls=ArchiveCommands,
)

StoresOption = Annotated[
    list[str] | None,
    typer.Option(
        "--store",
        help="A store: a directory, file:///path or s3://bucket/prefix (give two).",
        show_default=False,
    ),
]
"""Not required by the parser: a usage error exits 2, which for these commands means
"damaged but repairable"; a missing store is reported with exit 1 instead."""
ArchiveIdArgument = Annotated[
    str, typer.Argument(help="The archive's id, as `create` printed it.", show_default=False)
]
PublicKeyOption = Annotated[
    str | None,
    typer.Option(
        "--public-key",
        help="The school's public key to check the checkpoint with: a .vkey file, or its"
        ' fingerprint as printed ("SHA256:xxxx xxxx …") or bare hex.',
        show_default=False,
    ),
]


@app.command()
def create(
    store: StoresOption = None,
    school: Annotated[
        str | None,
        typer.Option(help="The school's id; default: EJOURNAL_SCHOOL.", show_default=False),
    ] = None,
    year: Annotated[
        str | None,
        typer.Option(help="The school year, like 2026/2027; default: the current one."),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(help="One period of the year (Q1, T2, H1, ...); default: the whole year."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes rendering documents; default: CPUs.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only the archive's id (and errors).")
    ] = False,
) -> None:
    """Build the archive of a year or a period on two stores at least; print its id.

    Both copies are read back and verified before the archive is reported created. Fewer than
    two distinct stores is refused (Gymnasium 2 §10.3: two media, in different rooms).
    """
    from archive.creation import create_archive  # noqa: PLC0415 (it renders with WeasyPrint)
    from ejournal.settings import Settings  # noqa: PLC0415

    settings = Settings()
    school_id = school or settings.school
    stores = _stores(store)
    with creation_progress(quiet=quiet) as (say, rendering):
        created = create_archive(
            settings,
            school_id,
            stores,
            year=year,
            period=period,
            workers=workers,
            progress=say,
            rendering=rendering,
        )
        say(
            f"archive {created.archive_id}: {created.documents} documents ({created.pages}"
            f" sheets), {created.files} files, {created.size_bytes} bytes, checkpoint of"
            f" {created.info.checkpoint_size} events; healthy on {len(stores)} stores"
        )
    typer.echo(created.archive_id)


@app.command()
def verify(
    archive_id: ArchiveIdArgument,
    store: StoresOption = None,
    json: Annotated[bool, typer.Option("--json", help="Print a machine-readable report.")] = False,
    public_key: PublicKeyOption = None,
) -> None:
    """Check an archive's copies; exit 0 healthy, 2 damaged but repairable, 3 not repairable,
    4 no such archive on these stores, 5 a store cannot be reached, 1 could not run.

    Every file on every store is checked against the manifests, the log against its signed
    checkpoint, and the checkpoint against the live log when the database is reachable.
    """
    from archive.verification import verify_archive  # noqa: PLC0415
    from ejournal.clock import SystemClock  # noqa: PLC0415
    from ejournal.settings import Settings  # noqa: PLC0415

    settings = Settings()
    stores = _stores(store)
    with _school(settings, archive_id, stores) as (live, offline_reason):
        report = verify_archive(
            archive_id,
            stores,
            checked_at=SystemClock().now(),
            trusted_key=_trusted_key(public_key),
            live=live,
            offline_reason=offline_reason,
        )
        recorded = live.record_verified(report) if live is not None else None
    _print_report(report, json, recorded.position if recorded is not None else None)
    raise typer.Exit(report.exit_code)


@app.command()
def repair(
    archive_id: ArchiveIdArgument,
    store: StoresOption = None,
    json: Annotated[bool, typer.Option("--json", help="Print a machine-readable report.")] = False,
    public_key: PublicKeyOption = None,
) -> None:
    """Restore damaged or missing files from the healthy copy; exit like `verify`.

    Each file that differs from the healthy store's copy is copied over (the damaged copy set
    aside), then the archive is verified again. Nothing is written when no copy is healthy.
    """
    from archive.repair import repair_archive  # noqa: PLC0415
    from archive.verification import verify_archive  # noqa: PLC0415
    from ejournal.aggregates.archive_register import ArchiveOutcome  # noqa: PLC0415
    from ejournal.clock import SystemClock  # noqa: PLC0415
    from ejournal.settings import Settings  # noqa: PLC0415

    settings = Settings()
    stores = _stores(store)
    clock = SystemClock()
    with _school(settings, archive_id, stores) as (live, offline_reason):
        before = verify_archive(
            archive_id,
            stores,
            checked_at=clock.now(),
            trusted_key=_trusted_key(public_key),
            live=live,
            offline_reason=offline_reason,
        )
        if live is not None:
            live.record_verified(before)
        label = "repair-" + clock.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        outcome = repair_archive(archive_id, stores, before, label=label)
        if not outcome.wrote_anything:
            for failure in outcome.failures:
                typer.echo(f"could not restore {failure}", err=True)
            if before.outcome is ArchiveOutcome.NOT_REPAIRABLE and not json:
                typer.echo("Nothing was written: no store holds a healthy copy to restore from.")
            _print_report(before, json, None)
            raise typer.Exit(before.exit_code)
        for restored in outcome.restored:
            typer.echo(
                f"restored {restored.file} on {restored.to_store} from {restored.from_store}",
                err=True,
            )
        for line in outcome.set_aside:
            typer.echo(f"set aside {line}", err=True)
        for failure in outcome.failures:
            typer.echo(f"could not restore {failure}", err=True)
        after = verify_archive(
            archive_id,
            stores,
            checked_at=clock.now(),
            trusted_key=_trusted_key(public_key),
            live=live,
            offline_reason=offline_reason,
        )
        recorded = None
        if live is not None:
            live.record_repaired(archive_id, outcome)
            recorded = live.record_verified(after)
    _print_report(after, json, recorded.position if recorded is not None else None)
    raise typer.Exit(after.exit_code)


# --- helpers ------------------------------------------------------------------------------------


SchoolOption = Annotated[
    str | None,
    typer.Option(help="The school's id; default: EJOURNAL_SCHOOL.", show_default=False),
]
OutOption = Annotated[
    Path, typer.Option("--out", help="The directory the PDFs are written to.", file_okay=False)
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="The login of the class teacher or administrator who hands the printouts out"
        " (recorded); default: the service.",
        show_default=False,
    ),
]


@app.command()
def printout(
    student: Annotated[
        str | None, typer.Option(help="One student's id.", show_default=False)
    ] = None,
    class_code: Annotated[
        str | None,
        typer.Option("--class", help="Every student of a class, like 5А.", show_default=False),
    ] = None,
    year: Annotated[
        str | None,
        typer.Option(
            help="The school year, like 2026/2027; default: the student's (with --student),"
            " the current one (with --class)."
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(help="A period of the year (Q1, T2, H1, ...): its days.", show_default=False),
    ] = None,
    from_day: Annotated[
        str | None,
        typer.Option("--from", help="The first day, YYYY-MM-DD; default: 13 days before --to."),
    ] = None,
    to_day: Annotated[
        str | None, typer.Option("--to", help="The last day, YYYY-MM-DD; default: today.")
    ] = None,
    out: OutOption = Path(),
    by: ByOption = None,
    school: SchoolOption = None,
) -> None:
    """Write progress printouts for families without electronic access (School 77 §4.3.5,
    §9.2: at least every two weeks) as PDFs; print each file's path. Each printout written is
    recorded in the school's log as issued, by whom and for which days."""
    from archive.printouts import acting, print_progress  # noqa: PLC0415 (WeasyPrint)
    from ejournal.clock import SystemClock  # noqa: PLC0415
    from ejournal.integrity.notary import Notary  # noqa: PLC0415
    from ejournal.settings import Settings  # noqa: PLC0415

    settings = Settings()
    student_id = _uuid(student, "--student") if student is not None else None
    start, end = _day(from_day, "--from"), _day(to_day, "--to")
    clock = SystemClock()
    with Notary.open(settings, school or settings.school, clock=clock) as notary:
        written = print_progress(
            notary,
            out,
            actor=acting(notary, by),
            student_id=student_id,
            class_code=class_code,
            year=year,
            period=period,
            start=start,
            end=end,
            build_time=clock.now().replace(microsecond=0),
        )
    for document in written:
        typer.echo(str(document.path))


@app.command("annulment-notice")
def annulment_notice(
    account: Annotated[
        str, typer.Argument(help="The annulled account's id or login.", show_default=False)
    ],
    out: OutOption = Path(),
    school: SchoolOption = None,
) -> None:
    """Write the notice that the service ended for an applicant (School 117 §10.2) as a PDF,
    from the annulment recorded in the log; print the file's path."""
    from archive.printouts import print_annulment_notice  # noqa: PLC0415 (WeasyPrint)
    from ejournal.access import system_actor  # noqa: PLC0415
    from ejournal.clock import SystemClock  # noqa: PLC0415
    from ejournal.integrity.notary import Notary  # noqa: PLC0415
    from ejournal.settings import Settings  # noqa: PLC0415

    settings = Settings()
    clock = SystemClock()
    with Notary.open(settings, school or settings.school, clock=clock) as notary:
        try:
            account_id = UUID(account)
        except ValueError:
            account_id = notary.school.account_by_login(account).id
        written = print_annulment_notice(
            notary,
            out,
            actor=system_actor(),
            account_id=account_id,
            build_time=clock.now().replace(microsecond=0),
        )
    typer.echo(str(written.path))


def _uuid(text: str, option: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        _fail(f"{option} {text!r} is not an id")


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"{option} {text!r} is not a day (YYYY-MM-DD)")


def _stores(urls: Sequence[str] | None) -> list[Store]:
    from archive.stores import open_store  # noqa: PLC0415

    if not urls:
        _fail("name the archive's stores with --store (twice: the two copies)")
    return [open_store(url) for url in urls]


def _trusted_key(given: str | None) -> TrustedKey | None:
    """The key pinned with --public-key: a key file, else a fingerprint of the key."""
    from archive.verification import TrustedKey  # noqa: PLC0415
    from ejournal.errors import EjournalError  # noqa: PLC0415
    from ejournal.integrity.checkpoint import (  # noqa: PLC0415
        VerifierKey,
        format_fingerprint,
        parse_fingerprint,
    )

    if given is None:
        return None
    path = Path(given).expanduser()
    if path.is_file():
        try:
            key = VerifierKey.from_text(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, EjournalError) as error:
            _fail(f"{path} is not a public key: {error}")
        return TrustedKey(key, f"the key in {path}")
    digest = parse_fingerprint(given)
    if digest is None:
        _fail(
            f"--public-key {given!r} is neither a key file nor a key's fingerprint"
            ' ("SHA256:xxxx xxxx …" or 64 hex digits)'
        )
    fingerprint = format_fingerprint(digest)
    return TrustedKey(None, f"the key with fingerprint {fingerprint}", fingerprint=digest)


Say = Callable[[str], None]
Rendering = Callable[[int, int, int], None]


@contextmanager
def creation_progress(
    *, quiet: bool, stream: TextIO | None = None
) -> Iterator[tuple[Say, Rendering | None]]:
    """What ``create`` says on stderr: nothing with --quiet; its steps, one line each, when
    stderr is not a terminal (a log, a pipe); and on a terminal, the steps above a bar of the
    documents rendered and the pages they make (rendering takes minutes for a large school)."""
    if quiet:
        yield (lambda _message: None), None
        return
    # rich is imported here only: drawing a bar is for `create` on a terminal.
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(file=stream or sys.stderr, highlight=False, emoji=False)
    if not console.is_terminal:
        yield (lambda message: console.print(message, markup=False, soft_wrap=True)), None
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
    )
    task: list[TaskID] = []

    def rendering(done: int, total: int, pages: int) -> None:
        # A document's pages are known once it is rendered: the bar counts documents, and says
        # how many pages those rendered so far make.
        described = f"documents rendered ({pages} pages)"
        if not task:
            task.append(bar.add_task(described, total=total))
        bar.update(task[0], completed=done, total=total, description=described)

    with bar:
        yield (lambda message: bar.console.print(message, markup=False, soft_wrap=True)), rendering


@contextmanager
def _school(
    settings: Settings, archive_id: str, stores: Sequence[Store]
) -> Iterator[tuple[SchoolLog | None, str]]:
    """The school the archive belongs to, when its database is reachable from here."""
    from archive.school_log import reach_school  # noqa: PLC0415
    from archive.verification import read_info  # noqa: PLC0415

    info = read_info(archive_id, stores)
    if info is None:
        yield None, "no store holds a readable bag-info.txt naming the school"
        return
    with reach_school(settings, info.school) as reached:
        yield reached


def _print_report(report: VerificationReport, as_json: bool, recorded: int | None) -> None:
    import orjson  # noqa: PLC0415

    if as_json:
        data = report.model_dump(mode="json")
        data["recorded_at_position"] = recorded
        typer.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8"))
        return
    typer.echo(f"archive {report.archive}: {report.outcome.value}")
    for store in report.stores:
        state = "healthy" if store.healthy else "DAMAGED"
        typer.echo(f"  {store.url}: {state} ({store.files} files, {store.bytes} bytes)")
    if report.anchor is not None:
        anchor = report.anchor
        typer.echo(
            f"  checkpoint: {anchor.origin}, {anchor.size} events, root {anchor.root},"
            f" signed {anchor.time.isoformat()}; key checked: {anchor.key_source}"
        )
    typer.echo(f"  documents: {report.documents.detail}")
    typer.echo(f"  live log: {report.live_log.detail}")
    for problem in report.problems:
        typer.echo(
            f"  problem: {problem.store or 'archive'}: {problem.file or '(whole store)'}:"
            f" {problem.kind.value}: {problem.detail}"
        )
    for plan in report.repairs:
        typer.echo(f"  repair would copy {plan.file} from {plan.from_store} to {plan.to_store}")
    for removal in report.set_aside:
        typer.echo(f"  repair would set aside {removal.file} on {removal.store}")
    if recorded is not None:
        typer.echo(f"  recorded in the school's log at position {recorded}")


def _fail(message: str) -> NoReturn:
    typer.echo(f"ejournal archive: {message}", err=True)
    raise typer.Exit(EXIT_FAILED)
