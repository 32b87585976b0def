"""docs/verify_ejournal.py, the stand-alone verifier, against the product: a real school log on
SQLite, its public log served by the real app over real HTTP (uvicorn on a free port), and the
script run as a subprocess by a Python that cannot import ejournal, api or archive. It must say
OK where everything holds, and fail, naming the problem, on a changed line and on a wrong key."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import cryptography
import pytest
import uvicorn
from scenario import World, build_world

from api.app import create_app
from archive.bag import CHECKPOINT, EVENTS, PUBLIC_KEY
from ejournal.clock import MovableClock
from ejournal.commands import lessons
from ejournal.integrity.checkpoint import SigningKey
from ejournal.integrity.notary import Notary, SignedCheckpoint
from ejournal.settings import Settings

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "verify_ejournal.py"
MONDAY = date(2026, 9, 7)

# Runs the script with only the third-party packages (cryptography and what it needs) on the
# path: no .pth of the editable install, so neither src/ nor the checkout is importable, and
# our packages are blocked outright should they be found some other way.
BOOTSTRAP = """
import runpy, sys
sys.path.append(sys.argv[1])
for ours in ("ejournal", "api", "archive"):
    sys.modules[ours] = None
script = sys.argv[2]
sys.argv = [script, *sys.argv[3:]]
runpy.run_path(script, run_name="__main__")
"""


@dataclass
class Served:
    """The scenario school, its notary, and the URL of its public log over real HTTP."""

    world: World
    notary: Notary
    log_url: str

    def hold_lesson(self, slot: int) -> None:
        self.world.at(MONDAY, 7 + slot)
        lessons.hold_lesson(
            self.world.school,
            self.world.math,
            lessons.HoldLesson(
                journal_id=self.world.journals["math"], on=MONDAY, slot=slot, topic=f"Урок {slot}"
            ),
        )


@pytest.fixture
def served(tmp_path: Path, school_id: str) -> Iterator[Served]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/db",
        school=school_id,
        password_hashing="cheapest",
        signing_key_dir=tmp_path / "keys",
        checkpoint_dir=tmp_path / "checkpoints",
        # Checkpoints only when a test signs one (the service signs the very first by itself).
        checkpoint_every_events=10**9,
        checkpoint_every_seconds=10**9,
        _env_file=None,
    )
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    app = create_app(settings, clock=clock)
    services = app.state.deployment.create_school(school_id)
    world = build_world(services.app, clock)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        while not server.started:  # readiness, not a timing assertion: it fails by the timeout
            assert thread.is_alive(), "uvicorn stopped before it started"
            time.sleep(0.02)
        yield Served(
            world, services.notary, f"http://127.0.0.1:{port}/api/v1/schools/{school_id}/log"
        )
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()


def run_script(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """The script in a plain interpreter: isolated (-I), no site (-S), a temporary cwd."""
    packages = str(Path(cryptography.__file__).parents[1])
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", BOOTSTRAP, packages, str(SCRIPT), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8"},
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: "), result.stdout
    return result.stdout


def failed(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("FAILED: "), result.stderr
    return result.stderr


def write_archive(notary: Notary, signed: SignedCheckpoint, bag: Path) -> Path:
    """The log part of an archive's bag, written as archive.creation writes it: every leaf up to
    the checkpoint a line, the signed note, the school's verifier key."""
    for name in (EVENTS, CHECKPOINT, PUBLIC_KEY):
        (bag / name).parent.mkdir(parents=True, exist_ok=True)
    with (bag / EVENTS).open("wb") as out:
        for line in notary.leaves(0, signed.checkpoint.size):
            out.write(line + b"\n")
    (bag / CHECKPOINT).write_text(signed.note, encoding="utf-8")
    (bag / PUBLIC_KEY).write_text(notary.verifier().text + "\n", encoding="ascii")
    return bag


def test_the_script_imports_nothing_of_ours(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import importlib.util, sys\n"
        "for name in ('ejournal', 'api', 'archive'):\n"
        "    try:\n"
        "        __import__(name)\n"
        "    except ImportError:\n"
        "        continue\n"
        "    sys.exit(f'{name} is importable')\n"
        "import cryptography\n"
        "print('OK: isolated')\n"
    )
    packages = str(Path(cryptography.__file__).parents[1])
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", BOOTSTRAP, packages, str(probe)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    ok(result)
    source = SCRIPT.read_text(encoding="utf-8")
    for ours in ("ejournal", "api", "archive"):
        assert f"import {ours}" not in source
        assert f"from {ours}" not in source
    assert "ejournal/" not in source.replace("docs/integrity.md", "")


