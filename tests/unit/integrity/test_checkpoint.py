"""Signed checkpoints: the C2SP signed-note and tlog-checkpoint formats, checked byte for byte
against the Go reference implementation's vector (golang.org/x/mod/sumdb/note), and every way a
note can fail to be trusted."""

from __future__ import annotations

import base64
import hashlib
import re
import stat
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from ejournal.errors import EjournalError
from ejournal.integrity.checkpoint import (
    Checkpoint,
    CheckpointError,
    SigningKey,
    VerifierKey,
    open_note,
    open_signed,
    origin_for,
    origin_of,
    parse_fingerprint,
    read_unverified,
    school_of_origin,
    sign,
    sign_note,
)
from ejournal.settings import INSTALLATION_PATTERN, Settings, default_installation

# golang.org/x/mod/sumdb/note, note_test.go: a key pair and a note signed with it.
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT
    + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdn"
    "gotpRZb6KE6RyyBwJnAM=\n"
)

ORIGIN = origin_of("lyceum68")
ROOT = bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
SIGNED_AT = datetime(2026, 9, 7, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate(ORIGIN)


def checkpoint(**changes: object) -> Checkpoint:
    values: dict[str, object] = {"origin": ORIGIN, "size": 8, "root": ROOT, "time": SIGNED_AT}
    values.update(changes)
    return Checkpoint(**values)  # type: ignore[arg-type]


# --- the reference implementation's vector ---------------------------------------------------


def test_keys_and_signature_match_the_go_reference_byte_for_byte() -> None:
    signer = SigningKey.from_text(GO_SKEY)
    verifier = VerifierKey.from_text(GO_VKEY)
    assert signer.text == GO_SKEY
    assert verifier.text == GO_VKEY
    assert signer.verifier() == verifier
    assert verifier.key_id.hex() == "c74f20a3"
    assert sign_note(GO_TEXT, signer) == GO_NOTE  # Ed25519 is deterministic
    assert open_note(GO_NOTE, verifier) == GO_TEXT


def test_the_go_note_changed_by_one_character_is_refused() -> None:
    with pytest.raises(CheckpointError, match="does not match"):
        open_note(GO_NOTE.replace("cryptography", "cryptographY"), VerifierKey.from_text(GO_VKEY))


def test_malformed_keys_are_refused() -> None:
    for broken in (
        GO_VKEY[:-1],
        GO_VKEY.replace("c74f20a3", "c74f20a4"),  # the id does not match
        "PeterNeumann+c74f20a3",
        GO_VKEY.replace("PeterNeumann", "Peter Neumann"),
        GO_SKEY,  # a private key is not a verifier key
    ):
        with pytest.raises(CheckpointError):
            VerifierKey.from_text(broken)
    with pytest.raises(CheckpointError):
        SigningKey.from_text(GO_VKEY)


# --- checkpoints --------------------------------------------------------------------------------


def test_a_checkpoint_round_trips_through_its_signed_note(key: SigningKey) -> None:
    made = checkpoint()
    note = sign(made, key)
    body, _, signature = note.partition("\n\n")
    assert body.split("\n") == [
        ORIGIN,
        "8",
        base64.b64encode(ROOT).decode(),
        "time 2026-09-07T09:30:00Z",
    ]
    assert signature.startswith(f"— {ORIGIN} ")
    assert open_signed(note, key.verifier()) == made
    assert read_unverified(note) == made


def test_a_checkpoint_keeps_time_in_utc() -> None:
    moscow = timezone(timedelta(hours=3))
    made = checkpoint(time=datetime(2026, 9, 7, 12, 30, tzinfo=moscow))
    assert made.time == SIGNED_AT
    assert made.time.tzinfo == UTC
    with pytest.raises(CheckpointError, match="timezone"):
        checkpoint(time=datetime(2026, 9, 7, 12, 30))


def test_a_forged_root_is_refused(key: SigningKey) -> None:
    note = sign(checkpoint(), key)
    forged = note.replace(base64.b64encode(ROOT).decode(), base64.b64encode(bytes(32)).decode())
    with pytest.raises(CheckpointError, match="does not match"):
        open_signed(forged, key.verifier())


def test_a_tampered_body_is_refused(key: SigningKey) -> None:
    note = sign(checkpoint(), key)
    for tampered in (
        note.replace("\n8\n", "\n9\n"),
        note.replace("2026-09-07", "2026-09-08"),
        note.replace(ORIGIN + "\n", ORIGIN + "\nextra line\n", 1),
    ):
        with pytest.raises(CheckpointError, match="does not match"):
            open_signed(tampered, key.verifier())


def test_the_wrong_key_is_refused(key: SigningKey) -> None:
    note = sign(checkpoint(), key)
    other = SigningKey.generate(ORIGIN)  # same name, another key: another key id
    with pytest.raises(CheckpointError, match="no signature of the key"):
        open_signed(note, other.verifier())


def test_a_note_signed_by_another_key_name_is_refused(key: SigningKey) -> None:
    stranger = SigningKey.generate(origin_of("school77"))
    with pytest.raises(CheckpointError, match="signs checkpoints of"):
        sign(checkpoint(), stranger)  # our signer refuses to sign another log's checkpoint
    forged = sign_note(checkpoint().body(), stranger)  # ... but a note can be made by hand
    with pytest.raises(CheckpointError, match="no signature of the key"):
        open_signed(forged, key.verifier())
    # Signed by its own key, a note of another origin is refused too.
    elsewhere = sign_note(checkpoint(origin=stranger.name).body(), key)
    with pytest.raises(CheckpointError, match="origin"):
        open_signed(elsewhere, key.verifier())


def test_a_signature_moved_under_another_name_is_refused(key: SigningKey) -> None:
    note = sign(checkpoint(), key)
    renamed = note.replace(f"— {ORIGIN} ", "— ejournal/school77 ")
    with pytest.raises(CheckpointError, match="no signature of the key"):
        open_signed(renamed, key.verifier())


def test_other_signatures_are_ignored_but_ours_must_hold(key: SigningKey) -> None:
    note = sign(checkpoint(), key)
    witness = SigningKey.generate("witness.example")
    cosigned = note + sign_note(checkpoint().body(), witness).split("\n\n")[1]
    assert open_signed(cosigned, key.verifier()) == checkpoint()
    assert open_note(cosigned, witness.verifier()) == checkpoint().body()


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "no signatures at all\n",
        f"{ORIGIN}\n8\n\n— {ORIGIN} AAAA\n",
        f"{ORIGIN}\n8\nroot\n\nnot a signature line\n",
        f"{ORIGIN}\n8\nroot\n\n— {ORIGIN} not-base64!\n",
        f"{ORIGIN}\n8\nroot\n\n— {ORIGIN} AAAAAAAA",  # no final newline
    ],
)
def test_malformed_notes_are_refused(key: SigningKey, malformed: str) -> None:
    with pytest.raises(CheckpointError):
        open_signed(malformed, key.verifier())


