"""``ejournal log``: verify a school's log from its stored events, sign a checkpoint now, rotate
the school's signing key.

``log verify`` exits 0 when every leaf, root, signature and checkpoint checks out, every stored
event is one the application could have written, and every event is covered by a signed
checkpoint; 1 when something does not check out, naming the first leaf that does not match and
every malformed event; 3 (``EXIT_UNCOVERED``) when all checks out but some events are covered by
no checkpoint yet, saying how many: nothing vouches for them. ``--json`` prints the report for
scripts. A command that cannot run (bad settings, no such school, the database away) says why in
one sentence, through the ``ejournal`` group (``ejournal.exits``): 1, or 2 for bad settings.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from ejournal.exits import EXIT_BAD_SETTINGS, EXIT_FAILED

if TYPE_CHECKING:
    from ejournal.integrity.notary import Notary
    from ejournal.integrity.verification import LogReport

# What the commands need is imported inside them: every ``ejournal`` call lists these commands.

EXIT_UNCOVERED = 3
"""``log verify``: everything checks out, but events are covered by no signed checkpoint."""

log = typer.Typer(
    help="The school's provable log: verify it from the stored events, sign a checkpoint,"
    " rotate the signing key.",
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
    """Recompute every leaf and root from the stored events, check that each stored event is
    one the application could have written (it decodes; its bytes are canonical), check every
    checkpoint's signature (with the keys the log names) and consistency, compare the
    database's checkpoints with the checkpoint directory's, and count the events no checkpoint
    covers.

    Exit codes: 0 all checks out and every event is covered by a signed checkpoint; 1 something
    does not check out (the log was changed, an event is malformed, a checkpoint is bad); 3 all
    checks out but some events are covered by no signed checkpoint yet (run `ejournal log
    checkpoint`, or wait for the service to sign); 2 bad settings or options."""
    import orjson  # noqa: PLC0415

    from ejournal.integrity.verification import verify_log  # noqa: PLC0415

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
    if not report.covered:
        raise typer.Exit(EXIT_UNCOVERED)


@log.command("checkpoint")
def checkpoint(school: SchoolOption = None) -> None:
    """Hash what is new into the tree and sign a checkpoint of it now; print the signed note.
    The first checkpoint of a new log names its key in the log first (made if there is none);
    a key the log does not name is refused, and the refusal recorded in the log."""
    with _notary(school) as notary:
        signed = notary.checkpoint()
        path = notary.checkpoint_path(signed.checkpoint.size)
    typer.echo(signed.note, nl=False)
    typer.echo(f"(also written to {path})", err=True)


@log.command("rotate-key")
def rotate_key(
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            help="Why the key is replaced (recorded in the log): compromised, lost, scheduled.",
            show_default=False,
        ),
    ],
    school: SchoolOption = None,
) -> None:
    """Replace the school's signing key on purpose: sign what the old key can still sign, make
    a new key, record its public half and the reason in the log, keep the old key file aside,
    and sign a checkpoint with the new key. Older checkpoints keep verifying with the key the
    log named at their time. Print the new key's fingerprint and its verifier key."""
    with _notary(school) as notary:
        old, new, signed = notary.rotate_key(reason)
        path, school_id = notary.key_path, notary.school.school_id
    typer.echo(f"rotated the signing key of school {school_id!r} ({signed.checkpoint.origin})")
    typer.echo(f"old key: {old.fingerprint}")
    typer.echo(f"new key: {new.fingerprint} (at {path})")
    typer.echo(f"verifier key: {new.text}")
    typer.echo(f"first checkpoint signed with it: {signed.checkpoint.size} events")


def _print(report: LogReport, seconds: float) -> None:
    rate = report.events / seconds if seconds else 0.0
    typer.echo(
        f"school {report.school!r}: {report.events} events, tree of {report.tree_size} leaves,"
        f" {report.checkpoints} checkpoints in the database and {report.directory_checkpoints}"
        f" in the directory; checked in {seconds:.1f} s ({rate:,.0f} events/s)"
    )
    typer.echo(
        f"covered by a signed checkpoint: {report.covered_events} events;"
        f" covered by none: {report.uncovered_events}"
    )
    for warning in report.warnings:
        typer.echo(f"note: {warning}")
    if report.first_mismatch is not None:
        typer.echo(
            f"FAILED: {report.mismatches} leaves do not match; the first is"
            f" {report.first_mismatch.describe()}"
        )
    for malformed in report.malformed:
        typer.echo(f"FAILED: malformed event: {malformed.describe()}")
    if report.malformed_count > len(report.malformed):
        typer.echo(f"FAILED: … {report.malformed_count - len(report.malformed)} more malformed")
    for problem in report.problems:
        typer.echo(f"FAILED: {problem}")
    if report.ok and not report.covered:
        typer.echo(
            f"UNCOVERED: {report.uncovered_events} events (from position"
            f" {report.first_uncovered_position} on) are covered by no signed checkpoint:"
            " nothing vouches that they were not changed. Run `ejournal log checkpoint`"
            " (the service signs on its own within EJOURNAL_CHECKPOINT_EVERY_SECONDS)."
        )
    elif report.ok and report.events == 0:
        typer.echo("OK: the log is empty; there is nothing to verify.")
    elif report.ok:
        typer.echo(
            "OK: every leaf, root, signature and checkpoint checks out, and every event is"
            " covered by a signed checkpoint."
        )


@contextmanager
def _notary(school: str | None) -> Iterator[Notary]:
    from ejournal import storage  # noqa: PLC0415
    from ejournal.integrity.notary import Notary  # noqa: PLC0415
    from ejournal.settings import Settings  # noqa: PLC0415

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
