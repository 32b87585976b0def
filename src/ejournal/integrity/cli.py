"""``ejournal log``: verify a school's log from its stored events, sign a checkpoint now.

``log verify`` exits 0 when every leaf, root, signature and checkpoint checks out and 1 otherwise,
naming the first leaf that does not match; ``--json`` prints the report for scripts. A command that
cannot run (bad settings, no such school, the database away) says why in one sentence, through the
``ejournal`` group (``ejournal.exits``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import orjson
import typer

from ejournal import storage
from ejournal.exits import EXIT_BAD_SETTINGS, EXIT_FAILED
from ejournal.integrity.notary import Notary
from ejournal.integrity.verification import LogReport, verify_log
from ejournal.settings import Settings

log = typer.Typer(
    help="The school's provable log: verify it from the stored events, sign a checkpoint.",
    no_args_is_help=True,
)

SchoolOption = Annotated[
    str | None,
    typer.Option(
        "--school",
        help="The school's id (a-z, 0-9, '_'); default: EJOURNAL_SCHOOL, or 'demo'.",
        show_default=False,
    ),
]


@log.command("verify")
def verify(
    school: SchoolOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON (for scripts).")
    ] = False,
) -> None:
    """Recompute every leaf and root from the stored events, check every checkpoint's signature
    and consistency, and compare the database's checkpoints with the checkpoint directory's."""
    with _notary(school) as notary:
        started = time.perf_counter()
        if as_json:
            report = verify_log(notary)
        else:
            head = notary.school.position()
            with typer.progressbar(length=head, label="verifying the log") as bar:
                reached = 0

                def advance(position: int, _head: int) -> None:
                    nonlocal reached
                    bar.update(position - reached)
                    reached = position

                report = verify_log(notary, progress=advance)
        seconds = time.perf_counter() - started
    if as_json:
        typer.echo(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2).decode())
    else:
        _print(report, seconds)
    if not report.ok:
        raise typer.Exit(EXIT_FAILED)


@log.command("checkpoint")
def checkpoint(school: SchoolOption = None) -> None:
    """Hash what is new into the tree and sign a checkpoint of it now; print the signed note."""
    with _notary(school) as notary:
        signed = notary.checkpoint()
        path = notary.checkpoint_path(signed.checkpoint.size)
    typer.echo(signed.note, nl=False)
    typer.echo(f"(also written to {path})", err=True)


def _print(report: LogReport, seconds: float) -> None:
    rate = report.events / seconds if seconds else 0.0
    typer.echo(
        f"school {report.school!r}: {report.events} events, tree of {report.tree_size} leaves,"
        f" {report.checkpoints} checkpoints in the database and {report.directory_checkpoints}"
        f" in the directory; checked in {seconds:.1f} s ({rate:,.0f} events/s)"
    )
    for warning in report.warnings:
        typer.echo(f"note: {warning}")
    if report.first_mismatch is not None:
        typer.echo(
            f"FAILED: {report.mismatches} leaves do not match; the first is"
            f" {report.first_mismatch.describe()}"
        )
    for problem in report.problems:
        typer.echo(f"FAILED: {problem}")
    if report.ok:
        typer.echo("OK: every leaf, root, signature and checkpoint checks out.")


@contextmanager
def _notary(school: str | None) -> Iterator[Notary]:
    settings = Settings()
    try:
        school_id = storage.validate_school_id(school or settings.school)
    except ValueError as error:
        typer.echo(f"ejournal: {error}", err=True)
        raise typer.Exit(EXIT_BAD_SETTINGS) from None
    notary = Notary.open(settings, school_id)
    try:
        yield notary
    finally:
        notary.close()