@pytest.mark.parametrize(
    "body",
    [
        f"{ORIGIN}\n8\n",  # no root
        f"{ORIGIN}\n-1\n{base64.b64encode(ROOT).decode()}\ntime 2026-09-07T09:30:00Z\n",
        f"{ORIGIN}\n08\n{base64.b64encode(ROOT).decode()}\ntime 2026-09-07T09:30:00Z\n",
        f"{ORIGIN}\n8\n{base64.b64encode(ROOT[:16]).decode()}\ntime 2026-09-07T09:30:00Z\n",
        f"{ORIGIN}\n8\n{base64.b64encode(ROOT).decode()}\n",  # no time
        f"{ORIGIN}\n8\n{base64.b64encode(ROOT).decode()}\ntime yesterday\n",
        f"{ORIGIN}\n8\n{base64.b64encode(ROOT).decode()}\ntime 2026-09-07T09:30:00\n",
    ],
)
def test_malformed_checkpoint_bodies_are_refused(key: SigningKey, body: str) -> None:
    with pytest.raises(CheckpointError):
        open_signed(sign_note(body, key), key.verifier())


def test_checkpoint_errors_are_journal_errors() -> None:
    assert issubclass(CheckpointError, EjournalError)
    assert CheckpointError.slug == "checkpoint-invalid"


