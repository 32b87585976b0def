"""The archive's PDF renderer as the core's ``Printer`` (``ejournal.printing``): registered under
the ``ejournal.printers`` entry point, so the API renders printouts and notices without importing
the archive, and WeasyPrint is loaded only when something is printed."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ejournal.application import School
from ejournal.commands.printouts import Annulment
from ejournal.database import SchoolDatabase
from ejournal.printing import PrintedDocument


class PdfPrinter:
    """Progress printouts and annulment notices as PDF/A-3b, rendered inline."""

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
        from archive.documents import render_progress_printout  # noqa: PLC0415 (WeasyPrint)

        return render_progress_printout(
            school, database, student_id=student_id, start=start, end=end, build_time=build_time
        )

    def annulment_notice(
        self, school: School, annulment: Annulment, *, build_time: datetime
    ) -> PrintedDocument:
        from archive.documents import render_annulment_notice  # noqa: PLC0415 (WeasyPrint)

        return render_annulment_notice(school, annulment, build_time=build_time)
