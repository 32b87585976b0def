"""Printed documents, as the core asks for them: the renderer is a plugin.

PDFs are rendered by ``archive`` (the only user of WeasyPrint), which the core and the API never
import: it registers a ``Printer`` under the ``ejournal.printers`` entry point, and whoever needs a
printed document (an API route) asks ``printer()`` for it. An installation without the archive
answers that printing is unavailable rather than failing to start.
"""

from __future__ import annotations

from datetime import date, datetime
from importlib.metadata import entry_points
from typing import Protocol
from uuid import UUID

from ejournal.application import School
from ejournal.commands.printouts import Annulment
from ejournal.database import SchoolDatabase
from ejournal.errors import EjournalError

PRINTERS = "ejournal.printers"
"""The entry-point group a PDF renderer registers in (as ``pdf``)."""


class PrintedDocument(Protocol):
    """One rendered document."""

    @property
    def filename(self) -> str:
        """ASCII and stable, e.g. "progress-report-5A-<id>.pdf"."""

    @property
    def title(self) -> str:
        """Russian, as the document is headed."""

    @property
    def content(self) -> bytes:
        """The PDF."""


class Printer(Protocol):
    """What the core asks a renderer for. The caller has checked who may see what."""

    def progress_printout(
        self,
        school: School,
        database: SchoolDatabase,
        *,
        student_id: UUID,
        start: date,
        end: date,
        build_time: datetime,
    ) -> PrintedDocument:
        """A student's results for the days from ``start`` to ``end`` (School 77 §4.3.5)."""

    def annulment_notice(
        self, school: School, annulment: Annulment, *, build_time: datetime
    ) -> PrintedDocument:
        """The notice that the service ended (School 117 §10.2)."""


class PrintingUnavailableError(EjournalError):
    """No renderer of printed documents is installed here."""

    slug = "printing-unavailable"
    title = "Printing is not available"
    status = 503


def printer() -> Printer:
    """The installed PDF renderer (the archive plugin's)."""
    found = entry_points(group=PRINTERS, name="pdf")
    for entry in found:
        made: Printer = entry.load()()
        return made
    raise PrintingUnavailableError(
        "no renderer of printed documents is installed (the ejournal archive plugin)"
    )
