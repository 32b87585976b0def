"""Benchmark: encoding a large read model answer (a full-year journal grid) as JSON, four ways.

Issue 14 asked for orjson responses on the large reads. FastAPI (0.165 here) already encodes
an answer with a response model straight to bytes with pydantic-core's serializer (written in
Rust), after a check of the returned model that costs nothing for an instance of it; its
``ORJSONResponse`` is deprecated, and goes through a Python dict of the whole answer first.
This script times, on one grid built through the real command path (5А mathematics, 30
students, a whole year):

- FastAPI's default path: ``TypeAdapter.validate_python`` + ``dump_json`` (what the routes do);
- ``model_dump_json`` (what the sheets' and reports' own responses do);
- ``ORJSONResponse``'s path: ``dump_python(mode="json")`` + ``orjson.dumps``;
- ``jsonable_encoder`` + ``json.dumps`` (FastAPI's old path, for scale);

with a garbage collection before each sample, so one's garbage does not bill the next.

Run:  uv run --frozen python -m bench.json_encoding --repeat 60
This is a benchmark, not a test: it asserts nothing about time and is never run by pytest.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime

import orjson
from fastapi.encoders import jsonable_encoder
from pydantic import TypeAdapter

from bench.journal_load import ZONE, build_journal
from ejournal.clock import MovableClock
from ejournal.database import open_database
from ejournal.projections.journal_grid.queries import JournalGrid, JournalGridView, grid
from ejournal.projections.projector import Projector
from ejournal.schools import open_school
from ejournal.settings import Settings


def timed(name: str, action: Callable[[], object], repeat: int) -> None:
    taken = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        action()
        taken.append((time.perf_counter() - started) * 1000)
    taken.sort()
    p95 = taken[min(len(taken) - 1, round(0.95 * (len(taken) - 1)))]
    print(f"{name:<48} {statistics.median(taken):>9.2f} {p95:>9.2f} {taken[0]:>9.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--students", type=int, default=30)
    args = parser.parse_args(argv)
    settings = Settings(database_url=f"sqlite:///{tempfile.mkdtemp(prefix='json-bench-')}")
    school_id = f"jsonbench_{uuid.uuid4().hex[:8]}"
    clock = MovableClock(datetime(2026, 8, 24, 9, tzinfo=ZONE))
    school = open_school(settings, school_id, clock=clock)
    database = open_database(settings, school_id)
    try:
        built = build_journal(school, clock, args.students, random.Random(2026))
        projector = Projector(school, database, [JournalGrid()])
        projector.set_up()
        projector.catch_up()
        with database.transaction(write=False) as cursor:
            view = grid(cursor, built.journal_id)
    finally:
        database.close()
        school.close()
    adapter = TypeAdapter(JournalGridView)
    default = adapter.dump_json(adapter.validate_python(view), by_alias=True)
    via_orjson = orjson.dumps(adapter.dump_python(view, mode="json", by_alias=True))
    same = orjson.loads(default) == orjson.loads(via_orjson)
    print(
        f"a year's grid of {len(view.rows)} students: {len(default):,} bytes of JSON;"
        f" orjson's encoding {'decodes to the same' if same else 'DIFFERS'}"
    )
    print(f"{'how':<48} {'median ms':>9} {'p95 ms':>9} {'min ms':>9}")
    timed(
        "FastAPI default: validate + dump_json",
        lambda: adapter.dump_json(adapter.validate_python(view), by_alias=True),
        args.repeat,
    )
    timed("model_dump_json", view.model_dump_json, args.repeat)
    timed(
        "ORJSONResponse: dump_python(json) + orjson",
        lambda: orjson.dumps(adapter.dump_python(view, mode="json", by_alias=True)),
        args.repeat,
    )
    timed(
        "jsonable_encoder + json.dumps",
        lambda: json.dumps(jsonable_encoder(view)).encode(),
        max(3, args.repeat // 10),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
