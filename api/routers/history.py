"""History (time travel): a class journal as it stood at any moment, what changed on it between
two moments, and the whole story of one mark, replayed from the log.

Who reads which is the core's access module's to say (``ejournal.access``): inspectors,
auditors, the deputy, the director and the administrator read the history of every journal; a
teacher that of the journals they keep, a class teacher that of their class's journals. The story
of one mark is also open to the parent of the student it was given to, and to no other parent: a
mark of another child, or in a journal the reader may not see, answers exactly as a missing one.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from api.dependencies import CurrentSession, SchoolApp, acting_as
from api.schemas.history import MomentQuery, SpanQuery
from ejournal.access import HISTORY_READERS, history_journal, story_mark
from ejournal.history.as_of import journal_as_of
from ejournal.history.diff import JournalDiff, journal_diff
from ejournal.history.story import MarkStory, mark_story
from ejournal.projections.journal_grid.queries import JournalGridView
from ejournal.roles import Actor, Role

router = APIRouter(tags=["history"])

HistoryReader = Annotated[
    Actor, Depends(acting_as(*sorted(HISTORY_READERS), Role.TEACHER, Role.CLASS_TEACHER))
]
"""Who replays journals; each journal is further scoped (a teacher's own, a class teacher's
class's)."""
StoryReader = Annotated[
    Actor,
    Depends(acting_as(*sorted(HISTORY_READERS), Role.TEACHER, Role.CLASS_TEACHER, Role.PARENT)),
]
"""Who reads a mark's story; each mark is further scoped (a parent's own child's only)."""


@router.get(
    "/journals/{journal_id}/history",
    response_model=JournalGridView,
    summary="A class journal as it stood at a moment",
)
def read_journal_as_of(
    journal_id: UUID,
    moment: Annotated[MomentQuery, Query()],
    reader: HistoryReader,
    session: CurrentSession,
    school: SchoolApp,
) -> JournalGridView:
    """The journal's page as it stood at ``at``, replayed from the log (the journal, its roster
    and its students' names as they were then), in the same shape as the journal grid: marks
    as they stood, with the corrections made by then; students on the page then."""
    history_journal(school, session.account, journal_id)
    return journal_as_of(school, journal_id, moment.at)


@router.get(
    "/journals/{journal_id}/history/diff",
    response_model=JournalDiff,
    summary="What changed on a class journal between two moments",
)
def read_journal_diff(
    journal_id: UUID,
    span: Annotated[SpanQuery, Query()],
    reader: HistoryReader,
    session: CurrentSession,
    school: SchoolApp,
) -> JournalDiff:
    """Lessons added, topics and homework changed, marks added, corrected and voided,
    attendance and absence reasons, period marks, and students joining or leaving the page,
    from ``start`` to ``end``, in the page's order."""
    history_journal(school, session.account, journal_id)
    return journal_diff(school, journal_id, span.start, span.end)


@router.get(
    "/journals/{journal_id}/marks/{mark_id}/story",
    response_model=MarkStory,
    summary="The story of one mark",
)
def read_mark_story(
    journal_id: UUID,
    mark_id: UUID,
    reader: StoryReader,
    session: CurrentSession,
    school: SchoolApp,
) -> MarkStory:
    """Every event of the mark's life in order: recorded, a deputy's authorisation, corrected,
    voided; each with its value, who (account, role), why, approved by whom, when, and whether
    it was a late entry."""
    story_mark(school, session.account, journal_id, mark_id)
    return mark_story(school, journal_id, mark_id)
