"""``ejournal serve``: the HTTP service (added to the ``ejournal`` command as a plugin)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ejournal.settings import Settings


def _sign(settings: Settings, school_id: str) -> None:
    """Bring the demo's log under a signed checkpoint before serving it. A refusal does not
    stop the service: it is recorded in the log, and /health reports it."""
    from ejournal.integrity.notary import Notary, NotaryRefusedError  # noqa: PLC0415

    with Notary.open(settings, school_id) as notary:
        try:
            signed = notary.checkpoint()
        except NotaryRefusedError as error:
            typer.echo(f"ejournal: the notary refuses to sign: {error.detail}", err=True)
            return
    typer.echo(f"Signed a checkpoint of {signed.checkpoint.size} events.")


def serve(
    host: Annotated[
        str, typer.Option(envvar="EJOURNAL_HOST", help="The address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(envvar="EJOURNAL_PORT", help="The port to listen on.")
    ] = 8000,
    demo: Annotated[
        bool,
        typer.Option("--demo", help="Seed the demo school first unless it is there already."),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            envvar="EJOURNAL_WORKERS",
            min=1,
            help="Service processes; each keeps its own cache and catches up from the log.",
        ),
    ] = 1,
) -> None:
    """Run the HTTP API (OpenAPI at /docs) on the configured database."""
    # Imported here, not at the top: every ``ejournal`` command loads this plugin to list it,
    # and the web app and its server are only needed by the one that serves.
    import uvicorn  # noqa: PLC0415

    from api.app import create_app  # noqa: PLC0415
    from ejournal import demo as demo_school  # noqa: PLC0415
    from ejournal.settings import Settings  # noqa: PLC0415

    settings = Settings()
    if demo:
        outcome = demo_school.ensure_demo(settings)
        verb = "Seeded" if outcome.seeded else "Found"
        typer.echo(f"{verb} the demo school {outcome.report.school!r}.")
        typer.echo(demo_school.describe_report(outcome.report))
        _sign(settings, outcome.report.school)
    typer.echo(
        f"ejournal serves the web journal at http://{host}:{port}/ and the API at"
        f" http://{host}:{port}/api/v1 (OpenAPI at http://{host}:{port}/docs)"
    )
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    else:
        # Worker processes build the app themselves, from the same environment.
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
        )
