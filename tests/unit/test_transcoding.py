"""One event, one byte form: what the Merkle tree hashes must not depend on the process that
wrote it (string hashing is salted per process, so set order is not)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from uuid import UUID

from ejournal.aggregates.school_year import ClosureRecord
from ejournal.transcoding import OrjsonTranscoder

DUMP = """
import orjson
from ejournal.policy.profile import shipped_profile
for profile in ("school77", "lyceum68", "gymnasium2"):
    state = shipped_profile(profile).model_dump(mode="json")
    print(orjson.dumps(state, option=orjson.OPT_SORT_KEYS).hex())
"""


def dumped_in_a_process(hash_seed: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    done = subprocess.run(
        [sys.executable, "-c", DUMP], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_a_profile_dumps_to_the_same_bytes_in_every_process() -> None:
    forms = {dumped_in_a_process(seed) for seed in (1, 2, 3, 4)}
    assert len(forms) == 1


def test_a_set_of_classes_is_stored_sorted() -> None:
    closure = ClosureRecord(
        id=UUID(int=1),
        start=date(2026, 11, 2),
        end=date(2026, 11, 6),
        kind="quarantine",
        classes=frozenset({"5Б", "1А", "11В", "5А"}),
    )
    encoded = OrjsonTranscoder().encode(closure.model_dump(mode="json"))
    assert OrjsonTranscoder().decode(encoded)["classes"] == ["11В", "1А", "5А", "5Б"]
