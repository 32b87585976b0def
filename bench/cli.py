"""``ejournal bench``: every performance figure in one run, written next to its target.

Registered in the ``ejournal.commands`` entry-point group, so the core never imports the
benchmark (it measures the HTTP API and the archive too).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from bench.figures import markdown
from bench.suite import Options, machine, postgres_version, run, write


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
) -> None:
    """Measure every performance bar on SQLite and PostgreSQL and write the figures."""
    if backend not in ("sqlite", "postgres", "both"):
        raise typer.BadParameter("choose sqlite, postgres or both", param_hint="--backend")
    options = Options(
        backends=("sqlite", "postgres") if backend == "both" else (backend,),
        students=students,
        weeks=weeks,
        seed=seed,
        quick=quick,
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
    figures = run(options, progress=lambda line: typer.echo(line, err=True))
    text, data = write(figures, output, header)
    typer.echo("")
    typer.echo(markdown(figures))
    typer.echo(f"Written to {text} and {data}.")
