"""Journal text: the text the journal accepts in a command, and how long each kind may be.

Every free-text field of a command (and of a request that carries text to one) is one of the
types below, so the rule is written once. A text is recorded for good, read back by people,
printed in archives, exported to spreadsheets and kept in PostgreSQL read models, so it is
refused at the edge when it holds what none of those can carry.

Characters. Refused everywhere: the C0 control characters (U+0000–U+001F), DEL (U+007F) and the
C1 controls (U+0080–U+009F) — nobody types them, they come from pasted binary or mis-decoded text,
PostgreSQL's text cannot hold NUL and XML (so XLSX) cannot hold most of them; lone surrogates
(U+D800–U+DFFF), which are not characters and have no UTF-8 form; and the non-characters U+FFFE
and U+FFFF, which XML refuses. Text of several lines (``lines=True``: topics, homework, comments,
a regulation's wording) may hold tab, LF and CR; text of one line (names, labels, reasons) may
not, nor the Unicode line and paragraph separators (U+2028, U+2029). The refusal names the first
such character and its position in the text as sent.

Whitespace. Surrounding whitespace (Python's ``str.strip``, so a stray tab or newline at either
end too) is stripped, not refused, as commands always did: a name pasted with a trailing space is
the same name. The characters are checked in what is kept, and it must not be empty: text that is
empty or only whitespace is refused; a field that may be left out takes null instead.

Lengths, in characters after stripping: each generous for its use, and together they bound an
event, so no single request can record a text that stalls the writes of a school (issue 11).

======== ===== ===================================================================================
type     max   for
======== ===== ===================================================================================
Label    100   codes and short labels: class codes, subgroups, period names, year labels, profile
               ids, time zones, phone numbers, token labels (the longest real ones are ~30)
Name     200   what someone or something is called: a part of a person's name or an account's
               full name (the longest Russian full names are ~80), a subject, a school or place,
               a service, a document (an order's number and date)
Address  300   an e-mail address (at most 254 by RFC 5321) or a postal address (~200)
Comment  500   a comment on a mark, a note on an absence: a line or two, shown in a grid's cell
               and a diary (mark comments were always held to 500)
Topic    1000  a lesson's topic (KTP topics run to ~250; room for a subtitle and a list)
Reason   2000  why a change is made, a deputy's remark: a few sentences, on one line
Homework 4000  a lesson's homework: paragraphs, exercise numbers, links
======== ===== ===================================================================================

A person's name is checked part by part (``PersonNameText``: each a Name). A school's own
regulation profile, sent whole, is checked string by string (``TextWithin``: several lines, at
most 4000 each, for a clause's wording).

The checks run where a command (or a request) is validated; stored events are never validated
against them, so an old log that holds such text still loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from ejournal.aggregates.student import PersonName

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue

_REFUSED_EVERYWHERE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_REFUSED_ON_ONE_LINE = re.compile(f"[{_REFUSED_EVERYWHERE}\t\n\r\u2028\u2029]")
_REFUSED_ON_LINES = re.compile(f"[{_REFUSED_EVERYWHERE}]")
# The same rule for the OpenAPI document (ECMA-262; surrogates cannot be sent in JSON text anyway).
_SCHEMA_EVERYWHERE = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF"
_SCHEMA_ONE_LINE = rf"[^{_SCHEMA_EVERYWHERE}\u0009\u000A\u000D\u2028\u2029]"
_SCHEMA_ANY_LINE = rf"[^{_SCHEMA_EVERYWHERE}]"
_SCHEMA_NOT_BLANK = rf"[^\s{_SCHEMA_EVERYWHERE}]"
ONE_LINE_PATTERN = rf"^{_SCHEMA_ONE_LINE}*$"
"""Text of one line as a JSON Schema pattern (for the OpenAPI document): the characters only,
as the URL check (``api.request_limits``) refuses them in a path or a query."""
# Journal text must also hold a character that is not whitespace: text of only whitespace is
# stripped to nothing and refused, so the schema must not offer it as valid (a client, and the
# contract test, would send it and read a 422 the document did not announce).
ONE_LINE_TEXT_PATTERN = rf"^{_SCHEMA_ONE_LINE}*{_SCHEMA_NOT_BLANK}{_SCHEMA_ONE_LINE}*$"
"""Journal text of one line (``JournalText``) as a JSON Schema pattern."""
LINES_TEXT_PATTERN = rf"^{_SCHEMA_ANY_LINE}*{_SCHEMA_NOT_BLANK}{_SCHEMA_ANY_LINE}*$"
"""Journal text of several lines (``JournalText(lines=True)``) as a JSON Schema pattern."""


def refused_character(value: str, *, lines: bool = False, offset: int = 0) -> str | None:
    """Why ``value`` is not journal text, naming the first character refused and where it is
    (1-based, ``offset`` characters on where ``value`` is a part of what was sent); None when
    every character is accepted."""
    found = (_REFUSED_ON_LINES if lines else _REFUSED_ON_ONE_LINE).search(value)
    if found is None:
        return None
    char = found.group()
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        what = "a lone surrogate, which is not a character"
    elif code in (0xFFFE, 0xFFFF):
        what = "a non-character"
    elif char == "\t":
        what = "a tab"
    elif char in "\n\r\u2028\u2029":
        what = "a line break"
    else:
        what = "a control character"
    allowed = (
        "text may hold tab and line breaks but no other control character"
        if lines
        else "text of one line holds no control character, tab or line break"
    )
    return f"character {offset + found.start() + 1} is U+{code:04X} ({what}); {allowed}"


@dataclass(frozen=True)
class JournalText:
    """The annotation that makes a ``str`` journal text of one kind (see the module's docstring):
    surrounding whitespace stripped, no refused character in what is kept, not empty, at most
    ``max_length`` characters."""

    max_length: int
    lines: bool = False

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(
            self._characters,
            core_schema.no_info_after_validator_function(self._bounded, handler(source)),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(
            minLength=1,
            maxLength=self.max_length,
            pattern=LINES_TEXT_PATTERN if self.lines else ONE_LINE_TEXT_PATTERN,
        )
        return json_schema

    def _characters(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        # Stripped here, before the model's own stripping: what is refused is what would be kept,
        # so a name pasted with a trailing tab or newline is taken without it.
        stripped = value.strip()
        offset = len(value) - len(value.lstrip())
        if why := refused_character(stripped, lines=self.lines, offset=offset):
            raise PydanticCustomError("journal_text_character", why)
        return stripped

    def _bounded(self, value: str) -> str:
        if not value:
            raise PydanticCustomError("journal_text_empty", "text is empty or only whitespace")
        if len(value) > self.max_length:
            raise PydanticCustomError(
                "journal_text_too_long",
                "text is {length} characters long; at most {max_length} are taken",
                {"length": len(value), "max_length": self.max_length},
            )
        return value


Label = Annotated[str, JournalText(100)]
"""A code or short label on one line: a class code, a subgroup, a period's name."""
Name = Annotated[str, JournalText(200)]
"""What someone or something is called, on one line: a person, a subject, a school, a document."""
Address = Annotated[str, JournalText(300)]
"""An e-mail or postal address, on one line."""
Reason = Annotated[str, JournalText(2000)]
"""Why a change is made (or a deputy's remark), on one line."""
Topic = Annotated[str, JournalText(1000, lines=True)]
"""A lesson's topic."""
Comment = Annotated[str, JournalText(500, lines=True)]
"""A comment on a mark, a note on an absence."""
Homework = Annotated[str, JournalText(4000, lines=True)]
"""A lesson's homework."""


class _PersonNameParts(BaseModel):
    """A person's name as a command takes it: each part a Name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    last: Name
    first: Name
    patronymic: Name | None = None


def _person_name(value: Any) -> Any:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    return PersonName(**_PersonNameParts.model_validate(value).model_dump())


PersonNameText = Annotated[
    PersonName, BeforeValidator(_person_name, json_schema_input_type=_PersonNameParts)
]
"""A person's name in a command: the record's PersonName, each part checked as a Name."""


@dataclass(frozen=True)
class TextWithin:
    """The annotation that checks every string within a structured value a person writes whole
    (a school's own regulation profile): no refused character, at most ``max_length`` each.
    Stripping and emptiness stay the value's own model's business."""

    max_length: int
    lines: bool = True

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._checked, handler(source))

    def _checked(self, value: Any) -> Any:
        data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
        errors = list(self._errors(data, ()))
        if errors:
            raise ValidationError.from_exception_data(type(value).__name__, errors)
        return value

    def _errors(self, data: Any, at: tuple[str | int, ...]) -> Iterator[InitErrorDetails]:
        if isinstance(data, str):
            if why := refused_character(data, lines=self.lines):
                error = PydanticCustomError("journal_text_character", why)
            elif len(data) > self.max_length:
                error = PydanticCustomError(
                    "journal_text_too_long",
                    f"text is {len(data)} characters long; at most {self.max_length} are taken",
                )
            else:
                return
            yield InitErrorDetails(type=error, loc=at, input=data)
        elif isinstance(data, dict):
            for key, item in data.items():
                yield from self._errors(key, at)
                yield from self._errors(item, (*at, str(key)))
        elif isinstance(data, list | tuple):
            for index, item in enumerate(data):
                yield from self._errors(item, (*at, index))
