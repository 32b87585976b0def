"""Examples on the main commands in the OpenAPI document: every one has an example (in Russian
where a person would type it), and every example is a body the service takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from api.app import create_app
from api.routers.auth import PasswordChangeRequest, TemporaryPasswordChangeRequest
from api.routers.class_teacher.classes import AbsenceReasonRequest
from api.routers.family.absence_notices import AbsenceNoticeRequest
from api.routers.teacher.attendance import AttendanceCorrectionRequest, AttendanceRequest
from api.routers.teacher.journals import KtpRequest
from api.routers.teacher.lessons import LessonCorrectionRequest, WholeLessonRequest
from api.routers.teacher.marks import MarkCorrectionRequest, MarkRequest, MarkVoidingRequest
from api.routers.teacher.period_marks import PeriodMarkRequest
from ejournal.settings import Settings

JSON = "application/json"
MAIN_COMMANDS: dict[str, type[BaseModel] | None] = {
    "record_mark": MarkRequest,
    "record_whole_lesson": WholeLessonRequest,
    "record_attendance": AttendanceRequest,
    "correct_mark": MarkCorrectionRequest,
    "correct_lesson_details": LessonCorrectionRequest,
    "correct_attendance": AttendanceCorrectionRequest,
    "void_mark": MarkVoidingRequest,
    "set_absence_reason": AbsenceReasonRequest,
    "record_period_mark": PeriodMarkRequest,
    "set_ktp": KtpRequest,
    "give_notice": AbsenceNoticeRequest,
    "change_password": PasswordChangeRequest,
    "change_temporary_password": TemporaryPasswordChangeRequest,
    "login": None,  # a form: checked against the OpenAPI schema of its fields
    "upload": None,
}
"""The main commands by operationId, and the request model of each sent as JSON."""


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    directory: Path = tmp_path_factory.mktemp("examples")
    app = create_app(Settings(database_url=f"sqlite:///{directory}"))
    return app.openapi()


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        operation["operationId"]: operation
        for item in document["paths"].values()
        for operation in item.values()
    }


def _examples(document: dict[str, Any], operation: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(schema, example) of every example of the operation's body: from the body's content
    (``examples``) or from the schema of the body's model (``examples``)."""
    found = []
    for media in operation["requestBody"]["content"].values():
        schema = media["schema"]
        found += [(schema, e["value"]) for e in media.get("examples", {}).values()]
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            found += [
                (schema, e) for e in document["components"]["schemas"][name].get("examples", [])
            ]
    return found


@pytest.mark.parametrize("operation_id", sorted(MAIN_COMMANDS))
def test_a_main_command_has_examples_the_service_takes(
    document: dict[str, Any], operation_id: str
) -> None:
    operation = _operations(document)[operation_id]
    examples = _examples(document, operation)
    assert examples, f"{operation_id} has no example"
    model = MAIN_COMMANDS[operation_id]
    for schema, example in examples:
        # Against the document (what a client sees) and against the model (what the service
        # runs): the example is a body that passes validation.
        jsonschema.validate(
            example,
            {**schema, "components": document["components"]},
            cls=jsonschema.Draft202012Validator,
        )
        if model is not None:
            model.model_validate(example)
            assert JSON in operation["requestBody"]["content"]


def test_examples_speak_russian_where_a_person_types() -> None:
    """Topics, homework, reasons and notes are typed by people in Russian, and so are the
    examples of them."""
    texts = [
        WholeLessonRequest.model_json_schema()["examples"][0]["topic"],
        LessonCorrectionRequest.model_json_schema()["examples"][0]["reason"],
        MarkCorrectionRequest.model_json_schema()["examples"][0]["reason"],
        MarkVoidingRequest.model_json_schema()["examples"][0]["reason"],
        AttendanceCorrectionRequest.model_json_schema()["examples"][0]["reason"],
        AbsenceReasonRequest.model_json_schema()["examples"][0]["note"],
        AbsenceNoticeRequest.model_json_schema()["examples"][0]["text"],
    ]
    assert all(any("а" <= ch.lower() <= "я" for ch in text) for text in texts), texts