# --- key files ----------------------------------------------------------------------------------


def test_a_key_file_is_private_and_never_overwritten(tmp_path: Path, key: SigningKey) -> None:
    path = tmp_path / "keys" / "lyceum68.key"
    key.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith(f"PRIVATE+KEY+{ORIGIN}+{key.key_id.hex()}+")
    loaded = SigningKey.load(path)
    assert loaded.verifier() == key.verifier()
    assert open_signed(sign(checkpoint(), loaded), key.verifier()) == checkpoint()
    with pytest.raises(FileExistsError):
        SigningKey.generate(ORIGIN).save(path)
    assert SigningKey.load(path).verifier() == key.verifier()


def test_an_unreadable_key_file_is_a_checkpoint_error(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="cannot read"):
        SigningKey.load(tmp_path / "missing.key")
    garbage = tmp_path / "garbage.key"
    garbage.write_text("not a key")
    with pytest.raises(CheckpointError, match="PRIVATE"):
        SigningKey.load(garbage)


def test_a_fingerprint_is_the_sha256_of_the_public_key_and_reads_back_as_typed() -> None:
    verifier = SigningKey.generate("ejournal/fingerprint").verifier()
    digest = hashlib.sha256(verifier.public_key).hexdigest()
    assert verifier.fingerprint == "SHA256:" + " ".join(digest[i : i + 4] for i in range(0, 64, 4))
    assert parse_fingerprint(verifier.fingerprint) == digest
    assert parse_fingerprint(digest.upper()) == digest
    assert parse_fingerprint(":".join(digest[i : i + 2] for i in range(0, 64, 2))) == digest
    assert parse_fingerprint("SHA256:abc") is None
    assert parse_fingerprint(verifier.text) is None


def test_a_new_logs_origin_names_its_installation_and_either_form_names_the_school() -> None:
    assert (
        origin_for("journal.school77.example", "demo") == "journal.school77.example/ejournal/demo"
    )
    assert origin_of("demo") == "ejournal/demo"  # a log from before installations named it
    assert school_of_origin("journal.school77.example/ejournal/demo") == "demo"
    assert school_of_origin("ejournal/demo") == "demo"
    for not_ours in ("demo", "x/ejournal/", "x/ejournal/Demo", "x y/ejournal/demo", "a/b/c"):
        assert school_of_origin(not_ours) is None
    key = SigningKey.generate(origin_for("host-1.local", "school_77"))
    assert VerifierKey.from_text(key.verifier().text).name == "host-1.local/ejournal/school_77"


@pytest.mark.parametrize("name", ["journal.school77.ru", "vm", "host:8000", "a/b"])
def test_an_installation_name_is_checked_by_the_settings(name: str) -> None:
    assert Settings(installation=name, _env_file=None).installation == name


@pytest.mark.parametrize("name", ["", "has space", "plus+sign", "/leading", "trailing/"])
def test_an_installation_name_that_cannot_be_an_origin_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="installation"):
        Settings(installation=name, _env_file=None)


def test_the_default_installation_is_the_host_name_in_origin_characters() -> None:
    name = default_installation()
    assert re.fullmatch(INSTALLATION_PATTERN, name)
    assert Settings(_env_file=None).installation == name


def test_a_key_file_appears_whole_or_not_at_all(tmp_path: Path, key: SigningKey) -> None:
    """Two notaries making a school's first key at once: whoever reads the file reads a whole
    key (it is linked into place once written), and the loser's key is never left behind."""
    path = tmp_path / "keys" / "lyceum68.key"
    seen: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                seen.append(path.read_text())
            except FileNotFoundError:
                continue

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        key.save(path)
        with pytest.raises(FileExistsError):
            SigningKey.generate(ORIGIN).save(path)
    finally:
        stop.set()
        watcher.join()
    assert all(text == key.text + "\n" for text in seen)
    assert sorted(p.name for p in path.parent.iterdir()) == ["lyceum68.key"]
