"""The walk that finds loose text: a ``str`` in a model (a command, a request body) that is
neither journal text (ejournal.text) nor a closed form of its own."""

from __future__ import annotations

from collections.abc import Iterator
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ejournal.commands.command import Command
from ejournal.marks import MarkValue
from ejournal.text import JournalText, PersonNameText, TextWithin

CLOSED_FORMS: tuple[Any, ...] = (MarkValue, PersonNameText)
"""Types that take text only in a closed form of their own: a mark ("1".."5", "зач", ...), a
person's name (its parts each journal text)."""


def is_text_rule(metadata: Any) -> bool:
    if isinstance(metadata, JournalText | TextWithin):
        return True
    if isinstance(metadata, FieldInfo):
        return any(is_text_rule(m) for m in metadata.metadata)
    return getattr(metadata, "pattern", None) is not None


def loose_fields(model: type[BaseModel], where: str) -> Iterator[str]:
    """Where a ``str`` among a model's fields is neither journal text nor a closed form."""
    for name, info in model.model_fields.items():
        # pydantic keeps a field's Annotated metadata apart from its type: put them together again.
        declared = info.annotation
        if info.metadata:
            declared = Annotated[(declared, *info.metadata)]
        yield from loose_text(declared, [], f"{where}.{name}")


def loose_text(annotation: Any, metadata: list[Any], where: str) -> Iterator[str]:
    """Where a ``str`` inside ``annotation`` is neither journal text nor a closed form."""
    if any(is_text_rule(m) for m in metadata) or any(annotation == t for t in CLOSED_FORMS):
        return
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        yield from loose_text(base, [*metadata, *extra], where)
    elif annotation is str:
        yield where
    elif origin is Literal:
        return
    elif origin in (Union, UnionType, tuple, list, set, frozenset, dict):
        for arg in get_args(annotation):
            if arg is not Ellipsis:
                yield from loose_text(arg, [], where)
    elif isinstance(annotation, type) and issubclass(annotation, Command):
        return  # walked on its own, as every command is
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from loose_fields(annotation, where)
    # Anything else (ids, dates, numbers, enums) holds no free text.
