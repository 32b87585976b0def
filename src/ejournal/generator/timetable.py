"""The weekly timetable: every class's lessons placed in its school days, no teacher in two
places at once.

A class's days are fixed by its grade (``curriculum.lessons_per_day``: lessons from the first slot
on, no gaps), so placing its courses is a flow problem: each course sends its weekly hours through
its days (at most ``ceil(hours / 5)`` a day, so a subject is spread over the week) into the
class's free cells, a cell being usable by a course only when every teacher of the course (both,
for a split subject) is free then. The classes are placed one after another, each by a maximum
flow that either fills the class's week exactly or proves it cannot be filled around the classes
placed before; then the placing starts again with that class first. Randomness (the seed's) only
breaks ties, so each seed gives a different clash-free week.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ejournal.generator.curriculum import lessons_per_day
from ejournal.generator.school_plan import ClassPlan
from ejournal.generator.staffing import Course

WEEKDAYS = 5


class TimetableError(RuntimeError):
    """No clash-free timetable was found for the school's curriculum and staff."""


@dataclass(frozen=True)
class Slot:
    """One weekly lesson of a class: a course on a weekday (1 = Monday) in a slot (1 = first)."""

    class_code: str
    weekday: int
    slot: int
    course: Course


def build_timetable(
    classes: Sequence[ClassPlan],
    courses: Mapping[str, Sequence[Course]],
    rng: random.Random,
    attempts: int = 200,
) -> tuple[Slot, ...]:
    """Every class's week, every cell filled, no teacher booked twice in a cell."""
    # Senior classes have the longest days and the most specialists: they go first.
    order = sorted(classes, key=lambda p: (-p.grade, p.letter))
    for _ in range(attempts):
        busy: set[tuple[str, int, int]] = set()
        placed: list[Slot] = []
        failed: ClassPlan | None = None
        for plan in order:
            week = _place_class(plan, courses[plan.code], busy, rng)
            if week is None:
                failed = plan
                break
            placed += week
            busy.update((t, s.weekday, s.slot) for s in week for t in s.course.teachers)
        if failed is None:
            return tuple(sorted(placed, key=lambda s: (_index(classes, s), s.weekday, s.slot)))
        order.remove(failed)
        order.insert(0, failed)
    raise TimetableError(f"no clash-free timetable found in {attempts} attempts")


def _index(classes: Sequence[ClassPlan], slot: Slot) -> int:
    return next(i for i, p in enumerate(classes) if p.code == slot.class_code)


def daily_limit(hours: int) -> int:
    """How many lessons of a subject a class may have in one day."""
    return max(1, math.ceil(hours / WEEKDAYS))


def _place_class(
    plan: ClassPlan,
    courses: Sequence[Course],
    busy: set[tuple[str, int, int]],
    rng: random.Random,
) -> list[Slot] | None:
    days = lessons_per_day(plan.grade, WEEKDAYS)
    cells = [(day, slot) for day in range(1, WEEKDAYS + 1) for slot in range(1, days[day - 1] + 1)]
    if sum(c.hours for c in courses) != len(cells):
        raise TimetableError(f"class {plan.code}: the hours do not fill its school days")
    flow = _Flow()
    source, sink = flow.node(), flow.node()
    cell_node = {cell: flow.node() for cell in cells}
    for node in cell_node.values():
        flow.edge(node, sink, 1)
    course_order = list(range(len(courses)))
    rng.shuffle(course_order)
    day_nodes: dict[tuple[int, int], int] = {}
    for index in course_order:
        course = courses[index]
        course_node = flow.node()
        flow.edge(source, course_node, course.hours)
        for day in rng.sample(range(1, WEEKDAYS + 1), WEEKDAYS):
            day_node = day_nodes[(index, day)] = flow.node()
            flow.edge(course_node, day_node, daily_limit(course.hours))
            free = [
                cell
                for cell in cells
                if cell[0] == day and not any((t, day, cell[1]) in busy for t in course.teachers)
            ]
            rng.shuffle(free)
            for cell in free:
                flow.edge(day_node, cell_node[cell], 1)
    if flow.maximum(source, sink) < len(cells):
        return None
    week: list[Slot] = []
    for (index, day), node in day_nodes.items():
        for target, _ in flow.used(node):
            cell = next(c for c, n in cell_node.items() if n == target)
            week.append(Slot(plan.code, day, cell[1], courses[index]))
    return sorted(week, key=lambda s: (s.weekday, s.slot))


class _Flow:
    """A small flow network with integer capacities (Edmonds–Karp)."""

    def __init__(self) -> None:
        self.adjacent: list[list[int]] = []
        self.to: list[int] = []
        self.capacity: list[int] = []
        self.original: list[int] = []

    def node(self) -> int:
        self.adjacent.append([])
        return len(self.adjacent) - 1

    def edge(self, start: int, end: int, capacity: int) -> None:
        for a, b, c in ((start, end, capacity), (end, start, 0)):
            self.adjacent[a].append(len(self.to))
            self.to.append(b)
            self.capacity.append(c)
            self.original.append(c)

    def maximum(self, source: int, sink: int) -> int:
        total = 0
        while True:
            parent_edge = [-1] * len(self.adjacent)
            parent_edge[source] = -2
            queue = deque([source])
            while queue and parent_edge[sink] == -1:
                node = queue.popleft()
                for e in self.adjacent[node]:
                    if self.capacity[e] > 0 and parent_edge[self.to[e]] == -1:
                        parent_edge[self.to[e]] = e
                        queue.append(self.to[e])
            if parent_edge[sink] == -1:
                return total
            push, node = math.inf, sink
            while node != source:
                e = parent_edge[node]
                push = min(push, self.capacity[e])
                node = self.to[e ^ 1]
            node = sink
            while node != source:
                e = parent_edge[node]
                self.capacity[e] -= int(push)
                self.capacity[e ^ 1] += int(push)
                node = self.to[e ^ 1]
            total += int(push)

    def used(self, node: int) -> list[tuple[int, int]]:
        """The edges out of a node that carry flow: (target, amount)."""
        return [
            (self.to[e], self.original[e] - self.capacity[e])
            for e in self.adjacent[node]
            if self.original[e] > 0 and self.capacity[e] < self.original[e]
        ]