def test_an_archive_checks_out_against_a_pinned_key(served: Served, tmp_path: Path) -> None:
    served.hold_lesson(1)
    signed = served.notary.checkpoint()
    bag = write_archive(served.notary, signed, tmp_path / "archive")
    key = served.notary.verifier()

    by_fingerprint = ok(run_script(tmp_path, "archive", bag, "--fingerprint", key.fingerprint))
    assert f"{signed.checkpoint.size} events" in by_fingerprint
    assert signed.checkpoint.root.hex() in by_fingerprint
    # The key pinned as text, or as a file; a fingerprint as a person may type it.
    ok(run_script(tmp_path, "archive", bag / "data", "--key", key.text))
    (tmp_path / "school.vkey").write_text(key.text + "\n")
    ok(run_script(tmp_path, "archive", bag, "--key", tmp_path / "school.vkey"))
    typed = hashlib.sha256(key.public_key).hexdigest().upper()
    ok(run_script(tmp_path, "archive", bag, "--fingerprint", typed))


def test_a_changed_line_fails(served: Served, tmp_path: Path) -> None:
    served.hold_lesson(1)
    signed = served.notary.checkpoint()
    bag = write_archive(served.notary, signed, tmp_path / "archive")
    key = served.notary.verifier()
    lines = (bag / EVENTS).read_bytes().split(b"\n")
    target = next(i for i, line in enumerate(lines) if "Урок 1".encode() in line)

    changed = list(lines)
    changed[target] = changed[target].replace("Урок 1".encode(), "Урок 2".encode())
    (bag / EVENTS).write_bytes(b"\n".join(changed))
    message = failed(run_script(tmp_path, "archive", bag, "--fingerprint", key.fingerprint))
    assert "root" in message
    assert signed.checkpoint.root.hex() in message
    # Asked to, it names the line by the live log's public leaf hashes.
    pin = ("--fingerprint", key.fingerprint)
    message = failed(run_script(tmp_path, "archive", bag, *pin, "--log", served.log_url))
    assert f"line {target + 1} (leaf {target}) is the first that is not the live log's" in message

    (bag / EVENTS).write_bytes(b"\n".join(lines[:target] + lines[target + 1 :]))
    message = failed(run_script(tmp_path, "archive", bag, "--fingerprint", key.fingerprint))
    assert f"the checkpoint signs a log of {signed.checkpoint.size}" in message

    swapped = list(lines)
    swapped[1], swapped[2] = swapped[2], swapped[1]
    (bag / EVENTS).write_bytes(b"\n".join(swapped))
    message = failed(run_script(tmp_path, "archive", bag, "--fingerprint", key.fingerprint))
    assert "positions must grow" in message

    (bag / EVENTS).write_bytes(b"\n".join(lines).removesuffix(b"\n"))
    message = failed(run_script(tmp_path, "archive", bag, "--fingerprint", key.fingerprint))
    assert f"line {len(lines) - 1} has no newline" in message

    # The checkpoint changed instead: its signature no longer holds.
    (bag / EVENTS).write_bytes(b"\n".join(lines))
    note = signed.note.replace(f"\n{signed.checkpoint.size}\n", f"\n{signed.checkpoint.size - 1}\n")
    (bag / CHECKPOINT).write_text(note)
    message = failed(run_script(tmp_path, "archive", bag, "--fingerprint", key.fingerprint))
    assert "signature" in message


def test_a_wrong_key_fails(served: Served, tmp_path: Path) -> None:
    signed = served.notary.checkpoint()
    bag = write_archive(served.notary, signed, tmp_path / "archive")
    key = served.notary.verifier()
    other = SigningKey.generate(key.name).verifier()  # same name, another key: an impostor

    message = failed(run_script(tmp_path, "archive", bag, "--fingerprint", other.fingerprint))
    assert "fingerprint" in message
    assert key.fingerprint in message
    message = failed(run_script(tmp_path, "archive", bag, "--key", other.text))
    assert "not pinned" in message
    assert key.fingerprint in message
    # An archive whose key file was swapped for the impostor's, its note re-signed by it.
    impostor = SigningKey.generate(key.name)
    forged = bag.parent / "forged"
    shutil.copytree(bag, forged)
    (forged / PUBLIC_KEY).write_text(impostor.verifier().text + "\n")
    message = failed(run_script(tmp_path, "archive", forged, "--fingerprint", key.fingerprint))
    assert "fingerprint" in message
    failed(run_script(tmp_path, "checkpoint", served.log_url, "--key", other.text))
    failed(run_script(tmp_path, "checkpoint", served.log_url, "--fingerprint", other.fingerprint))


