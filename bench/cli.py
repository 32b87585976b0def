"""``ejournal bench``: every performance figure in one run, written next to its target.

Registered in the ``ejournal.commands`` entry-point group, so the core never imports the
benchmark (it measures the HTTP API and the archive too).
"""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

SECTION_NAMES = (
    "bulk import",
    "rebuild",
    "as-of-T replay",
    "audit queries",
    "log verify",
    "diary reads",
    "web pages",
    "archive",
    "PDF pages",
    "HTTP against the core",
    "batched writes",
    "full-year journal",
    "projection lag",
)
"""The suite's sections, named here so that listing the command (every ``ejournal`` call does)
does not import the suite, which loads WeasyPrint, the web app and the generator; a test keeps
this list equal to ``bench.suite.SECTIONS``."""


def bench(
    backend: Annotated[
        str, typer.Option(help="sqlite, postgres or both.", show_default=True)
    ] = "both",
    students: Annotated[
        int, typer.Option(help="Students of the generated benchmark school.")
    ] = 1000,
    weeks: Annotated[
        int | None,
        typer.Option(help="School weeks of the generated year (default: the whole year)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="The generator's seed.")] = 2026,
    quick: Annotated[
        bool, typer.Option("--quick", help="Small samples: a smoke run, not figures to quote.")
    ] = False,
    output: Annotated[Path, typer.Option(help="Where the run's Markdown and JSON go.")] = Path(
        "var/bench"
    ),
    skip: Annotated[
        list[str] | None,
        typer.Option(help="A section not to run (repeatable): " + ", ".join(SECTION_NAMES)),
    ] = None,
    archive_period: Annotated[
        str | None, typer.Option(help="Archive one period (Q1, …) instead of the whole year.")
    ] = None,
) -> None:
    """Measure every performance bar on SQLite and PostgreSQL and write the figures."""
    from bench.figures import markdown  # noqa: PLC0415 - see SECTION_NAMES
    from bench.suite import Options, machine, postgres_version, run, write  # noqa: PLC0415

    if backend not in ("sqlite", "postgres", "both"):
        raise typer.BadParameter("choose sqlite, postgres or both", param_hint="--backend")
    options = Options(
        backends=("sqlite", "postgres") if backend == "both" else (backend,),
        students=students,
        weeks=weeks,
        seed=seed,
        quick=quick,
        skip=frozenset(skip or ()),
        archive_period=archive_period,
    )
    unknown = options.skip - set(SECTION_NAMES)
    if unknown:
        raise typer.BadParameter(
            f"no such section: {', '.join(sorted(unknown))}", param_hint="--skip"
        )
    header_lines = [
        "# ejournal benchmark run",
        "",
        f"- command: `ejournal bench {shlex.join(sys.argv[2:])}`".replace(" `", " `", 1),
        f"- machine: {machine()}",
    ]
    if "postgres" in options.backends:
        header_lines.append(f"- database: {postgres_version(options.postgres_url)}")
    header = "\n".join(header_lines)
    typer.echo(header)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    figures = run(
        options,
        progress=lambda line: typer.echo(line, err=True),
        on_section=lambda so_far: write(so_far, output, header, stamp),
    )
    text, data = write(figures, output, header, stamp)
    typer.echo("")
    typer.echo(markdown(figures))
    typer.echo(f"Written to {text} and {data}.")
