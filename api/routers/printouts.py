"""Printed documents for people outside the electronic journal, as PDFs.

A progress printout of a student's results for some days, for a family without electronic access
(School 77 §4.3.5, §9.2; Gymnasium 2 §7.6–7.7): made by the class teacher of the student's class
and by the administration, and recorded as issued (a command: ``Student.ProgressPrintoutIssued``).
A parent or student with an account reads the diary itself, so none of them prints here.

The notice that ends the service to an applicant (School 117 §10.2), printed by the
administration from the annulment the log records.

The PDFs are rendered by the installed ``Printer`` (the archive plugin, ``ejournal.printing``):
this module never imports the archive, so the API starts, and answers 503 here, without it.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, Response
from pydantic import Field

from api.commanding import Run
from api.dependencies import CurrentAdministration, CurrentSession, acting_as
from api.schemas.requests import IsoDate, RequestModel
from ejournal.commands import printouts
from ejournal.printing import PrintedDocument, printer
from ejournal.roles import Actor

router = APIRouter(tags=["printouts"])

PDF = "application/pdf"
PrintoutMaker = Annotated[Actor, Depends(acting_as(*printouts.PRINTOUT_MAKERS))]
_PDF_RESPONSE = {"content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}


class PrintoutRequest(RequestModel):
    """The days a printout covers (both included): two weeks for the regular one."""

    start: IsoDate = Field(description="The first day.")
    end: IsoDate = Field(description="The last day.")


@router.post(
    "/students/{student_id}/printouts",
    status_code=201,
    response_class=Response,
    responses={201: {"description": "The printout (PDF), recorded as issued.", **_PDF_RESPONSE}},
    summary="Print a student's results for a family without electronic access",
)
def issue_printout(
    student_id: UUID,
    body: PrintoutRequest,
    maker: PrintoutMaker,
    session: CurrentSession,
    run: Run,
    response: Response,
) -> Response:
    """The student's lessons, marks, absences and averages for the days, as a PDF for the
    parents; the printout is recorded as issued by the caller (School 77 §4.3.5). A student
    outside the caller's class answers as a missing one."""
    school = session.school
    printouts.printable_student(school.app, maker, student_id)
    printouts.check_printout_span(body.start, body.end)
    document = printer().progress_printout(
        school.app,
        school.database,
        student_id=student_id,
        start=body.start,
        end=body.end,
        build_time=school.app.clock.now().replace(microsecond=0),
    )
    recorded = run(
        printouts.issue_progress_printout,
        maker,
        printouts.IssueProgressPrintout(student_id=student_id, start=body.start, end=body.end),
    )
    headers = {"X-Log-Position": str(recorded.position)}
    if replayed := response.headers.get("Idempotent-Replayed"):
        headers["Idempotent-Replayed"] = replayed  # the runner marks a retry on this response
    return _pdf(document, status=201, headers=headers)


@router.get(
    "/accounts/{account_id}/annulment-notice",
    response_class=Response,
    responses={200: {"description": "The notice (PDF).", **_PDF_RESPONSE}},
    summary="Print the notice that the service ended for an applicant",
)
def annulment_notice(
    account_id: UUID, administration: CurrentAdministration, session: CurrentSession
) -> Response:
    """The notice of School 117 §10.2 (applicant, address, service, reason, date) as a PDF, to
    sign and register; an account that was not annulled has none."""
    app = session.school.app
    ended = printouts.annulment(app, administration, account_id)
    document = printer().annulment_notice(
        app, ended, build_time=app.clock.now().replace(microsecond=0)
    )
    return _pdf(document, status=200, headers={})


def _pdf(document: PrintedDocument, *, status: int, headers: dict[str, str]) -> Response:
    """The PDF offered for download: its ASCII file name, and its Russian title as the name
    a browser shows (RFC 6266 ``filename*``)."""
    russian = document.title.replace(":", "").replace("/", "-") + ".pdf"
    headers["Content-Disposition"] = (
        f"attachment; filename=\"{document.filename}\"; filename*=UTF-8''{quote(russian)}"
    )
    return Response(document.content, status_code=status, media_type=PDF, headers=headers)