def test_the_live_log_proves_inclusion_and_consistency(served: Served, tmp_path: Path) -> None:
    first = served.notary.checkpoint()
    bag = write_archive(served.notary, first, tmp_path / "archive")
    served.hold_lesson(1)
    served.hold_lesson(2)
    second = served.notary.checkpoint()
    key = served.notary.verifier()
    pin = ("--fingerprint", key.fingerprint)
    url = served.log_url

    latest = ok(run_script(tmp_path, "checkpoint", url, *pin))
    assert f"{second.checkpoint.size} events" in latest
    ok(run_script(tmp_path, "checkpoint", url, "--size", str(first.checkpoint.size), *pin))

    events = bag / EVENTS
    last = first.checkpoint.size - 1
    for index in (0, last):
        proved = ok(
            run_script(tmp_path, "inclusion", url, "--index", str(index), "--events", events, *pin)
        )
        assert f"checkpoint of {key.name} of {second.checkpoint.size} events" in proved
    line = events.read_bytes().split(b"\n")[3]
    leaf = hashlib.sha256(b"\x00" + line).hexdigest()
    ok(run_script(tmp_path, "inclusion", url, "--index", "3", "--leaf-hash", leaf, *pin))
    size = ("--size", str(first.checkpoint.size))
    ok(run_script(tmp_path, "inclusion", url, "--index", "3", "--leaf-hash", leaf, *size, *pin))
    # A leaf at another index, or a changed line, is not in the log there.
    message = failed(
        run_script(tmp_path, "inclusion", url, "--index", "4", "--leaf-hash", leaf, *pin)
    )
    assert "not in the log at that index" in message
    lines = events.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b'"position":', b'"position": ')
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_bytes(b"\n".join(lines))
    failed(run_script(tmp_path, "inclusion", url, "--index", "3", "--events", tampered, *pin))

    extended = ok(
        run_script(tmp_path, "consistency", url, "--old", str(first.checkpoint.size), *pin)
    )
    assert f"extends the signed checkpoint of {first.checkpoint.size}" in extended
    ok(run_script(tmp_path, "consistency", url, "--old-checkpoint", bag / CHECKPOINT, *pin))
    ok(
        run_script(
            tmp_path,
            "consistency",
            url,
            "--old",
            str(first.checkpoint.size),
            "--new",
            str(second.checkpoint.size),
            "--key",
            key.text,
        )
    )
    unknown = url.replace("/schools/", "/schools/x") + "/"
    message = failed(run_script(tmp_path, "checkpoint", unknown, *pin))
    assert "404" in message


def test_a_rotated_key_verifies_pinned_or_vouched_for_by_the_live_log(
    served: Served, tmp_path: Path
) -> None:
    before = served.notary.checkpoint()
    old_bag = write_archive(served.notary, before, tmp_path / "before")
    old, new, _signed = served.notary.rotate_key("the old key's laptop was stolen")
    served.hold_lesson(1)
    after = served.notary.checkpoint()
    new_bag = write_archive(served.notary, after, tmp_path / "after")
    assert (old_bag / PUBLIC_KEY).read_text().strip() == old.text
    url = served.log_url
    pin_old, pin_new = ("--fingerprint", old.fingerprint), ("--fingerprint", new.fingerprint)

    # The archive made after the rotation: its log names both keys, and the new one signs.
    assert "pinned" in ok(run_script(tmp_path, "archive", new_bag, *pin_new))
    message = failed(run_script(tmp_path, "archive", new_bag, *pin_old))
    assert f"fingerprint {new.fingerprint}, which is not pinned" in message
    # The archive from before: its old key pinned, or both keys, or today's key and the live
    # log, whose checkpoint (signed by today's key) holds the line that named the old key.
    ok(run_script(tmp_path, "archive", old_bag, *pin_old))
    ok(run_script(tmp_path, "archive", old_bag, *pin_new, *pin_old))
    assert "not pinned" in failed(run_script(tmp_path, "archive", old_bag, *pin_new))
    vouched = ok(run_script(tmp_path, "archive", old_bag, *pin_new, "--log", url))
    assert f"signed by the pinned key {new.fingerprint}" in vouched
    assert f"key {old.fingerprint}" in vouched

    # The live log: each checkpoint with the key of its time, both pinned.
    both = (*pin_old, *pin_new)
    size = str(before.checkpoint.size)
    assert old.fingerprint in ok(run_script(tmp_path, "checkpoint", url, "--size", size, *both))
    assert new.fingerprint in ok(run_script(tmp_path, "checkpoint", url, *both))
    failed(run_script(tmp_path, "checkpoint", url, "--size", size, *pin_new))
    extended = ok(
        run_script(tmp_path, "consistency", url, "--old-checkpoint", old_bag / CHECKPOINT, *both)
    )
    assert f"extends the signed checkpoint of {before.checkpoint.size}" in extended
