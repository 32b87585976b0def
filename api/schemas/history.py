"""History's query parameters over HTTP: moments with their time zone, and a span of two."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator


class MomentQuery(BaseModel):
    """One moment of the journal's history."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: AwareDatetime = Field(
        description="The moment, with its time zone: 2026-09-07T15:00:00+03:00 (a ``+`` is"
        " written %2B in a URL) or 2026-09-07T12:00:00Z."
    )


class SpanQuery(BaseModel):
    """Two moments of the journal's history, the earlier first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: AwareDatetime = Field(description="The earlier moment, with its time zone.")
    end: AwareDatetime = Field(description="The later moment, with its time zone.")

    @model_validator(mode="after")
    def _in_order(self) -> SpanQuery:
        if self.end < self.start:
            raise ValueError("end comes after start")
        return self
